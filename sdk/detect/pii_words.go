package detect

import "math/bits"

// Words: dates of birth after a context word, and the capitalised words
// that words_names.go weighs as person names and locations (from titles,
// announcing phrases, the dictionaries of words_dict.go and the shape of
// the text around them). benchmarks/cmd/eval measures precision and
// recall.

// word is one run of letters (ASCII or UTF-8 multi-byte) in the text.
type word struct{ s, e int }

var dobWords = newWordList("born", "dob", "birth", "birthday", "birthdate", "geboren", "geburtsdatum",
	"né", "née", "nacido", "nacida", "nato", "nata", "naissance", "nascita", "nacimiento")

var personTriggers = newWordList("mr", "mrs", "ms", "miss", "dr", "prof", "sir", "madam", "mx", "herr", "frau", "sr", "sra", "mme", "mlle", "signor", "signora")

var locationTriggers = newWordList("in", "from", "to", "at", "near")

// possessives precede "name is" in "my name is ...".
var possessives = newWordList("my", "his", "her", "their", "whose")

// residenceVerbs precede a location trigger: "lives in", "based at".
var residenceVerbs = newWordList("live", "lives", "living", "lived", "located", "based", "moved", "born", "reside",
	"resides", "grew", "travel", "travelling", "traveling", "wohne", "wohnt", "habite", "vivo", "vive")

var stopCapWords = []string{"the", "a", "an", "i", "my", "your", "our", "this", "that", "these", "and", "or",
	"but", "it", "he", "she", "we", "they", "you", "is", "are", "was", "in", "on", "at", "to", "of",
	"for", "from", "with", "by", "dear", "hi", "hello", "thanks", "please", "monday", "tuesday",
	"wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
	"may", "june", "july", "august", "september", "october", "november", "december", "street", "st",
	"road", "avenue", "company", "inc", "ltd", "llc", "university", "bank", "hospital", "school"}

var stopCaps = newWordList(stopCapWords...)

// stopCapKeys holds the stop caps of at most eight letters, each packed
// into a word (byte k in bits 8k..8k+7), in an open-addressing table
// (0 = empty slot; stopCapHash, linear probing): scanWords
// drops "The", "This", "Please" ... with one multiply and a compare or
// two, before any of the calls a candidate costs (each call is dear
// inside Wasm).
var stopCapKeys = func() (tab [128]uint64) {
	for _, w := range stopCapWords {
		if len(w) > 8 {
			continue
		}
		k := uint64(0)
		for i := len(w) - 1; i >= 0; i-- {
			k = k<<8 | uint64(w[i])
		}
		h := stopCapHash(k)
		for tab[h] != 0 {
			h = (h + 1) % uint64(len(tab))
		}
		tab[h] = k
	}
	return tab
}()

func stopCapHash(k uint64) uint64 { return k * 0x9E3779B97F4A7C15 >> 57 }

// stopCapAt reports whether a plain stop cap starts at q (an ASCII
// capital): a capitalised word, then lower-case ASCII letters only, that
// ends there (no letter and no apostrophe joining a letter follows), one
// letter long ("I", "A") or in stopCaps. Such a word is never a name,
// place or birth word, so scanWords may skip it; e is its end.
func stopCapAt(t string, q int) (e int, ok bool) {
	n := len(t)
	e = q + 1
	k := uint64(t[q]) | 0x20
	for e < n && e-q <= 8 && isLower(t[e]) {
		k |= uint64(t[e]) << (8 * uint(e-q))
		e++
	}
	if e-q > 8 || e < n && (isWordLetter(t[e]) || t[e] == '\'' && e+1 < n && isAlpha(t[e+1])) {
		return e, false
	}
	if e-q == 1 {
		return e, true
	}
	for h := stopCapHash(k); ; h = (h + 1) % uint64(len(stopCapKeys)) {
		switch stopCapKeys[h] {
		case k:
			return e, true
		case 0:
			return e, false
		}
	}
}

