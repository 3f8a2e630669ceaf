package detect

import "math/bits"

// Eight bytes at a time. Inside Wasm a Go loop costs several nanoseconds
// per byte (every branch is a jump through the function's dispatch loop),
// while a 64-bit word is tested in a handful of instructions. The scans
// use these tests to skip stretches of prose that cannot hold a candidate
// and fall back to the byte loops everywhere else.

const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

// load8 returns t[i:i+8] as a little-endian word (byte k of the text in
// bits 8k..8k+7). The caller ensures i+8 <= len(t).
func load8(t string, i int) uint64 {
	t = t[i : i+8]
	return uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
		uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
}

// swarRange sets the high bit of each byte of x in [lo, hi] (ASCII bytes
// only: x must have its high bits clear).
func swarRange(x uint64, lo, hi byte) uint64 {
	ge := x + swarLo*uint64(0x80-lo)   // high bit set where byte >= lo
	gt := x + swarLo*uint64(0x80-hi-1) // high bit set where byte > hi
	return ge &^ gt & swarHi
}

// swarDigits sets the high bit of each ASCII digit byte of x.
func swarDigits(x uint64) uint64 {
	return swarRange(x&^swarHi, '0', '9') &^ x
}

// swarEq sets the high bit of each byte of x equal to c.
func swarEq(x uint64, c byte) uint64 {
	y := x ^ swarLo*uint64(c) // zero bytes where equal
	return ^(((y &^ swarHi) + (swarHi - swarLo)) | y) & swarHi
}

// swarWordLetters sets the high bit of each byte of x that is a word
// letter (isWordLetter: an ASCII letter or a byte >= 0x80).
func swarWordLetters(x uint64) uint64 {
	return swarRange(x&^swarHi|0x2020202020202020, 'a', 'z')&^x | x&swarHi
}

// nextWord returns the next word at or after i: a run of word letters,
// joined over an apostrophe followed by a letter ("don't", "O'Neil"). It
// returns s == len(t) when there is none. Words are found eight bytes at
// a time: inside Wasm that is several times cheaper than byte by byte.
func nextWord(t string, i int) (s, e int) {
	n := len(t)
	for i+8 <= n {
		if l := swarWordLetters(load8(t, i)); l != 0 {
			i += bits.TrailingZeros64(l) / 8
			break
		}
		i += 8
	}
	for i < n && !isWordLetter(t[i]) {
		i++
	}
	s, e = i, i
	for {
		for e+8 <= n {
			if non := ^swarWordLetters(load8(t, e)) & swarHi; non != 0 {
				e += bits.TrailingZeros64(non) / 8
				break
			}
			e += 8
		}
		for e < n && isWordLetter(t[e]) {
			e++
		}
		if e+1 < n && t[e] == '\'' && isAlpha(t[e+1]) {
			e++
			continue
		}
		return s, e
	}
}
