package output

import (
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Words for the prompt shingles: maximal runs of letters and digits
// (Unicode letters, digits and combining marks after the first rune),
// compared in simple lower case. Everything else separates words, so
// punctuation, white space, markup and quote styles do not matter.
//
// ASCII text is read eight bytes at a time (SWAR: the byte classes of a
// 64-bit word computed with a few additions and masks), because a loop
// iteration per byte is what costs most inside Wasm; other runes go
// through unicode. Both paths hash a word the same way: its lower-case
// UTF-8 bytes in 8-byte chunks counted from the word's first byte.

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// load64 reads the 8 bytes of s at i, little endian, padding with zero
// bytes (which are separators) past the end of s.
func load64(s string, i int) uint64 {
	if i+8 <= len(s) {
		return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
	}
	var x uint64
	for j := len(s) - 1; j >= i; j-- {
		x = x<<8 | uint64(s[j])
	}
	return x
}

// wordBits classifies 8 ASCII bytes (none >= 0x80): mask has the high
// bit of every letter or digit byte set; lower is x with letters in lower
// case.
func wordBits(x uint64) (mask, lower uint64) {
	y := x | 0x20*ones
	letter := (y + (0x80-'a')*ones) &^ (y + (0x80-'z'-1)*ones) & highs
	digit := (x + (0x80-'0')*ones) &^ (x + (0x80-'9'-1)*ones) & highs
	return letter | digit, x | letter>>2
}

// mixChunk adds a chunk of a word to its hash.
func mixChunk(h, c uint64) uint64 {
	h = (h ^ c) * 0x9E3779B97F4A7C15
	return h ^ h>>29
}

// finishWord ends a word's hash. The chunks already went through a
// multiplication each; the length separates words that differ only by
// trailing zero padding (none: words hold no zero byte) cheaply.
func finishWord(h uint64, n int) uint64 { return h + uint64(n) }

const wordSeed = 0x6a09e667f3bcc908

// slowNext returns the first word at or after byte i, reading rune by
// rune (the text has non-ASCII bytes there), and where to continue.
func slowNext(s string, i int) (w word, next int, ok bool) {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if isWordByte[c] {
				return slowWord(s, i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return slowWord(s, i)
		}
		i += size
	}
	return word{}, len(s), false
}

// slowWord reads the word starting at i rune by rune (it has non-ASCII
// runes), hashing its lower case exactly as nextWord's chunks do.
func slowWord(s string, i int) (word, int, bool) {
	start := i
	h := uint64(wordSeed)
	var c uint64
	n, first := 0, true
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf {
			if !isWordByte[byte(r)] {
				break
			}
		} else if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r) || !first && unicode.Is(unicode.Mn, r)) {
			break
		}
		first = false
		var buf [utf8.UTFMax]byte
		for _, b := range utf8.AppendRune(buf[:0], unicode.ToLower(r)) {
			c |= uint64(b) << (8 * (n & 7))
			n++
			if n&7 == 0 {
				h = mixChunk(h, c)
				c = 0
			}
		}
		i += size
	}
	if n&7 != 0 {
		h = mixChunk(h, c)
	}
	return word{h: finishWord(h, n), start: start, end: i}, i, true
}

// isWordByte: ASCII letters and digits (the '_' of identifiers separates
// words here, as markup does).
var isWordByte = func() (t [256]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()
