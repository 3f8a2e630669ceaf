package ward

import (
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/abi"
)

// The SDK's own JSON: a decoder for the config table ward_configure
// receives and an encoder for the two small documents the SDK writes (the
// description and the configure error). encoding/json would do both, but
// importing it links reflection-driven (un)marshalling, fmt and their
// package initialisation into every guard module: about 0.5 MB of
// WebAssembly code, which the host compiles to several times that in
// resident memory, per guard. Both sides accept and produce exactly what
// encoding/json does for these shapes (json_test.go checks that against
// encoding/json, fuzz target FuzzJSONDecode).

// Number is a JSON number as written in the config (Config.Raw returns
// one), kept as text so that integers beyond float64 precision stay exact.
// It has the methods of encoding/json's Number.
type Number string

// String returns the literal text of the number.
func (n Number) String() string { return string(n) }

// Float64 returns the number as a float64.
func (n Number) Float64() (float64, error) { return strconv.ParseFloat(string(n), 64) }

// Int64 returns the number as an int64.
func (n Number) Int64() (int64, error) { return strconv.ParseInt(string(n), 10, 64) }

// MarshalJSON writes the number as it was written, so that a value from
// Config.Raw re-encodes with encoding/json as the number it was (rather
// than as a string); encoding/json rejects a Number that is not a valid
// JSON number.
func (n Number) MarshalJSON() ([]byte, error) { return []byte(n), nil }

// maxJSONDepth bounds the nesting of arrays and objects, as encoding/json
// does (10000), so that a hostile config cannot grow the stack without end.
const maxJSONDepth = 10000

// jsonSyntaxError is a config that is not JSON: what was wrong and the
// byte offset where it was found.
type jsonSyntaxError struct {
	msg string
	off int
}

func (e *jsonSyntaxError) Error() string {
	return e.msg + " at offset " + strconv.Itoa(e.off)
}

// jsonDecoder decodes one JSON text into the values Config holds: nil,
// bool, string, Number, []any and map[string]any. Duplicate object keys
// keep the last value, invalid UTF-8 and lone surrogates in strings become
// U+FFFD, as with encoding/json.
type jsonDecoder struct {
	data  []byte
	off   int
	depth int
}

// decodeJSON decodes data, which must hold exactly one JSON value
// (surrounded by optional whitespace).
func decodeJSON(data []byte) (any, error) {
	d := jsonDecoder{data: data}
	d.space()
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.space()
	if d.off < len(d.data) {
		return nil, d.errorf("invalid character " + quoteChar(d.data[d.off]) + " after top-level value")
	}
	return v, nil
}

func (d *jsonDecoder) errorf(msg string) error { return &jsonSyntaxError{msg: msg, off: d.off} }

func (d *jsonDecoder) unexpected(context string) error {
	if d.off >= len(d.data) {
		return d.errorf("unexpected end of JSON input")
	}
	return d.errorf("invalid character " + quoteChar(d.data[d.off]) + " " + context)
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}

func (d *jsonDecoder) space() {
	for d.off < len(d.data) {
		switch d.data[d.off] {
		case ' ', '\t', '\n', '\r':
			d.off++
		default:
			return
		}
	}
}

func (d *jsonDecoder) value() (any, error) {
	if d.off >= len(d.data) {
		return nil, d.errorf("unexpected end of JSON input")
	}
	switch c := d.data[d.off]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		return d.str()
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, d.unexpected("looking for beginning of value")
}

func (d *jsonDecoder) literal(lit string) error {
	for i := 0; i < len(lit); i++ {
		if d.off >= len(d.data) || d.data[d.off] != lit[i] {
			return d.unexpected("in literal " + lit + " (expecting " + quoteChar(lit[i]) + ")")
		}
		d.off++
	}
	return nil
}

func (d *jsonDecoder) nest() error {
	d.depth++
	if d.depth > maxJSONDepth {
		return d.errorf("exceeded max depth")
	}
	return nil
}

func (d *jsonDecoder) object() (any, error) {
	if err := d.nest(); err != nil {
		return nil, err
	}
	d.off++ // '{'
	m := map[string]any{}
	d.space()
	if d.off < len(d.data) && d.data[d.off] == '}' {
		d.off++
		d.depth--
		return m, nil
	}
	for {
		if d.off >= len(d.data) || d.data[d.off] != '"' {
			return nil, d.unexpected("looking for beginning of object key string")
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.off >= len(d.data) || d.data[d.off] != ':' {
			return nil, d.unexpected("after object key")
		}
		d.off++
		d.space()
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		m[k] = v
		d.space()
		if d.off < len(d.data) {
			switch d.data[d.off] {
			case ',':
				d.off++
				d.space()
				continue
			case '}':
				d.off++
				d.depth--
				return m, nil
			}
		}
		return nil, d.unexpected("after object key:value pair")
	}
}

func (d *jsonDecoder) array() (any, error) {
	if err := d.nest(); err != nil {
		return nil, err
	}
	d.off++ // '['
	a := []any{}
	d.space()
	if d.off < len(d.data) && d.data[d.off] == ']' {
		d.off++
		d.depth--
		return a, nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.space()
		if d.off < len(d.data) {
			switch d.data[d.off] {
			case ',':
				d.off++
				d.space()
				continue
			case ']':
				d.off++
				d.depth--
				return a, nil
			}
		}
		return nil, d.unexpected("after array element")
	}
}

// number scans the JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *jsonDecoder) number() (any, error) {
	start := d.off
	if d.data[d.off] == '-' {
		d.off++
	}
	switch {
	case d.off < len(d.data) && d.data[d.off] == '0':
		d.off++
	case d.off < len(d.data) && d.data[d.off] >= '1' && d.data[d.off] <= '9':
		d.digits()
	default:
		return nil, d.unexpected("in numeric literal")
	}
	if d.off < len(d.data) && d.data[d.off] == '.' {
		d.off++
		if !d.digits() {
			return nil, d.unexpected("after decimal point in numeric literal")
		}
	}
	if d.off < len(d.data) && (d.data[d.off] == 'e' || d.data[d.off] == 'E') {
		d.off++
		if d.off < len(d.data) && (d.data[d.off] == '+' || d.data[d.off] == '-') {
			d.off++
		}
		if !d.digits() {
			return nil, d.unexpected("in exponent of numeric literal")
		}
	}
	return Number(d.data[start:d.off]), nil
}

