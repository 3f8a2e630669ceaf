// Package memo remembers what a guard found in the texts it scanned last,
// so that a text that comes back is compared instead of scanned again.
//
// A chat API is stateless: every request of a conversation carries the
// whole conversation so far, and an agent loop resends every tool result
// it has had. A guard that scans every message would scan the history
// again on every turn, so that its cost per request grows with the
// conversation's length and its cost over the conversation with the
// square of it. An instance of a guard lives across many requests and
// handles one call at a time, so it can keep a Memo: look up a request's
// earlier messages, scan what is not found, and store what was scanned.
// Always scanning a request's last message (the new one) keeps a request
// of one message, or the same request sent again, at the cost of a scan.
//
// A hit is an exact match: the text, byte for byte, and the flag it was
// stored with (say, whether it was scanned as data). Where an entry is
// looked for is a mix of some of the text's bytes, but what is found is
// compared whole, so no text can be made to pass for another: a text
// crafted to share a set can only push others out, which costs a scan,
// never a verdict. What is stored must therefore depend on the text and
// the flag alone (and on configuration: a guard configured again starts
// with a new Memo).
//
// Texts of MinText bytes to MaxText are remembered. Their copies live in
// one arena of Arena bytes, written as a ring and allocated at the first
// store. An entry is forgotten when the ring has come round to its bytes,
// or when four newer texts of its set (of 256, by a mix of its length and
// some of its bytes) are stored. Lookups and stores touch one set of four
// entries, not all of them: a loop over every entry costs a dispatch per
// step in Go's Wasm. (With two entries a set, 180 texts of a conversation
// left 7 sets over-full.)
//
// A Memo is not safe for concurrent use: one per guard instance.
package memo

import "unsafe"

const (
	// MinText is the shortest text remembered (the set reads 16 bytes).
	MinText = 16
	// Arena is the bytes of text copies a Memo holds.
	Arena = 256 << 10
	// MaxText is the longest text remembered: a quarter of the arena
	// (a longer one would push out most of what is there).
	MaxText = Arena / 4

	setBits = 8
	sets    = 1 << setBits
	ways    = 4
)

// Memo holds the values stored for the texts stored last. The zero value
// is empty and ready to use.
type Memo[V any] struct {
	arena []byte
	// head is the absolute position (bytes since the first store, gaps
	// included) of the next text: its copy starts at head%Arena. The
	// bytes of an entry at pos are intact while pos >= head-Arena.
	head int
	sets [sets][ways]entry[V]
	// hits and misses count lookups of texts of a remembered length.
	hits, misses int
}

type entry[V any] struct {
	pos  int // absolute position of the text's copy
	n    int // its length; 0: the slot is free
	flag bool
	v    V
}

// set returns the set of text (MinText bytes or more) stored with flag: a
// mix of its length and 8-byte words at its start, at 16 evenly spaced
// places and at its end. Texts that differ only between those places
// share a set; they are told apart by the compare.
func (m *Memo[V]) set(text string, flag bool) *[ways]entry[V] {
	p := unsafe.Pointer(unsafe.StringData(text))
	n := len(text)
	word := func(at int) uint64 { return *(*uint64)(unsafe.Add(p, at)) }
	h := uint64(n) * 0x9e3779b97f4a7c15
	if flag {
		h = ^h
	}
	h = (h ^ word(0)) * 0xff51afd7ed558ccd
	h = (h ^ word(8)) * 0xff51afd7ed558ccd
	step := (n - 8) / 16
	for i := 1; i <= 16; i++ {
		h = (h ^ word(i*step)) * 0xff51afd7ed558ccd
	}
	return &m.sets[h>>(64-setBits)] // the product's high bits depend on every input bit
}

// Lookup returns the value stored for text with flag, if it is still
// remembered.
func (m *Memo[V]) Lookup(text string, flag bool) (v V, ok bool) {
	if len(text) < MinText || len(text) > MaxText {
		return v, false
	}
	if m.arena == nil {
		m.misses++
		return v, false
	}
	if e := m.find(m.set(text, flag), text, flag); e != nil {
		m.hits++
		return e.v, true
	}
	m.misses++
	return v, false
}

// find returns the entry of set that holds text with flag, or nil.
func (m *Memo[V]) find(set *[ways]entry[V], text string, flag bool) *entry[V] {
	for i := range set {
		e := &set[i]
		if e.n == len(text) && e.flag == flag && e.pos >= m.head-Arena {
			at := e.pos % Arena
			if sameBytes(m.arena[at:at+e.n], text) {
				return e
			}
		}
	}
	return nil
}

// Store remembers v for text with flag, in place of what was stored for
// it before. It does nothing for a text shorter than MinText or longer
// than MaxText.
func (m *Memo[V]) Store(text string, flag bool, v V) {
	n := len(text)
	if n < MinText || n > MaxText {
		return
	}
	if m.arena == nil {
		m.arena = make([]byte, Arena)
	}
	at := m.head % Arena
	if at+n > Arena {
		// Not enough room before the end: start at the beginning (the
		// skipped bytes count as written).
		m.head += Arena - at
		at = 0
	}
	// The entry of the same text if the set has it (a request may carry
	// a text twice), else a free entry, else the oldest.
	set := m.set(text, flag)
	e := m.find(set, text, flag)
	if e == nil {
		e = &set[0]
		for i := range set {
			if set[i].n == 0 {
				e = &set[i]
				break
			}
			if set[i].pos < e.pos {
				e = &set[i]
			}
		}
	}
	copy(m.arena[at:at+n], text)
	*e = entry[V]{pos: m.head, n: n, flag: flag, v: v}
	m.head += n
}

// Stats returns the lookups of remembered lengths that found their text
// and those that did not.
func (m *Memo[V]) Stats() (hits, misses int) { return m.hits, m.misses }

// sameBytes reports whether a and b hold the same bytes. It compares 32
// bytes per step: Go's Wasm port compares strings a byte at a time
// (internal/bytealg's memeqbody), which made the injection guard's
// compares of a 16-turn conversation cost a quarter of its time.
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
