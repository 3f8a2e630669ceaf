package output

import (
	"errors"
	"slices"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Bounds of the list matcher: every entry's folded text at most maxEntryLen
// bytes, their sum at most maxListBytes (which bounds the automaton to
// maxListBytes+1 states).
const (
	maxEntryLen  = 256
	maxListBytes = 16 << 10
	maxEntries   = 1000
)

var errListTooLarge = errors.New("lists too large: at most 16 KiB of text in deny_terms, deny_patterns and allow together")

// listMatcher finds every occurrence of a fixed set of literal keys in one
// pass: an Aho-Corasick automaton compiled to a dense DFA over byte classes
// (bytes that occur in no key share one class, which keeps rows short).
// Matching is case-insensitive: keys are stored in simple Unicode lower case
// (unicode.ToLower per rune); ASCII letters of the text are folded by the
// class table, other runes lower-cased as they stream by.
//
// A listMatcher is immutable once built and safe for concurrent use; scan
// writes only to the hits slice it is given.
type listMatcher struct {
	k     int32 // classes per row
	class [256]uint16
	// delta[row+class] is the row offset (state*k) of the next state,
	// bitwise complemented (negative) when that state has an output.
	delta []int32
	depth []int32 // per state: length of the longest key prefix it stands for
	outAt []int32 // per state: start of its outputs in outs (outAt[s+1] ends them)
	outs  []int32 // key indexes, own then inherited through fail links
	klen  []int32 // per key: folded length in bytes
}

// hit is one occurrence of a key: bytes [start, end) of the scanned text.
type hit struct {
	key        int32
	start, end int32
}

// newListMatcher compiles keys (already folded with appendFold, non-empty).
func newListMatcher(keys []string) (*listMatcher, error) {
	total := 0
	for _, k := range keys {
		total += len(k)
	}
	if total > maxListBytes {
		return nil, errListTooLarge
	}
	m := &listMatcher{klen: make([]int32, len(keys))}
	// Byte classes: 0 is "in no key".
	var used [256]bool
	for i, k := range keys {
		m.klen[i] = int32(len(k))
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
	for b := 'A'; b <= 'Z'; b++ {
		m.class[b] = m.class[b+'a'-'A']
	}
	m.k = int32(n)

	// Trie with sparse edges, then fail links breadth first.
	type node struct {
		next map[uint16]int32
		fail int32
		own  []int32
	}
	nodes := []node{{next: map[uint16]int32{}}}
	depth := []int32{0}
	for i, k := range keys {
		s := int32(0)
		for j := 0; j < len(k); j++ {
			c := m.class[k[j]]
			t, ok := nodes[s].next[c]
			if !ok {
				t = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint16]int32{}})
				depth = append(depth, depth[s]+1)
				nodes[s].next[c] = t
			}
			s = t
		}
		nodes[s].own = append(nodes[s].own, int32(i))
	}
	k := m.k
	m.delta = make([]int32, len(nodes)*int(k))
	order := make([]int32, 0, len(nodes))
	for c := int32(0); c < k; c++ {
		if t, ok := nodes[0].next[uint16(c)]; ok {
			m.delta[c] = t
			nodes[t].fail = 0
			order = append(order, t)
		}
	}
	for q := 0; q < len(order); q++ {
		s := order[q]
		for c := int32(0); c < k; c++ {
			f := m.delta[nodes[s].fail*k+c]
			if t, ok := nodes[s].next[uint16(c)]; ok {
				nodes[t].fail = f
				m.delta[s*k+c] = t
				order = append(order, t)
			} else {
				m.delta[s*k+c] = f
			}
		}
	}
	// Outputs: own keys, then those of the fail chain (already complete,
	// as fail states are shallower and come first in order).
	outs := make([][]int32, len(nodes))
	outs[0] = nodes[0].own
	for _, s := range order {
		o := append([]int32(nil), nodes[s].own...)
		outs[s] = append(o, outs[nodes[s].fail]...)
		slices.Sort(outs[s])
	}
	m.outAt = make([]int32, len(nodes)+1)
	for s := range nodes {
		m.outAt[s] = int32(len(m.outs))
		m.outs = append(m.outs, outs[s]...)
	}
	m.outAt[len(nodes)] = int32(len(m.outs))
	m.depth = depth
	// Rows as offsets, complemented for states with an output.
	for i, t := range m.delta {
		if m.outAt[t] != m.outAt[t+1] {
			m.delta[i] = ^(t * k)
		} else {
			m.delta[i] = t * k
		}
	}
	return m, nil
}

