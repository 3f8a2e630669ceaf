package detector

import (
	"errors"
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
}

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
	// The dense DFA, filled in breadth-first order: a state's row is its
	// failure state's row (already final, being shallower) with its own
	// edges written over it. Rows are copied whole, not cell by cell,
	// which inside Wasm is what keeps ward_configure fast. A transition to
	// a state with outputs carries hasOut.
	states := len(child)
	m.delta = make([]uint16, states*int(k))
	fail := make([]uint16, states)
	outs := make([][]int32, states)
	flag := func(t uint16) uint16 {
		if len(outs[t]) > 0 {
			return t | hasOut
		}
		return t
	}
	queue := make([]uint16, 0, states)
	for t := child[0]; t != 0; t = sibling[t] {
		outs[t] = own[t]
		m.delta[via[t]] = flag(t)
		queue = append(queue, t)
	}
	for h := 0; h < len(queue); h++ {
		s := int32(queue[h])
		row := m.delta[s*k : (s+1)*k]
		copy(row, m.delta[int32(fail[s])*k:(int32(fail[s])+1)*k])
		for t := child[s]; t != 0; t = sibling[t] {
			f := row[via[t]] &^ hasOut // the failure state's transition
			fail[t] = f
			outs[t] = own[t]
			if len(outs[f]) > 0 {
				outs[t] = append(append([]int32(nil), own[t]...), outs[f]...)
			}
			row[via[t]] = flag(t)
			queue = append(queue, t)
		}
	}
	m.outIdx = make([]int32, states+1)
	for s := 0; s < states; s++ {
		m.outIdx[s] = int32(len(m.outs))
		m.outs = append(m.outs, outs[s]...)
	}
	m.outIdx[states] = int32(len(m.outs))
	return m, nil
}

// scan appends to hits every keyword occurrence in t that satisfies its
// boundary rules, in order of end position.
func (m *matcher) scan(t []byte, hits []hit) []hit {
	hits, _ = m.scanGrams(t, hits, &zeroModel)
	return hits
}

// zeroModel lets scan share scanGrams' loop.
var zeroModel = Model{DimLog2: 8, Scale: 1, Weights: make([]int8, 1<<8)}

// scanGrams is scan that also sums, in the same loop, the model's
// character 4-gram weights over t (see Model.LogitText) and returns the
// sum and the number of 4-grams: one pass over the text instead of two
// is measurable inside Wasm.
func (m *matcher) scanGrams(t []byte, hits []hit, md *Model) ([]hit, pool) {
	w, shift := unsafe.Pointer(unsafe.SliceData(md.Weights)), uint64(64-md.DimLog2)
	var p pool
	p.init(md)
	var win uint64
	// Every entry of delta is a valid state and every row has k cells, so
	// the unchecked loads below stay in bounds; they save a bounds check
	// per byte, which costs ~30% inside Wasm. Indexes into the weights
	// are < 2^DimLog2 = len(md.Weights) by construction.
	delta, class, k := unsafe.Pointer(unsafe.SliceData(m.delta)), &m.class, uintptr(m.k)
	s := uintptr(0)
	i := 0
	// The first three bytes make no 4-gram: a separate loop, so that the
	// main one has no branch for it (a branch costs a dispatch in Wasm).
	for ; i < min(3, len(t)); i++ {
		b := t[i]
		win = win<<8 | uint64(b)
		v := *(*uint16)(unsafe.Add(delta, (s*k+uintptr(class[b]))*2))
		s = uintptr(v &^ hasOut)
		if v&hasOut != 0 {
			hits = m.outputs(t, hits, i, s)
		}
	}
	// Block by block (the model's pooled windows): the inner loop is the
	// same one branch per byte; a block's end costs a few operations.
	for i < len(t) {
		// A range over the block's bytes: no bounds check per byte.
		blk := t[i : i+min(len(t)-i, p.block)]
		var sum int32
		for _, b := range blk {
			win = win<<8 | uint64(b)
			sum += int32(*(*int8)(unsafe.Add(w, uintptr(((win&0xFFFFFFFF)*k4)>>shift))))
			v := *(*uint16)(unsafe.Add(delta, (s*k+uintptr(class[b]))*2))
			s = uintptr(v &^ hasOut)
			if v&hasOut != 0 {
				hits = m.outputs(t, hits, i, s)
			}
			i++
		}
		p.add(sum, len(blk))
	}
	return hits, p
}

// outputs appends the keywords that end at t[i] in state s and satisfy
// their boundary rules.
func (m *matcher) outputs(t []byte, hits []hit, i int, s uintptr) []hit {
	for _, id := range m.outs[m.outIdx[s]:m.outIdx[s+1]] {
		kw := &m.kw[id]
		end := i + 1
		start := end - len(kw.text)
		if kw.wordStart && start > 0 && wordBefore(t[:start]) {
			continue
		}
		if !kw.stem && end < len(t) && wordAfter(t[end:]) {
			continue
		}
		hits = append(hits, hit{id, int32(start), int32(end)})
	}
	return hits
}

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
