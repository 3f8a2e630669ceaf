package output

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// Verbatim runs of the system prompt in an answer are found with word
// shingles: the system prompt's words are normalised (lower case, letters
// and digits only: punctuation, white space, markup and quote styles do
// not matter) and every run of k consecutive words is hashed into a set;
// the answer's words are hashed the same way with a rolling hash, and each
// k-word window found in the set marks those words as quoted. Overlapping
// windows merge, so a run of n >= k quoted words is one finding.
//
// The set is of the exchange's own system messages as the model received
// them, the canary the request phase appended included (building it costs
// a few microseconds per KB), and is kept for the next calls with the same
// system messages (load): every chunk of a stream and the other requests
// with that system prompt. The canary, which differs per request, is left
// out of the kept set; the windows that hold its words are added per
// exchange on the side (loadCanary).
// Hashes are 64 bits: a false match needs a collision between two
// specific k-word windows, about 2^-64 each.

const (
	minRunWords = 4
	maxRunWords = 64
	ringMask    = maxRunWords - 1
	// shingleBase is the multiplier of the rolling hash (odd, so that
	// multiplication is invertible modulo 2^64).
	shingleBase = 0x9E3779B97F4A7C15

	// promptCacheEntries is how many system prompts' sets an instance
	// keeps (the least recently used is rebuilt for a new one), and
	// maxCachedPrompt the most bytes of system text one of them may have:
	// a longer prompt is indexed on every call, as if uncached, so that
	// the cache holds at most about 4 x 64 KiB of text and 4 x 128 KiB of
	// table per instance.
	promptCacheEntries = 4
	maxCachedPrompt    = 64 << 10
)

// promptIndex is the shingle set of one exchange's system prompt, with
// the sets of the last few system prompts. Not safe for concurrent use.
type promptIndex struct {
	k   int
	pow uint64 // shingleBase^(k-1)

	// The set in use: the table of one of the cache's entries (the
	// fields are copied here so that the loops read them from p).
	table []uint64 // open addressing: window hash, generation in the low byte
	n     int      // shingles in table
	gen   uint64   // 1-255: the low byte of this set's entries
	cur   int      // the cache entry the set is in

	cache [promptCacheEntries]promptSet
	tick  uint64 // counts loads, for the cache's recency

	// The shingles that hold a word of the exchange's canary (loadCanary),
	// kept out of the cached set: a small table probed as table is,
	// emptied by every load. xn counts them.
	xtab [8]uint64
	xn   int

	// Per walk: the words read, where the last k-1 begin, the current
	// run and the runs found.
	nwords, tailStart                   int
	runStart, runEnd, runFirst, runLast int
	found                               []span
}

// promptSet is one cached set: the system texts it was built from, in
// full (compared byte for byte, never by hash alone), and its table.
type promptSet struct {
	key   []byte   // the texts, each as u32 length + bytes; nil: reusable by no exchange
	valid bool     // key is set (an empty key is the set of no system text)
	table []uint64 // see promptIndex.table
	n     int
	gen   uint64
	used  uint64 // promptIndex.tick at its last load
	// For loadCanary: tail is where the last k-1 words of text tailOf-1
	// begin, and words how many words it has (tailOf 0: not worked out
	// since the set was built).
	tail, words, tailOf int
}

// load makes the set that of texts, the system messages of an exchange in
// order: a cached set built from the same texts (compared in full) when
// there is one, else it builds the set in the least recently used entry.
func (p *promptIndex) load(texts []string) {
	p.tick++
	p.xn = 0
	size := 0
	for _, t := range texts {
		size += 4 + len(t)
	}
	for i := range p.cache {
		e := &p.cache[i]
		if e.valid && len(e.key) == size && sameTexts(e.key, texts) {
			e.used = p.tick
			p.use(i)
			return
		}
	}
	lru := 0
	for i := range p.cache {
		if p.cache[i].used < p.cache[lru].used {
			lru = i
		}
	}
	e := &p.cache[lru]
	e.used, e.valid, e.key, e.tailOf = p.tick, false, e.key[:0], 0
	p.use(lru)
	words := 0
	for _, t := range texts {
		words += len(t)/2 + 1 // at most one word per two bytes
	}
	p.reset(words)
	for _, t := range texts {
		p.add(t)
	}
	p.save()
	if size <= maxCachedPrompt {
		for _, t := range texts {
			e.key = binary.LittleEndian.AppendUint32(e.key, uint32(len(t)))
			e.key = append(e.key, t...)
		}
		e.valid = true
	}
}

