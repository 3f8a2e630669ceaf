package guesttest

import (
	"slices"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// Latencies collects the durations of single calls in a benchmark, so
// that it can report percentiles besides the mean time/op.
type Latencies struct{ d []time.Duration }

// Add records one call's duration; beyond 65536 calls it keeps the first.
func (l *Latencies) Add(d time.Duration) {
	if l.d == nil {
		l.d = make([]time.Duration, 0, 1<<16)
	}
	if len(l.d) < cap(l.d) {
		l.d = append(l.d, d)
	}
}

// Report adds the median ("p50-ns") and 99th percentile ("p99-ns") of the
// recorded calls to b's results.
func (l *Latencies) Report(b *testing.B) {
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	b.ReportMetric(float64(l.d[len(l.d)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(l.d[len(l.d)*99/100].Nanoseconds()), "p99-ns")
}

// BenchCall calls export with in once per benchmark iteration, decoding
// the verdict it returns, and reports per-call percentiles (Latencies).
func (g *Guest) BenchCall(b *testing.B, export string, in []byte) {
	var v abi.Verdict
	var lat Latencies
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		out, err := g.Call(export, in)
		lat.Add(time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if out != nil {
			if err := abi.DecodeVerdict(out, &v); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.StopTimer()
	lat.Report(b)
}
