package exchange

import (
	"encoding/binary"
	"unicode/utf8"
	"unsafe"

	"github.com/wardgate/ward/sdk/abi"
)

// strLit is a JSON string literal in the body: b[start] is the opening
// quote and b[end-1] the closing one.
type strLit struct {
	start, end int
	flags      uint8
}

const (
	litEscaped uint8 = 1 << iota // contains a backslash escape
	litHigh                      // contains bytes >= 0x80
)

// seg says where the text of one abi.Message came from, for Rewrite.
type seg struct {
	start, end int
	raw        bool // the text is raw JSON (an object), spliced verbatim
	depth      int  // for raw: nesting depth of the object holding it
}

// fv is a field value found by parser.fields: at is the offset of its
// first byte (-1 when the key is absent) and end the offset after it; s is
// filled when the value is a string.
type fv struct {
	at, end int
	d       int // nesting depth of the object holding the value
	s       strLit
}

// parser is a validating JSON scanner over one body with the state both
// Request and Response need. Errors are sticky: after the first one every
// method returns at once, and err says what happened.
type parser struct {
	b     []byte
	i     int
	depth int
	err   *Error

	// up selects upstream (502) instead of client (400) errors.
	up bool

	// arena holds texts that had to be unescaped or repaired; strings in
	// the abi values alias it (and b), see Request.
	arena []byte
	key   []byte // unescaped key scratch

	msgs  *[]abi.Message
	segs  []seg
	ids   map[string]string // tool call id -> tool name
	order []int             // Rewrite scratch

	// context for error messages
	arr  string
	item int
}

func (p *parser) reset(b []byte, msgs *[]abi.Message) {
	p.b, p.i, p.depth, p.err = b, 0, 0, nil
	p.arena = p.arena[:0]
	p.msgs = msgs
	p.segs = p.segs[:0]
	if len(p.ids) > 0 {
		clear(p.ids)
	}
	p.arr, p.item = "", -1
}

// release drops every reference into a body so a pooled value does not
// keep it alive.
func (p *parser) release() {
	p.b = nil
	p.msgs = nil
	if len(p.ids) > 0 {
		clear(p.ids)
	}
}

func (p *parser) fail(code, format string, args ...any) {
	if p.err != nil {
		return
	}
	if p.up {
		p.err = upstreamError(format, args...)
		return
	}
	p.err = requestError(code, format, args...)
}

func (p *parser) syntax(what string) {
	if p.i >= len(p.b) {
		p.fail(CodeInvalidJSON, "invalid JSON: unexpected end of body")
		return
	}
	p.fail(CodeInvalidJSON, "invalid JSON at byte %d: %s", p.i, what)
}

// typeErr reports a known field of the wrong type.
func (p *parser) typeErr(field, want string) {
	if p.arr == "" {
		p.fail(CodeInvalidField, "%s must be %s", field, want)
		return
	}
	p.fail(CodeInvalidField, "%s: %s must be %s", where(p.arr, p.item), field, want)
}

func b2s(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func s2b(s string) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

func (p *parser) ws() {
	b, i := p.b, p.i
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	p.i = i
}

// peek skips whitespace and returns the next byte, 0 at the end or after
// an error.
func (p *parser) peek() byte {
	p.ws()
	if p.err != nil || p.i >= len(p.b) {
		return 0
	}
	return p.b[p.i]
}

// plain[c] is true for bytes that need no attention inside a string.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// str scans the string literal at p.i (which must be '"').
func (p *parser) str() strLit {
	b := p.b
	start := p.i
	i := start + 1
	var fl uint8
	for {
		// Eight bytes at a time while none is '"', '\\' or a control
		// character (exact SWAR tests: hasless(x, 0x20), haszero(x^c)).
		for i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[i:])
			q, bs := x^0x2222222222222222, x^0x5c5c5c5c5c5c5c5c
			special := ((x - 0x2020202020202020) & ^x) | ((q - 0x0101010101010101) & ^q) | ((bs - 0x0101010101010101) & ^bs)
			if special&0x8080808080808080 != 0 {
				break
			}
			if x&0x8080808080808080 != 0 {
				fl |= litHigh
			}
			i += 8
		}
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i >= len(b) {
			p.i = i
			p.syntax("unterminated string")
			return strLit{}
		}
		switch c := b[i]; {
		case c == '"':
			p.i = i + 1
			return strLit{start: start, end: i + 1, flags: fl}
		case c == '\\':
			fl |= litEscaped
			if i+1 >= len(b) {
				p.i = i + 1
				p.syntax("unterminated string")
				return strLit{}
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || hexVal(b[i+2]) < 0 || hexVal(b[i+3]) < 0 || hexVal(b[i+4]) < 0 || hexVal(b[i+5]) < 0 {
					p.i = i
					p.syntax("invalid \\u escape")
					return strLit{}
				}
				i += 6
			default:
				p.i = i
				p.syntax("invalid escape")
				return strLit{}
			}
		case c < 0x20:
			p.i = i
			p.syntax("control character in string")
			return strLit{}
		default:
			fl |= litHigh
			i++
		}
	}
}

