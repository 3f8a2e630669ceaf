package auth

import (
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/wardgate/ward/plugins/auth/token"
)

// A strict, allocation-light reader for the JSON objects of a JWT (header
// and claims), replacing encoding/json on the request path: inside Wasm
// reflection and per-value allocations cost tens of microseconds per token.
//
// It accepts exactly RFC 8259 JSON texts whose top-level value is an
// object, with three deliberate restrictions, all reported as errors:
//
//   - duplicate member names in the top-level object (errJSONDuplicate):
//     RFC 8259 leaves their meaning to the parser, and a token whose "alg"
//     or "exp" means different things to different parsers must not pass
//     (encoding/json silently kept the last one);
//   - strings that are not valid UTF-8, or that escape a lone surrogate
//     such as "\ud800" (errJSONEncoding): RFC 7519 requires UTF-8 and I-JSON
//     (RFC 7493) forbids lone surrogates (encoding/json replaced both with
//     U+FFFD, so two different byte strings read as one claim);
//   - nesting deeper than jsonMaxDepth (errJSONDepth).
//
// Member names match exactly (encoding/json also matched "ALG" to a struct
// field "alg"). Whitespace is only JSON's: space, tab, CR, LF.

// jsonMaxDepth bounds the nesting of arrays and objects; the top-level
// object is depth 1. The parser recurses once per level.
const jsonMaxDepth = 64

// jsonError is a rejected JSON document; code is stable.
type jsonError struct{ code string }

func (e *jsonError) Error() string { return "json: " + e.code }

var (
	errJSONSyntax    = &jsonError{"syntax"}
	errJSONDuplicate = &jsonError{"duplicate_name"}
	errJSONEncoding  = &jsonError{"bad_encoding"} // invalid UTF-8 or a lone surrogate escape
	errJSONDepth     = &jsonError{"too_deep"}
)

// jsonKind is the type of a JSON value.
type jsonKind uint8

const (
	jNull jsonKind = iota + 1
	jBool
	jNumber
	jString
	jArray
	jObject
)

// jsonMember is one member of a top-level object. name is decoded (escapes
// resolved); raw is the value's text as in the input (a string with its
// quotes, a nested value whole). Both alias the parsed input or the
// reader's scratch: they are valid until the reader's next parseObject and
// as long as the input is not modified.
type jsonMember struct {
	name []byte
	raw  []byte
	kind jsonKind
	esc  bool // a string value containing escapes (str decodes it)
}

// jsonReader parses objects with buffers reused from call to call. It is
// not safe for concurrent use; the zero value is ready.
type jsonReader struct {
	members []jsonMember
	scratch []byte  // decoded names and strings; only appended to within a parse
	table   []int32 // duplicate detection for large objects
}

// parseObject validates b as one JSON text whose value is an object and
// returns its members in input order. On error the result is nil. The
// members alias b and the reader (see jsonMember).
func (r *jsonReader) parseObject(b []byte) ([]jsonMember, error) {
	r.members = r.members[:0]
	r.scratch = r.scratch[:0]
	s := jsonScanner{b: b}
	s.ws()
	if !s.eat('{') {
		return nil, errJSONSyntax
	}
	s.ws()
	if !s.eat('}') {
		for {
			if s.peek() != '"' {
				return nil, errJSONSyntax
			}
			start := s.i
			esc, err := s.str()
			if err != nil {
				return nil, err
			}
			name := b[start+1 : s.i-1 : s.i-1]
			if esc {
				n := len(r.scratch)
				r.scratch = appendUnquote(r.scratch, b[start:s.i])
				name = r.scratch[n:len(r.scratch):len(r.scratch)]
			}
			s.ws()
			if !s.eat(':') {
				return nil, errJSONSyntax
			}
			s.ws()
			vs := s.i
			kind, vesc, err := s.value(2)
			if err != nil {
				return nil, err
			}
			r.members = append(r.members, jsonMember{name: name, raw: b[vs:s.i:s.i], kind: kind, esc: vesc})
			s.ws()
			if s.eat(',') {
				s.ws()
				continue
			}
			if s.eat('}') {
				break
			}
			return nil, errJSONSyntax
		}
	}
	s.ws()
	if s.i != len(b) {
		return nil, errJSONSyntax
	}
	if r.hasDuplicate() {
		return nil, errJSONDuplicate
	}
	return r.members, nil
}

// hasDuplicate reports whether two members share a name: pairwise for
// small objects, through an open-addressing table otherwise, so that a
// large object costs linear time.
func (r *jsonReader) hasDuplicate() bool {
	ms := r.members
	if len(ms) <= 16 {
		for i := 1; i < len(ms); i++ {
			for j := 0; j < i; j++ {
				if string(ms[i].name) == string(ms[j].name) {
					return true
				}
			}
		}
		return false
	}
	size := 64
	for size < 2*len(ms) {
		size <<= 1
	}
	if cap(r.table) < size {
		r.table = make([]int32, size)
	} else {
		r.table = r.table[:size]
		clear(r.table)
	}
	mask := uint32(size - 1)
	for i := range ms {
		h := fnv32(ms[i].name) & mask
		for {
			j := r.table[h]
			if j == 0 {
				r.table[h] = int32(i + 1)
				break
			}
			if string(ms[j-1].name) == string(ms[i].name) {
				return true
			}
			h = (h + 1) & mask
		}
	}
	return false
}

