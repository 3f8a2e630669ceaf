package wasmhost

import "time"

// A guest's linear memory never shrinks: one large exchange (a long
// document for pii) leaves its instance holding the memory that exchange
// needed for as long as the instance lives. An instance whose memory has
// grown past both recycleMinBytes and recycleFactor times what it held
// when it was made is therefore closed after its call, and a fresh one is
// made in the background (Stats.Recycled), at most once per
// recycleInterval per guard, so that a guest whose ordinary working set
// is that large is not re-made call after call.
const (
	recycleMinBytes = 16 << 20
	recycleFactor   = 2
	recycleInterval = time.Second
)

// grown reports whether in's memory has grown enough to be recycled.
func (in *instance) grown() bool {
	size := uint64(in.mem.Size())
	return size >= recycleMinBytes && size > recycleFactor*uint64(in.baseMem)
}

// recycle reports whether in, after a call that left it usable, should
// be closed and replaced, and if so claims this interval's recycling.
func (g *Guard) recycle(in *instance) bool {
	if !in.grown() {
		return false
	}
	every := g.recycleEvery
	if every == 0 {
		every = recycleInterval
	}
	now := time.Now().UnixNano()
	last := g.lastRecycle.Load()
	if last != 0 && now-last < int64(every) {
		return false
	}
	return g.lastRecycle.CompareAndSwap(last, now)
}

// renew closes an instance that grew and adds a fresh one to the pool in
// the background.
func (g *Guard) renew(in *instance) {
	g.recycled.Add(1)
	g.discard(in)
	g.bg.Add(1)
	go func() {
		defer g.bg.Done()
		g.addInstance()
	}()
}
