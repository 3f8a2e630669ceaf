package denylist

import (
	"errors"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// maxCells bounds the transition table (4 bytes a cell): 16 MiB. A phrase
// set that needs more is rejected at configure time rather than exhausting
// the guest's memory. A variable only so that tests can lower it.
var maxCells = 1 << 22

var (
	errEmptyPhrase = errors.New("phrase must not be empty")
	errTooLarge    = errors.New("phrases need a matcher larger than 16 MiB; use fewer or shorter phrases")
)

// Matcher finds the first of a fixed set of phrases in a text in one pass:
// an Aho-Corasick automaton compiled to a dense DFA over byte classes
// (bytes that occur in no phrase share one class, which keeps rows short).
//
// Case-insensitive matching compares the simple Unicode lower case of the
// phrases with that of the text (unicode.ToLower per rune, bytes that are
// not valid UTF-8 kept as they are): ASCII letters are folded for free by
// the class table, other runes by a streaming lower-casing of the input.
//
// With whole words, a match counts only when the character before it and
// the one after it (if any) are not word characters (Unicode letters,
// digits and '_'), judged on the lower-cased text.
//
// A Matcher is immutable after newMatcher and safe for concurrent use.
type Matcher struct {
	fold, words bool
	k           int32 // classes per row
	class       [256]uint16
	// delta[row+class] is the row offset (state*k) of the next state,
	// bitwise complemented (negative) when that state has an output.
	delta []int32
	first []int32 // per state: lowest phrase index it outputs, -1 if none
	own   []int32 // per state: lowest phrase index ending exactly there, -1
	dict  []int32 // per state: nearest proper suffix state with own output, -1
	plen  []int32 // per phrase: length of its (folded) text in bytes
}

// newMatcher compiles phrases. Every phrase must be non-empty; the error for
// phrase i is returned with its index.
func newMatcher(phrases []string, caseSensitive, wholeWords bool) (*Matcher, int, error) {
	m := &Matcher{fold: !caseSensitive, words: wholeWords}
	keys := make([]string, len(phrases))
	for i, p := range phrases {
		if p == "" {
			return nil, i, errEmptyPhrase
		}
		if m.fold {
			keys[i] = string(appendFold(nil, p))
		} else {
			keys[i] = p
		}
	}
	// Byte classes: 0 for bytes in no phrase, then one per byte in use.
	var used [256]bool
	for _, k := range keys {
		for j := 0; j < len(k); j++ {
			used[k[j]] = true
		}
	}
	n := uint16(1)
	for b := 0; b < 256; b++ {
		if used[b] {
			m.class[b] = n
			n++
		}
	}
	if m.fold {
		for b := 'A'; b <= 'Z'; b++ {
			m.class[b] = m.class[b+'a'-'A']
		}
	}
	k := int32(n)
	m.k = k

	// Trie with dense rows; -1 is "no edge" until the failure pass.
	newRow := func() bool {
		if len(m.delta)+int(k) > maxCells {
			return false
		}
		for c := int32(0); c < k; c++ {
			m.delta = append(m.delta, -1)
		}
		m.own = append(m.own, -1)
		return true
	}
	newRow()
	m.plen = make([]int32, len(keys))
	for i, key := range keys {
		s := int32(0)
		for j := 0; j < len(key); j++ {
			cell := s*k + int32(m.class[key[j]])
			t := m.delta[cell]
			if t < 0 {
				t = int32(len(m.own))
				if !newRow() {
					return nil, i, errTooLarge
				}
				m.delta[cell] = t
			}
			s = t
		}
		m.plen[i] = int32(len(key))
		if m.own[s] < 0 { // else an earlier phrase has the same text and wins
			m.own[s] = int32(i)
		}
	}

	// Failure links in BFS order turn the trie into a DFA.
	states := int32(len(m.own))
	fail := make([]int32, states)
	m.dict = make([]int32, states)
	m.first = make([]int32, states)
	m.dict[0], m.first[0] = -1, -1
	queue := make([]int32, 0, states)
	for c := int32(0); c < k; c++ {
		if t := m.delta[c]; t < 0 {
			m.delta[c] = 0
		} else {
			fail[t] = 0
			queue = append(queue, t)
		}
	}
	for h := 0; h < len(queue); h++ {
		s := queue[h]
		f := fail[s]
		if m.own[f] >= 0 {
			m.dict[s] = f
		} else {
			m.dict[s] = m.dict[f]
		}
		m.first[s] = m.own[s]
		if ff := m.first[f]; ff >= 0 && (m.first[s] < 0 || ff < m.first[s]) {
			m.first[s] = ff
		}
		for c := int32(0); c < k; c++ {
			cell := s*k + c
			if t := m.delta[cell]; t < 0 {
				m.delta[cell] = m.delta[f*k+c]
			} else {
				fail[t] = m.delta[f*k+c]
				queue = append(queue, t)
			}
		}
	}
	// State ids to row offsets, flagging states with an output.
	for i, t := range m.delta {
		if m.first[t] >= 0 {
			m.delta[i] = ^(t * k)
		} else {
			m.delta[i] = t * k
		}
	}
	return m, -1, nil
}

// States returns the number of automaton states (for limits and tests).
func (m *Matcher) States() int { return len(m.own) }

// Find returns the index of the phrase whose first (valid) occurrence ends
// earliest in s; among phrases ending at the same byte, the lowest index.
// It does not allocate except for whole-word, case-insensitive matching of
// non-ASCII text, which lower-cases s into a pooled buffer.
func (m *Matcher) Find(s string) (int, bool) {
	if m.words {
		return m.findWords(s)
	}
	// The table is built so that every entry is a valid row offset and
	// every row has k cells: row+class is always in bounds, and the
	// unchecked loads below avoid a bounds check per byte (which costs
	// ~30% inside Wasm).
	delta, class := unsafe.Pointer(unsafe.SliceData(m.delta)), &m.class
	row := int32(0)
	if !m.fold {
		for i := 0; i < len(s); i++ {
			row = *(*int32)(unsafe.Add(delta, uintptr(row+int32(class[s[i]]))*4))
			if row < 0 {
				return int(m.first[^row/m.k]), true
			}
		}
		return -1, false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= utf8.RuneSelf {
			return m.findFolding(s, i, row)
		}
		row = *(*int32)(unsafe.Add(delta, uintptr(row+int32(class[b]))*4))
		if row < 0 {
			return int(m.first[^row/m.k]), true
		}
	}
	return -1, false
}

// findFolding continues Find from byte i in state row, lower-casing runes
// as they stream by (the same mapping as appendFold).
func (m *Matcher) findFolding(s string, i int, row int32) (int, bool) {
	delta, class := m.delta, &m.class
	var buf [utf8.UTFMax]byte
	for i < len(s) {
		b := s[i]
		if b < utf8.RuneSelf {
			i++
			row = delta[row+int32(class[b])]
			if row < 0 {
				return int(m.first[^row/m.k]), true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if lr := unicode.ToLower(r); lr != r && r != utf8.RuneError {
			n := utf8.EncodeRune(buf[:], lr)
			for j := 0; j < n; j++ {
				row = delta[row+int32(class[buf[j]])]
				if row < 0 {
					return int(m.first[^row/m.k]), true
				}
			}
		} else {
			for j := i; j < i+size; j++ {
				row = delta[row+int32(class[s[j]])]
				if row < 0 {
					return int(m.first[^row/m.k]), true
				}
			}
		}
		i += size
	}
	return -1, false
}

var foldPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func (m *Matcher) findWords(s string) (int, bool) {
	if m.fold {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				bp := foldPool.Get().(*[]byte)
				buf := appendFold((*bp)[:0], s)
				p, ok := m.findWordsIn(unsafe.String(unsafe.SliceData(buf), len(buf)))
				*bp = buf
				foldPool.Put(bp)
				return p, ok
			}
		}
	}
	return m.findWordsIn(s)
}

// findWordsIn scans t, which needs no folding beyond ASCII (done by the
// class table), accepting only matches with word boundaries.
func (m *Matcher) findWordsIn(t string) (int, bool) {
	delta, class := m.delta, &m.class
	row := int32(0)
	for i := 0; i < len(t); i++ {
		row = delta[row+int32(class[t[i]])]
		if row >= 0 {
			continue
		}
		row = ^row
		end := i + 1
		best := int32(-1)
		for st := row / m.k; st >= 0; st = m.dict[st] {
			p := m.own[st]
			if p < 0 || (best >= 0 && p > best) {
				continue
			}
			if !boundaryOK(t, end-int(m.plen[p]), end) {
				continue
			}
			best = p
		}
		if best >= 0 {
			return int(best), true
		}
	}
	return -1, false
}

// appendFold appends the simple lower case of s to dst: unicode.ToLower of
// each rune; bytes that are not valid UTF-8 are copied unchanged.
func appendFold(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if 'A' <= b && b <= 'Z' {
				b += 'a' - 'A'
			}
			dst = append(dst, b)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if lr := unicode.ToLower(r); lr != r && r != utf8.RuneError {
			dst = utf8.AppendRune(dst, lr)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// boundaryOK reports whether t[start:end] is neither preceded nor followed
// by a word character.
func boundaryOK(t string, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRuneInString(t[:start])
		if isWord(r) {
			return false
		}
	}
	if end < len(t) {
		r, _ := utf8.DecodeRuneInString(t[end:])
		if isWord(r) {
			return false
		}
	}
	return true
}

func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