// text returns the value of a string literal as valid UTF-8. Clean
// literals alias the body; others are decoded into the arena.
func (p *parser) text(s strLit) string {
	if s.end == 0 {
		return ""
	}
	raw := p.b[s.start+1 : s.end-1]
	if s.flags == 0 || (s.flags == litHigh && utf8.Valid(raw)) {
		return b2s(raw)
	}
	n := len(p.arena)
	p.arena = appendUnescaped(p.arena, raw)
	return b2s(p.arena[n:])
}

// rawText returns raw JSON bytes as a string, repairing invalid UTF-8.
func (p *parser) rawText(raw []byte) string {
	if utf8.Valid(raw) {
		return b2s(raw)
	}
	n := len(p.arena)
	p.arena = appendValidUTF8(p.arena, raw)
	return b2s(p.arena[n:])
}

// is reports whether the literal's value equals want (unescaping if needed).
func (p *parser) is(s strLit, want string) bool {
	if s.end == 0 {
		return false
	}
	raw := p.b[s.start+1 : s.end-1]
	if s.flags&litEscaped == 0 {
		return string(raw) == want
	}
	p.key = appendUnescaped(p.key[:0], raw)
	return string(p.key) == want
}

func appendValidUTF8(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, raw[i:i+size]...)
		}
		i += size
	}
	return dst
}

// appendUnescaped appends the decoded contents of a validated string
// literal (without its quotes). Invalid UTF-8 bytes and unpaired surrogate
// escapes become U+FFFD, one per byte or escape.
func appendUnescaped(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				dst = utf8.AppendRune(dst, utf8.RuneError)
			} else {
				dst = append(dst, raw[i:i+size]...)
			}
			i += size
			continue
		}
		if c != '\\' {
			j := i + 1
			for j < len(raw) && raw[j] != '\\' && raw[j] < utf8.RuneSelf {
				j++
			}
			dst = append(dst, raw[i:j]...)
			i = j
			continue
		}
		e := raw[i+1]
		i += 2
		switch e {
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
			r := hex4(raw[i:])
			i += 4
			if r >= 0xD800 && r < 0xDC00 && i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
				if r2 := hex4(raw[i+2:]); r2 >= 0xDC00 && r2 < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
					i += 6
				}
			}
			if r >= 0xD800 && r < 0xE000 {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, e)
		}
	}
	return dst
}

func hex4(b []byte) rune {
	return rune(hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3]))
}

// enter consumes '{' or '[' and checks the depth bound.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > MaxDepth {
		p.fail(CodeTooDeep, "JSON nested deeper than %d levels at byte %d", MaxDepth, p.i)
		return false
	}
	p.i++
	return true
}

// more advances to the next element of the array or object being read
// (closed by close); it returns false at the closing byte (consumed) or
// after an error. first must start true for each container.
func (p *parser) more(close byte, first *bool) bool {
	if p.err != nil {
		return false
	}
	p.ws()
	if p.i >= len(p.b) {
		p.syntax("unexpected end")
		return false
	}
	c := p.b[p.i]
	if c == close {
		p.i++
		p.depth--
		return false
	}
	if !*first {
		if c != ',' {
			p.syntax("expected ',' or '" + string(close) + "'")
			return false
		}
		p.i++
		p.ws()
	}
	*first = false
	return true
}

// readKey reads an object key and the colon after it, returning the
// unescaped key (valid until the next readKey).
func (p *parser) readKey() []byte {
	if p.err != nil {
		return nil
	}
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		p.syntax("expected a string key")
		return nil
	}
	s := p.str()
	if p.err != nil {
		return nil
	}
	p.ws()
	if p.i >= len(p.b) || p.b[p.i] != ':' {
		p.syntax("expected ':'")
		return nil
	}
	p.i++
	p.ws()
	raw := p.b[s.start+1 : s.end-1]
	if s.flags&litEscaped == 0 {
		return raw
	}
	p.key = appendUnescaped(p.key[:0], raw)
	return p.key
}