// loadCanary is load for system texts of which texts[i] is the message
// the request phase appended the canary to, without it, and full that
// message with it, as the model received it: the set is the one load
// would make of the texts with full in place of texts[i], but the cache
// is keyed by, and its set built from, the texts without the canary, which
// differs per request, so that the requests with the same system prompt
// share a set. The shingles that hold a word of the canary are kept aside
// for this exchange (xtab). They are the windows of full from the start of
// the last k-1 words of texts[i] (the canary's "\n\n[" separates it from
// the text's last word); windows that start earlier are in the set. The
// canary is two words ("ward" and the token): with fewer than k-2 words
// before it, no window holds it.
func (p *promptIndex) loadCanary(texts []string, i int, full string) {
	p.load(texts)
	e := &p.cache[p.cur]
	if e.tailOf != i+1 {
		e.tail, e.words = lastWordsStart(texts[i], p.k-1)
		e.tailOf = i + 1
	}
	if e.words+canaryWords < p.k {
		return
	}
	// add, with xtab as the table.
	table, n := p.table, p.n
	clear(p.xtab[:])
	p.table = p.xtab[:]
	p.add(full[e.tail:])
	p.xn = p.n - n
	p.table, p.n = table, n
}

// canaryWords is the number of words the request phase appends with the
// canary: "ward" (of "[ward:") and the token (a digit and letters).
const canaryWords = 2

// lastWordsStart returns where the last m words of s begin, or 0 when s
// has fewer, and the number of words of s. It reads rune by rune
// (slowNext), which is what a set built once costs.
func lastWordsStart(s string, m int) (start, words int) {
	var starts [ringMask + 1]int
	n := 0
	for i := 0; ; n++ {
		w, next, ok := slowNext(s, i)
		if !ok {
			break
		}
		starts[n&ringMask], i = w.start, next
	}
	if n < m || m == 0 {
		return 0, n
	}
	return starts[(n-m)&ringMask], n
}

// inExtra reports whether the window hash hk (generation included) is
// one of the canary's shingles (xtab), probed as the table is.
func (p *promptIndex) inExtra(hk uint64) bool {
	t := int(hk*0xff51afd7ed558ccd>>32) & (len(p.xtab) - 1)
	for p.xtab[t]&0xff == p.gen && p.xtab[t] != hk {
		t = (t + 1) & (len(p.xtab) - 1)
	}
	return p.xtab[t] == hk
}

// sameTexts reports whether key (of the same length as their encoding)
// encodes texts.
func sameTexts(key []byte, texts []string) bool {
	for _, t := range texts {
		if len(key) < 4 || binary.LittleEndian.Uint32(key) != uint32(len(t)) || !sameBytes(bstr(key[4:4+len(t)]), t) {
			return false
		}
		key = key[4+len(t):]
	}
	return len(key) == 0
}

// sameBytes reports whether a and b, of the same length, are equal,
// eight bytes at a time: Go's string comparison inside Wasm (memeqbody)
// takes a loop turn per byte, and load compares whole system prompts.
func sameBytes(a, b string) bool {
	n := len(a)
	if n < 8 {
		return load64(a, 0) == load64(b, 0)
	}
	pa, pb := unsafe.Pointer(unsafe.StringData(a)), unsafe.Pointer(unsafe.StringData(b))
	for i := 0; i < n-8; i += 8 {
		if *(*uint64)(unsafe.Add(pa, i)) != *(*uint64)(unsafe.Add(pb, i)) {
			return false
		}
	}
	// The last word overlaps the one before.
	return *(*uint64)(unsafe.Add(pa, n-8)) == *(*uint64)(unsafe.Add(pb, n-8))
}