// scan appends every occurrence of every key in s to hits (in order of
// end, then of key index) and returns it with tail: the length of the
// longest suffix of s (in folded bytes) that is a prefix of a key (or a
// whole key), what a streaming caller must hold back.
func (m *listMatcher) scan(s string, hits []hit) ([]hit, int) {
	delta, class, k := m.delta, &m.class, m.k
	row := int32(0)
	// shift is the folded length minus the original length of the text
	// read so far; changedAt the folded end of the last rune whose lower
	// case has another length. Matches starting at or after changedAt map
	// back by subtracting shift; others are walked back (foldedStart).
	shift, changedAt := 0, -1
	var buf [utf8.UTFMax]byte
	// Every cell of delta is a valid row offset and every row has k cells,
	// so row+class is always in bounds: the ASCII loop loads unchecked
	// (a bounds check per byte costs ~30% inside Wasm), and keeps few
	// variables live (each one more spills to memory in Go's Wasm code).
	dp := unsafe.Pointer(unsafe.SliceData(delta))
	for i := 0; i < len(s); {
		for i < len(s) {
			b := s[i]
			if b >= utf8.RuneSelf {
				break
			}
			i++
			row = *(*int32)(unsafe.Add(dp, uintptr(row+int32(class[b]))*4))
			if row < 0 {
				break
			}
		}
		if row < 0 {
			row = ^row
			hits = m.emit(s, hits, row/k, i, shift, changedAt)
			continue
		}
		if i >= len(s) {
			break
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var fb []byte
		if lr := unicode.ToLower(r); lr != r && r != utf8.RuneError {
			fb = buf[:utf8.EncodeRune(buf[:], lr)]
		} else {
			fb = buf[:copy(buf[:], s[i:i+size])]
		}
		i += size
		if len(fb) != size {
			shift += len(fb) - size
			changedAt = i + shift // the folded end of this rune
		}
		for j := range fb {
			row = delta[row+int32(class[fb[j]])]
			if row < 0 {
				row = ^row
				if j == len(fb)-1 {
					hits = m.emit(s, hits, row/k, i, shift, changedAt)
				}
			}
		}
	}
	return hits, int(m.depth[row/k])
}

// emit appends the keys output in state st, which ends at byte end of s.
// Keys are whole runes, so a match always ends after a rune's last byte.
func (m *listMatcher) emit(s string, hits []hit, st int32, end, shift, changedAt int) []hit {
	for _, key := range m.outs[m.outAt[st]:m.outAt[st+1]] {
		fstart := end + shift - int(m.klen[key])
		start := fstart - shift
		if fstart < changedAt {
			start = foldedStart(s, end, int(m.klen[key]))
		}
		hits = append(hits, hit{key: key, start: int32(start), end: int32(end)})
	}
	return hits
}

// foldedStart walks back from end over the runes of s until their lower
// case spans n bytes, and returns where that is: the start of a match whose
// folded text is n bytes long, when folding changed lengths inside it.
func foldedStart(s string, end, n int) int {
	i := end
	for n > 0 && i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
		n -= foldedLen(r, size)
	}
	return i
}

func foldedLen(r rune, size int) int {
	if r == utf8.RuneError {
		return size
	}
	if lr := unicode.ToLower(r); lr != r {
		return utf8.RuneLen(lr)
	}
	return size
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

// isWord reports whether r is part of a word: a letter, a digit or '_'.
func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// needsBoundary reports whether an entry starting or ending with r must be
// delimited there: word runes of scripts written with spaces between words.
// Scripts without spaces (Han, kana, Thai, ...) match anywhere.
func needsBoundary(r rune) bool {
	if !isWord(r) {
		return false
	}
	return r < utf8.RuneSelf || !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar)
}

// wordBefore and wordAfter report whether a word rune touches s[i:] from
// the left, or s[:i] from the right.
func wordBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWord(r)
}

func wordAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWord(r)
}
