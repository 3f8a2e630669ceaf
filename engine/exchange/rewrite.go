package exchange

import (
	"slices"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/abi"
)

// rewrite implements Request.Rewrite and Response.Rewrite.
func (p *parser) rewrite(dst, body []byte, msgs []abi.Message, dirty []bool) ([]byte, error) {
	if len(body) != len(p.b) {
		return dst, rewriteError(CodeRewriteMismatch, "rewrite of a body other than the one parsed")
	}
	order := p.order[:0]
	for i, d := range dirty {
		if !d {
			continue
		}
		if i >= len(msgs) || i >= len(p.segs) {
			return dst, rewriteError(CodeRewriteMismatch, "rewrite of message %d, but there are %d", i, len(msgs))
		}
		order = append(order, i)
	}
	p.order = order
	if len(order) == 0 {
		return append(dst, body...), nil
	}
	segs := p.segs
	if !slices.IsSortedFunc(order, func(a, b int) int { return segs[a].start - segs[b].start }) {
		slices.SortFunc(order, func(a, b int) int { return segs[a].start - segs[b].start })
	}
	for _, i := range order {
		if segs[i].raw {
			if err := checkObject(msgs[i].Text, segs[i].depth); err != nil {
				return dst, rewriteError(CodeBadRewrite, "message %d (tool input): %s", i, err.Message)
			}
		}
	}
	prev := 0
	for _, i := range order {
		s := segs[i]
		dst = append(dst, body[prev:s.start]...)
		if s.raw {
			dst = append(dst, msgs[i].Text...)
		} else {
			dst = appendJSONString(dst, msgs[i].Text)
		}
		prev = s.end
	}
	return append(dst, body[prev:]...), nil
}

// checkObject reports whether s is one JSON object (with optional
// surrounding whitespace) in valid UTF-8, fit to replace a raw tool input
// held at nesting depth depth.
func checkObject(s string, depth int) *Error {
	if !utf8.ValidString(s) {
		return &Error{Message: "not valid UTF-8"}
	}
	v := parser{b: s2b(s), depth: depth}
	if v.peek() != '{' {
		return &Error{Message: "not a JSON object"}
	}
	v.skip()
	v.finish()
	if v.err != nil {
		return &Error{Message: "not a JSON object: " + v.err.Message}
	}
	return nil
}

var hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string literal. Control characters,
// '"' and '\\' are escaped, invalid UTF-8 bytes become \ufffd; everything
// else (including non-ASCII) is copied as is.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
