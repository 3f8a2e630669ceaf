package config

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// lineIndex maps key paths to the 1-based line where each key first
// appears. BurntSushi/toml records positions while parsing but does not
// export them for decoded keys, so the index is built by a separate scanner
// (scanLines) over the same bytes.
//
// A path is a list of elements joined with pathSep. An element is either a
// key name or an array index written "[N]": [[routes]] entries and array
// elements are indexed that way, so the second route's prefix is
// routes·[1]·prefix. The first occurrence of a path wins: a table created by
// a dotted key and extended later keeps the line where it was created.
//
// A lineIndex is immutable once built and safe for concurrent reads.
type lineIndex map[string]int

const pathSep = "\x00"

func joinPath(elems []string) string { return strings.Join(elems, pathSep) }

// lookup returns the line of path, or of its longest ancestor present in the
// index, or 0 when not even the first element is known.
func (ix lineIndex) lookup(elems []string) int {
	for n := len(elems); n > 0; n-- {
		if l, ok := ix[joinPath(elems[:n])]; ok {
			return l
		}
	}
	return 0
}

// splitIndexes turns caller-supplied elements such as "phrases[2]" into
// "phrases", "[2]". Elements that do not end in a well-formed index are kept
// as they are.
func splitIndexes(key []string) []string {
	out := make([]string, 0, len(key))
	for _, e := range key {
		var idx []string
		for strings.HasSuffix(e, "]") {
			open := strings.LastIndexByte(e, '[')
			if open < 0 || !isIndex(e[open:]) {
				break
			}
			idx = append(idx, e[open:])
			e = e[:open]
		}
		if e != "" || len(idx) == 0 {
			out = append(out, e)
		}
		for i := len(idx) - 1; i >= 0; i-- {
			out = append(out, idx[i])
		}
	}
	return out
}

