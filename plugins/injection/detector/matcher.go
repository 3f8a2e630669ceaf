package detector

import (
	"errors"
	"slices"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// matcher finds every occurrence of a fixed set of keywords in one pass:
// an Aho-Corasick automaton compiled to a dense DFA over byte classes
// (bytes in no keyword share class 0), with 16-bit states. Keywords are
// matched against normalised text, so they are lower case.
//
// A keyword has word-boundary rules: when its first rune is a letter or
// digit of a script written with spaces, the rune before the match must
// not be a letter or digit; likewise after the match unless the keyword
// is a stem (written with a trailing '*' in the tables). Keywords in Han,
// kana and Hangul match anywhere: those scripts do not separate words.
//
// A matcher is immutable after newMatcher and safe for concurrent use.
type matcher struct {
	k      int32
	class  [256]uint8
	delta  []uint16 // delta[state*k+class] = next state, | hasOut if it has outputs
	outIdx []int32  // outputs of state s: outs[outIdx[s]:outIdx[s+1]]
	outs   []int32
	kw     []keyword
	// The trie delta was expanded from (see newMatcher): per state its
	// first child, next sibling and the class of the byte that leads to
	// it. appendTable writes it into dfa.bin.
	child, sibling []uint16
	via            []uint8
	// kwInfo is per keyword what appendOutputs reads of it: its length
	// << infoLen | the info flags (one load rather than kw's string
	// header and flags).
	kwInfo []uint32
	// predGap is the gap of the keywords marked infoAfterPred, predClass
	// the class of those marked infoPred (see there; set by indexRules,
	// when hasPred).
	predGap   int32
	predClass uint8
	hasPred   bool
	maxLen    int // the longest keyword's length (bytes)
	maxOuts   int // the most outputs of a state
}

const (
	infoStem      = 1 // keyword.stem
	infoWordStart = 2 // keyword.wordStart
	// infoAfterPred: the keyword's hit is kept only when it starts at
	// most predGap bytes after the end of the last kept hit of a keyword
	// marked infoPred (not before it). indexRules marks them where a hit
	// failing that can do nothing (the rules' eval would skip it): "the"
	// (cThe) after "what is" (cWhat), so that the ~70 hits of "the" in
	// 2 KB of English are not evaluated.
	infoAfterPred = 4
	infoPred      = 8
	infoLen       = 4 // the shift of the length
)

type keyword struct {
	text      string
	class     uint8
	stem      bool // no boundary needed after the match
	wordStart bool // a boundary is needed before the match
}

type hit struct {
	kw         int32
	start, end int32
}

// hasOut flags a transition to a state with outputs; state ids use the
// other 15 bits.
const hasOut = 0x8000

var errTooManyStates = errors.New("detector: keyword automaton needs more than 32767 states")

func newMatcher(kws []keyword) (*matcher, error) {
	m := &matcher{kw: kws}
	var used [256]bool
	for _, k := range kws {
		for i := 0; i < len(k.text); i++ {
			used[k.text[i]] = true
		}
	}
	n := 1
	for b := 0; b < 256; b++ {
		if used[b] {
			if n > 255 {
				return nil, errors.New("detector: too many byte classes")
			}
			m.class[b] = uint8(n)
			n++
		}
	}
	k := int32(n)
	m.k = k
	// The trie, sparse: each state's first child and next sibling (0:
	// none; the root is nobody's child), and the class of the byte that
	// leads to it. At most one state per keyword byte.
	bound := 1
	for _, kw := range kws {
		bound += len(kw.text)
	}
	bound = min(bound, hasOut)
	child, sibling := make([]uint16, 1, bound), make([]uint16, 1, bound)
	via := make([]uint8, 1, bound)
	own := make([][]int32, 1, bound)
	for i, kw := range kws {
		s := uint16(0)
		for j := 0; j < len(kw.text); j++ {
			c := m.class[kw.text[j]]
			t := child[s]
			for t != 0 && via[t] != c {
				t = sibling[t]
			}
			if t == 0 {
				if len(child) >= hasOut {
					return nil, errTooManyStates
				}
				t = uint16(len(child))
				child, sibling, via, own = append(child, 0), append(sibling, child[s]), append(via, c), append(own, nil)
				child[s] = t
			}
			s = t
		}
		own[s] = append(own[s], int32(i))
	}
	// States renumbered in breadth-first order (the order expand fills
	// their rows in): the rows are then written one after the other, and
	// the shallow states, which most bytes of a text lead to, have
	// neighbouring rows.
	child, sibling, via, own = breadthFirst(child, sibling, via, own)
	// The dense DFA, and each state's outputs: its own keywords, then
	// its failure state's.
	states := len(child)
	m.child, m.sibling, m.via = child, sibling, via
	flag := make([]uint16, states)
	for s := range own {
		if len(own[s]) > 0 {
			flag[s] = hasOut
		}
	}
	delta, fail, order, err := expand(k, child, sibling, via, flag)
	if err != nil {
		return nil, err
	}
	m.delta = delta
	outs := make([][]int32, states)
	for _, t := range order {
		outs[t] = own[t]
		if f := fail[t]; len(outs[f]) > 0 {
			outs[t] = append(append([]int32(nil), own[t]...), outs[f]...)
		}
	}
	m.outIdx = make([]int32, states+1)
	for s := 0; s < states; s++ {
		m.outIdx[s] = int32(len(m.outs))
		m.outs = append(m.outs, outs[s]...)
	}
	m.outIdx[states] = int32(len(m.outs))
	if err := m.setMaxLen(); err != nil {
		return nil, err
	}
	return m, nil
}

// breadthFirst returns the trie child, sibling, via with its states
// renumbered in breadth-first order (siblings in list order), and own
// permuted alike.
func breadthFirst(child, sibling []uint16, via []uint8, own [][]int32) ([]uint16, []uint16, []uint8, [][]int32) {
	n := len(child)
	order := make([]uint16, 1, n) // old numbers in the new order
	for h := 0; h < len(order); h++ {
		for t := child[order[h]]; t != 0; t = sibling[t] {
			order = append(order, t)
		}
	}
	renum := make([]uint16, n) // old number -> new; 0 stays 0
	for i, s := range order {
		renum[s] = uint16(i)
	}
	c, sb, v, o := make([]uint16, n), make([]uint16, n), make([]uint8, n), make([][]int32, n)
	for i, s := range order {
		c[i], sb[i], v[i], o[i] = renum[child[s]], renum[sibling[s]], via[s], own[s]
	}
	return c, sb, v, o
}

// expand returns the dense DFA over k classes of the trie child,
// sibling, via (see newMatcher; state 0 is the root), filled in
// breadth-first order: a state's row is its failure state's row (already
// final, being shallower) with its own edges written over it. Rows are
// copied whole, not cell by cell, which inside Wasm is what keeps
// building it fast. It also returns each state's failure state and the
// states but the root in breadth-first order.
//
// flag[t] is hasOut when state t has keywords of its own, else 0;
// expand ORs in its failure state's, so that flag[t] says whether t has
// outputs, and a transition to t carries it.
//
// It fails unless the arrays are a trie: indices in range, every state
// but the root reached from it exactly once (so no cycle), every edge's
// class in 1..k-1. The scan's unchecked loads rely on what follows:
// every entry of the DFA is a state. The loop calls nothing and has few
// branches (a call or a taken branch costs a dispatch inside Wasm: with
// a closure call per edge, tableMatcher took 8.5 ms there, 5.7 ms
// without): the root is handled as any other state (its row is copied
// onto itself, and its children's failure state read from its row is
// the root).
func expand(k int32, child, sibling []uint16, via []uint8, flag []uint16) (delta, fail, order []uint16, err error) {
	states := len(child)
	if states == 0 || states > hasOut || len(sibling) != states || len(via) != states || len(flag) != states || k < 1 || k > 256 {
		return nil, nil, nil, errBadTrie
	}
	delta = make([]uint16, states*int(k))
	fail = make([]uint16, states)
	order = make([]uint16, 1, states) // the root, then the others
	seen := make([]bool, states)
	seen[0] = true
	for h := 0; h < len(order); h++ {
		s := int32(order[h])
		row := delta[s*k : (s+1)*k]
		copy(row, delta[int32(fail[s])*k:(int32(fail[s])+1)*k])
		for t := child[s]; t != 0; t = sibling[t] {
			if int(t) >= states || seen[t] || via[t] == 0 || int32(via[t]) >= k {
				return nil, nil, nil, errBadTrie
			}
			seen[t] = true
			order = append(order, t)
			f := row[via[t]] &^ hasOut // the failure state's transition
			fail[t] = f
			flag[t] |= flag[f]
			row[via[t]] = t | flag[t]
		}
	}
	if len(order) != states {
		return nil, nil, nil, errBadTrie // a state the root does not reach
	}
	return delta, fail, order[1:], nil
}

var errBadTrie = errors.New("detector: the keyword trie is malformed")

// setMaxLen records the longest keyword's length, which scanHits relies
// on, and kwInfo.
func (m *matcher) setMaxLen() error {
	m.maxLen = 0
	m.kwInfo = make([]uint32, len(m.kw))
	for i, kw := range m.kw {
		m.maxLen = max(m.maxLen, len(kw.text))
		m.kwInfo[i] = uint32(len(kw.text)) << infoLen
		if kw.stem {
			m.kwInfo[i] |= infoStem
		}
		if kw.wordStart {
			m.kwInfo[i] |= infoWordStart
		}
	}
	m.maxOuts = 0
	for i := 0; i+1 < len(m.outIdx); i++ {
		m.maxOuts = max(m.maxOuts, int(m.outIdx[i+1]-m.outIdx[i]))
	}
	if m.maxLen > segment/8 {
		return errors.New("detector: a keyword is too long for the scan's segments")
	}
	return nil
}

// scan appends to hits every keyword occurrence in t that satisfies its
// boundary rules, in order of end position.
func (m *matcher) scan(t []byte, hits []hit) []hit {
	return m.scanHits(t, hits, new([segment]uint32))
}

// scanGrams is scan that also sums the model's character 4-gram weights
// over t (see Model.LogitText) and returns their pool.
// ends is scanHits' scratch.
func (m *matcher) scanGrams(t []byte, hits []hit, md *Model, ends *[segment]uint32) ([]hit, pool) {
	return m.scanHits(t, hits, ends), md.gramPool(t)
}

// segment is the most bytes scanHits runs its two streams over at once.
const segment = 4096

// scanHits is scan. The automaton's loop is bound by the latency of its
// chain of loads (a byte's class, then the next state), so it runs two
// streams at once over the two halves of each segment of t: the second
// half's stream starts maxLen bytes early from the root, which puts it
// in the state a single stream would have reached (an Aho-Corasick
// state is the longest suffix of the text read that is a keyword
// prefix, at most maxLen bytes long). The loop has no branch per byte
// (a taken branch costs a dispatch inside Wasm): instead of testing
// whether a transition reaches a state with outputs, it writes the
// position and transition into a buffer and advances the write index by
// the hasOut bit; the outputs are appended afterwards in position order.
// ends is scratch.
func (m *matcher) scanHits(t []byte, hits []hit, ends *[segment]uint32) []hit {
	// Every entry of delta is a valid state and every row has k cells, so
	// the unchecked loads below stay in bounds; they save a bounds check
	// per byte, which costs ~30% inside Wasm.
	delta, class, k := unsafe.Pointer(unsafe.SliceData(m.delta)), &m.class, uintptr(m.k)
	// Positions and transitions: the first half's from ends[0], the
	// second's from ends[segment/2].
	e := unsafe.Pointer(ends)
	const eb = segment / 2 * 4 // byte offset of the second half's
	s := uintptr(0)
	pred := int32(-1 << 30) // appendOutputs'
	for at := 0; at < len(t); {
		seg := t[at : at+min(len(t)-at, segment)]
		mid := len(seg) / 2
		if mid < m.maxLen+16 {
			mid = 0 // too short to split: one stream (the second)
		}
		// The second stream's start state.
		sb := uintptr(0)
		if mid > 0 {
			for _, c := range seg[mid-m.maxLen : mid] {
				sb = uintptr(*(*uint16)(unsafe.Add(delta, (sb*k+uintptr(class[c]))*2)) &^ hasOut)
			}
		} else {
			sb = s
		}
		tp := unsafe.Pointer(unsafe.SliceData(seg))
		tb := unsafe.Add(tp, mid)
		na, nb := uintptr(0), uintptr(0)
		var va, vb uint16
		// Four bytes of each stream a loop: the loop's back edge is a
		// dispatch inside Wasm (the keyword scan of a 2 KB prompt: two
		// bytes a loop -6%, four -25%, eight -15%).
		j := uintptr(0)
		for ; j+4 <= uintptr(mid); j += 4 {
			va = *(*uint16)(unsafe.Add(delta, (s*k+uintptr(class[*(*uint8)(unsafe.Add(tp, j))]))*2))
			vb = *(*uint16)(unsafe.Add(delta, (sb*k+uintptr(class[*(*uint8)(unsafe.Add(tb, j))]))*2))
			s = uintptr(va &^ hasOut)
			sb = uintptr(vb &^ hasOut)
			*(*uint32)(unsafe.Add(e, na*4)) = uint32(j)<<16 | uint32(va)
			*(*uint32)(unsafe.Add(e, eb+nb*4)) = uint32(j)<<16 | uint32(vb)
			na += uintptr(va >> 15)
			nb += uintptr(vb >> 15)
			va = *(*uint16)(unsafe.Add(delta, (s*k+uintptr(class[*(*uint8)(unsafe.Add(tp, j+1))]))*2))
			vb = *(*uint16)(unsafe.Add(delta, (sb*k+uintptr(class[*(*uint8)(unsafe.Add(tb, j+1))]))*2))
			s = uintptr(va &^ hasOut)
			sb = uintptr(vb &^ hasOut)
			*(*uint32)(unsafe.Add(e, na*4)) = uint32(j+1)<<16 | uint32(va)
			*(*uint32)(unsafe.Add(e, eb+nb*4)) = uint32(j+1)<<16 | uint32(vb)
			na += uintptr(va >> 15)
			nb += uintptr(vb >> 15)
			va = *(*uint16)(unsafe.Add(delta, (s*k+uintptr(class[*(*uint8)(unsafe.Add(tp, j+2))]))*2))
			vb = *(*uint16)(unsafe.Add(delta, (sb*k+uintptr(class[*(*uint8)(unsafe.Add(tb, j+2))]))*2))
			s = uintptr(va &^ hasOut)
			sb = uintptr(vb &^ hasOut)
			*(*uint32)(unsafe.Add(e, na*4)) = uint32(j+2)<<16 | uint32(va)
			*(*uint32)(unsafe.Add(e, eb+nb*4)) = uint32(j+2)<<16 | uint32(vb)
			na += uintptr(va >> 15)
			nb += uintptr(vb >> 15)
			va = *(*uint16)(unsafe.Add(delta, (s*k+uintptr(class[*(*uint8)(unsafe.Add(tp, j+3))]))*2))
			vb = *(*uint16)(unsafe.Add(delta, (sb*k+uintptr(class[*(*uint8)(unsafe.Add(tb, j+3))]))*2))
			s = uintptr(va &^ hasOut)
			sb = uintptr(vb &^ hasOut)
			*(*uint32)(unsafe.Add(e, na*4)) = uint32(j+3)<<16 | uint32(va)
			*(*uint32)(unsafe.Add(e, eb+nb*4)) = uint32(j+3)<<16 | uint32(vb)
			na += uintptr(va >> 15)
			nb += uintptr(vb >> 15)
		}
		for ; j < uintptr(mid); j++ {
			va = *(*uint16)(unsafe.Add(delta, (s*k+uintptr(class[*(*uint8)(unsafe.Add(tp, j))]))*2))
			vb = *(*uint16)(unsafe.Add(delta, (sb*k+uintptr(class[*(*uint8)(unsafe.Add(tb, j))]))*2))
			s = uintptr(va &^ hasOut)
			sb = uintptr(vb &^ hasOut)
			*(*uint32)(unsafe.Add(e, na*4)) = uint32(j)<<16 | uint32(va)
			*(*uint32)(unsafe.Add(e, eb+nb*4)) = uint32(j)<<16 | uint32(vb)
			na += uintptr(va >> 15)
			nb += uintptr(vb >> 15)
		}
		// The second half is one byte longer when len(seg) is odd, and
		// all of seg when it was not split.
		for j := uintptr(mid); j < uintptr(len(seg)-mid); j++ {
			vb = *(*uint16)(unsafe.Add(delta, (sb*k+uintptr(class[*(*uint8)(unsafe.Add(tb, j))]))*2))
			sb = uintptr(vb &^ hasOut)
			*(*uint32)(unsafe.Add(e, eb+nb*4)) = uint32(j)<<16 | uint32(vb)
			nb += uintptr(vb >> 15)
		}
		s = sb
		hits = m.appendOutputs(t, hits, ends[:na], at, &pred)
		hits = m.appendOutputs(t, hits, ends[segment/2:][:nb], at+mid, &pred)
		at += len(seg)
	}
	return hits
}

// appendOutputs appends the keywords that end where the transitions ends
// (position from base << 16 | transition) that scanHits recorded lead
// to a state with outputs, and satisfy their boundary rules, in order:
// one call for all of them rather than one per transition (a call costs
// more than the loop inside Wasm).
//
// pred is the end of the last hit kept of a keyword marked infoPred
// (-1 << 30 before the first), read and updated.
func (m *matcher) appendOutputs(t []byte, hits []hit, ends []uint32, base int, pred *int32) []hit {
	if len(ends) == 0 {
		return hits
	}
	if need := len(ends) * m.maxOuts; cap(hits)-len(hits) < need {
		hits = slices.Grow(hits, need)
	}
	n := len(hits)
	buf := hits[:cap(hits)]
	for len(ends) > 0 {
		var done int
		n, done, *pred = m.outputsASCII(t, unsafe.Pointer(unsafe.SliceData(buf)), n, ends, base, *pred)
		if done == len(ends) {
			break
		}
		// An output of ends[done] has a neighbour above ASCII.
		n = m.outputsExact(t, buf, n, ends[done], base, pred)
		ends = ends[done+1:]
	}
	return buf[:n]
}

// outputsASCII is appendOutputs' loop while the neighbours of the
// outputs are ASCII. Inside Wasm a taken branch costs a dispatch and a
// function with calls keeps its values in memory, which made this loop
// cost more per output than the automaton's per byte ("the" is a
// keyword: a hundred outputs in 2 KB of English). So it has no call (no
// bounds check: ends come from scanHits, whose states' outputs name
// keywords, and the neighbours read are inside t) and few branches: an
// output's boundary tests read both neighbours (the nearest byte of t
// stands for a text edge, where no test applies) through one table and
// are combined without branches; its hit is written in any case and kept
// by advancing n when it passes. buf has room for m.maxOuts hits per end
// from n on. It stops before the first end with an output whose needed
// neighbour is above ASCII, and returns n, the number of ends done and
// pred (appendOutputs) as they were before it.
func (m *matcher) outputsASCII(t []byte, buf unsafe.Pointer, n int, ends []uint32, base int, pred int32) (int, int, int32) {
	tp, last := unsafe.Pointer(unsafe.SliceData(t)), len(t)-1 // t is not empty: a transition was read from it
	outIdx, outs := unsafe.Pointer(unsafe.SliceData(m.outIdx)), unsafe.Pointer(unsafe.SliceData(m.outs))
	info, gap := unsafe.Pointer(unsafe.SliceData(m.kwInfo)), m.predGap
	for e, h := range ends {
		s := uintptr(h &^ hasOut & 0xFFFF)
		end := base + int(h>>16) + 1
		lo, hi := *(*int32)(unsafe.Add(outIdx, s*4)), *(*int32)(unsafe.Add(outIdx, s*4+4))
		n0, pred0, nonASCII := n, pred, uint8(0)
		for o := lo; o < hi; o++ {
			id := *(*int32)(unsafe.Add(outs, uintptr(o)*4))
			in := *(*uint32)(unsafe.Add(info, uintptr(id)*4))
			start := end - int(in>>infoLen)
			// needB: a word boundary is needed before the match and it
			// does not start the text; needA: after it, and it does not
			// end the text. Each is 0 or 0xFF.
			needB := uint8(in>>1&1) * uint8(b2u(start > 0)) * 0xFF
			needA := uint8(in&infoStem^infoStem) * uint8(b2u(end <= last)) * 0xFF
			// (max and min would be branches.)
			before, after := start-1+int(b2u(start == 0)), end-int(b2u(end > last))
			k := boundary[*(*uint8)(unsafe.Add(tp, before))]&needB | boundary[*(*uint8)(unsafe.Add(tp, after))]&needA
			// The test of infoAfterPred, as eval writes it (int32).
			near := b2u(int32(start) >= pred) & b2u(int32(start)-pred <= gap)
			keep := b2u(k == 0) & (near | uint(in>>2&1^1))
			*(*hit)(unsafe.Add(buf, uintptr(n)*unsafe.Sizeof(hit{}))) = hit{id, int32(start), int32(end)}
			n += int(keep)
			pred += (int32(end) - pred) * int32(keep*uint(in>>3&1))
			nonASCII |= k
		}
		if nonASCII&bNonASCII != 0 {
			return n0, e, pred0
		}
	}
	return n, len(ends), pred
}

// outputsExact is appendOutputs for one end (a transition, see scanHits),
// with the exact boundary tests (rune decoding above ASCII); buf has room
// for its outputs from n on.
func (m *matcher) outputsExact(t []byte, buf []hit, n int, h uint32, base int, pred *int32) int {
	end, s := base+int(h>>16)+1, h&^hasOut&0xFFFF
	for _, id := range m.outs[m.outIdx[s]:m.outIdx[s+1]] {
		kw := &m.kw[id]
		start := end - len(kw.text)
		if kw.wordStart && start > 0 && wordBefore(t[:start]) {
			continue
		}
		if !kw.stem && end < len(t) && wordAfter(t[end:]) {
			continue
		}
		in := m.kwInfo[id]
		if in&infoAfterPred != 0 && !(int32(start) >= *pred && int32(start)-*pred <= m.predGap) {
			continue
		}
		if in&infoPred != 0 {
			*pred = int32(end)
		}
		buf[n] = hit{id, int32(start), int32(end)}
		n++
	}
	return n
}

// b2u is 1 for true, 0 for false (a select, not a branch).
func b2u(b bool) uint {
	if b {
		return 1
	}
	return 0
}

// Kinds of a neighbour byte of a keyword match (boundary).
const (
	bWord     = 1 // an ASCII letter or digit: no boundary
	bNonASCII = 2 // above ASCII: a rune to decode
)

// boundary is the kind of each byte as a keyword's neighbour.
var boundary = func() (k [256]uint8) {
	for c := range k {
		switch {
		case c >= utf8.RuneSelf:
			k[c] = bNonASCII
		case isAlnum(byte(c)):
			k[c] = bWord
		}
	}
	return k
}()

func wordBefore(t []byte) bool {
	c := t[len(t)-1]
	if c < utf8.RuneSelf {
		return isAlnum(c)
	}
	r, _ := utf8.DecodeLastRune(t)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func wordAfter(t []byte) bool {
	c := t[0]
	if c < utf8.RuneSelf {
		return isAlnum(c)
	}
	r, _ := utf8.DecodeRune(t)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z'
}

// spaced reports whether r belongs to a script that separates words with
// spaces (so keyword boundaries apply).
func spaced(r rune) bool {
	if r < 0x2E80 {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return false // CJK, kana, Hangul and beyond: no word boundaries
}
