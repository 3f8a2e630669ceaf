package token

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/abi"
)

// The payload's JSON is written and read here rather than with
// encoding/json: the auth guard verifies tokens inside WebAssembly, where
// encoding/json (and the reflection and fmt it links) would add about
// 0.5 MB of code to the guard and reflection-driven decoding to every
// request with a token.

// appendJSON writes p as encoding/json's Marshal writes the payload struct:
// members in field order, roles left out when empty, strings escaped
// alike (HTML characters included), so a token is byte for byte what
// earlier releases issued.
func (p *payload) appendJSON(b []byte) []byte {
	b = append(b, `{"sub":`...)
	b = abi.AppendJSONString(b, p.Sub)
	if len(p.Roles) > 0 {
		b = append(b, `,"roles":[`...)
		for i, r := range p.Roles {
			if i > 0 {
				b = append(b, ',')
			}
			b = abi.AppendJSONString(b, r)
		}
		b = append(b, ']')
	}
	b = append(b, `,"iat":`...)
	b = strconv.AppendInt(b, p.Iat, 10)
	b = append(b, `,"exp":`...)
	b = strconv.AppendInt(b, p.Exp, 10)
	b = append(b, `,"jti":`...)
	b = abi.AppendJSONString(b, p.Jti)
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// decode reads a payload strictly: one JSON object of the payload's
// members and nothing else (no unknown or repeated member, names matched
// exactly), sub and jti strings, roles an array of strings, iat and exp
// integers; null leaves a member at its zero value. Strings keep their
// bytes (check refuses invalid UTF-8 and control characters); an escaped
// lone surrogate is refused.
func (p *payload) decode(js []byte) error {
	d := payloadDecoder{b: js}
	d.ws()
	if !d.eat('{') {
		return claimError("not a JSON object")
	}
	var seen uint8
	d.ws()
	if !d.eat('}') {
		for {
			name, err := d.str()
			if err != nil {
				return err
			}
			d.ws()
			if !d.eat(':') {
				return errSyntax
			}
			d.ws()
			var bit uint8
			switch name {
			case "sub":
				bit, err = 1, d.optString(&p.Sub)
			case "roles":
				bit, err = 2, d.optStrings(&p.Roles)
			case "iat":
				bit, err = 4, d.optInt(&p.Iat)
			case "exp":
				bit, err = 8, d.optInt(&p.Exp)
			case "jti":
				bit, err = 16, d.optString(&p.Jti)
			default:
				return claimError("unknown field " + quote(name))
			}
			if err != nil {
				return err
			}
			if seen&bit != 0 {
				return claimError("repeated field " + quote(name))
			}
			seen |= bit
			d.ws()
			if d.eat(',') {
				d.ws()
				continue
			}
			if d.eat('}') {
				break
			}
			return errSyntax
		}
	}
	d.ws()
	if d.i != len(d.b) {
		return claimError("trailing data")
	}
	return nil
}

var errSyntax = claimError("invalid JSON")

type payloadDecoder struct {
	b []byte
	i int
}

func (d *payloadDecoder) ws() {
	for d.i < len(d.b) && (d.b[d.i] == ' ' || d.b[d.i] == '\t' || d.b[d.i] == '\n' || d.b[d.i] == '\r') {
		d.i++
	}
}

func (d *payloadDecoder) eat(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

func (d *payloadDecoder) null() bool {
	if len(d.b)-d.i >= 4 && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

func (d *payloadDecoder) optString(dst *string) error {
	if d.null() {
		*dst = ""
		return nil
	}
	s, err := d.str()
	*dst = s
	return err
}

func (d *payloadDecoder) optStrings(dst *[]string) error {
	*dst = nil
	if d.null() {
		return nil
	}
	if !d.eat('[') {
		return claimError("roles is not an array")
	}
	out := []string{}
	d.ws()
	if !d.eat(']') {
		for {
			s, err := d.str()
			if err != nil {
				return err
			}
			out = append(out, s)
			d.ws()
			if d.eat(',') {
				d.ws()
				continue
			}
			if d.eat(']') {
				break
			}
			return errSyntax
		}
	}
	*dst = out
	return nil
}

// optInt reads an integer literal (-?(0|[1-9][0-9]*), no fraction or
// exponent, within int64) or null.
func (d *payloadDecoder) optInt(dst *int64) error {
	if d.null() {
		*dst = 0
		return nil
	}
	start := d.i
	d.eat('-')
	digits := d.i
	for d.i < len(d.b) && '0' <= d.b[d.i] && d.b[d.i] <= '9' {
		d.i++
	}
	if d.i == digits || d.b[digits] == '0' && d.i-digits > 1 {
		return claimError("want an integer")
	}
	if d.i < len(d.b) && (d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		return claimError("want an integer")
	}
	v, err := strconv.ParseInt(string(d.b[start:d.i]), 10, 64)
	if err != nil {
		return claimError("integer out of range")
	}
	*dst = v
	return nil
}

// str reads a JSON string.
func (d *payloadDecoder) str() (string, error) {
	if !d.eat('"') {
		return "", claimError("want a string")
	}
	start := d.i
	for d.i < len(d.b) && d.b[d.i] != '"' && d.b[d.i] != '\\' && d.b[d.i] >= 0x20 {
		d.i++
	}
	if d.i < len(d.b) && d.b[d.i] == '"' {
		d.i++
		return string(d.b[start : d.i-1]), nil
	}
	out := append([]byte(nil), d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		d.i++
		switch {
		case c == '"':
			return string(out), nil
		case c < 0x20:
			return "", errSyntax
		case c != '\\':
			out = append(out, c)
		case d.i >= len(d.b):
			return "", errSyntax
		default:
			e := d.b[d.i]
			d.i++
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return "", errSyntax
				}
				if utf16.IsSurrogate(r) {
					var r2 rune
					if !d.eat('\\') || !d.eat('u') {
						return "", claimError("lone surrogate escape")
					}
					if r2, ok = d.hex4(); !ok {
						return "", errSyntax
					}
					if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
						return "", claimError("lone surrogate escape")
					}
				}
				out = utf8.AppendRune(out, r)
			default:
				return "", errSyntax
			}
		}
	}
	return "", errSyntax
}

func (d *payloadDecoder) hex4() (rune, bool) {
	r, ok := Hex4(d.b, d.i)
	if ok {
		d.i += 4
	}
	return r, ok
}

// Hex4 reads the four hex digits of a JSON \u escape at b[i:].
func Hex4(b []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
