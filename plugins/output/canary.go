package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"hash"
	"strings"
)

// The canary is a per-exchange token the request phase appends to the
// system prompt and the response phase looks for in the answer. It is
// derived, not stored: HMAC-SHA256 under canary_key of the route and the
// request id, so pooled instances (which share nothing) recompute the same
// token in the response phase, and nobody without the key can predict it.
//
// Shape: canaryLen characters of a 32-symbol alphabet without look-alikes
// (no 1, i, l, o), the first a digit, about 98 bits of the MAC. A model
// copies such a token verbatim or changes only its case; it does not occur
// in normal text (a chance of 2^-98 per position), so finding it is proof
// that the system prompt leaked. In the prompt it appears as
// "[ward:<token>]" at the end of the first system message.

const (
	canaryLen      = 20
	canaryAlphabet = "023456789abcdefghjkmnpqrstuvwxyz" // 32 symbols
	canaryDigits   = "023456789"
	canaryOpen     = "[ward:"
	canaryClose    = "]"
	// canaryDomain separates this use of canary_key from any other.
	canaryDomain = "ward/output/canary/v1"
)

// canaryMaker derives canaries. Not safe for concurrent use (one per guard
// instance): it reuses its MAC, whose keyed state crypto/hmac keeps after
// the first Reset, so a canary costs two SHA-256 blocks.
type canaryMaker struct {
	mac hash.Hash
	in  []byte
	sum []byte
	out [canaryLen]byte
}

func newCanaryMaker(key string) *canaryMaker {
	return &canaryMaker{mac: hmac.New(sha256.New, []byte(key))}
}

// canary returns the token of the exchange (route, request id). The string
// is the maker's buffer: valid until the next call.
func (c *canaryMaker) canary(route, requestID string) string {
	c.in = append(c.in[:0], canaryDomain...)
	c.in = append(c.in, 0)
	c.in = append(c.in, route...)
	c.in = append(c.in, 0)
	c.in = append(c.in, requestID...)
	c.mac.Reset()
	c.mac.Write(c.in)
	c.sum = c.mac.Sum(c.sum[:0])
	c.out[0] = canaryDigits[int(c.sum[0])%len(canaryDigits)]
	// 5 bits per symbol from bytes 1.. of the MAC (19 symbols: 95 bits).
	var acc uint64
	bits, j := 0, 1
	for i := 1; i < canaryLen; i++ {
		if bits < 5 {
			acc = acc<<8 | uint64(c.sum[j])
			j++
			bits += 8
		}
		bits -= 5
		c.out[i] = canaryAlphabet[(acc>>bits)&31]
	}
	return bstr(c.out[:])
}

// findCanary appends to dst the spans of the canary tok in s (ASCII case
// ignored), each widened to the "[ward:" before it and the "]" after it
// when they are there.
func findCanary(s, tok string, dst []span) []span {
	first := tok[0] // a digit: no case to fold
	for i := 0; ; {
		j := strings.IndexByte(s[i:], first)
		if j < 0 {
			return dst
		}
		at := i + j
		end := at + len(tok)
		if end > len(s) {
			return dst
		}
		if !strings.EqualFold(s[at:end], tok) {
			i = at + 1
			continue
		}
		start := at
		if start >= len(canaryOpen) && strings.EqualFold(s[start-len(canaryOpen):start], canaryOpen) {
			start -= len(canaryOpen)
			if strings.HasPrefix(s[end:], canaryClose) {
				end += len(canaryClose)
			}
		}
		dst = append(dst, span{class: classCanary, start: start, end: end})
		i = end
	}
}

// canaryHold is how many bytes at the end of s could be the beginning of
// the canary's marker ("[ward:" and the token) or of the bare token.
func canaryHold(s, tok string) int {
	hold := 0
	for n := min(len(s), len(canaryOpen)+len(tok)); n > 0; n-- {
		if prefixFold(canaryOpen, tok, s[len(s)-n:]) {
			hold = n
			break
		}
	}
	for n := min(len(s), len(tok)-1); n > hold; n-- {
		if strings.EqualFold(s[len(s)-n:], tok[:n]) {
			return n
		}
	}
	return hold
}

// prefixFold reports whether t is a prefix of a+b, ASCII case ignored.
func prefixFold(a, b, t string) bool {
	if len(t) <= len(a) {
		return strings.EqualFold(t, a[:len(t)])
	}
	return strings.EqualFold(t[:len(a)], a) && len(t)-len(a) <= len(b) && strings.EqualFold(t[len(a):], b[:len(t)-len(a)])
}
