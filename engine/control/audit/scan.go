package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// A small JSON reader for the audit log's hot loops (`ward report`, `ward
// audit verify`): it walks one object's members, validating the syntax of
// everything it passes over as encoding/json does, and hands each member's
// raw value to the caller, who decodes only the fields it needs. Strings
// without escapes or invalid UTF-8, and plain integers, are read in place;
// anything else is decoded by encoding/json, so that the values are the
// ones json.Unmarshal gives (FuzzScan checks both against it).

var errSyntax = errors.New("invalid JSON")

// skipSpace returns b without its leading JSON whitespace.
func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// scanValue returns the length of the JSON value at the start of b (no
// leading space), checking its syntax.
func scanValue(b []byte, depth int) (int, error) {
	if len(b) == 0 {
		return 0, errSyntax
	}
	switch c := b[0]; {
	case c == '"':
		n, _, err := scanString(b)
		return n, err
	case c == '{':
		return scanContainer(b, '}', depth)
	case c == '[':
		return scanContainer(b, ']', depth)
	case c == 't':
		return literal(b, "true")
	case c == 'f':
		return literal(b, "false")
	case c == 'n':
		return literal(b, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(b)
	}
	return 0, errSyntax
}

func literal(b []byte, lit string) (int, error) {
	if len(b) < len(lit) || string(b[:len(lit)]) != lit {
		return 0, errSyntax
	}
	return len(lit), nil
}

// maxDepth bounds nesting like encoding/json (10000).
const maxDepth = 10000

// scanContainer checks an object or array at the start of b.
func scanContainer(b []byte, end byte, depth int) (int, error) {
	if depth >= maxDepth {
		return 0, errSyntax
	}
	i := 1
	first := true
	for {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i >= len(b) {
			return 0, errSyntax
		}
		if b[i] == end && first {
			return i + 1, nil
		}
		if !first {
			if b[i] == end {
				return i + 1, nil
			}
			if b[i] != ',' {
				return 0, errSyntax
			}
			i++
			for i < len(b) && isSpace(b[i]) {
				i++
			}
		}
		first = false
		if end == '}' {
			if i >= len(b) || b[i] != '"' {
				return 0, errSyntax
			}
			n, _, err := scanString(b[i:])
			if err != nil {
				return 0, err
			}
			i += n
			for i < len(b) && isSpace(b[i]) {
				i++
			}
			if i >= len(b) || b[i] != ':' {
				return 0, errSyntax
			}
			i++
			for i < len(b) && isSpace(b[i]) {
				i++
			}
		}
		n, err := scanValue(b[i:], depth+1)
		if err != nil {
			return 0, err
		}
		i += n
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// scanString checks the string at the start of b and returns its length
// and whether it can be used as it is (no escapes, valid UTF-8).
func scanString(b []byte) (n int, plain bool, err error) {
	plain = true
	ascii := true
	for i := 1; i < len(b); i++ {
		// Runs of plain ASCII (the bulk of an audit line: ids, names,
		// base64) eight bytes at a time, then one byte at a time.
		for i+8 <= len(b) && !specialWord(binary.LittleEndian.Uint64(b[i:])) {
			i += 8
		}
		for i < len(b) && plainByte[b[i]] {
			i++
		}
		if i >= len(b) {
			break
		}
		switch c := b[i]; {
		case c == '"':
			if !ascii && plain {
				plain = utf8.Valid(b[1:i])
			}
			return i + 1, plain, nil
		case c == '\\':
			plain = false
			i++
			if i >= len(b) {
				return 0, false, errSyntax
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) {
					return 0, false, errSyntax
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return 0, false, errSyntax
					}
				}
				i += 4
			default:
				return 0, false, errSyntax
			}
		case c < 0x20:
			return 0, false, errSyntax
		case c >= 0x80:
			ascii = false
		}
	}
	return 0, false, errSyntax
}

// plainByte tells the bytes a string may hold as they are: not a quote, a
// backslash, a control character or a byte of a multi-byte rune.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// specialWord reports whether one of the 8 bytes of x is not a plainByte
// (SWAR: a byte below 0x20, at or above 0x80, '"' or '\\').
func specialWord(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	hasZero := func(v uint64) uint64 { return (v - ones) & ^v & highs }
	return (x&highs)|((x-0x20*ones)&^x&highs)|hasZero(x^('"'*ones))|hasZero(x^('\\'*ones)) != 0
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// scanNumber checks the number at the start of b (JSON's grammar).
func scanNumber(b []byte) (int, error) {
	i := 0
	if b[i] == '-' {
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
		return 0, errSyntax
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, errSyntax
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, errSyntax
		}
	}
	return i, nil
}

// eachMember calls fn with the key and raw value of every member of the
// JSON object b, which must be the whole input (space around it allowed).
// A key is passed raw (without its quotes) when it has no escapes, else
// decoded. It reports whether b is null (then fn is not called).
func eachMember(b []byte, scratch *[]byte, fn func(key, val []byte) error) (null bool, err error) {
	b = skipSpace(b)
	if len(b) >= 4 && string(b[:4]) == "null" {
		if len(skipSpace(b[4:])) != 0 {
			return false, errSyntax
		}
		return true, nil
	}
	n, err := scanValue(b, 0)
	if err != nil {
		return false, err
	}
	if len(skipSpace(b[n:])) != 0 {
		return false, errSyntax
	}
	if b[0] != '{' {
		return false, errNotObject
	}
	return false, members(b[:n], scratch, fn)
}

var errNotObject = errors.New("not a JSON object")

// members walks the members of the object b, already checked by
// scanValue.
func members(b []byte, scratch *[]byte, fn func(key, val []byte) error) error {
	i := 1
	for {
		for isSpace(b[i]) || b[i] == ',' {
			i++
		}
		if b[i] == '}' {
			return nil
		}
		n, plain, _ := scanString(b[i:])
		key := b[i+1 : i+n-1]
		if !plain {
			var s string
			if err := json.Unmarshal(b[i:i+n], &s); err != nil {
				return err
			}
			*scratch = append((*scratch)[:0], s...)
			key = *scratch
		}
		i += n
		for isSpace(b[i]) {
			i++
		}
		i++ // ':'
		for isSpace(b[i]) {
			i++
		}
		n, _ = scanValue(b[i:], 0)
		if err := fn(key, b[i:i+n]); err != nil {
			return err
		}
		i += n
	}
}

// elements walks the elements of the array b, already checked.
func elements(b []byte, fn func(val []byte) error) error {
	i := 1
	for {
		for isSpace(b[i]) || b[i] == ',' {
			i++
		}
		if b[i] == ']' {
			return nil
		}
		n, _ := scanValue(b[i:], 0)
		if err := fn(b[i : i+n]); err != nil {
			return err
		}
		i += n
	}
}

// keyIs reports whether a member's key names field, as encoding/json
// matches them (case-insensitively).
func keyIs(key []byte, field string) bool {
	if string(key) == field {
		return true
	}
	if len(key) == 0 || len(key) < len(field)/2 {
		return false
	}
	// The fields are lower-case ASCII: a key's ASCII first byte must be
	// the field's first letter in either case (a non-ASCII one may fold
	// onto it, as the Kelvin sign onto k: EqualFold decides). Most keys
	// are told apart here, without EqualFold.
	if c := key[0]; c < utf8.RuneSelf && c|0x20 != field[0] {
		return false
	}
	return bytes.EqualFold(key, []byte(field))
}

// errType is a value of the wrong type for its field, as
// json.UnmarshalTypeError.
var errType = errors.New("value of the wrong type")

// stringValue appends the string value v to dst[:0] and returns it; null
// returns dst unchanged with ok false (encoding/json leaves the field as it
// was).
func stringValue(dst, v []byte) (out []byte, ok bool, err error) {
	switch v[0] {
	case 'n':
		return dst, false, nil
	case '"':
	default:
		return dst, false, errType
	}
	if _, plain, _ := scanString(v); plain {
		return append(dst[:0], v[1:len(v)-1]...), true, nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return dst, false, err
	}
	return append(dst[:0], s...), true, nil
}

// intValue reads the number v into an int64 as json.Unmarshal into an int
// of bits bits (unsigned when unsigned): null gives ok false.
func intValue(v []byte, bits int, unsigned bool) (n int64, u uint64, ok bool, err error) {
	if v[0] == 'n' {
		return 0, 0, false, nil
	}
	if v[0] != '-' && (v[0] < '0' || v[0] > '9') {
		return 0, 0, false, errType
	}
	neg := v[0] == '-'
	digits := v
	if neg {
		digits = v[1:]
	}
	if len(digits) == 0 || len(digits) > 18 {
		// Long or odd: encoding/json decides.
		if unsigned {
			var x uint64
			if err := json.Unmarshal(v, &x); err != nil || (bits < 64 && x >= 1<<bits) {
				return 0, 0, false, errType
			}
			return 0, x, true, nil
		}
		var x int64
		if err := json.Unmarshal(v, &x); err != nil || (bits < 64 && (x >= 1<<(bits-1) || x < -(1<<(bits-1)))) {
			return 0, 0, false, errType
		}
		return x, 0, true, nil
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, 0, false, errType // a fraction or exponent: json refuses it for an integer
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case unsigned && neg:
		return 0, 0, false, errType
	case unsigned:
		if bits < 64 && u >= 1<<bits {
			return 0, 0, false, errType
		}
		return 0, u, true, nil
	}
	n = int64(u)
	if neg {
		n = -n
	}
	if bits < 64 && (n >= 1<<(bits-1) || n < -(1<<(bits-1))) {
		return 0, 0, false, errType
	}
	return n, 0, true, nil
}
