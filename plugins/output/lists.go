package output

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// The deny and allow lists: literal terms, simple patterns and allowed
// values, all found by one listMatcher pass over the text.
//
// A pattern is literal text and character classes:
//
//	\d  a digit          \a  a letter        \w  a letter, digit or _
//	\x  a hex digit      \\  a backslash (and \ before any other character: that character)
//
// A class may be followed by a quantifier: {n}, {n,m}, + (1 to 64), * (0 to
// 64) or ? (0 or 1); without one it matches exactly one character. Classes
// are possessive (\d+ takes every digit there is, never gives one back), so
// a pattern is checked in time linear in its length. Every pattern needs a
// literal part of at least 3 bytes, its anchor (the longest one): the
// automaton finds anchors, then the items before the anchor are matched
// right to left and the ones after it left to right.

const (
	minAnchor = 3
	maxRepeat = 256 // largest {n,m}
	plusMax   = 64  // what + and * mean
)

// class of a pattern item; 0 is a literal rune.
const (
	clsLit byte = iota
	clsDigit
	clsLetter
	clsWord
	clsHex
)

type item struct {
	cls      byte
	r        rune // clsLit: the rune, lower case
	min, max int
}

func (it *item) accepts(r rune) bool {
	switch it.cls {
	case clsLit:
		return r == it.r || unicode.ToLower(r) == it.r
	case clsDigit:
		return r >= '0' && r <= '9' || r >= utf8.RuneSelf && unicode.IsDigit(r)
	case clsLetter:
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf && unicode.IsLetter(r)
	case clsWord:
		return isWord(r)
	case clsHex:
		return r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F'
	}
	return false
}

// entry kinds of the list matcher's keys.
const (
	entryTerm uint8 = iota
	entryPattern
	entryAllow
)

type listEntry struct {
	kind        uint8
	label       string // "deny_terms[2]", "deny_patterns[0]"; "" for allow
	left, right bool   // a word boundary is required there
	before      []item // pattern items before the anchor, nearest first
	after       []item // pattern items after the anchor
}