func fnv32(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// member returns the member called name, or nil.
func member(ms []jsonMember, name string) *jsonMember {
	for i := range ms {
		if string(ms[i].name) == name {
			return &ms[i]
		}
	}
	return nil
}

// str returns the decoded value of a string member (ok false for any
// other kind), aliasing the input or the reader's scratch like the member.
func (r *jsonReader) str(m *jsonMember) (s []byte, ok bool) {
	if m == nil || m.kind != jString {
		return nil, false
	}
	return r.unquote(m.raw, m.esc), true
}

func (r *jsonReader) unquote(quoted []byte, esc bool) []byte {
	if !esc {
		return quoted[1 : len(quoted)-1]
	}
	n := len(r.scratch)
	r.scratch = appendUnquote(r.scratch, quoted)
	return r.scratch[n:len(r.scratch):len(r.scratch)]
}

// appendStrings appends to dst the decoded elements of an array member
// whose elements are all strings; ok is false for any other kind or
// element. The elements alias like str's result.
func (r *jsonReader) appendStrings(dst [][]byte, m *jsonMember) (out [][]byte, ok bool) {
	if m == nil || m.kind != jArray {
		return dst, false
	}
	// m.raw was validated by parseObject: the scan below cannot fail
	// except on a non-string element.
	s := jsonScanner{b: m.raw, i: 1}
	s.ws()
	if s.eat(']') {
		return dst, true
	}
	for {
		if s.peek() != '"' {
			return dst, false
		}
		start := s.i
		esc, err := s.str()
		if err != nil {
			return dst, false
		}
		dst = append(dst, r.unquote(m.raw[start:s.i], esc))
		s.ws()
		if !s.eat(',') {
			return dst, s.eat(']')
		}
		s.ws()
	}
}

// arrayElements returns the text of each element of raw, an array that
// parseObject validated (a member's raw).
func arrayElements(raw []byte) [][]byte {
	var out [][]byte
	s := jsonScanner{b: raw, i: 1}
	s.ws()
	if s.eat(']') {
		return out
	}
	for {
		start := s.i
		if _, _, err := s.value(2); err != nil {
			return out // cannot happen: raw was validated
		}
		out = append(out, raw[start:s.i])
		s.ws()
		if !s.eat(',') {
			return out
		}
		s.ws()
	}
}

// number returns the value of a number member as float64, exactly as
// strconv.ParseFloat (and so encoding/json) reads it; ok is false for any
// other kind and for numbers out of float64's range.
func number(m *jsonMember) (f float64, ok bool) {
	if m == nil || m.kind != jNumber {
		return 0, false
	}
	b := m.raw
	// Fast path: integers below 2^53 convert exactly without strconv (and
	// without the string conversion it needs).
	if len(b) <= 15 {
		neg := b[0] == '-'
		i := 0
		if neg {
			i = 1
		}
		var v int64
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
			v = v*10 + int64(b[i]-'0')
		}
		if i == len(b) {
			if neg {
				return -float64(v), true
			}
			return float64(v), true
		}
	}
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}

// jsonScanner validates JSON text from b[i:].
type jsonScanner struct {
	b []byte
	i int
}

func (s *jsonScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *jsonScanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScanner) lit(word string) error {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		return errJSONSyntax
	}
	s.i += len(word)
	return nil
}

// value scans one value at depth (of a nested array or object) and
// reports its kind and, for strings, whether it has escapes.
func (s *jsonScanner) value(depth int) (kind jsonKind, esc bool, err error) {
	switch c := s.peek(); {
	case c == '"':
		esc, err = s.str()
		return jString, esc, err
	case c == '{' || c == '[':
		if depth > jsonMaxDepth {
			return 0, false, errJSONDepth
		}
		if c == '{' {
			return jObject, false, s.object(depth)
		}
		return jArray, false, s.array(depth)
	case c == 't':
		return jBool, false, s.lit("true")
	case c == 'f':
		return jBool, false, s.lit("false")
	case c == 'n':
		return jNull, false, s.lit("null")
	case c == '-' || '0' <= c && c <= '9':
		return jNumber, false, s.number()
	}
	return 0, false, errJSONSyntax
}

// object skips a nested object (depth is its own); duplicate names are
// only refused at the top level, where the values are read.
func (s *jsonScanner) object(depth int) error {
	s.i++ // '{'
	s.ws()
	if s.eat('}') {
		return nil
	}
	for {
		if s.peek() != '"' {
			return errJSONSyntax
		}
		if _, err := s.str(); err != nil {
			return err
		}
		s.ws()
		if !s.eat(':') {
			return errJSONSyntax
		}
		s.ws()
		if _, _, err := s.value(depth + 1); err != nil {
			return err
		}
		s.ws()
		if s.eat(',') {
			s.ws()
			continue
		}
		if s.eat('}') {
			return nil
		}
		return errJSONSyntax
	}
}