// scanWords finds dates of birth, person names and locations. Only two
// kinds of words start a candidate: capitalised words and birth context
// words (dobWords, all of which start with b, d, g or n). The scan jumps
// from one such word to the next eight bytes at a time (nextWordOfInterest)
// and reads the words before a candidate only when it needs them
// (prevWords), so lower-case prose costs little.
func (s *piiScan) scanWords() {
	t := s.text
	n := len(t)
	dob := s.want(bitDateOfBirth)
	names := s.want(bitPerson)
	places := s.want(bitLocation)
	// Words inside a finding, after the word that triggered it, are
	// skipped: neither candidates nor context for later words.
	skipTo := 0
	var skips skipLog
	for i := 0; ; {
		q := nextWordOfInterest(t, i)
		if q >= n {
			break
		}
		if q >= 2 && t[q-1] == '\'' && isWordLetter(t[q-2]) && isAlpha(t[q]) {
			i = q + 1 // inside a word joined over an apostrophe ("O'Neil")
			continue
		}
		if isUpper(t[q]) {
			if e, ok := stopCapAt(t, q); ok {
				i = e
				continue
			}
		} else if t[q] >= 0x80 {
			if upperAt(t, q) == 0 {
				i = q + 1
				continue
			}
		} else if !dobPair(t, q) {
			i = q + 1
			continue
		}
		ws, we := nextWord(t, q)
		w := word{ws, we}
		i = w.e
		if w.s < skipTo || w.s > 0 && isDigit(t[w.s-1]) {
			continue
		}
		text := t[w.s:w.e]
		if dob && dobWords.maybe(text) && dobWords.has(text) {
			if e := s.dateOfBirth(w.e); e > 0 {
				skipTo = e
				skips.add(w.s, skipTo)
			}
		}
		if (names || places) && upperAt(t, w.s) > 0 {
			if e := s.nameOrPlace(w, &skips); e > 0 {
				skipTo = e
				skips.add(w.s, skipTo)
			}
		}
	}
}

