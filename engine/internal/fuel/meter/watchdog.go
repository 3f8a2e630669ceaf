package meter

import (
	"math"
	"sync"
	"time"
)

// Watchdog is a registry of the live meters of one guard and, once started,
// a goroutine that stops the calls that outlive a wall-time limit. The zero
// value is ready for Add, Remove, Len and KillAll; Start starts the
// goroutine and Stop stops it. All methods are safe for concurrent use,
// except that Start must be called at most once and not concurrently with
// Stop.
type Watchdog struct {
	mu   sync.Mutex
	live map[*Meter]struct{}

	stopOnce sync.Once
	stop     chan struct{} // nil until Start
	done     chan struct{} // closed when the goroutine has returned
}

// Add registers m; m must have been initialised.
func (w *Watchdog) Add(m *Meter) {
	w.mu.Lock()
	if w.live == nil {
		w.live = map[*Meter]struct{}{}
	}
	w.live[m] = struct{}{}
	w.mu.Unlock()
}

// Remove forgets m.
func (w *Watchdog) Remove(m *Meter) {
	w.mu.Lock()
	delete(w.live, m)
	w.mu.Unlock()
}

// Len returns the number of registered meters.
func (w *Watchdog) Len() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.live)
}

// Start starts the goroutine, which stops (KillWatchdog) the calls that ran
// for more than after in wall time and burnt at least 1% of budget fuel
// units, by setting their fuel to -1. It ticks every after/10, clamped to
// [1 ms, 5 ms]. The guest's fuel check is a read-modify-write, so a store
// can be lost: while a call is overdue the store is repeated every 200 µs
// until the call returns.
func (w *Watchdog) Start(after time.Duration, budget int64) {
	w.stop = make(chan struct{})
	w.done = make(chan struct{})
	go w.run(int64(after), budget)
}

// Stop stops the goroutine started by Start and waits for it to return. It
// is a no-op when Start was not called, and idempotent.
func (w *Watchdog) Stop() {
	if w.stop == nil {
		return
	}
	w.stopOnce.Do(func() { close(w.stop) })
	<-w.done
}

func (w *Watchdog) run(after, budget int64) {
	defer close(w.done)
	tick := min(max(time.Duration(after)/10, time.Millisecond), 5*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	var live []*Meter
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
		for {
			live = w.snapshot(live[:0])
			now := Now()
			overdue := false
			for _, m := range live {
				if m.KillIfOverdue(now, after, budget, KillWatchdog) {
					overdue = true
				}
			}
			clear(live)
			if !overdue {
				break
			}
			select {
			case <-w.stop:
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}
}

// KillAll stops (KillClose) every watched call in flight, every 200 µs,
// until done reports true; done is checked before each pass.
func (w *Watchdog) KillAll(done func() bool) {
	var live []*Meter
	for !done() {
		live = w.snapshot(live[:0])
		for _, m := range live {
			m.KillIfOverdue(math.MaxInt64, 0, 0, KillClose)
		}
		clear(live)
		time.Sleep(200 * time.Microsecond)
	}
}

func (w *Watchdog) snapshot(dst []*Meter) []*Meter {
	w.mu.Lock()
	for m := range w.live {
		dst = append(dst, m)
	}
	w.mu.Unlock()
	return dst
}
