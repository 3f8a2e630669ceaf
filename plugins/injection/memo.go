package injection

import (
	"unsafe"

	"github.com/wardgate/ward/plugins/injection/detector"
)

// A chat API is stateless: every request of a conversation carries the
// whole conversation so far, and an agent loop resends every tool result
// it has had. Without memory the guard would scan a conversation's
// earlier messages again on every turn, so that its cost per request
// grows with the conversation's length and its cost over the
// conversation with the square of it. memo remembers the results of the
// texts this instance scanned last, so that a message seen before is
// compared, not scanned again (a byte compare costs a small fraction of
// a scan).
//
// A hit is an exact match: the text, byte for byte, and how it was
// scanned (as data or not). Where an entry is looked for is a mix of some
// of the text's bytes, but what is found is compared whole, so no text
// can be made to pass for another (a crafted one can only push others
// out, which costs a scan, never a verdict). A Result depends on nothing
// else (the detector and its model are fixed for the life of an
// instance; a reconfigured guard starts with an empty memo), so a hit
// gives the verdict a scan would, and the threshold and action are
// applied to it afresh.
//
// The guard looks up only a request's earlier messages, the history a
// client resends; its last message, the new one, is always scanned (and
// remembered for the next turn). So a request that is one message, or
// the same request sent again, costs a scan as before.
//
// Texts shorter than memoMinText (16 bytes) are scanned every time.
// The copies live in one arena of memoArena bytes, written as a ring and
// allocated at the first text stored. An entry is forgotten when the
// ring has come round to its bytes, or when two newer texts of its set
// (of memoSets, by a mix of its length and some of its bytes) are
// stored. A text over a quarter of the arena is not remembered: it would
// push out most of what is.
//
// Lookups and stores touch one set of memoWays entries, not all of them:
// a loop over every entry costs a dispatch per step in Go's Wasm. A set
// only says where to look; the compare decides.
//
// An instance handles one call at a time, so the memo needs no lock;
// each instance of the guard has its own.
type memo struct {
	arena []byte
	// head is the absolute position (bytes since the first store, gaps
	// included) of the next text: its copy starts at head%memoArena.
	// The bytes of an entry at pos are intact while pos >= head-memoArena.
	head int
	sets [memoSets][memoWays]memoEntry
	// Counters for tests and benchmarks.
	hits, misses int
}

type memoEntry struct {
	pos  int // absolute position of the text's copy
	n    int // its length; 0: the slot is free
	data bool
	res  detector.Result
}

const (
	memoMinText = 16 // set reads 16 bytes at least
	memoArena   = 256 << 10
	memoSetBits = 8
	memoSets    = 1 << memoSetBits
	memoWays    = 2
)

// set returns the set of text (at least memoMinText bytes long) scanned
// as data (or not): a mix of its length and 8-byte words at its start, at
// 16 evenly spaced places and at its end. Texts that differ only between
// those places share a set; they are told apart by the compare.
func (m *memo) set(text string, data bool) *[memoWays]memoEntry {
	p := unsafe.Pointer(unsafe.StringData(text))
	n := len(text)
	word := func(at int) uint64 { return *(*uint64)(unsafe.Add(p, at)) }
	h := uint64(n) * 0x9e3779b97f4a7c15
	if data {
		h = ^h
	}
	h = (h ^ word(0)) * 0xff51afd7ed558ccd
	h = (h ^ word(8)) * 0xff51afd7ed558ccd
	step := (n - 8) / 16
	for i := 1; i <= 16; i++ {
		h = (h ^ word(i*step)) * 0xff51afd7ed558ccd
	}
	return &m.sets[h>>(64-memoSetBits)] // the product's high bits depend on every input bit
}

// lookup returns the remembered result for text scanned as data (or
// not), if there is one.
func (m *memo) lookup(text string, data bool) (detector.Result, bool) {
	if len(text) < memoMinText || len(text) > memoArena/4 {
		return detector.Result{}, false
	}
	if m.arena == nil {
		m.misses++
		return detector.Result{}, false
	}
	set := m.set(text, data)
	for i := range set {
		e := &set[i]
		if e.n == len(text) && e.data == data && e.pos >= m.head-memoArena {
			at := e.pos % memoArena
			if sameBytes(m.arena[at:at+e.n], text) {
				m.hits++
				return e.res, true
			}
		}
	}
	m.misses++
	return detector.Result{}, false
}

// store remembers r as the result of text scanned as data (or not). It
// does nothing for texts lookup would not look for.
func (m *memo) store(text string, data bool, r detector.Result) {
	n := len(text)
	if n < memoMinText || n > memoArena/4 {
		return
	}
	if m.arena == nil {
		m.arena = make([]byte, memoArena)
	}
	at := m.head % memoArena
	if at+n > memoArena {
		// Not enough room before the end: start at the beginning (the
		// skipped bytes count as written).
		m.head += memoArena - at
		at = 0
	}
	copy(m.arena[at:at+n], text)
	// Replace the set's older entry (a free one has n == 0 and pos 0).
	set := m.set(text, data)
	e := &set[0]
	if set[1].pos < e.pos || set[1].n == 0 {
		e = &set[1]
	}
	*e = memoEntry{pos: m.head, n: n, data: data, res: r}
	m.head += n
}

// sameBytes reports whether a and b hold the same bytes (len(a) ==
// len(b)). It compares 32 bytes per step: Go's Wasm port compares
// strings a byte at a time (internal/bytealg's memeqbody), which made
// the memo's compares cost more than a third of a scan.
func sameBytes(a []byte, b string) bool {
	n := len(b)
	if len(a) != n {
		return false
	}
	pa, pb := unsafe.Pointer(unsafe.SliceData(a)), unsafe.Pointer(unsafe.StringData(b))
	i := 0
	for ; i+32 <= n; i += 32 {
		x := *(*uint64)(unsafe.Add(pa, i)) ^ *(*uint64)(unsafe.Add(pb, i))
		x |= *(*uint64)(unsafe.Add(pa, i+8)) ^ *(*uint64)(unsafe.Add(pb, i+8))
		x |= *(*uint64)(unsafe.Add(pa, i+16)) ^ *(*uint64)(unsafe.Add(pb, i+16))
		x |= *(*uint64)(unsafe.Add(pa, i+24)) ^ *(*uint64)(unsafe.Add(pb, i+24))
		if x != 0 {
			return false
		}
	}
	return string(a[i:]) == b[i:]
}