// nextWordOfInterest returns the start of the first word at or after i
// (possibly a part of a word after an apostrophe, which the caller
// checks) whose first byte is an ASCII capital, one of b, d, g, n in
// either case, or a byte >= 0x80 (the first of a multi-byte letter,
// which may be a capital: upperAt decides), or len(t).
func nextWordOfInterest(t string, i int) int {
	n := len(t)
	for ; i+8 <= n; i += 8 {
		x := load8(t, i)
		l := swarWordLetters(x)
		before := l << 8 // a word letter precedes the byte
		if i > 0 && isWordLetter(t[i-1]) {
			before |= 0x80
		}
		f := x | 0x2020202020202020
		of := swarRange(x&^swarHi, 'A', 'Z') | swarEq(f, 'b') | swarEq(f, 'd') | swarEq(f, 'g') | swarEq(f, 'n')
		if m := l &^ before & (of&^x | x&swarHi); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < n; i++ {
		c := t[i]
		if (i == 0 || !isWordLetter(t[i-1])) && (isUpper(c) || dobFirst(c) || c >= 0x80) {
			return i
		}
	}
	return n
}

// dobPair reports whether the lower-case word start at q may begin a
// birth context word (dobWords): its first three bytes (folded) are bor,
// bir, dob, geb, nac, nat, nai, nas or "né". Prose has many words starting
// with b, d, g or n ("board", "numbers"), and each costs a word lookup.
func dobPair(t string, q int) bool {
	if q+2 >= len(t) {
		return false
	}
	a, b, c := lowerByte(t[q]), lowerByte(t[q+1]), lowerByte(t[q+2])
	switch a {
	case 'b':
		return (b == 'o' || b == 'i') && c == 'r'
	case 'd':
		return b == 'o' && c == 'b'
	case 'g':
		return b == 'e' && c == 'b'
	case 'n':
		return b == 'a' && (c == 'c' || c == 't' || c == 'i' || c == 's') || b == 0xC3 && c == 0xA9
	}
	return false
}

func dobFirst(c byte) bool {
	switch lowerByte(c) {
	case 'b', 'd', 'g', 'n':
		return true
	}
	return false
}

// skipLog remembers the last times scanWords moved skipTo: a word x was
// skipped when x.s was below the skipTo set by the last trigger before it.
// prevWords looks back over at most three recorded words, and every
// trigger is a recorded word, so the last few entries are enough.
type skipLog struct {
	trig, to [8]int
	n        int
}

func (l *skipLog) add(trig, to int) {
	l.trig[l.n%len(l.trig)], l.to[l.n%len(l.to)] = trig, to
	l.n++
}

// skipped reports whether the word starting at xs was skipped.
func (l *skipLog) skipped(xs int) bool {
	for k := l.n - 1; k >= 0 && k >= l.n-len(l.trig); k-- {
		if l.trig[k%len(l.trig)] < xs {
			return xs < l.to[k%len(l.to)]
		}
	}
	return false
}

// prevWords returns the (at most three) words before the word starting at
// p that the forward scan records, the latest first: every word but the
// skipped ones.
func prevWords(t string, p int, skips *skipLog) (prev [3]word, np int) {
	for np < len(prev) {
		e := p
		for e > 0 && !isWordLetter(t[e-1]) {
			e--
		}
		if e == 0 {
			break
		}
		s := e - 1
		for s > 0 {
			if isWordLetter(t[s-1]) {
				s--
			} else if s >= 2 && t[s-1] == '\'' && isWordLetter(t[s-2]) && isAlpha(t[s]) {
				s -= 2
			} else {
				break
			}
		}
		p = s
		if !skips.skipped(s) {
			prev[np] = word{s, e}
			np++
		}
	}
	return prev, np
}

func onlySpaces(sep string) bool {
	if len(sep) == 0 || len(sep) > 2 {
		return false
	}
	for i := 0; i < len(sep); i++ {
		if sep[i] != ' ' {
			return false
		}
	}
	return true
}

var monthNames = newWordList("january", "february", "march", "april", "may", "june", "july", "august",
	"september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
	"sep", "sept", "oct", "nov", "dec", "januar", "februar", "märz", "mai", "juni", "juli", "oktober",
	"dezember", "janvier", "février", "mars", "avril", "juin", "juillet", "août", "septembre",
	"octobre", "novembre", "décembre", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
	"agosto", "septiembre", "octubre", "noviembre", "diciembre")

// dobFiller are the words allowed between a birth context word and the
// date ("born on the", "date of birth: ...", "geboren am").
var dobFiller = newWordList("on", "in", "the", "was", "is", "am", "le", "el", "il", "date", "of", "da", "de")

// dateOfBirth looks for a date within 24 bytes after a birth context word
// ending at from, records it and returns its end (or 0).
func (s *piiScan) dateOfBirth(from int) int {
	t := s.text
	n := len(t)
	i := from
	// Skip filler: "on", "in", "the", ":", "was", "is".
	for i < n && i-from < 24 {
		c := t[i]
		if isDigit(c) {
			break
		}
		if isWordLetter(c) {
			j := i
			for j < n && isWordLetter(t[j]) {
				j++
			}
			if monthNames.has(t[i:j]) {
				break
			}
			if !dobFiller.has(t[i:j]) {
				return 0
			}
			i = j
			continue
		}
		i++
	}
	if i >= n || i-from >= 24 {
		return 0
	}
	if e := parseDate(t, i); e > 0 {
		if s.emit(bitDateOfBirth, "date-of-birth", i, e, 0.8) {
			return e
		}
	}
	return 0
}

// parseDate parses at i: d/m/y, m/d/y, y-m-d (separators / - .), "12 March
// 1990", "12th of March 1990", "March 12, 1990". It returns the end or 0.
func parseDate(t string, i int) int {
	n := len(t)
	num := func(j, maxLen int) (int, int) {
		v, k := 0, j
		for k < n && isDigit(t[k]) && k-j < maxLen {
			v = v*10 + int(t[k]-'0')
			k++
		}
		if k < n && isDigit(t[k]) {
			return 0, j
		}
		return v, k
	}
	month := func(j int) int {
		k := j
		for k < n && isWordLetter(t[k]) {
			k++
		}
		if k > j && monthNames.has(t[j:k]) {
			if k < n && t[k] == '.' {
				k++
			}
			return k
		}
		return 0
	}
	year := func(j int) int {
		v, k := num(j, 4)
		if k-j == 4 && v >= 1900 && v <= 2100 || k-j == 2 {
			return k
		}
		return 0
	}
	if isDigit(t[i]) {
		a, j := num(i, 4)
		if j == i {
			return 0
		}
		if j < n && (t[j] == '/' || t[j] == '-' || t[j] == '.') {
			sep := t[j]
			b, k := num(j+1, 2)
			if k == j+1 || k >= n || t[k] != sep {
				return 0
			}
			if j-i == 4 { // y-m-d
				c, e := num(k+1, 2)
				if e == k+1 || b < 1 || b > 12 || c < 1 || c > 31 || a < 1900 {
					return 0
				}
				return e
			}
			if a < 1 || a > 31 || b < 1 || b > 31 || (a > 12 && b > 12) {
				return 0
			}
			return year(k + 1)
		}
		if j-i > 2 || a < 1 || a > 31 {
			return 0
		}
		// "12 March 1990", "12th of March, 1990"
		k := j
		if k+2 <= n && (t[k:k+2] == "st" || t[k:k+2] == "nd" || t[k:k+2] == "rd" || t[k:k+2] == "th") {
			k += 2
		}
		for k < n && (t[k] == ' ' || t[k] == '.') {
			k++
		}
		if k+3 <= n && t[k:k+3] == "of " {
			k += 3
		}
		m := month(k)
		if m == 0 {
			return 0
		}
		for m < n && (t[m] == ' ' || t[m] == ',') {
			m++
		}
		return year(m)
	}
	m := month(i)
	if m == 0 {
		return 0
	}
	for m < n && t[m] == ' ' {
		m++
	}
	d, k := num(m, 2)
	if k == m || d < 1 || d > 31 {
		return 0
	}
	if k+2 <= n && (t[k:k+2] == "st" || t[k:k+2] == "nd" || t[k:k+2] == "rd" || t[k:k+2] == "th") {
		k += 2
	}
	for k < n && (t[k] == ' ' || t[k] == ',') {
		k++
	}
	return year(k)
}

// scanDOB finds dates of birth when neither names nor places are wanted
// (plugins/pii's default): scanWords would stop at every capitalised word
// and every word starting with b, d, g or n, while a date of birth always
// holds a digit. So the scan jumps eight bytes at a time to the next run
// of digits and looks back from it for a birth
// context word followed only by filler and month names, then parses
// forward exactly as scanWords does (dateOfBirth). Prose without digits
// costs one pass of word loads.
func (s *piiScan) scanDOB() {
	t := s.text
	n := len(t)
	for i := 0; i < n; {
		for i+8 <= n && swarDigits(load8(t, i)) == 0 {
			i += 8
		}
		for i < n && !isDigit(t[i]) {
			i++
		}
		if i >= n {
			return
		}
		p := i
		for i < n && isDigit(t[i]) {
			i++
		}
		s.dobAt(p)
	}
}

// dobAt looks for a date of birth announced before the digit run at p
// (dobWordBefore) unless p is inside the last one found.
func (s *piiScan) dobAt(p int) {
	if p < s.dobSkip {
		return
	}
	if ws, we, ok := dobWordBefore(s.text, p); ok && ws >= s.dobSkip {
		if e := s.dateOfBirth(we); e > 0 {
			s.dobSkip = e
		}
	}
}

// dobRuns runs dobAt on every digit run starting in t[from:to], for
// scanTokens, which walks the digit runs of the text in order.
func (s *piiScan) dobRuns(from, to int) {
	t := s.text
	for p := from; p < to; p++ {
		if isDigit(t[p]) && (p == 0 || !isDigit(t[p-1])) {
			s.dobAt(p)
		}
	}
}

// dobWordBefore looks back from the digit run at p for a birth context
// word (dobWords, not preceded by a digit) that only filler words
// (dobFiller), month names and punctuation separate from p, as
// dateOfBirth would skip them; it stops at another digit, at any other
// word, and after 48 bytes (dateOfBirth allows 24 bytes of filler, then a
// month name may come before the digits).
func dobWordBefore(t string, p int) (ws, we int, ok bool) {
	j := p
	for words := 0; words < 6 && j > 0 && p-j < 48; words++ {
		for j > 0 && !isWordLetter(t[j-1]) {
			if isDigit(t[j-1]) {
				return 0, 0, false
			}
			j--
		}
		e := j
		for j > 0 && isWordLetter(t[j-1]) {
			j--
		}
		if j == e {
			return 0, 0, false
		}
		w := t[j:e]
		if !dobWords.maybe(w) && !dobFiller.maybe(w) && !monthNames.maybe(w) {
			return 0, 0, false
		}
		lists := contextWordLists(w) // one lookup for the three lists
		if lists&dobWords.bit != 0 {
			// As in scanWords: not after a digit, nor joined to a word
			// over an apostrophe (nextWord's "don't").
			if j > 0 && isDigit(t[j-1]) || j >= 2 && t[j-1] == '\'' && isWordLetter(t[j-2]) ||
				e+1 < len(t) && t[e] == '\'' && isAlpha(t[e+1]) {
				return 0, 0, false
			}
			return j, e, true
		}
		if lists&(dobFiller.bit|monthNames.bit) == 0 {
			return 0, 0, false
		}
	}
	return 0, 0, false
}
