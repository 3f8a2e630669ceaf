package audit

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// countWriter discards what it is given.
type countWriter struct {
	mu sync.Mutex
	n  int64
}

func (w *countWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.n += int64(len(p))
	w.mu.Unlock()
	return len(p), nil
}

// BenchmarkWriter measures the writer goroutine's throughput (records/s):
// encode, queue, chain (SHA-256), seal (AES-256-GCM) and mask, as the
// requests' goroutines see it when the queue never fills (the queue is as
// large as the run, the time includes draining it on Close).
//
//	go test -run - -bench Writer -benchtime 200000x ./engine/control/audit
func BenchmarkWriter(b *testing.B) {
	keys, _ := ParseKeys("k:" + testKey(1))
	prompt := []abi.Message{
		{Role: "system", Text: "You are a helpful assistant for the finance team."},
		{Role: "user", Text: strings.Repeat("Please summarise the quarterly numbers for the board, in three bullet points. ", 6)},
	}
	answer := []abi.Message{{Role: "assistant", Text: strings.Repeat("Revenue grew 4% while costs stayed flat. ", 8)}}
	for _, c := range []struct {
		name    string
		keys    *Keyring
		prompts bool
		file    bool
	}{
		{"plain", nil, false, false},
		{"sealed", keys, false, false},
		{"plain-file", nil, false, true},
		{"sealed-file", keys, false, true},
		{"prompts-masked", nil, true, false},
		{"prompts-masked-sealed", keys, true, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := sampleRecord()
			if c.prompts {
				r.Prompt, r.Answer = prompt, answer
			}
			o := Options{W: &countWriter{}, Keys: c.keys, Prompts: c.prompts, Buffer: b.N + 16}
			if c.file {
				f, err := OpenRotating(filepath.Join(b.TempDir(), "audit.log"), 64<<20, 2)
				if err != nil {
					b.Fatal(err)
				}
				o.W = f
			}
			l := New(o)
			b.ReportAllocs()
			cpu0 := guesttest.ProcessCPU()
			b.ResetTimer()
			for range b.N {
				l.ObserveRequest(r)
			}
			l.Close()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			// CPU time (process user+system) per record: what a record
			// costs on a machine shared with other work, where wall time
			// says more about the neighbours.
			b.ReportMetric(float64(guesttest.ProcessCPU()-cpu0)/float64(b.N), "cpu-ns/record")
		})
	}
}
