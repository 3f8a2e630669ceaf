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
	// At most one state per keyword byte: size the table once (growing it
	// by appending copied megabytes, slow inside Wasm).
	bound := 1
	for _, kw := range kws {
		bound += len(kw.text)
	}
	m.delta = make([]uint16, 0, min(bound, hasOut)*int(k))
	const none = 0xFFFF
	own := make([][]int32, 0, min(bound, hasOut))
	newState := func() (uint16, error) {
		if len(own) >= hasOut {
			return 0, errTooManyStates
		}
		n := len(m.delta)
		m.delta = m.delta[:n+int(k)]
		for c := range m.delta[n:] {
			m.delta[n+c] = none
		}
		own = append(own, nil)
		return uint16(len(own) - 1), nil
	}
	if _, err := newState(); err != nil {
		return nil, err
	}
	for i, kw := range kws {
		s := int32(0)
		for j := 0; j < len(kw.text); j++ {
			cell := s*k + int32(m.class[kw.text[j]])
			t := m.delta[cell]
			if t == none {
				var err error
				if t, err = newState(); err != nil {
					return nil, err
				}
				m.delta[cell] = t
			}
			s = int32(t)
		}
		own[s] = append(own[s], int32(i))
	}
	states := len(own)
	fail := make([]uint16, states)
	outs := make([][]int32, states)
	queue := make([]uint16, 0, states)
	for c := int32(0); c < k; c++ {
		if t := m.delta[c]; t == none {
			m.delta[c] = 0
		} else {
			queue = append(queue, t)
		}
	}
	for h := 0; h < len(queue); h++ {
		s := int32(queue[h])
		outs[s] = append(append([]int32(nil), own[s]...), outs[fail[s]]...)
		for c := int32(0); c < k; c++ {
			cell := s*k + c
			if t := m.delta[cell]; t == none {
				m.delta[cell] = m.delta[int32(fail[s])*k+c]
			} else {
				fail[t] = m.delta[int32(fail[s])*k+c]
				queue = append(queue, t)
			}
		}
	}
	m.outIdx = make([]int32, states+1)
	for s := 0; s < states; s++ {
		m.outIdx[s] = int32(len(m.outs))
		m.outs = append(m.outs, outs[s]...)
	}
	m.outIdx[states] = int32(len(m.outs))
	for i, t := range m.delta {
		if len(outs[t]) > 0 {
			m.delta[i] = t | hasOut
		}
	}
	return m, nil
}

// scan appends to hits every keyword occurrence in t that satisfies its
// boundary rules, in order of end position.
func (m *matcher) scan(t []byte, hits []hit) []hit {
	hits, _, _ = m.scanGrams(t, hits, nil)
	return hits
}

// scanGrams is scan that also sums, in the same loop, the model's
// character 4-gram weights over t (see Model.LogitText): one pass over
// the text instead of two is measurable inside Wasm. With md nil it only
// scans.
func (m *matcher) scanGrams(t []byte, hits []hit, md *Model) ([]hit, int32, int) {
	var w unsafe.Pointer
	shift := uint64(0)
	if md != nil {
		w, shift = unsafe.Pointer(unsafe.SliceData(md.Weights)), uint64(64-md.DimLog2)
	}
	var sum int32
	var win uint64
	// Every entry of delta is a valid state and every row has k cells, so
	// the unchecked loads below stay in bounds; they save a bounds check
	// per byte, which costs ~30% inside Wasm.
	delta, class, k := unsafe.Pointer(unsafe.SliceData(m.delta)), &m.class, uintptr(m.k)
	s := uintptr(0)
	for i := 0; i < len(t); i++ {
		b := t[i]
		if w != nil {
			win = win<<8 | uint64(b)
			if i >= 3 {
				sum += int32(*(*int8)(unsafe.Add(w, uintptr(((win&0xFFFFFFFF)*k4)>>shift))))
			}
		}
		v := *(*uint16)(unsafe.Add(delta, (s*k+uintptr(class[b]))*2))
		s = uintptr(v &^ hasOut)
		if v&hasOut == 0 {
			continue
		}
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
	}
	n := 0
	if w != nil {
		n = max(len(t)-3, 0)
	}
	return hits, sum, n
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
