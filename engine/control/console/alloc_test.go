//go:build !race

package console

import (
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
)

// TestObserveAllocs: recording a request, allowed or a decision, copies
// into memory made beforehand.
func TestObserveAllocs(t *testing.T) {
	r := NewRecorder(8)
	allowed := rec(time.Millisecond, "llm", 200, "", 30*time.Microsecond, time.Millisecond, allow("auth"), allow("pii"))
	denied := rec(time.Millisecond, "llm", 403, "denylist.match", 30*time.Microsecond, 0, allow("auth"), deny("denylist", "denylist.match", pipeline.Enforce))
	r.ObserveRequest(allowed) // the route's health is made once
	for name, x := range map[string]*proxy.Record{"allowed": allowed, "denied": denied} {
		n := testing.AllocsPerRun(200, func() { r.ObserveRequest(x) })
		if n != 0 {
			t.Errorf("%s: %v allocations per request, want 0", name, n)
		}
	}
}

func BenchmarkObserve(b *testing.B) {
	r := NewRecorder(0)
	allowed := rec(time.Millisecond, "llm", 200, "", 30*time.Microsecond, time.Millisecond, allow("auth"), allow("pii"))
	denied := rec(time.Millisecond, "llm", 403, "denylist.match", 30*time.Microsecond, 0, allow("auth"), deny("denylist", "denylist.match", pipeline.Enforce))
	for _, bc := range []struct {
		name string
		rec  *proxy.Record
	}{{"allowed", allowed}, {"denied", denied}} {
		x := bc.rec
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					r.ObserveRequest(x)
				}
			})
		})
	}
}
