package detector

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// Stats counts what normalisation removed or folded. Its counts are
// signals: benign text rarely hides characters or mixes scripts inside a
// word.
type Stats struct {
	// Invisible counts zero-width, bidi-control, variation-selector and
	// similar characters found inside Latin words (elsewhere they have
	// legitimate uses: emoji sequences, Persian and Indic joiners).
	Invisible int
	// Tags counts Unicode tag characters (U+E0000-U+E007F) outside flag
	// emoji; their ASCII meaning is appended to Hidden.
	Tags int
	// Homoglyphs counts words mixing Latin letters with Cyrillic or Greek
	// look-alikes (which were folded to Latin).
	Homoglyphs int
	// Leet counts words whose digits and symbols were folded to letters.
	Leet int
	// Percent counts '%' signs (percent-encoded payloads need several).
	Percent int
	// Hidden is the ASCII text smuggled in tag characters (bounded).
	Hidden []byte
}

// maxHidden bounds Stats.Hidden.
const maxHidden = 4 << 10

// Reset clears st, keeping Hidden's storage.
func (st *Stats) Reset() { *st = Stats{Hidden: st.Hidden[:0]} }

// word flags collected while a word is emitted, used at its end.
const (
	wLatin   = 1 << iota // an ASCII letter
	wConf                // a Cyrillic/Greek look-alike of a Latin letter
	wOther               // another non-Latin letter
	wLeet                // a leet character (digit 0134578, '@' or '$')
	wLeetMid             // a leet character followed, later, by a letter
)

