//go:build !race

package detect

import "testing"

func TestPIIZeroAllocs(t *testing.T) {
	dst := PII(benchPrompt, nil, nil)
	allocs := testing.AllocsPerRun(50, func() {
		dst = PII(benchPrompt, dst[:0], nil)
	})
	if allocs != 0 {
		t.Fatalf("PII with a reused dst: %v allocations per run, want 0", allocs)
	}
}

func BenchmarkPII(b *testing.B) {
	dst := PII(benchPrompt, nil, nil)
	b.SetBytes(int64(len(benchPrompt)))
	b.ReportAllocs()
	for b.Loop() {
		dst = PII(benchPrompt, dst[:0], nil)
	}
}
