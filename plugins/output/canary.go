package output

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"strings"
)

// The canary is a per-exchange token the request phase appends to the
// system prompt and the response phase looks for in the answer. It is
// derived, not stored: a keyed pseudo-random function (SipHash-2-4, below)
// of the route and the request id under subkeys of canary_key, so pooled
// instances (which share nothing) recompute the same token in the
// response phase, and nobody without the key can predict it.
//
// Shape: canaryLen characters of a 32-symbol alphabet without look-alikes
// (no 1, i, l, o), the first a digit, about 98 bits of the PRF's output. A
// model copies such a token verbatim or changes only its case; it does not
// occur in normal text (a chance of 2^-98 per position), so finding it is
// proof that the system prompt leaked. In the prompt it appears as
// "[ward:<token>]" at the end of the first system message.

const (
	canaryLen      = 20
	canaryAlphabet = "023456789abcdefghjkmnpqrstuvwxyz" // 32 symbols
	canaryDigits   = "023456789"
	canaryOpen     = "[ward:"
	canaryClose    = "]"
	// canaryDomain separates this use of canary_key from any other: the
	// PRF's keys are HMAC-SHA256(canary_key, canaryDomain).
	canaryDomain = "ward/output/canary/v2"
)

// canarySymbol tells the bytes of canaryAlphabet (1) and canaryDigits (2|1).
var canarySymbol = func() (t [256]uint8) {
	for i := 0; i < len(canaryAlphabet); i++ {
		t[canaryAlphabet[i]] = 1
	}
	for i := 0; i < len(canaryDigits); i++ {
		t[canaryDigits[i]] |= 2
	}
	return t
}()

// canaryMaker derives canaries. Not safe for concurrent use (one per guard
// instance).
//
// The PRF is SipHash-2-4 (Aumasson and Bernstein, 2012), twice, under two
// independent 128-bit keys: 128 bits of output, of which the token uses
// 98. SipHash is a PRF built for short inputs such as this 39-byte message
// (the Linux kernel derives TCP sequence numbers and SYN cookies with it);
// the keys are derived once per configuration with HMAC-SHA256 under
// canary_key. Why not HMAC-SHA256 per canary, as before: SHA-256 in Wasm
// costs ~1 µs a block, and an HMAC of this message is two to three blocks
// plus crypto/hmac's interface assertions - 40-55% of the request phase's
// time in the guard (profile of the loadbench core pipeline); two
// SipHashes cost ~0.1 µs. TestSipHash checks the implementation against
// the reference vectors.
type canaryMaker struct {
	k   [4]uint64 // SipHash keys (k[0], k[1]) and (k[2], k[3])
	in  []byte
	out [canaryLen]byte // canary's token
}

func newCanaryMaker(key string) *canaryMaker {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(canaryDomain))
	sub := m.Sum(nil)
	c := &canaryMaker{}
	for i := range c.k {
		c.k[i] = binary.LittleEndian.Uint64(sub[8*i:])
	}
	return c
}

// mac returns 128 bits of the PRF of (route, 0, requestID): the two
// SipHashes in one pass over the message (sipHash24x2).
func (c *canaryMaker) mac(route, requestID string) (uint64, uint64) {
	c.in = append(c.in[:0], route...)
	c.in = append(c.in, 0)
	c.in = append(c.in, requestID...)
	return sipHash24x2(&c.k, c.in)
}

// canary returns the token of the exchange (route, request id). The string
// is the maker's buffer: valid until the next call.
func (c *canaryMaker) canary(route, requestID string) string {
	return bstr(c.appendCanary(c.out[:0], route, requestID))
}

// canaryRoom is what appendCanary appends before it writes the token.
var canaryRoom [canaryLen]byte