// Normalize appends the normalised form of s to dst and returns it:
//
//   - compatibility forms folded as NFKC would for the characters that
//     matter here (fullwidth forms, mathematical alphanumerics, enclosed
//     and small-capital letters, ligatures, super/subscript digits), Latin
//     letters stripped of diacritics, combining marks dropped;
//   - lower case (unicode.ToLower);
//   - zero-width and other invisible characters removed, tag characters
//     removed and decoded into st.Hidden;
//   - inside a word that mixes scripts, or that is made only of
//     look-alikes, Cyrillic and Greek look-alikes folded to Latin (a word
//     wholly in Cyrillic or Greek is left alone: Russian stays Russian);
//   - inside a word of at least two letters where a leet character comes
//     before a letter ("1gn0re", "h4x0r", "$ystem"), leet folded to
//     letters ("ignore"); "gpt4", "mp3" and "2024" are kept;
//   - runs of white space and control characters collapsed to one "\n"
//     when they contain a line break, else one " ".
//
// Invalid UTF-8 bytes become U+FFFD. Normalize is one pass over s plus an
// in-place pass over the words it rewrites; it allocates only when dst
// (or st.Hidden) must grow.
func Normalize(dst []byte, s string, st *Stats) []byte {
	ws := byte(0) // pending white space: 0, ' ' or '\n'
	started := false
	wordStart, letters := -1, 0
	var flags uint8
	// (No closure for the end of a word: captured variables would live in
	// memory, which made this loop 5x slower inside Wasm.)
	for i := 0; i < len(s); {
		// Fast path for runs of plain ASCII (letters, punctuation other
		// than '%', '@' and '$', single spaces): each byte maps to one
		// lower-case byte and only the word state at the end of the run
		// matters, since a plain word needs no rewriting. Eight bytes of
		// letters and single spaces are copied at once, other plain bytes
		// one by one with one branch each (a branch costs a dispatch
		// inside Wasm), into capacity reserved up front: one output byte
		// per input byte, so the unchecked stores stay below cap(dst).
		if c := s[i]; plainKind[c] != 0 && flags&(wConf|wLeet) == 0 && (c != ' ' || ws == 0 && started) {
			if cap(dst)-len(dst) <= len(s)-i {
				dst = slices.Grow(dst, len(s)-i+1)
			}
			if c != ' ' {
				if ws != 0 && started {
					dst = append(dst, ws)
				}
				ws, started = 0, true
			}
			run := len(dst)
			o, lb, k, prev := run, -1, uint8(0), uint8(0)
			p := unsafe.Pointer(unsafe.SliceData(dst))
		run:
			for i < len(s) {
				// Eight plain bytes at once (most of prose).
				if i+8 <= len(s) {
					x := load64(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
					if sp, ok := plain8(x); ok && sp&(uint64(prev&(prev>>1)&1)<<7) == 0 { // no space after a space
						lx, bd := lower8(x)
						store64(unsafe.Add(p, o), lx)
						if bd != 0 {
							lb = o + 8 - bits.LeadingZeros64(bd)/8 // after the last boundary
						}
						prev = kLetter + uint8(bd>>63) + uint8(sp>>63) // the last byte's kind
						o += 8
						i += 8
						continue
					}
				}
				// Otherwise byte by byte, eight of them before the next try.
				for end := min(i+8, len(s)); i < end; {
					k = plainKind[s[i]]
					if runStop[prev<<2|k] {
						// A Latin-1 letter that folds to one ASCII letter
						// ("é", "ü": most accented letters of Western
						// European text) stays in the run, as a letter;
						// the rest ends it.
						if s[i] != 0xC3 || i+1 >= len(s) || s[i+1]&0xC0 != 0x80 || latin1Letter[s[i+1]&0x3F] == 0 {
							break run
						}
						*(*byte)(unsafe.Add(p, o)) = latin1Letter[s[i+1]&0x3F]
						o++
						i += 2
						end = min(end+1, len(s))
						prev = kLetter
						continue
					}
					*(*byte)(unsafe.Add(p, o)) = lowerASCII[s[i]]
					o++
					i++
					lb += (o - lb) * int(k>>1) // after a boundary (punctuation, space)
					prev = k
				}
			}
			dst = dst[:o]
			switch {
			case prev != kLetter: // the run ended on a boundary
				if prev == kSpace {
					dst = dst[:o-1] // pending, as it may be collapsed
					ws = ' '
				}
				wordStart, letters, flags = -1, 0, 0
			case lb >= 0: // a new word started inside the run
				wordStart, letters, flags = lb, o-lb, wLatin
			default: // the run continues (or starts) the current word
				if wordStart < 0 {
					wordStart = run
				}
				letters += o - run
				flags |= wLatin
			}
			continue
		}
		r := rune(s[i])
		size := 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		var exp string
		if r >= utf8.RuneSelf {
			var drop bool
			r, exp, drop = foldRune(r, st)
			if drop {
				if wordStart >= 0 && flags&wLatin != 0 {
					st.Invisible++
				}
				continue
			}
		}
	again:
		if r < utf8.RuneSelf {
			c := byte(r)
			switch asciiKind[c] {
			case aUpper:
				c += 'a' - 'A'
				fallthrough
			case aLower:
				if flags&wLeet != 0 {
					flags |= wLeetMid
				}
				flags |= wLatin
				letters++
			case aLeet:
				flags |= wLeet
			case aDigit:
			case aNewline:
				if wordStart >= 0 {
					if flags&(wConf|wLeetMid) != 0 {
						dst = fixWord(dst, wordStart, flags, letters, st)
					}
					wordStart, flags, letters = -1, 0, 0
				}
				ws = '\n'
				goto next
			case aSpace:
				if wordStart >= 0 {
					if flags&(wConf|wLeetMid) != 0 {
						dst = fixWord(dst, wordStart, flags, letters, st)
					}
					wordStart, flags, letters = -1, 0, 0
				}
				if ws == 0 {
					ws = ' '
				}
				goto next
			default:
				if wordStart >= 0 {
					if flags&(wConf|wLeetMid) != 0 {
						dst = fixWord(dst, wordStart, flags, letters, st)
					}
					wordStart, flags, letters = -1, 0, 0
				}
				if ws != 0 && started {
					dst = append(dst, ws)
				}
				ws, started = 0, true
				if c == '%' {
					st.Percent++
				}
				dst = append(dst, c)
				goto next
			}
			if ws != 0 && started {
				dst = append(dst, ws)
			}
			ws, started = 0, true
			if wordStart < 0 {
				wordStart = len(dst)
			}
			dst = append(dst, c)
		} else {
			switch {
			case unicode.IsSpace(r):
				if wordStart >= 0 {
					if flags&(wConf|wLeetMid) != 0 {
						dst = fixWord(dst, wordStart, flags, letters, st)
					}
					wordStart, flags, letters = -1, 0, 0
				}
				if r == 0x2028 || r == 0x2029 {
					ws = '\n'
				} else if ws == 0 {
					ws = ' '
				}
				goto next
			case unicode.IsLetter(r):
				r = unicode.ToLower(r)
				if isConfusable(r) {
					flags |= wConf
				} else {
					flags |= wOther
				}
				letters++
				if ws != 0 && started {
					dst = append(dst, ws)
				}
				ws, started = 0, true
				if wordStart < 0 {
					wordStart = len(dst)
				}
			case unicode.IsDigit(r) || unicode.IsMark(r):
				if ws != 0 && started {
					dst = append(dst, ws)
				}
				ws, started = 0, true
				if wordStart < 0 {
					wordStart = len(dst)
				}
			default:
				if wordStart >= 0 {
					if flags&(wConf|wLeetMid) != 0 {
						dst = fixWord(dst, wordStart, flags, letters, st)
					}
					wordStart, flags, letters = -1, 0, 0
				}
				if ws != 0 && started {
					dst = append(dst, ws)
				}
				ws, started = 0, true
			}
			dst = utf8.AppendRune(dst, r)
		}
	next:
		if exp != "" {
			r, exp = rune(exp[0]), exp[1:]
			goto again
		}
	}
	if wordStart >= 0 {
		dst = fixWord(dst, wordStart, flags, letters, st)
		wordStart, flags, letters = -1, 0, 0
	}
	return dst
}

// load64 reads the eight bytes at p as a little-endian number (one load
// on a little-endian machine). Through an array pointer, not
// unsafe.Slice: inside Wasm, unsafe.Slice calls a function to check its
// length, on every use.
func load64(p unsafe.Pointer) uint64 { return binary.LittleEndian.Uint64((*[8]byte)(p)[:]) }

// store64 writes x at p, little-endian.
func store64(p unsafe.Pointer, x uint64) { binary.LittleEndian.PutUint64((*[8]byte)(p)[:], x) }

// Kinds of ASCII bytes for Normalize.
const (
	aPunct = iota
	aUpper
	aLower
	aLeet // digits and symbols that leetspeak uses for letters
	aDigit
	aNewline
	aSpace // other white space and control characters
)

var asciiKind = func() (k [128]uint8) {
	for c := 0; c < 128; c++ {
		switch {
		case 'A' <= c && c <= 'Z':
			k[c] = aUpper
		case 'a' <= c && c <= 'z':
			k[c] = aLower
		case c == '0' || c == '1' || c == '3' || c == '4' || c == '5' || c == '7' || c == '@' || c == '$':
			k[c] = aLeet
		case '0' <= c && c <= '9':
			k[c] = aDigit
		case c == '\n' || c == '\r':
			k[c] = aNewline
		case c <= ' ' || c == 0x7f:
			k[c] = aSpace
		}
	}
	return k
}()

// Kinds of plain ASCII bytes for Normalize's fast path: a letter
// (kLetter), punctuation (a boundary that is copied) or a space; 0 is any
// other byte. kPunct and kSpace have bit 1 set: they end a word.
const (
	kLetter = 1
	kPunct  = 2
	kSpace  = 3
)

var plainKind, lowerASCII = func() (k, l [256]uint8) {
	for c := 0; c < 256; c++ {
		l[c] = uint8(c)
		if c >= 0x80 {
			continue
		}
		switch asciiKind[c] {
		case aUpper:
			k[c], l[c] = kLetter, uint8(c+'a'-'A')
		case aLower:
			k[c] = kLetter
		case aPunct:
			if c != '%' {
				k[c] = kPunct
			}
		case aSpace:
			if c == ' ' {
				k[c] = kSpace
			}
		}
	}
	return k, l
}()

// plain8 reports whether the eight bytes of x (little-endian) are all
// plain ASCII (plainKind: letters, punctuation other than '%', '@' and
// '$', spaces) with no two spaces in a row, and returns the mask (0x80
// in each byte) of its spaces. No branch: each class is a range test by
// one addition per bound. (plain8 and lower8 are two functions so that
// the compiler inlines both.)
func plain8(x uint64) (spaces uint64, ok bool) {
	const hi, lo7 = 0x8080808080808080, 0x7F7F7F7F7F7F7F7F
	// In a byte below 0x80, adding 0x80-n never carries into the next
	// one and sets 0x80 where the byte is >= n (a byte >= 0x80 is not
	// plain anyway). Note that + and | bind alike in Go.
	y := x ^ 0x2020202020202020            // 0 in the spaces
	spaces = ^(((y & lo7) + lo7) | y) & hi // bytes equal to ' '
	// Bytes >= 0x80, control characters, DEL, digits, '$', '%' and '@'
	// are not plain: >= 0x80, < 0x21 but not a space, >= 0x7f, in
	// [0x30, 0x3a), [0x24, 0x26) or [0x40, 0x41).
	bad := x | ^(x+0x5F5F5F5F5F5F5F5F)&^spaces | (x + 0x0101010101010101) |
		(x+0x5050505050505050)&^(x+0x4646464646464646) | (x+0x5C5C5C5C5C5C5C5C)&^(x+0x5A5A5A5A5A5A5A5A) |
		(x+0x4040404040404040)&^(x+0x3F3F3F3F3F3F3F3F)
	return spaces, bad&hi == 0 && spaces&(spaces<<8) == 0
}

// lower8 returns x, eight plain bytes (plain8), in lower case, and the
// mask of its boundaries (spaces and punctuation).
func lower8(x uint64) (lower, bounds uint64) {
	const hi = 0x8080808080808080
	upper := (x + 0x3F3F3F3F3F3F3F3F) &^ (x + 0x2525252525252525) & hi                  // [0x41, 0x5b)
	return x + upper>>2, hi &^ (upper | (x+0x1F1F1F1F1F1F1F1F)&^(x+0x0505050505050505)) // not a letter
}

// runStop[prev<<2|k] says whether the fast path stops at a byte of kind
// k after one of kind prev: at a byte that is not plain, or at a second
// space (white space is collapsed).
var runStop = func() (t [16]bool) {
	for prev := 0; prev < 4; prev++ {
		t[prev<<2] = true
	}
	t[kSpace<<2|kSpace] = true
	return t
}()

// fixWord rewrites the word dst[start:] in place (it only shrinks) when
// its flags call for homoglyph or leet folding.
func fixWord(dst []byte, start int, flags uint8, letters int, st *Stats) []byte {
	conf := flags&wConf != 0 && (flags&wLatin != 0 || (flags&wOther == 0 && letters >= 2))
	leet := flags&wLeetMid != 0 && letters >= 2
	if !conf && !leet {
		return dst
	}
	if conf && flags&wLatin != 0 {
		st.Homoglyphs++ // a word made only of look-alikes may be Russian or Greek
	}
	if leet {
		st.Leet++
	}
	w := start
	for i := start; i < len(dst); {
		c := dst[i]
		if c < utf8.RuneSelf {
			if leet {
				c = leetByte(c)
			}
			dst[w] = c
			w++
			i++
			continue
		}
		r, size := utf8.DecodeRune(dst[i:])
		if l := confusable(r); conf && l != 0 {
			dst[w] = l
			w++
		} else {
			w += copy(dst[w:], dst[i:i+size])
		}
		i += size
	}
	return dst[:w]
}

func leetByte(c byte) byte {
	switch c {
	case '0':
		return 'o'
	case '1':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return c
}

// confusable returns the Latin letter a lower-case Cyrillic or Greek
// letter is commonly substituted for, or 0.
func confusable(r rune) byte {
	switch r {
	case 'а', 'α':
		return 'a'
	case 'в', 'β':
		return 'b'
	case 'с', 'ϲ':
		return 'c'
	case 'ԁ':
		return 'd'
	case 'е', 'ε':
		return 'e'
	case 'һ', 'η':
		return 'h'
	case 'і', 'ι':
		return 'i'
	case 'ј':
		return 'j'
	case 'к', 'κ':
		return 'k'
	case 'ӏ':
		return 'l'
	case 'м':
		return 'm'
	case 'п':
		return 'n'
	case 'о', 'ο':
		return 'o'
	case 'р', 'ρ':
		return 'p'
	case 'ԛ':
		return 'q'
	case 'г':
		return 'r'
	case 'ѕ':
		return 's'
	case 'т', 'τ':
		return 't'
	case 'υ':
		return 'u'
	case 'ν':
		return 'v'
	case 'ԝ', 'ω':
		return 'w'
	case 'х', 'χ':
		return 'x'
	case 'у', 'γ':
		return 'y'
	}
	return 0
}

func isConfusable(r rune) bool { return confusable(r) != 0 }

// latin1 folds U+00C0-U+00FF (index r-0xC0); "" keeps the rune.
var latin1 = [64]string{
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
}

// latin1Letter is latin1's single ASCII letter for U+00C0-U+00FF
// (index r-0xC0), or 0 (an expansion, or a rune kept).
var latin1Letter = func() (t [64]byte) {
	for i, e := range latin1 {
		if len(e) == 1 && 'a' <= e[0] && e[0] <= 'z' {
			t[i] = e[0]
		}
	}
	return t
}()

// latinA folds U+0100-U+017F (Latin Extended-A) to base letters.
const latinA = "aaaaaaccccccccdd" + "ddeeeeeeeeeegggg" + "gggghhhhiiiiiiii" + "iijjjjkkklllllll" +
	"lllnnnnnnnnnoooo" + "oooorrrrrrssssss" + "ssttttttuuuuuuuu" + "uuuuwwyyyzzzzzzs"

// smallCaps folds small-capital letters often used to dodge filters.
var smallCaps = map[rune]byte{
	0x1D00: 'a', 0x0299: 'b', 0x1D04: 'c', 0x1D05: 'd', 0x1D07: 'e', 0xA730: 'f', 0x0262: 'g',
	0x029C: 'h', 0x026A: 'i', 0x1D0A: 'j', 0x1D0B: 'k', 0x029F: 'l', 0x1D0D: 'm', 0x0274: 'n',
	0x1D0F: 'o', 0x1D18: 'p', 0x0280: 'r', 0xA731: 's', 0x1D1B: 't', 0x1D1C: 'u', 0x1D20: 'v',
	0x1D21: 'w', 0x028F: 'y', 0x1D22: 'z',
	// Letterlike symbols that fill the holes of the mathematical alphabets.
	0x2102: 'c', 0x210A: 'g', 0x210B: 'h', 0x210C: 'h', 0x210D: 'h', 0x210E: 'h', 0x2110: 'i',
	0x2111: 'i', 0x2112: 'l', 0x2113: 'l', 0x2115: 'n', 0x2119: 'p', 0x211A: 'q', 0x211B: 'r',
	0x211C: 'r', 0x211D: 'r', 0x2124: 'z', 0x212C: 'b', 0x212D: 'c', 0x212F: 'e', 0x2130: 'e',
	0x2131: 'f', 0x2133: 'm', 0x2134: 'o', 0x2071: 'i', 0x207F: 'n',
	// Typographic punctuation.
	0x2018: '\'', 0x2019: '\'', 0x201A: '\'', 0x201B: '\'', 0x201C: '"', 0x201D: '"',
	0x201E: '"', 0x201F: '"', 0x2010: '-', 0x2011: '-', 0x2012: '-', 0x2013: '-', 0x2014: '-',
	0x2015: '-', 0x2212: '-', 0x2039: '<', 0x203A: '>', 0x2024: '.', 0x2044: '/',
}

var ligatures = map[rune]string{
	0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "st", 0xFB06: "st",
	0x0132: "ij", 0x0133: "ij", 0x0152: "oe", 0x0153: "oe",
}

// foldRune maps one non-ASCII rune: to an ASCII rune (or a rune plus the
// rest of an expansion in exp), to itself, or drop.
func foldRune(r rune, st *Stats) (out rune, exp string, drop bool) {
	switch {
	case r >= 0xC0 && r <= 0xFF:
		if e := latin1[r-0xC0]; e != "" {
			return rune(e[0]), e[1:], false
		}
		return r, "", false
	case r >= 0x100 && r <= 0x17F:
		if e, ok := ligatures[r]; ok {
			return rune(e[0]), e[1:], false
		}
		return rune(latinA[r-0x100]), "", false
	case r >= 0x300 && r <= 0x36F, r >= 0x1AB0 && r <= 0x1AFF, r >= 0x1DC0 && r <= 0x1DFF,
		r >= 0x20D0 && r <= 0x20FF, r >= 0xFE20 && r <= 0xFE2F:
		return 0, "", true // combining diacritics (and Zalgo text)
	case r == 0xAD, r == 0x34F, r == 0x61C, r == 0x115F, r == 0x1160, r == 0x17B4, r == 0x17B5,
		r >= 0x180B && r <= 0x180F, r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x206F, r == 0x3164, r >= 0xFE00 && r <= 0xFE0F, r == 0xFEFF,
		r == 0xFFA0, r >= 0x1BCA0 && r <= 0x1BCA3, r >= 0xE0100 && r <= 0xE01EF:
		return 0, "", true
	case r >= 0xE0000 && r <= 0xE007F:
		// Tag characters: a flag emoji ends its tag sequence with U+E007F
		// after lower-case letters and digits; other uses smuggle text.
		if r >= 0xE0020 && r <= 0xE007E {
			if c := byte(r - 0xE0000); !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				st.Tags++
			}
			if len(st.Hidden) < maxHidden {
				st.Hidden = append(st.Hidden, byte(r-0xE0000))
			}
		}
		return 0, "", true
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0, "", false
	case r == 0x3000:
		return ' ', "", false
	case r >= 0x1D400 && r <= 0x1D6A3:
		i := (r - 0x1D400) % 52
		if i >= 26 {
			i -= 26
		}
		return 'a' + i, "", false
	case r == 0x1D6A4:
		return 'i', "", false
	case r == 0x1D6A5:
		return 'j', "", false
	case r >= 0x1D7CE && r <= 0x1D7FF:
		return '0' + (r-0x1D7CE)%10, "", false
	case r >= 0x24B6 && r <= 0x24CF:
		return 'a' + r - 0x24B6, "", false
	case r >= 0x24D0 && r <= 0x24E9:
		return 'a' + r - 0x24D0, "", false
	case r >= 0x249C && r <= 0x24B5:
		return 'a' + r - 0x249C, "", false
	case r >= 0x2460 && r <= 0x2468:
		return '1' + r - 0x2460, "", false
	case r == 0x24EA || r == 0x2070 || r == 0x2080:
		return '0', "", false
	case r == 0xB9:
		return '1', "", false
	case r == 0xB2 || r == 0xB3:
		return '2' + r - 0xB2, "", false
	case r >= 0x2074 && r <= 0x2079:
		return '4' + r - 0x2074, "", false
	case r >= 0x2081 && r <= 0x2089:
		return '1' + r - 0x2081, "", false
	case r >= 0x1F130 && r <= 0x1F149:
		return 'a' + r - 0x1F130, "", false
	case r >= 0x1F150 && r <= 0x1F169:
		return 'a' + r - 0x1F150, "", false
	case r >= 0x1F170 && r <= 0x1F189:
		return 'a' + r - 0x1F170, "", false
	case r >= 0x1F1E6 && r <= 0x1F1FF:
		return 'a' + r - 0x1F1E6, "", false
	case r >= 0xFB00 && r <= 0xFB06:
		e := ligatures[r]
		return rune(e[0]), e[1:], false
	}
	if r < 0x2200 || r == 0xA730 || r == 0xA731 {
		if b, ok := smallCaps[r]; ok {
			return rune(b), "", false
		}
	}
	return r, "", false
}
