//go:build !race

package incident

import (
	"context"
	"testing"

	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/state"
)

// TestHotPathAllocs: what the proxy calls on every request allocates
// nothing, with and without quarantines in force.
func TestHotPathAllocs(t *testing.T) {
	st := state.NewMemory(state.MemoryOptions{})
	defer st.Close()
	m := newManager(t, st, nil, nil, nil)
	ann := subject("alice")
	ok := &proxy.Record{Route: "llm", Status: 200, Annotations: ann}
	check := func(name string) {
		if n := testing.AllocsPerRun(1000, func() {
			m.RefuseIP("198.51.100.7")
			m.RefuseIdentity(ann)
			m.ObserveRequest(ok)
		}); n != 0 {
			t.Errorf("%s: %v allocations per request", name, n)
		}
	}
	check("no quarantines")
	for range 3 {
		m.countNow(context.Background(), "llm", "injection.detected", "r", subject("mallory"))
	}
	if !m.RefuseIdentity(subject("mallory")) {
		t.Fatal("mallory not quarantined")
	}
	check("one quarantine")
}

func BenchmarkGate(b *testing.B) {
	for _, quarantined := range []int{0, 1} {
		b.Run(map[int]string{0: "none", 1: "one"}[quarantined], func(b *testing.B) {
			st := state.NewMemory(state.MemoryOptions{})
			defer st.Close()
			m := newManager(b, st, nil, nil, nil)
			for range 3 * quarantined {
				m.countNow(context.Background(), "llm", "injection.detected", "r", subject("mallory"))
			}
			ann := subject("alice")
			ok := &proxy.Record{Route: "llm", Status: 200, Annotations: ann}
			b.ReportAllocs()
			for b.Loop() {
				m.RefuseIP("198.51.100.7")
				m.RefuseIdentity(ann)
				m.ObserveRequest(ok)
			}
		})
	}
}