func (p *parser) lit(word string) {
	if len(p.b)-p.i < len(word) || string(p.b[p.i:p.i+len(word)]) != word {
		p.syntax("invalid literal")
		return
	}
	p.i += len(word)
}

// num scans a number and reports whether it is a plain non-negative
// integer (no sign, fraction or exponent).
func (p *parser) num() (integer bool) {
	b, i := p.b, p.i
	integer = true
	if i < len(b) && b[i] == '-' {
		integer = false
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		p.i = i
		p.syntax("invalid value")
		return false
	}
	if i < len(b) && b[i] == '.' {
		integer = false
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			p.i = i
			p.syntax("invalid number")
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			p.i = i
			p.syntax("invalid number")
			return false
		}
	}
	p.i = i
	return integer
}

// skip validates and skips one value at p.i (after whitespace).
func (p *parser) skip() {
	if p.err != nil {
		return
	}
	p.ws()
	if p.i >= len(p.b) {
		p.syntax("unexpected end")
		return
	}
	switch p.b[p.i] {
	case '"':
		p.str()
	case '{':
		if !p.enter() {
			return
		}
		for first := true; p.more('}', &first); {
			p.readKey()
			p.skip()
		}
	case '[':
		if !p.enter() {
			return
		}
		for first := true; p.more(']', &first); {
			p.skip()
		}
	case 't':
		p.lit("true")
	case 'f':
		p.lit("false")
	case 'n':
		p.lit("null")
	default:
		p.num()
	}
}

// fields reads the object at p.i, recording the values of the keys in
// names into out (same order) and validating and skipping the others. A
// key of names that occurs twice is an error. The caller has checked that
// p.i is at '{'.
func (p *parser) fields(names []string, out []fv) bool {
	for k := range out {
		out[k] = fv{at: -1}
	}
	if !p.enter() {
		return false
	}
	for first := true; p.more('}', &first); {
		key := p.readKey()
		if p.err != nil {
			break
		}
		k := -1
		for j, n := range names {
			if string(key) == n {
				k = j
				break
			}
		}
		if k < 0 {
			p.skip()
			continue
		}
		if out[k].at >= 0 {
			p.fail(CodeDuplicateKey, "%s: duplicate key %q", where(p.arr, p.item), names[k])
			break
		}
		at := p.i
		out[k].at, out[k].d = at, p.depth
		if at < len(p.b) && p.b[at] == '"' {
			out[k].s = p.str()
		} else {
			p.skip()
		}
		out[k].end = p.i
	}
	return p.err == nil
}

// kind returns the first byte of a recorded field value, 0 when absent or
// null.
func (p *parser) kind(f *fv) byte {
	if f.at < 0 || p.b[f.at] == 'n' {
		return 0
	}
	return p.b[f.at]
}

// fstr returns a recorded field as a string literal; absent or null give
// ok == false, other types an error.
func (p *parser) fstr(f *fv, field string) (strLit, bool) {
	switch p.kind(f) {
	case 0:
		return strLit{}, false
	case '"':
		return f.s, true
	}
	p.typeErr(field, "a string")
	return strLit{}, false
}

// ftext is fstr followed by text.
func (p *parser) ftext(f *fv, field string) string {
	s, ok := p.fstr(f, field)
	if !ok {
		return ""
	}
	return p.text(s)
}

// fuint reads a recorded field as a non-negative integer, clamped to
// uint32.
func (p *parser) fuint(f *fv, field string) (uint32, bool) {
	if p.kind(f) == 0 {
		return 0, false
	}
	return p.uintAt(f.at, f.end, field)
}

func (p *parser) uintAt(at, end int, field string) (uint32, bool) {
	c := p.b[at]
	if c < '0' || c > '9' {
		p.typeErr(field, "a non-negative integer")
		return 0, false
	}
	var v uint64
	for _, d := range p.b[at:end] {
		if d < '0' || d > '9' {
			p.typeErr(field, "a non-negative integer")
			return 0, false
		}
		if v < 1<<32 {
			v = v*10 + uint64(d-'0')
		}
	}
	if v > 1<<32-1 {
		v = 1<<32 - 1
	}
	return uint32(v), true
}

