package detector

import (
	"unicode/utf8"
	"unsafe"
)

// Embedded payloads: runs of base64 or hex (packed or as spaced pairs),
// binary (8-bit groups of 0 and 1) and Morse code, and percent-encoded
// text, are decoded and scanned like the message itself. ROT13 and the
// other Caesar shifts are found by the shifted twins of a few anchor
// words (cCaesar, rot13Anchors) and decoded by Scan.

// Payload encodings, reported in Result.Encoded.
const (
	EncBase64 = 1 << iota
	EncHex
	EncURL
	EncTags
	EncBinary
	EncMorse
	EncCaesar
	EncSpaced
	EncROT13 // the Caesar shift of 13 (its own reason code)
)

const (
	minBase64Run = 16 // 12 decoded bytes: "ignore all p"
	minHexRun    = 16
	// Spaced encodings: at least this many decoded bytes (binary groups,
	// hex pairs) or Morse codes.
	minBinBytes  = 4
	minHexPairs  = 6
	minMorseCode = 5
	// Letters spaced out ("i g n o r e   a l l"): at least this many
	// single letters in a run.
	minSpacedLetters = 6
	maxPayloads      = 8
	maxDecoded       = 16 << 10
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
	// spaced: some probe is a digit, a dot or a dash after one or after
	// a separator, or a separator before one, where a spaced encoding
	// (binary groups, hex pairs, Morse) may be; they are looked for after
	// this loop, in a pass of their own. Inside Wasm another loop over
	// the probes, or a call in this one, costs every text (+2-4 us a 2 KB
	// call); this is a few loads a probe and no branch. Prose seldom has
	// one (a period follows a letter, a letter follows a space).
	// (Its neighbours are read unchecked: p-1 >= 0 and next < len(s); a
	// bounds check is a branch and a call, which inside Wasm makes the
	// loop keep its values in memory.)
	spaced := uint8(0)
	sp := unsafe.Pointer(unsafe.StringData(s))
	for p := minRun - 1; p < len(s); p += minRun {
		k := spacedKind[s[p]]
		prev := *(*byte)(unsafe.Add(sp, p-1))
		next := *(*byte)(unsafe.Add(sp, p+int(b2u(p+1 < len(s)))))
		spaced |= k&spacedPrev[prev] | (k&1)*0xFF&spacedKind[next]
		next2 := *(*byte)(unsafe.Add(sp, p+2*int(b2u(p+2 < len(s)))))
		prev2 := *(*byte)(unsafe.Add(sp, p-2))
		next3 := *(*byte)(unsafe.Add(sp, p+3*int(b2u(p+3 < len(s)))))
		// Inside the word break " / " of Morse code: on the slash, a code
		// two bytes away; on the space before it, three bytes ahead
		// (FuzzPayloads found texts whose every probe fell there).
		spaced |= slashKind[s[p]]&(spacedKind[prev2]|spacedKind[next2]) | (k&1)*slashKind[next]&spacedKind[next3]
		// Letters spaced out: the eight bytes from p-3 hold a space (or a
		// '.', a '-') every other byte and nothing else of it ("x a b c
		// y", "n.o.r.e."): prose has "a" and "I" alone, not three in a
		// row. One load and a few operations on it, no table. Bit 8 of
		// spaced.
		x := load64(unsafe.Add(sp, min(p-3, len(s)-8)))
		spaced |= alternates(x)
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
	if spaced&6 != 0 {
		if p := nextSpaced(s, minRun-1); p >= 0 {
			dst, ps = findSpacedRuns(s, p, dst, ps)
		}
	}
	if spaced&8 != 0 && len(ps) < maxPayloads && len(dst) < maxDecoded {
		dst, ps = despace(s, dst, ps)
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

// spacedKind marks the bytes a probe tries the spaced encodings at:
// separators (1), digits (2), Morse symbols (4).
var spacedKind = func() (k [256]uint8) {
	k[' '], k['/'], k['|'] = 1, 1, 1
	for c := '0'; c <= '9'; c++ {
		k[c] = 2
	}
	k['.'], k['-'] = 4, 4
	return k
}()

// alternates returns 8 when the eight bytes of x (little-endian) hold a
// separator (a space, a '.' or a '-') every other byte, starting at the
// first or the second, and none at the others; else 0. Without a branch:
// the separators' bytes are marked by their high bit, and a pattern's
// marks XOR to zero only when they are all there and no other is. (One
// test for the three separators together: a test for each cost the
// guard's benign 2 KB call ~20% inside Wasm; mixed separators, " U.K., ",
// only cost the pass that then finds no run.)
func alternates(x uint64) uint8 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	y, d, m := x^lo*' ', x^lo*'.', x^lo*'-'
	z := ((y-lo)&^y | (d-lo)&^d | (m-lo)&^m) & hi
	e, o := z^0x0080008000800080, z^0x8000800080008000
	// v == 0 exactly when (v|-v)>>63 == 0.
	return uint8(((e|-e)>>63&((o|-o)>>63))^1) << 3
}

// letterSep is 1 for an ASCII letter and 4 for a separator that spaces
// letters out (a space, '.', '-', '_', '*', '/', '|'), else 0, for
// despace and spacedRun. (The probe, alternates, knows only ' ', '.' and
// '-': a run spaced by the others is written as words only when another
// run set the probe off.)
var letterSep = func() (k [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		k[c], k[c-'a'+'A'] = 1, 1
	}
	for _, c := range " .-_*/|" {
		k[c] = 4
	}
	return k
}()

// despace appends to dst a copy of s in which every run of at least
// minSpacedLetters single letters spaced out by one separator ("i g n o r
// e", "I.g.n.o.r.e", "i-g-n-o-r-e") is written as a word, and a wider
// gap inside such a run (two spaces or more, or " / ") as one space: "i g
// n o r e   a l l" -> "ignore all". The copy is a payload when some run
// was found; it is scanned like the message, so that the words around a
// spaced-out one count too.
func despace(s string, dst []byte, ps []payload) ([]byte, []payload) {
	start, found, done := len(dst), false, 0 // s[:done] is in dst
	for i := 0; i+1 < len(s) && len(dst)-start < maxDecoded; i++ {
		// A run starts at a letter after no letter, before a separator.
		if letterSep[s[i]] != 1 || letterSep[s[i+1]] != 4 || i > 0 && letterSep[s[i-1]] == 1 {
			continue
		}
		j, n, sep := spacedRun(s, i)
		if n < minSpacedLetters {
			continue
		}
		found = true
		dst = append(dst, s[done:i]...)
		for k := i; k < j; {
			if letterSep[s[k]] == 1 {
				dst = append(dst, s[k])
				k++
				continue
			}
			g := k
			for g < j && letterSep[s[g]] == 4 {
				g++
			}
			// One separator between letters; more, or another one (a
			// space in "I.g.n.o.r.e a.l.l", " / "), is a word break.
			if g-k > 1 || s[k] != sep {
				dst = append(dst, ' ')
			}
			k = g
		}
		done, i = j, j-1
	}
	if !found {
		return dst[:start], ps
	}
	// The rest of s, as much as maxDecoded leaves room for (none when the
	// last run went past it).
	rest := s[done:]
	rest = rest[:min(len(rest), max(0, maxDecoded-(len(dst)-start)))]
	dst = append(dst, rest...)
	return dst, append(ps, payload{EncSpaced, start, len(dst)})
}

// spacedRun returns the end of the run of single letters spaced out that
// starts at s[i], how many letters it holds and its separator. s[i] is a
// letter after no letter and before a separator (despace has checked).
// Letters are separated by one separator byte; a wider gap of separators
// (a word break) continues the run when a single letter and a separator
// follow it.
func spacedRun(s string, i int) (end, n int, sep byte) {
	sep = s[i+1]
	end, n = i+1, 1
	for k := i + 1; k < len(s); {
		g := k
		for g < len(s) && g-k < 4 && letterSep[s[g]] == 4 {
			g++
		}
		// After the gap (the run's separator, or a word break: a wider
		// gap, or a space between letters spaced by another separator),
		// a letter that stands alone: one more.
		if g == k || g-k == 1 && s[k] != sep && s[k] != ' ' || g >= len(s) || letterSep[s[g]] != 1 || g+1 < len(s) && letterSep[s[g+1]] == 1 {
			break
		}
		n++
		end = g + 1
		k = g + 1
	}
	return end, n, sep
}

// slashKind is 0xFF for '/', else 0.
var slashKind = func() (k [256]uint8) {
	k['/'] = 0xFF
	return k
}()

// spacedPrev is 0xFF for the bytes that may come before a digit, a dot or
// a dash of a spaced encoding (those and the separators), else 0.
var spacedPrev = func() (k [256]uint8) {
	for c := range k {
		if spacedKind[c] != 0 {
			k[c] = 0xFF
		}
	}
	return k
}()

// nextSpaced returns the first probe from p (p, p+16, ...) where a
// spaced encoding may be: on a digit, a dot or a dash, on a separator
// right before one, or inside the word break " / " of Morse code (on the
// slash, a code two bytes away; on the space before it, three bytes
// ahead: FuzzPayloads found texts whose every probe fell there); -1 if
// none. Prose pays a table lookup a probe, two on a space.
func nextSpaced(s string, p int) int {
	for ; p < len(s); p += 16 {
		k := spacedKind[s[p]]
		if k == 1 && p+1 < len(s) {
			switch {
			case s[p] == '/' && p >= 2 && p+2 < len(s): // " / ": the codes around
				k = spacedKind[s[p-2]] | spacedKind[s[p+2]]
			case s[p+1] == '/' && p+3 < len(s): // the space before " / "
				k = spacedKind[s[p+3]]
			default:
				k = spacedKind[s[p+1]]
			}
		}
		if k >= 2 {
			return p
		}
	}
	return -1
}

// findSpacedRuns appends the spaced encodings of s from its candidate
// probe p on (nextSpaced) to dst and ps.
func findSpacedRuns(s string, p int, dst []byte, ps []payload) ([]byte, []payload) {
	for p >= 0 {
		var end int
		dst, ps, end, _ = findSpaced(s, p, dst, ps)
		for p < end {
			p += 16 // the next probe after what was examined
		}
		p = nextSpaced(s, p)
	}
	return dst, ps
}

// findSpaced tries the spaced encodings around the probe p of s: binary
// groups ("01101000 01101001"), hex pairs ("68 69") and Morse code
// (".... .. / - .... . .-. ."). It appends a decoding that reads as text
// to dst and ps, and returns the end of what it examined (probes before
// it need not try again) and whether it found one.
func findSpaced(s string, p int, dst []byte, ps []payload) ([]byte, []payload, int, bool) {
	if len(ps) >= maxPayloads || len(dst) >= maxDecoded {
		return dst, ps, len(s), false
	}
	q := p
	for k := 0; k < 3 && q < len(s) && spacedKind[s[q]] == 1; k++ {
		q++ // a separator: the code after it
	}
	if q >= len(s) {
		return dst, ps, q, false
	}
	start := len(dst)
	var enc, i, j int
	switch c := s[q]; {
	case c == '.' || c == '-':
		i, j = spanOf(s, q, isMorseByte)
		if j-i < 2*minMorseCode-1 {
			return dst, ps, j, false
		}
		enc, dst = EncMorse, appendMorse(dst, s[i:j])
	case c == '0' || c == '1':
		i, j = spanOf(s, q, isBitByte)
		if j-i >= 8*minBinBytes {
			enc, dst = EncBinary, appendBits(dst, s[i:j])
			if len(dst)-start >= minBinBytes {
				break
			}
			dst = dst[:start]
		}
		fallthrough
	case '2' <= c && c <= '9':
		i, j = spanOf(s, q, isHexOrSpace)
		if j-i < 3*minHexPairs-1 {
			return dst, ps, j, false
		}
		enc, dst = EncHex, appendHexPairs(dst, s[i:j])
		if len(dst)-start < minHexPairs {
			dst = dst[:start]
		}
	default:
		return dst, ps, q + 1, false
	}
	if len(dst) > start && readsAsText(dst[start:]) {
		return dst, append(ps, payload{enc, start, len(dst)}), j, true
	}
	return dst[:start], ps, j, false
}

// spanOf returns the run of bytes of s around q (which is one) that in
// accepts, without separators at its ends.
func spanOf(s string, q int, in func(byte) bool) (int, int) {
	i, j := q, q
	for i > 0 && in(s[i-1]) {
		i--
	}
	for j < len(s) && in(s[j]) {
		j++
	}
	for i < j && spacedKind[s[i]] == 1 {
		i++
	}
	for j > i && spacedKind[s[j-1]] == 1 {
		j--
	}
	return i, j
}

func isBitByte(c byte) bool    { return c == '0' || c == '1' || c == ' ' }
func isHexOrSpace(c byte) bool { return c == ' ' || b64Kind[c]&2 != 0 }
func isMorseByte(c byte) bool  { return c == '.' || c == '-' || spacedKind[c] == 1 }

// nextToken returns the token of run at i (bytes up to a separator) and
// the index after the separators that follow it, and how many of them
// there were.
func nextToken(run string, i int) (tok string, next, seps int) {
	j := i
	for j < len(run) && spacedKind[run[j]] != 1 {
		j++
	}
	tok, next = run[i:j], j
	for next < len(run) && spacedKind[run[next]] == 1 {
		next++
	}
	return tok, next, next - j
}

// appendBits appends the bytes of run's groups of 0 and 1 (eight bits,
// or a multiple of eight written without spaces; or all of seven bits,
// ASCII): the longest stretch of such groups from the first, restarting
// after a group of another width while fewer than minBinBytes were
// decoded.
func appendBits(dst []byte, run string) []byte {
	start, width := len(dst), 0
	for i := 0; i < len(run) && len(dst) < maxDecoded; {
		tok, next, _ := nextToken(run, i)
		i = next
		w := 8
		if len(tok) == 7 {
			w = 7
		}
		if len(tok)%w != 0 || width != 0 && w != width {
			if len(dst)-start >= minBinBytes {
				break
			}
			dst, width = dst[:start], 0
			continue
		}
		width = w
		for k := 0; k+w <= len(tok); k += w {
			var b byte
			for _, c := range []byte(tok[k : k+w]) {
				b = b<<1 | c&1
			}
			dst = append(dst, b)
		}
	}
	return dst
}

// appendHexPairs appends the bytes of run's two-digit hex groups: the
// longest stretch from the first, restarting after another group while
// fewer than minHexPairs were decoded.
func appendHexPairs(dst []byte, run string) []byte {
	start := len(dst)
	for i := 0; i < len(run) && len(dst) < maxDecoded; {
		tok, next, _ := nextToken(run, i)
		i = next
		if len(tok) != 2 {
			if len(dst)-start >= minHexPairs {
				break
			}
			dst = dst[:start]
			continue
		}
		dst = append(dst, byte(unhex(tok[0])<<4|unhex(tok[1])))
	}
	return dst
}

// appendMorse appends the text of run's Morse codes, lower case: codes
// separated by a space, words by '/', '|' or more than one space. It
// appends nothing unless run has both dots and dashes, at least
// minMorseCode codes, two of them of more than one symbol, and every
// code is one (an ellipsis, a rule of dashes, dashes and dots between
// words are not Morse).
func appendMorse(dst []byte, run string) []byte {
	start, dots, dashes, n, long := len(dst), false, false, 0, 0
	for i := 0; i < len(run) && len(dst) < maxDecoded; {
		tok, next, seps := nextToken(run, i)
		wordBreak := seps > 1
		for k := i + len(tok); k < next; k++ {
			wordBreak = wordBreak || run[k] != ' '
		}
		i = next
		if tok == "" {
			continue
		}
		if len(tok) > 7 {
			return dst[:start]
		}
		v := 1
		for _, c := range []byte(tok) {
			v = v<<1 | int(c&1) // '.' is 0x2e, '-' 0x2d
			dots, dashes = dots || c == '.', dashes || c == '-'
		}
		if morse[v] == 0 {
			return dst[:start]
		}
		dst = append(dst, morse[v])
		n++
		long += int(b2u(len(tok) > 1))
		if wordBreak && i < len(run) {
			dst = append(dst, ' ')
		}
	}
	if !dots || !dashes || n < minMorseCode || long < 2 {
		return dst[:start]
	}
	return dst
}

// morse maps a Morse code, as the number 1 followed by its symbols as
// bits (dash 1, dot 0), to its character.
var morse = func() (t [256]byte) {
	for _, code := range []string{
		"a.-", "b-...", "c-.-.", "d-..", "e.", "f..-.", "g--.", "h....", "i..", "j.---", "k-.-", "l.-..", "m--",
		"n-.", "o---", "p.--.", "q--.-", "r.-.", "s...", "t-", "u..-", "v...-", "w.--", "x-..-", "y-.--", "z--..",
		"0-----", "1.----", "2..---", "3...--", "4....-", "55....", "6-....", "7--...", "8---..", "9----.",
		"..-.-.-", ",--..--", "?..--..", "'.----.", "!-.-.--", "/-..-.", "(-.--.", ")-.--.-", "&.-...",
		":---...", ";-.-.-.", "=-...-", "+.-.-.", "--....-", "_..--.-", "\".-..-.", "$...-..-", "@.--.-.",
	} {
		v := 1
		for _, c := range []byte(code[1:]) {
			v = v<<1 | int(c&1)
		}
		t[v] = code[0]
	}
	return t
}()

// appendCaesar appends text with its ASCII letters shifted by n (0..25)
// places, case kept.
func appendCaesar(dst []byte, text string, n int) []byte {
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case 'a' <= c && c <= 'z':
			c = 'a' + byte((int(c-'a')+n)%26)
		case 'A' <= c && c <= 'Z':
			c = 'A' + byte((int(c-'A')+n)%26)
		}
		dst = append(dst, c)
	}
	return dst
}
