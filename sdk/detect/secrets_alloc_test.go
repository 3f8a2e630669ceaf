//go:build !race

package detect

import "testing"

// TestSecretsZeroAllocs guards the steady state: a reused dst means no
// allocation per scan.
func TestSecretsZeroAllocs(t *testing.T) {
	for _, with := range []bool{false, true} {
		text := secBenchPrompt(with)
		dst := Secrets(text, nil)
		if n := testing.AllocsPerRun(50, func() { dst = Secrets(text, dst[:0]) }); n != 0 {
			t.Fatalf("secrets=%v: %v allocations per scan, want 0", with, n)
		}
	}
}
