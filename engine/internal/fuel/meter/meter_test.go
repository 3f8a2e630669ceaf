package meter

import (
	"sync/atomic"
	"testing"
	"time"
)

// global is a fuel global in host memory; it is safe for concurrent use
// like wazero's.
type global struct{ v atomic.Uint64 }

func (g *global) Get() uint64  { return g.v.Load() }
func (g *global) Set(v uint64) { g.v.Store(v) }

func TestKillIfOverdue(t *testing.T) {
	const budget = 1_000_000
	tests := []struct {
		name    string
		elapsed int64 // ns since Begin; -1 = no call
		fuel    int64
		reason  int32
		kill    bool
	}{
		{"idle", -1, budget / 2, KillWatchdog, false},
		{"not overdue", 50, budget / 2, KillWatchdog, false},
		{"exactly due", 100, budget / 2, KillWatchdog, false},
		{"overdue, burnt 2%", 200, budget - budget/50, KillWatchdog, true},
		{"overdue, burnt exactly 1%", 200, budget - budget/100, KillWatchdog, true},
		{"overdue, burnt 0.5% (stalled)", 200, budget - budget/200, KillWatchdog, false},
		{"close, burnt nothing", 200, budget, KillClose, true},
		{"close, idle", -1, budget, KillClose, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := &global{}
			var m Meter
			m.Init(g)
			now := Now() + int64(time.Second)
			if tc.elapsed >= 0 {
				m.Begin(tc.fuel)
				now = m.Started() + tc.elapsed
			} else {
				m.Set(tc.fuel)
			}
			if got := m.KillIfOverdue(now, 100, budget, tc.reason); got != tc.kill {
				t.Fatalf("killed = %v, want %v", got, tc.kill)
			}
			f := int64(g.Get())
			switch {
			case tc.kill && (f != -1 || !m.OutOfFuel() || m.Killed() != tc.reason):
				t.Fatalf("after kill: fuel %d reason %d", f, m.Killed())
			case !tc.kill && (f != tc.fuel || m.OutOfFuel() || m.Killed() != KillNone):
				t.Fatalf("not killed but fuel %d reason %d", f, m.Killed())
			}
			want := int32(KillNone)
			if tc.kill {
				want = tc.reason
			}
			if r := m.TakeKilled(); r != want || m.Killed() != KillNone {
				t.Fatalf("TakeKilled = %d then %d, want %d then none", r, m.Killed(), want)
			}
			m.End()
			if m.Started() != 0 {
				t.Fatalf("Started after End = %d", m.Started())
			}
		})
	}
}

func TestNoGlobal(t *testing.T) {
	var m Meter
	m.Set(5)
	m.Begin(5)
	if m.Enabled() || m.OutOfFuel() || m.KillIfOverdue(1<<62, 0, 5, KillClose) {
		t.Fatal("a meter without a global must be inert")
	}
	m.End()
}

func TestBeginAllocs(t *testing.T) {
	var m Meter
	m.Init(&global{})
	if n := testing.AllocsPerRun(100, func() { m.Begin(10); m.End() }); n != 0 {
		t.Fatalf("Begin/End allocate %v times", n)
	}
}

// TestWatchdog: an overdue call that burns fuel is stopped within a few
// ticks, a stalled one (no fuel burnt) is not, and KillAll stops any.
func TestWatchdog(t *testing.T) {
	const budget = 1_000_000
	var w Watchdog
	burning, stalled := &global{}, &global{}
	var mb, ms Meter
	mb.Init(burning)
	ms.Init(stalled)
	w.Add(&mb)
	w.Add(&ms)
	if w.Len() != 2 {
		t.Fatalf("Len = %d", w.Len())
	}
	w.Start(2*time.Millisecond, budget)
	defer w.Stop()
	mb.Begin(budget)
	ms.Begin(budget)
	burning.Set(budget / 2)
	deadline := time.Now().Add(2 * time.Second)
	for !mb.OutOfFuel() {
		if time.Now().After(deadline) {
			t.Fatal("the watchdog did not stop the burning call")
		}
		time.Sleep(time.Millisecond)
	}
	if mb.Killed() != KillWatchdog {
		t.Fatalf("reason = %d", mb.Killed())
	}
	time.Sleep(20 * time.Millisecond)
	if ms.OutOfFuel() {
		t.Fatal("the watchdog stopped a stalled call")
	}
	mb.End()
	w.Stop() // else the watchdog may record its own reason over KillAll's
	passes := 0
	w.KillAll(func() bool { passes++; return ms.OutOfFuel() })
	if ms.Killed() != KillClose || passes < 2 {
		t.Fatalf("KillAll: reason %d after %d passes", ms.Killed(), passes)
	}
	ms.End()
	w.Remove(&mb)
	w.Remove(&ms)
	if w.Len() != 0 {
		t.Fatalf("Len = %d after Remove", w.Len())
	}
	w.Stop()
	w.Stop() // idempotent
	var unstarted Watchdog
	unstarted.Stop()
}