// digits skips [0-9]* and reports whether there was at least one.
func (d *jsonDecoder) digits() bool {
	start := d.off
	for d.off < len(d.data) && d.data[d.off] >= '0' && d.data[d.off] <= '9' {
		d.off++
	}
	return d.off > start
}

// str decodes the string starting at the opening quote.
func (d *jsonDecoder) str() (string, error) {
	d.off++ // '"'
	start := d.off
	// Fast path: no escapes, ASCII or valid UTF-8, no control characters.
	for d.off < len(d.data) {
		c := d.data[d.off]
		if c == '"' {
			s := string(d.data[start:d.off])
			d.off++
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		d.off++
	}
	b := make([]byte, d.off-start, d.off-start+16)
	copy(b, d.data[start:d.off])
	for d.off < len(d.data) {
		c := d.data[d.off]
		switch {
		case c == '"':
			d.off++
			return string(b), nil
		case c < 0x20:
			return "", d.unexpected("in string literal")
		case c == '\\':
			d.off++
			if d.off >= len(d.data) {
				return "", d.errorf("unexpected end of JSON input")
			}
			switch e := d.data[d.off]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, err := d.hex4()
				if err != nil {
					return "", err
				}
				if utf16.IsSurrogate(r) {
					// A pair only if a \uXXXX low surrogate follows;
					// otherwise U+FFFD, and what follows is decoded on
					// its own.
					if d.off+6 < len(d.data) && d.data[d.off+1] == '\\' && d.data[d.off+2] == 'u' {
						save := d.off
						d.off += 2
						r2, err := d.hex4()
						if err != nil {
							return "", err
						}
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							b = utf8.AppendRune(b, dec)
							d.off++
							continue
						}
						d.off = save
					}
					r = utf8.RuneError
				}
				b = utf8.AppendRune(b, r)
			default:
				return "", d.unexpected("in string escape code")
			}
			d.off++
		case c < utf8.RuneSelf:
			b = append(b, c)
			d.off++
		default:
			r, size := utf8.DecodeRune(d.data[d.off:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, d.data[d.off:d.off+size]...)
			}
			d.off += size
		}
	}
	return "", d.errorf("unexpected end of JSON input")
}

// hex4 reads the four hex digits after "\u" (d.off at the 'u') and leaves
// d.off on the last digit.
func (d *jsonDecoder) hex4() (rune, error) {
	var r rune
	for i := 0; i < 4; i++ {
		d.off++
		if d.off >= len(d.data) {
			return 0, d.errorf("unexpected end of JSON input")
		}
		c := d.data[d.off]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, d.unexpected("in \\u hexadecimal character escape")
		}
		r = r<<4 | rune(c)
	}
	return r, nil
}

const hexDigits = "0123456789abcdef"

// appendJSONStrings appends ss as a JSON array of strings ("null" for a
// nil slice, as encoding/json).
func appendJSONStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = abi.AppendJSONString(b, s)
	}
	return append(b, ']')
}

// appendDescription appends d as encoding/json's Marshal writes an
// abi.Description: fields in declaration order, the optional ones left
// out when empty, map keys sorted.
func appendDescription(b []byte, d *Description) []byte {
	b = append(b, `{"name":`...)
	b = abi.AppendJSONString(b, d.Name)
	b = append(b, `,"version":`...)
	b = abi.AppendJSONString(b, d.Version)
	b = append(b, `,"abi":`...)
	b = abi.AppendJSONString(b, d.ABI)
	b = append(b, `,"phases":`...)
	b = appendJSONStrings(b, d.Phases)
	if len(d.ConfigSchema) > 0 {
		keys := make([]string, 0, len(d.ConfigSchema))
		for k := range d.ConfigSchema {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, `,"config_schema":{`...)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = abi.AppendJSONString(b, k)
			b = append(b, ':')
			b = abi.AppendJSONString(b, d.ConfigSchema[k])
		}
		b = append(b, '}')
	}
	if len(d.Reads) > 0 {
		b = append(b, `,"reads":`...)
		b = appendJSONStrings(b, d.Reads)
	}
	return append(b, '}')
}