// readUint reads a non-negative integer (or null) at p.i.
func (p *parser) readUint(field string) (uint32, bool) {
	switch c := p.peek(); {
	case c == 'n':
		p.lit("null")
		return 0, false
	case c == '-' || (c >= '0' && c <= '9'):
		at := p.i
		p.num()
		if p.err != nil {
			return 0, false
		}
		return p.uintAt(at, p.i, field)
	}
	p.skip()
	p.typeErr(field, "a non-negative integer")
	return 0, false
}

// readBool reads a boolean (or null, false) at p.i.
func (p *parser) readBool(field string) bool {
	switch p.peek() {
	case 't':
		p.lit("true")
		return true
	case 'f':
		p.lit("false")
		return false
	case 'n':
		p.lit("null")
		return false
	}
	p.skip()
	p.typeErr(field, "a boolean")
	return false
}

// readStr reads a string (or null, ok == false) at p.i.
func (p *parser) readStr(field string) (strLit, bool) {
	switch p.peek() {
	case '"':
		return p.str(), p.err == nil
	case 'n':
		p.lit("null")
		return strLit{}, false
	}
	p.skip()
	p.typeErr(field, "a string")
	return strLit{}, false
}

// mark is a cursor position with its nesting depth.
type mark struct{ i, depth int }

func (p *parser) mark() mark { return mark{p.i, p.depth} }

func (p *parser) back(m mark) { p.i, p.depth = m.i, m.depth }

// at moves the cursor to a recorded value, at the depth it was found at.
func (p *parser) at(f *fv) { p.i, p.depth = f.at, f.d }

// emit appends a message whose text is a string literal.
func (p *parser) emit(turn int, role string, kind abi.Kind, name string, s strLit) {
	if !p.room() {
		return
	}
	*p.msgs = append(*p.msgs, abi.Message{Turn: uint32(turn), Role: role, Kind: kind, Name: name, Text: p.text(s)})
	p.segs = append(p.segs, seg{start: s.start, end: s.end})
}

// emitRaw appends a message whose text is the raw JSON of a recorded
// value.
func (p *parser) emitRaw(turn int, role string, kind abi.Kind, name string, f *fv) {
	if !p.room() {
		return
	}
	*p.msgs = append(*p.msgs, abi.Message{Turn: uint32(turn), Role: role, Kind: kind, Name: name, Text: p.rawText(p.b[f.at:f.end])})
	p.segs = append(p.segs, seg{start: f.at, end: f.end, raw: true, depth: f.d})
}

func (p *parser) room() bool {
	if p.err != nil {
		return false
	}
	if len(*p.msgs) >= MaxMessages {
		p.fail(CodeTooManyMessages, "more than %d texts", MaxMessages)
		return false
	}
	return true
}

// checkCount bounds the number of turns or parts of one array.
func (p *parser) checkCount(n int, what string) bool {
	if n >= MaxMessages {
		p.fail(CodeTooManyMessages, "%s: more than %d %s", where(p.arr, p.item), MaxMessages, what)
		return false
	}
	return true
}

// role interns the common roles so they do not alias the body.
func (p *parser) role(s strLit) string {
	if s.flags == 0 && s.end > 0 {
		switch string(p.b[s.start+1 : s.end-1]) {
		case "user":
			return "user"
		case "assistant":
			return "assistant"
		case "system":
			return "system"
		case "developer":
			return "developer"
		case "tool":
			return "tool"
		case "function":
			return "function"
		}
	}
	return p.text(s)
}

// remember records the tool name of a tool call id.
func (p *parser) remember(id, name string) {
	if id == "" {
		return
	}
	if p.ids == nil {
		p.ids = make(map[string]string)
	}
	p.ids[id] = name
}

func (p *parser) lookup(id string) string {
	if id == "" || len(p.ids) == 0 {
		return ""
	}
	return p.ids[id]
}

// top starts reading the top-level object; false if the body is empty,
// not JSON or not an object (p.err set).
func (p *parser) top() bool {
	if p.peek() == 0 {
		if p.up {
			p.fail(CodeBadUpstream, "empty body")
		} else {
			p.fail(CodeEmptyBody, "request body is empty")
		}
		return false
	}
	if p.b[p.i] != '{' {
		p.skip()
		if p.err == nil {
			p.fail(CodeNotObject, "body must be a JSON object")
		}
		return false
	}
	return p.enter()
}

// finish checks that nothing but whitespace follows the top-level value.
func (p *parser) finish() {
	if p.err != nil {
		return
	}
	p.ws()
	if p.i != len(p.b) {
		p.syntax("data after the JSON value")
	}
}