// parsePattern splits p into its anchor (folded) and the items around it.
// The message of an error says what is wrong, without the key.
func parsePattern(p string) (anchor string, before, after []item, msg string) {
	var items []item
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		i += size
		if r != '\\' {
			items = append(items, item{cls: clsLit, r: unicode.ToLower(r), min: 1, max: 1})
			continue
		}
		if i >= len(p) {
			return "", nil, nil, `ends with a lone \`
		}
		r, size = utf8.DecodeRuneInString(p[i:])
		i += size
		it := item{min: 1, max: 1}
		switch r {
		case 'd':
			it.cls = clsDigit
		case 'a':
			it.cls = clsLetter
		case 'w':
			it.cls = clsWord
		case 'x':
			it.cls = clsHex
		default:
			items = append(items, item{cls: clsLit, r: unicode.ToLower(r), min: 1, max: 1})
			continue
		}
		if i < len(p) {
			switch p[i] {
			case '+':
				it.min, it.max = 1, plusMax
				i++
			case '*':
				it.min, it.max = 0, plusMax
				i++
			case '?':
				it.min, it.max = 0, 1
				i++
			case '{':
				n, m, used, ok := parseRepeat(p[i:])
				if !ok {
					return "", nil, nil, "bad repetition: want {n} or {n,m} with 0 <= n <= m <= 256, m >= 1"
				}
				it.min, it.max = n, m
				i += used
			}
		}
		items = append(items, it)
	}
	// The anchor: the longest run of literal items (the first on a tie).
	bestAt, bestLen, bestBytes := -1, 0, 0
	for i := 0; i < len(items); {
		if items[i].cls != clsLit {
			i++
			continue
		}
		j, n := i, 0
		for j < len(items) && items[j].cls == clsLit {
			n += utf8.RuneLen(items[j].r)
			j++
		}
		if n > bestBytes {
			bestAt, bestLen, bestBytes = i, j-i, n
		}
		i = j
	}
	if bestBytes < minAnchor {
		return "", nil, nil, "needs a literal part of at least 3 bytes (the anchor the matcher looks for)"
	}
	var a []byte
	for _, it := range items[bestAt : bestAt+bestLen] {
		a = utf8.AppendRune(a, it.r)
	}
	for i := bestAt - 1; i >= 0; i-- {
		before = append(before, items[i])
	}
	after = append(after, items[bestAt+bestLen:]...)
	return string(a), before, after, ""
}

// parseRepeat reads "{n}" or "{n,m}" at the start of s.
func parseRepeat(s string) (n, m, used int, ok bool) {
	end := 0
	for end < len(s) && s[end] != '}' {
		end++
	}
	if end == len(s) {
		return 0, 0, 0, false
	}
	body := s[1:end]
	lo, hi := body, body
	for i := 0; i < len(body); i++ {
		if body[i] == ',' {
			lo, hi = body[:i], body[i+1:]
			break
		}
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || a < 0 || b < 1 || a > b || b > maxRepeat {
		return 0, 0, 0, false
	}
	return a, b, end + 1, true
}

// matchAfter matches items forward from s[i:]. It returns the end of the
// match, whether it matched, and whether more text could change the
// outcome (the text ended while an item could still take characters).
func matchAfter(s string, i int, items []item) (end int, ok, open bool) {
	for k := range items {
		it := &items[k]
		n := 0
		for n < it.max {
			if i >= len(s) {
				open = true
				break
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if !it.accepts(r) {
				break
			}
			i += size
			n++
		}
		if n < it.min {
			return i, false, open
		}
	}
	return i, true, open
}

// matchBefore matches items (nearest first) backward from s[:i].
func matchBefore(s string, i int, items []item) (start int, ok bool) {
	for k := range items {
		it := &items[k]
		n := 0
		for n < it.max && i > 0 {
			r, size := utf8.DecodeLastRuneInString(s[:i])
			if !it.accepts(r) {
				break
			}
			i -= size
			n++
		}
		if n < it.min {
			return i, false
		}
	}
	return i, true
}

// edgeBoundary reports whether an item at the edge of an entry needs a word
// boundary next to it.
func edgeBoundary(it *item) bool {
	if it.cls == clsLit {
		return needsBoundary(it.r)
	}
	return true
}

// lists is the compiled deny and allow lists.
type lists struct {
	m       *listMatcher
	entries []listEntry // per key of m
}

// newLists compiles the lists; on error, key names the offending config
// value ("deny_patterns[1]") and msg what is wrong with it.
func newLists(terms, patterns, allow []string) (l *lists, key, msg string) {
	if n := len(terms) + len(patterns) + len(allow); n > maxEntries {
		return nil, "", "at most " + strconv.Itoa(maxEntries) + " entries in deny_terms, deny_patterns and allow together, got " + strconv.Itoa(n)
	}
	l = &lists{}
	var keys []string
	addLit := func(name string, i int, v string, kind uint8) (string, string) {
		key := name + "[" + strconv.Itoa(i) + "]"
		f := string(appendFold(nil, v))
		switch {
		case !utf8.ValidString(v):
			return key, "not valid UTF-8"
		case utf8.RuneCountInString(v) < 2:
			return key, "must be at least 2 characters"
		case len(f) > maxEntryLen:
			return key, "at most 256 bytes"
		}
		first, _ := utf8.DecodeRuneInString(f)
		last, _ := utf8.DecodeLastRuneInString(f)
		e := listEntry{kind: kind, left: needsBoundary(first), right: needsBoundary(last)}
		if kind == entryTerm {
			e.label = key
		}
		keys = append(keys, f)
		l.entries = append(l.entries, e)
		return "", ""
	}
	for i, t := range terms {
		if k, m := addLit("deny_terms", i, t, entryTerm); m != "" {
			return nil, k, m
		}
	}
	for i, v := range allow {
		if k, m := addLit("allow", i, v, entryAllow); m != "" {
			return nil, k, m
		}
	}
	for i, p := range patterns {
		key := "deny_patterns[" + strconv.Itoa(i) + "]"
		if !utf8.ValidString(p) {
			return nil, key, "not valid UTF-8"
		}
		if len(p) > maxEntryLen {
			return nil, key, "at most 256 bytes"
		}
		anchor, before, after, m := parsePattern(p)
		if m != "" {
			return nil, key, m
		}
		e := listEntry{kind: entryPattern, label: key, before: before, after: after}
		first, _ := utf8.DecodeRuneInString(anchor)
		last, _ := utf8.DecodeLastRuneInString(anchor)
		e.left, e.right = needsBoundary(first), needsBoundary(last)
		if len(before) > 0 {
			e.left = edgeBoundary(&before[len(before)-1])
		}
		if len(after) > 0 {
			e.right = edgeBoundary(&after[len(after)-1])
		}
		keys = append(keys, anchor)
		l.entries = append(l.entries, e)
	}
	if len(keys) == 0 {
		return nil, "", ""
	}
	m, err := newListMatcher(keys)
	if err != nil {
		return nil, "", err.Error()
	}
	l.m = m
	return l, "", ""
}

// listHit is a deny or allow occurrence, resolved to its full extent.
type listHit struct {
	entry      int32
	start, end int
}

// find appends to dst the occurrences of deny and allow entries in s, with
// word boundaries checked and patterns extended around their anchors. hits
// is scratch. hold is how many bytes at the end of s could still become
// (part of) an occurrence when more text follows; it is 0 when final.
func (l *lists) find(s string, final bool, hits []hit, dst []listHit) (_ []hit, _ []listHit, hold int) {
	hits, tail := l.m.scan(s, hits[:0])
	holdFrom := len(s)
	if !final {
		holdFrom = len(s) - tail
	}
	for _, h := range hits {
		e := &l.entries[h.key]
		start, end := int(h.start), int(h.end)
		if e.kind == entryPattern {
			var ok, open bool
			if start, ok = matchBefore(s, start, e.before); !ok {
				continue
			}
			end, ok, open = matchAfter(s, end, e.after)
			if open && !final {
				holdFrom = min(holdFrom, start)
			}
			if !ok {
				continue
			}
		}
		if e.left && wordBefore(s, start) || e.right && wordAfter(s, end) {
			continue
		}
		if end == len(s) && e.right && !final {
			// The next text could continue the word.
			holdFrom = min(holdFrom, start)
		}
		dst = append(dst, listHit{entry: h.key, start: start, end: end})
	}
	return hits, dst, len(s) - holdFrom
}