// appendCanary appends the token of the exchange (route, request id) to
// dst: written in place, through an array pointer (no bounds checks).
func (c *canaryMaker) appendCanary(dst []byte, route, requestID string) []byte {
	hi, lo := c.mac(route, requestID)
	n := len(dst)
	dst = append(dst, canaryRoom[:]...)
	out := (*[canaryLen]byte)(dst[n:])
	out[0] = canaryDigits[(hi>>56)%uint64(len(canaryDigits))]
	// 5 bits per symbol (19 symbols: 95 bits): 11 from the 56 bits of hi
	// after its top byte, 8 from lo.
	// (Two loops: a test of i in the loop costs a jump per symbol in Wasm.)
	rest := hi << 8
	for i := 1; i < 12; i++ {
		out[i] = canaryAlphabet[rest>>59]
		rest <<= 5
	}
	rest = lo
	for i := 12; i < canaryLen; i++ {
		out[i] = canaryAlphabet[rest>>59]
		rest <<= 5
	}
	return dst
}

// sipHash24x2 is two SipHash-2-4 of p with 64-bit outputs, under the keys
// (k[0], k[1]) and (k[2], k[3]), the keys' bytes read little-endian, in
// one loop: each block of p is loaded once, and the two hashes' rounds,
// independent of each other, overlap in the processor (in Wasm a call and
// a loop turn per hash and block cost about as much as the rounds).
// TestSipHash2 compares it with two one-key SipHash-2-4 (the test's
// sipHash24, checked against the reference vectors) for every length up
// to 64.
func sipHash24x2(k *[4]uint64, p []byte) (uint64, uint64) {
	v0 := k[0] ^ 0x736f6d6570736575
	v1 := k[1] ^ 0x646f72616e646f6d
	v2 := k[0] ^ 0x6c7967656e657261
	v3 := k[1] ^ 0x7465646279746573
	w0 := k[2] ^ 0x736f6d6570736575
	w1 := k[3] ^ 0x646f72616e646f6d
	w2 := k[2] ^ 0x6c7967656e657261
	w3 := k[3] ^ 0x7465646279746573
	b := uint64(len(p)) << 56
	for ; len(p) >= 8; p = p[8:] {
		m := binary.LittleEndian.Uint64(p)
		v3 ^= m
		w3 ^= m
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
		v0 ^= m
		w0 ^= m
	}
	b |= sipTail(p)
	v3 ^= b
	w3 ^= b
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0 ^= b
	w0 ^= b
	v2 ^= 0xff
	w2 ^= 0xff
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	w0, w1, w2, w3 = sipRound(w0, w1, w2, w3)
	return v0 ^ v1 ^ v2 ^ v3, w0 ^ w1 ^ w2 ^ w3
}

// sipTail packs the last 0-7 bytes of a message (p, shorter than 8) into
// SipHash's final block, little-endian, without a loop: in Wasm each turn
// of a loop is a fuel check and a branch (TestSipHashTail compares every
// length with a plain loop).
func sipTail(p []byte) uint64 {
	var b uint64
	switch len(p) {
	case 7:
		b |= uint64(p[6]) << 48
		fallthrough
	case 6:
		b |= uint64(p[5]) << 40
		fallthrough
	case 5:
		b |= uint64(p[4]) << 32
		fallthrough
	case 4:
		b |= uint64(binary.LittleEndian.Uint32(p))
	case 3:
		b |= uint64(p[2]) << 16
		fallthrough
	case 2:
		b |= uint64(p[1]) << 8
		fallthrough
	case 1:
		b |= uint64(p[0])
	}
	return b
}

func sipRound(v0, v1, v2, v3 uint64) (uint64, uint64, uint64, uint64) {
	v0 += v1
	v1 = bits.RotateLeft64(v1, 13) ^ v0
	v0 = bits.RotateLeft64(v0, 32)
	v2 += v3
	v3 = bits.RotateLeft64(v3, 16) ^ v2
	v0 += v3
	v3 = bits.RotateLeft64(v3, 21) ^ v0
	v2 += v1
	v1 = bits.RotateLeft64(v1, 17) ^ v2
	v2 = bits.RotateLeft64(v2, 32)
	return v0, v1, v2, v3
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