// use makes entry i's set the one in use.
func (p *promptIndex) use(i int) {
	e := &p.cache[i]
	p.cur, p.table, p.n, p.gen = i, e.table, e.n, e.gen
}

// save stores the set in use back into its entry, after reset and add.
func (p *promptIndex) save() {
	e := &p.cache[p.cur]
	e.table, e.n, e.gen = p.table, p.n, p.gen
}

// word is a normalised word: its hash and bytes [start, end) in the text.
type word struct {
	h          uint64
	start, end int
}

func newPromptIndex(k int) *promptIndex {
	p := &promptIndex{k: k, pow: 1}
	for range k - 1 {
		p.pow *= shingleBase
	}
	return p
}

// reset empties the set in use for a new prompt; words is an upper bound
// of the number of words the prompt will add. Entries carry the
// generation of the prompt in their low byte, so emptying the table is
// bumping the generation (clearing 8+ KB per call would cost a few
// microseconds in Wasm); the table is cleared once every 255 prompts.
// load calls it; tests build a set with reset and add alone.
func (p *promptIndex) reset(words int) {
	size := 64
	for size < 2*words {
		size <<= 1
	}
	if p.gen++; p.gen > 0xff {
		p.gen = 1
		clear(p.table[:cap(p.table)])
	}
	if cap(p.table) < size {
		p.table = make([]uint64, size)
	}
	p.table = p.table[:size]
	p.n = 0
}

func (p *promptIndex) empty() bool { return p.n == 0 && p.xn == 0 }

// find appends to dst the runs of at least k words of s that occur
// verbatim (after normalisation) in the prompt. hold is, for a text that
// more will follow (not final), how many bytes at the end must wait: the
// last k words (the last one may be cut; with the next text the others
// could complete a window), or the whole of a run that reaches the last
// word of s.
func (p *promptIndex) find(s string, final bool, dst []span) (_ []span, hold int) {
	p.found, p.runStart = dst, -1
	p.walkFind(s)
	n := p.nwords
	open := p.runStart >= 0 && p.runLast == n-1
	p.flush()
	dst, p.found = p.found, nil
	switch {
	case final || n == 0:
		return dst, 0
	case open:
		// The next text may continue the run.
		return dst, len(s) - dst[len(dst)-1].start
	}
	return dst, len(s) - p.tailStart
}

// add hashes the shingles of s into the set (shingles do not cross
// texts).
//
// add and walkFind share their word loop (see words.go), written twice
// on purpose: in Go's Wasm code generation a call per word, a word kept
// in a struct, the state kept in fields of p or one more live variable
// (a flag choosing between adding and finding, a slice collecting the
// words for tests) each cost 15-40% of the loop, so each loop keeps only
// what it needs in locals. TestPromptReference checks both against a
// plain implementation. ASCII is read eight bytes at a time; a block with
// a non-ASCII byte goes through slowNext, a word reaching the end of its
// block through longWord.
func (p *promptIndex) add(s string) {
	k, pow, table, gen := p.k, p.pow, p.table, p.gen
	mask := len(table) - 1
	var ring [ringMask + 1]uint64 // hashes of the last words
	var h uint64
	n := 0 // words read; word n goes to ring slot n&ringMask
	for i := 0; i < len(s); {
		var wh uint64
		var ws int
		x := load64(s, i)
		if x&highs != 0 {
			w, next, ok := slowNext(s, i)
			if !ok {
				break
			}
			wh, ws, i = w.h, w.start, next
		} else {
			m, low := wordBits(x)
			if m == 0 {
				i += 8
				continue
			}
			z := bits.TrailingZeros64(m) >> 3
			ws = i + z
			mm, ll := m>>(8*z), low>>(8*z)
			if e := bits.TrailingZeros64(^mm&highs) >> 3; e < 8-z {
				// The word ends inside this block.
				wh, i = finishWord(mixChunk(wordSeed, ll&(1<<(8*e)-1)), e), ws+e
			} else {
				wh, i = longWord(s, ws)
			}
		}
		h -= ring[(n-k)&ringMask] * pow // 0 until the ring has k words
		ring[n&ringMask] = wh
		h = h*shingleBase + wh
		n++
		if n < k {
			continue
		}
		hk := h&^0xff | gen
		t := int(hk*0xff51afd7ed558ccd>>32) & mask
		for table[t]&0xff == gen && table[t] != hk {
			t = (t + 1) & mask
		}
		if table[t] != hk {
			table[t] = hk
			p.n++
		}
	}
}

