package wasmhost

import "time"

// A pool grows to the concurrency its guard sees (grow) and, without
// this, would keep every instance it ever made: after one burst, a Go
// guest's few MB of linear memory per instance for the life of the guard.
// A guard whose calls have not found the pool empty for shrinkIdle closes
// one idle instance every shrinkTick, down to one, so a pool that a burst
// grew returns to what steady traffic needs (Stats.Shrunk); the next
// burst grows it again. Calls never pay for it: only a call that finds
// every instance busy, which already waits, notes the time (lastBusy).
var (
	shrinkIdle = time.Minute
	shrinkTick = 15 * time.Second
)

// startShrink starts g's shrinking loop; it ends when g closes (Close
// waits for it through g.bg).
func (g *Guard) startShrink() {
	if g.poolSize <= 1 {
		return
	}
	idle, tick := shrinkIdle, shrinkTick
	g.bg.Add(1)
	go func() {
		defer g.bg.Done()
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-g.done:
				return
			case now := <-t.C:
				if now.UnixNano()-g.lastBusy.Load() >= int64(idle) {
					g.shrink()
				}
			}
		}
	}()
}

// shrink closes one idle instance when g has more than one.
func (g *Guard) shrink() {
	if g.closing.Load() || g.made.Load() <= 1 {
		return
	}
	select {
	case in := <-g.pool:
		// made only counts down here, and grows by CAS: one instance
		// always stays.
		if g.made.Load() <= 1 || g.closing.Load() {
			g.pool <- in
			return
		}
		g.made.Add(-1)
		g.shrunk.Add(1)
		g.discard(in)
	default: // every instance busy: not the moment
	}
}
