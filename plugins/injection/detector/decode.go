package detector

import (
	"unicode/utf8"
	"unsafe"
)

// Embedded payloads: runs of base64 or hex, and percent-encoded text, are
// decoded and scanned like the message itself (ROT13 needs no decoding:
// the phrase automaton also holds the ROT13 form of every phrase).

// Payload encodings, reported in Result.Encoded.
const (
	EncBase64 = 1 << iota
	EncHex
	EncURL
	EncTags
)

const (
	minBase64Run = 16 // 12 decoded bytes: "ignore all p"
	minHexRun    = 16
	maxPayloads  = 8
	maxDecoded   = 16 << 10
)

// payload is a decoded span of dst.
type payload struct {
	enc        int
	start, end int
}

// findPayloads decodes the embedded payloads of s (which has percent '%'
// signs) into dst, recording
// each in ps. Only decodings that read as text are kept: at least 85% of
// their bytes printable ASCII, white space or UTF-8 above ASCII, and at
// least one letter run of 3.
func findPayloads(s string, percent int, dst []byte, ps []payload) ([]byte, []payload) {
	// A run of at least minRun (16) characters covers an index that is
	// 15 mod 16: probe those only, and grow a run around a hit. Prose
	// costs one probe per 16 bytes.
	const minRun = min(minBase64Run, minHexRun)
	for p := minRun - 1; p < len(s); p += minRun {
		if !isB64(s[p]) {
			continue
		}
		// A run of minRun covering p holds the eight bytes that end at p
		// (when it starts at least seven bytes before p) or the eight that
		// start there (else it reaches at least nine bytes past p): test
		// those first, without a branch per byte. Words seldom pass.
		if p >= 7 && p+8 <= len(s) {
			// Most probes of prose have a space in both: one test.
			b := unsafe.Pointer(unsafe.StringData(s))
			if hasSpace8(load64(unsafe.Add(b, p-7))) && hasSpace8(load64(unsafe.Add(b, p))) {
				continue
			}
		}
		if !(p >= 7 && allB64(s[p-7:p+1])) && !(p+8 <= len(s) && allB64(s[p:p+8])) {
			continue
		}
		i, j := p, p+1
		for i > 0 && isB64(s[i-1]) {
			i--
		}
		for j < len(s) && isB64(s[j]) {
			j++
		}
		for p < j {
			p += minRun // the next probe after this run
		}
		p -= minRun
		if j-i < minRun {
			continue // a word
		}
		run := s[i:j]
		kind := uint8(3)
		for k := 0; k < len(run); k++ {
			kind &= b64Kind[run[k]]
		}
		if len(ps) >= maxPayloads || len(dst) >= maxDecoded {
			break
		}
		if kind&2 != 0 && len(run) >= minHexRun && len(run)%2 == 0 {
			start := len(dst)
			for k := 0; k+1 < len(run); k += 2 {
				dst = append(dst, byte(unhex(run[k])<<4|unhex(run[k+1])))
			}
			if readsAsText(dst[start:]) {
				ps = append(ps, payload{EncHex, start, len(dst)})
			} else {
				dst = dst[:start]
			}
			continue
		}
		if len(run) >= minBase64Run && mixedB64(run) {
			start := len(dst)
			dst = appendBase64(dst, run)
			if len(dst)-start >= 8 && readsAsText(dst[start:]) {
				ps = append(ps, payload{EncBase64, start, len(dst)})
			} else {
				dst = dst[:start]
			}
		}
	}
	if len(ps) >= maxPayloads || len(dst) >= maxDecoded || percent < 3 {
		return dst, ps
	}
	pct := 0
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '%' && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0 {
			pct++
		}
	}
	if pct >= 3 {
		start := len(dst)
		for i := 0; i < len(s) && len(dst)-start < maxDecoded; i++ {
			c := s[i]
			if c == '%' && i+2 < len(s) && unhex(s[i+1]) >= 0 && unhex(s[i+2]) >= 0 {
				dst = append(dst, byte(unhex(s[i+1])<<4|unhex(s[i+2])))
				i += 2
			} else if c == '+' {
				dst = append(dst, ' ')
			} else {
				dst = append(dst, c)
			}
		}
		ps = append(ps, payload{EncURL, start, len(dst)})
	}
	return dst, ps
}

// b64Kind: bit 1 = a base64 (standard or URL) character, bit 2 = a hex
// digit.
var b64Kind = func() (k [256]uint8) {
	for c := 0; c < 256; c++ {
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '+' || c == '/' || c == '=' || c == '-' || c == '_' {
			k[c] |= 1
		}
		if '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' {
			k[c] |= 2
		}
	}
	return k
}()

func isB64(c byte) bool { return b64Kind[c]&1 != 0 }

// hasSpace8 reports whether one of the eight bytes of x is ' '.
func hasSpace8(x uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	y := x ^ 0x2020202020202020 // 0 in the spaces
	return (y-lo)&^y&hi != 0
}

// allB64 reports whether the eight bytes of s (len(s) == 8) are all
// base64 characters.
func allB64(s string) bool {
	_ = s[7]
	return b64Kind[s[0]]&b64Kind[s[1]]&b64Kind[s[2]]&b64Kind[s[3]]&b64Kind[s[4]]&b64Kind[s[5]]&b64Kind[s[6]]&b64Kind[s[7]]&1 != 0
}

// mixedB64 rejects runs that are plain words, paths or identifiers: base64
// of text has upper and lower case letters and no '=' but at its end.
func mixedB64(run string) bool {
	var up, low bool
	for i := 0; i < len(run); i++ {
		c := run[i]
		switch {
		case 'A' <= c && c <= 'Z':
			up = true
		case 'a' <= c && c <= 'z':
			low = true
		case c == '=' && i < len(run)-2:
			return false
		}
	}
	return up && low
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func b64val(c byte) int {
	switch {
	case 'A' <= c && c <= 'Z':
		return int(c - 'A')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 26
	case '0' <= c && c <= '9':
		return int(c-'0') + 52
	case c == '+' || c == '-':
		return 62
	case c == '/' || c == '_':
		return 63
	}
	return -1
}

// appendBase64 decodes run (standard or URL alphabet, padding optional)
// leniently: it stops at the first padding character.
func appendBase64(dst []byte, run string) []byte {
	var acc uint32
	n := 0
	for i := 0; i < len(run); i++ {
		v := b64val(run[i])
		if v < 0 {
			break
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			dst = append(dst, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		dst = append(dst, byte(acc>>4))
	case 3:
		dst = append(dst, byte(acc>>10), byte(acc>>2))
	}
	return dst
}

func readsAsText(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	good, run, word := 0, 0, false
	for _, c := range b {
		switch {
		case c >= 0x20 && c < 0x7f, c == '\n', c == '\r', c == '\t', c >= 0x80:
			good++
		}
		if 'a' <= c|0x20 && c|0x20 <= 'z' {
			run++
			if run >= 3 {
				word = true
			}
		} else {
			run = 0
		}
	}
	return word && good*100 >= len(b)*85 && utf8.Valid(b)
}