func (s *jsonScanner) array(depth int) error {
	s.i++ // '['
	s.ws()
	if s.eat(']') {
		return nil
	}
	for {
		if _, _, err := s.value(depth + 1); err != nil {
			return err
		}
		s.ws()
		if s.eat(',') {
			s.ws()
			continue
		}
		if s.eat(']') {
			return nil
		}
		return errJSONSyntax
	}
}

// number scans -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; what
// follows is the caller's to check.
func (s *jsonScanner) number() error {
	s.eat('-')
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case '1' <= c && c <= '9':
		s.digits()
	default:
		return errJSONSyntax
	}
	if s.eat('.') {
		if s.digits() == 0 {
			return errJSONSyntax
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if !s.eat('+') {
			s.eat('-')
		}
		if s.digits() == 0 {
			return errJSONSyntax
		}
	}
	return nil
}

func (s *jsonScanner) digits() int {
	start := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i - start
}

// str scans a string starting at its opening quote and reports whether it
// contains escapes. Control characters, invalid UTF-8, bad escapes and
// lone surrogates are errors.
func (s *jsonScanner) str() (esc bool, err error) {
	b := s.b
	i := s.i + 1
	for {
		if i >= len(b) {
			return false, errJSONSyntax
		}
		c := b[i]
		switch {
		case c == '"':
			s.i = i + 1
			return esc, nil
		case c == '\\':
			esc = true
			if i+1 >= len(b) {
				return false, errJSONSyntax
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				r, ok := token.Hex4(b, i+2)
				if !ok {
					return false, errJSONSyntax
				}
				i += 6
				switch {
				case 0xdc00 <= r && r <= 0xdfff:
					return false, errJSONEncoding // low surrogate first
				case 0xd800 <= r && r <= 0xdbff:
					if i+1 >= len(b) || b[i] != '\\' || b[i+1] != 'u' {
						return false, errJSONEncoding
					}
					r2, ok := token.Hex4(b, i+2)
					if !ok {
						return false, errJSONSyntax
					}
					if r2 < 0xdc00 || r2 > 0xdfff {
						return false, errJSONEncoding
					}
					i += 6
				}
			default:
				return false, errJSONSyntax
			}
		case c < 0x20:
			return false, errJSONSyntax
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return false, errJSONEncoding
			}
			i += size
		}
	}
}

// appendUnquote appends the decoded content of quoted, a string already
// validated by jsonScanner.str (quotes included), to dst. The result is
// never longer than quoted.
func appendUnquote(dst, quoted []byte) []byte {
	b := quoted[1 : len(quoted)-1]
	dst = slices.Grow(dst, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		if c != '\\' {
			dst = append(dst, c)
			i++
			continue
		}
		switch b[i+1] {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, _ := token.Hex4(b, i+2)
			if 0xd800 <= r && r <= 0xdbff {
				r2, _ := token.Hex4(b, i+8)
				r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
				i += 6
			}
			dst = utf8.AppendRune(dst, r)
			i += 6
			continue
		default: // '"', '\\', '/'
			dst = append(dst, b[i+1])
		}
		i += 2
	}
	return dst
}

// b64urlIndex maps a base64url character to its 6-bit value, other bytes
// to 0xff.
var b64urlIndex = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// isB64URL reports whether s holds only base64url characters, like
// token.IsBase64URL with a table and four characters per step (cheaper
// inside Wasm).
func isB64URL(s string) bool {
	t := &b64urlIndex
	i := 0
	for ; i+4 <= len(s); i += 4 {
		if (t[s[i]]|t[s[i+1]]|t[s[i+2]]|t[s[i+3]])&0xc0 != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if t[s[i]]&0xc0 != 0 {
			return false
		}
	}
	return true
}

// appendB64URL appends the decoding of s, unpadded base64url, to dst. It is
// as strict as base64.RawURLEncoding.Strict() (only the URL alphabet, no
// padding, zero unused trailing bits) and stricter in one point: CR and LF
// are refused, not skipped. On failure ok is
// false and out is dst with unspecified bytes appended.
func appendB64URL(dst []byte, s string) (out []byte, ok bool) {
	dst = slices.Grow(dst, len(s)*3/4+2)
	t := &b64urlIndex
	i := 0
	for ; i+4 <= len(s); i += 4 {
		a, b, c, d := t[s[i]], t[s[i+1]], t[s[i+2]], t[s[i+3]]
		if (a|b|c|d)&0xc0 != 0 {
			return dst, false
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		dst = append(dst, byte(v>>16), byte(v>>8), byte(v))
	}
	switch len(s) - i {
	case 0:
	case 2:
		a, b := t[s[i]], t[s[i+1]]
		if (a|b)&0xc0 != 0 || b&0x0f != 0 {
			return dst, false
		}
		dst = append(dst, a<<2|b>>4)
	case 3:
		a, b, c := t[s[i]], t[s[i+1]], t[s[i+2]]
		if (a|b|c)&0xc0 != 0 || c&0x03 != 0 {
			return dst, false
		}
		dst = append(dst, a<<2|b>>4, b<<4|c>>2)
	default: // one character is less than a byte
		return dst, false
	}
	return dst, true
}