// walkFind looks every k-word window of s up in the set; the windows
// found go to p.hit, which merges them into runs.
func (p *promptIndex) walkFind(s string) {
	k, pow, gen, xn := p.k, p.pow, p.gen, p.xn
	// The table's length is a power of two and t is masked with it: the
	// probes load unchecked (see listMatcher.scan).
	mask := len(p.table) - 1
	tp := unsafe.Pointer(unsafe.SliceData(p.table))
	var ring [ringMask + 1]uint64 // hashes of the last words
	var starts [ringMask + 1]int  // and their starts
	var h uint64
	n := 0 // words read; word n goes to ring slot n&ringMask
	for i := 0; i < len(s); {
		var wh uint64
		var ws int
		x := load64(s, i)
		if x&highs != 0 {
			w, next, ok := slowNext(s, i)
			if !ok {
				break
			}
			wh, ws, i = w.h, w.start, next
		} else {
			m, low := wordBits(x)
			if m == 0 {
				i += 8
				continue
			}
			z := bits.TrailingZeros64(m) >> 3
			ws = i + z
			mm, ll := m>>(8*z), low>>(8*z)
			if e := bits.TrailingZeros64(^mm&highs) >> 3; e < 8-z {
				// The word ends inside this block.
				wh, i = finishWord(mixChunk(wordSeed, ll&(1<<(8*e)-1)), e), ws+e
			} else {
				wh, i = longWord(s, ws)
			}
		}
		h -= ring[(n-k)&ringMask] * pow // 0 until the ring has k words
		ring[n&ringMask], starts[n&ringMask] = wh, ws
		h = h*shingleBase + wh
		n++
		if n < k {
			continue
		}
		hk := h&^0xff | gen
		t := int(hk*0xff51afd7ed558ccd>>32) & mask
		e := *(*uint64)(unsafe.Add(tp, t*8))
		for e&0xff == gen && e != hk {
			t = (t + 1) & mask
			e = *(*uint64)(unsafe.Add(tp, t*8))
		}
		if e == hk || xn != 0 && p.inExtra(hk) {
			p.hit(n, starts[(n-k)&ringMask], i)
		}
	}
	p.nwords = n
	// The last k words: k-1 whole ones and the last, which the next text
	// may continue.
	p.tailStart = starts[(n-min(n, k))&ringMask]
}

// longWord reads a word that starts at ws and reaches the end of its
// 8-byte block, in chunks from its first byte, and returns its hash and
// end.
func longWord(s string, ws int) (uint64, int) {
	h := uint64(wordSeed)
	for j := ws; ; {
		x := load64(s, j)
		m, low := wordBits(x)
		e := bits.TrailingZeros64(^m&highs) >> 3
		if x&highs != 0 && bits.TrailingZeros64(x&highs)>>3 <= e {
			w, _, _ := slowWord(s, ws)
			return w.h, w.end
		}
		if e == 8 {
			h = mixChunk(h, low)
			j += 8
			continue
		}
		if e > 0 {
			h = mixChunk(h, low&(1<<(8*e)-1))
		}
		return finishWord(h, j+e-ws), j + e
	}
}

// hit records that the window of the n words read so far, bytes [start,
// end), was found: it extends the current run or starts a new one.
func (p *promptIndex) hit(n, start, end int) {
	first := n - p.k // index of the window's first word, which starts at start
	if p.runStart >= 0 && first <= p.runLast {
		p.runEnd, p.runLast = end, n-1
		return
	}
	p.flush()
	p.runStart, p.runEnd, p.runFirst, p.runLast = start, end, first, n-1
}

// flush appends the current run, if any, to p.found.
func (p *promptIndex) flush() {
	if p.runStart >= 0 {
		p.found = append(p.found, span{class: classPrompt, start: p.runStart, end: p.runEnd, words: p.runLast - p.runFirst + 1})
		p.runStart = -1
	}
}