// isIndex reports whether e is "[N]" with N a decimal number.
func isIndex(e string) bool {
	if len(e) < 3 || e[0] != '[' || e[len(e)-1] != ']' {
		return false
	}
	for _, c := range e[1 : len(e)-1] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func indexElem(i int) string { return "[" + strconv.Itoa(i) + "]" }

// scanLines builds the line index of a TOML document. It understands table
// headers ([a.b], [[a]] with per-parent array indexes), key/value pairs with
// bare, quoted and dotted keys, all four string forms (so that brackets,
// quotes and '#' inside strings and newlines inside multi-line strings are
// accounted for), arrays (elements indexed, possibly spanning lines) and
// inline tables (keys recorded, newlines tolerated as in TOML 1.1).
//
// It is meant to run on documents BurntSushi/toml has accepted. On malformed
// input it never panics and always terminates, but the lines it records are
// then unspecified.
func scanLines(data []byte) lineIndex {
	ix, _, _ := scanDepth(data)
	return ix
}

// scanDepth is scanLines that also returns the length of the longest key
// path (array indexes count as elements) and the line where it occurs. The
// scan stops at the first path longer than MaxDepth (then depth is that
// path's length), which bounds its cost to O(len(data) * MaxDepth).
func scanDepth(data []byte) (ix lineIndex, depth, line int) {
	s := &scanner{
		src:     data,
		line:    1,
		ix:      lineIndex{},
		arrNext: map[string]int{},
		arrCur:  map[string]int{},
	}
	s.document()
	return s.ix, s.depth, s.depthLine
}

type scanner struct {
	src  []byte
	pos  int
	line int
	ix   lineIndex

	table   []string       // resolved path of the current table
	arrNext map[string]int // resolved array-table path -> next index
	arrCur  map[string]int // resolved array-table path -> current index

	depth, depthLine int // longest path recorded and its line
}

func (s *scanner) eof() bool { return s.pos >= len(s.src) }

func (s *scanner) peek(off int) byte {
	if s.pos+off < len(s.src) {
		return s.src[s.pos+off]
	}
	return 0
}

func (s *scanner) advance() {
	if s.src[s.pos] == '\n' {
		s.line++
	}
	s.pos++
}

// deep notes a path of n elements; beyond MaxDepth it ends the scan by
// moving to the end of the input and reports true.
func (s *scanner) deep(n, line int) bool {
	if n > s.depth {
		s.depth, s.depthLine = n, line
	}
	if n > MaxDepth {
		s.pos = len(s.src)
		return true
	}
	return false
}

func (s *scanner) record(path []string, line int) {
	if s.deep(len(path), line) {
		return
	}
	k := joinPath(path)
	if _, ok := s.ix[k]; !ok {
		s.ix[k] = line
	}
}

// recordAll records the prefixes of path longer than from elements, so that
// intermediate tables created implicitly by dotted keys or headers get a line
// too. Callers pass the length of a prefix already recorded, which keeps deep
// nesting quadratic rather than cubic.
func (s *scanner) recordAll(path []string, from, line int) {
	for n := from + 1; n <= len(path); n++ {
		s.record(path[:n], line)
	}
}

// skipSpace skips blanks; with newlines, also line breaks and comments.
func (s *scanner) skipSpace(newlines bool) {
	for !s.eof() {
		switch c := s.src[s.pos]; {
		case c == ' ' || c == '\t':
			s.pos++
		case newlines && (c == '\n' || c == '\r'):
			s.advance()
		case newlines && c == '#':
			s.skipLine()
		default:
			return
		}
	}
}

// skipLine moves to the '\n' ending the current line (not past it).
func (s *scanner) skipLine() {
	for !s.eof() && s.src[s.pos] != '\n' {
		s.pos++
	}
}

func (s *scanner) document() {
	for {
		s.skipSpace(true)
		if s.eof() {
			return
		}
		start := s.pos
		if s.src[s.pos] == '[' {
			s.header()
		} else {
			s.keyValue(s.table)
		}
		// Whatever follows on the line is a comment or, on malformed input,
		// garbage: skip it. Make progress even if nothing was consumed.
		s.skipLine()
		if s.pos == start && !s.eof() {
			s.advance()
		}
	}
}

func (s *scanner) header() {
	line := s.line
	s.pos++ // '['
	array := s.peek(0) == '['
	if array {
		s.pos++
	}
	key := s.key()
	if len(key) == 0 || s.deep(len(key), line) {
		return
	}
	s.skipSpace(false)
	if s.peek(0) != ']' || (array && s.peek(1) != ']') {
		return
	}
	s.pos++
	if array {
		s.pos++
	}
	// Resolve each parent element through the array tables seen so far:
	// in [[a]] … [a.b], "a" means the last element of a.
	path := make([]string, 0, len(key)+2)
	for i, k := range key {
		path = append(path, k)
		if i == len(key)-1 {
			break
		}
		if cur, ok := s.arrCur[joinPath(path)]; ok {
			path = append(path, indexElem(cur))
		}
	}
	if array {
		s.recordAll(path, 0, line)
		p := joinPath(path)
		idx := s.arrNext[p]
		s.arrNext[p] = idx + 1
		s.arrCur[p] = idx
		path = append(path, indexElem(idx))
	}
	s.recordAll(path, 0, line)
	s.table = path
}

// keyValue scans "key = value" under prefix.
func (s *scanner) keyValue(prefix []string) bool {
	line := s.line
	key := s.key()
	if len(key) == 0 || s.deep(len(prefix)+len(key), line) {
		return false
	}
	s.skipSpace(false)
	if s.peek(0) != '=' {
		return false
	}
	s.pos++
	path := append(append(make([]string, 0, len(prefix)+len(key)), prefix...), key...)
	s.recordAll(path, len(prefix), line)
	return s.value(path)
}

// key scans a possibly dotted key; nil when none is found.
func (s *scanner) key() []string {
	var parts []string
	for {
		s.skipSpace(false)
		part, ok := s.simpleKey()
		if !ok {
			return nil
		}
		parts = append(parts, part)
		s.skipSpace(false)
		if s.peek(0) != '.' {
			return parts
		}
		s.pos++
	}
}

func (s *scanner) simpleKey() (string, bool) {
	switch s.peek(0) {
	case '"':
		return s.basicString()
	case '\'':
		return s.literalString()
	}
	start := s.pos
	for !s.eof() && isBareKeyChar(s.src[s.pos]) {
		s.pos++
	}
	return string(s.src[start:s.pos]), s.pos > start
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// basicString scans a single-line "..." string at s.pos and returns its
// decoded value.
func (s *scanner) basicString() (string, bool) {
	s.pos++ // opening quote
	var b strings.Builder
	for !s.eof() {
		c := s.src[s.pos]
		switch {
		case c == '"':
			s.pos++
			return b.String(), true
		case c == '\n':
			return "", false
		case c == '\\':
			s.pos++
			if s.eof() {
				return "", false
			}
			s.escape(&b)
		default:
			b.WriteByte(c)
			s.pos++
		}
	}
	return "", false
}

// escape decodes the escape sequence after a backslash (s.pos is on the
// character following it). Unknown escapes are kept verbatim.
func (s *scanner) escape(b *strings.Builder) {
	c := s.src[s.pos]
	s.pos++
	switch c {
	case 'b':
		b.WriteByte('\b')
	case 't':
		b.WriteByte('\t')
	case 'n':
		b.WriteByte('\n')
	case 'f':
		b.WriteByte('\f')
	case 'r':
		b.WriteByte('\r')
	case 'e':
		b.WriteByte(0x1b)
	case '"', '\\':
		b.WriteByte(c)
	case 'x', 'u', 'U':
		n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
		if s.pos+n <= len(s.src) {
			if v, err := strconv.ParseUint(string(s.src[s.pos:s.pos+n]), 16, 32); err == nil && utf8.ValidRune(rune(v)) {
				b.WriteRune(rune(v))
				s.pos += n
				return
			}
		}
		b.WriteByte('\\')
		b.WriteByte(c)
	case '\n':
		s.line++
	default:
		b.WriteByte('\\')
		b.WriteByte(c)
	}
}

func (s *scanner) literalString() (string, bool) {
	s.pos++
	start := s.pos
	for !s.eof() {
		switch s.src[s.pos] {
		case '\'':
			v := string(s.src[start:s.pos])
			s.pos++
			return v, true
		case '\n':
			return "", false
		}
		s.pos++
	}
	return "", false
}

// multiline skips a """ or ”' string whose opening delimiter starts at
// s.pos, counting the lines it spans.
func (s *scanner) multiline(q byte) {
	s.pos += 3
	for !s.eof() {
		c := s.src[s.pos]
		switch {
		case c == '\\' && q == '"':
			s.pos++
			if !s.eof() {
				s.advance()
			}
		case c == q && s.peek(1) == q && s.peek(2) == q:
			s.pos += 3
			// Up to two more quotes belong to the content: """a"""""
			for i := 0; i < 2 && s.peek(0) == q; i++ {
				s.pos++
			}
			return
		default:
			s.advance()
		}
	}
}

// value scans one value belonging to path. It returns false when the input
// did not look like a value (malformed input only).
func (s *scanner) value(path []string) bool {
	s.skipSpace(false)
	if s.eof() {
		return false
	}
	switch c := s.src[s.pos]; c {
	case '"', '\'':
		if s.peek(1) == c && s.peek(2) == c {
			s.multiline(c)
			return true
		}
		var ok bool
		if c == '"' {
			_, ok = s.basicString()
		} else {
			_, ok = s.literalString()
		}
		return ok
	case '[':
		return s.array(path)
	case '{':
		return s.inlineTable(path)
	}
	start := s.pos
	for !s.eof() {
		switch s.src[s.pos] {
		case ',', ']', '}', '\n', '\r', '#':
			return s.pos > start
		}
		s.pos++
	}
	return s.pos > start
}

func (s *scanner) array(path []string) bool {
	s.pos++ // '['
	for i := 0; ; i++ {
		s.skipSpace(true)
		if s.eof() {
			return false
		}
		if s.src[s.pos] == ']' {
			s.pos++
			return true
		}
		elem := append(append(make([]string, 0, len(path)+1), path...), indexElem(i))
		s.record(elem, s.line)
		if !s.value(elem) {
			return false
		}
		s.skipSpace(true)
		switch s.peek(0) {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return true
		default:
			return false
		}
	}
}

func (s *scanner) inlineTable(path []string) bool {
	s.pos++ // '{'
	for {
		s.skipSpace(true)
		if s.eof() {
			return false
		}
		if s.src[s.pos] == '}' {
			s.pos++
			return true
		}
		if !s.keyValue(path) {
			return false
		}
		s.skipSpace(true)
		switch s.peek(0) {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return true
		default:
			return false
		}
	}
}
