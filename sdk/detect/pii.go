package detect

import "math/bits"

// PII entity kinds reported by PII. The names follow the usual DLP
// vocabulary (and map one to one onto presidio's where one exists).
const (
	KindEmail          Kind = "EMAIL"
	KindPhone          Kind = "PHONE"
	KindCreditCard     Kind = "CREDIT_CARD"
	KindIBAN           Kind = "IBAN"
	KindUSSSN          Kind = "US_SSN"
	KindIPAddress      Kind = "IP_ADDRESS"
	KindMACAddress     Kind = "MAC_ADDRESS"
	KindCrypto         Kind = "CRYPTO"
	KindURLCredentials Kind = "URL_CREDENTIALS"
	KindUKNHS          Kind = "UK_NHS"
	KindESNIF          Kind = "ES_NIF"
	KindESNIE          Kind = "ES_NIE"
	KindITFiscalCode   Kind = "IT_FISCAL_CODE"
	KindINAadhaar      Kind = "IN_AADHAAR"
	KindINPAN          Kind = "IN_PAN"
	KindAUTFN          Kind = "AU_TFN"
	KindAUABN          Kind = "AU_ABN"
	KindAUACN          Kind = "AU_ACN"
	KindAUMedicare     Kind = "AU_MEDICARE"
	KindSGNRIC         Kind = "SG_NRIC"
	KindDateOfBirth    Kind = "DATE_OF_BIRTH"
	KindPerson         Kind = "PERSON"
	KindLocation       Kind = "LOCATION"
)

// DefaultPIIMinConfidence is the confidence a finding needs to be reported
// when PIIOptions.MinConfidence is not set. Candidates that only have a
// shape and a weak checksum (a contiguous 9-digit number that could be an
// SSN, a 10-digit run that passes a mod-10 check) sit below it unless a
// context word ("ssn", "medicare", "phone", ...) raises them.
const DefaultPIIMinConfidence = 0.35

// PIIOptions tunes PII. The zero value (or a nil pointer) reports every
// kind at DefaultPIIMinConfidence. A PIIOptions is read-only during a scan
// and may be shared by goroutines.
type PIIOptions struct {
	// MinConfidence drops findings below it. Zero or negative means
	// DefaultPIIMinConfidence; use a tiny positive value to see every
	// candidate.
	MinConfidence float64
	// Kinds restricts the scan to these kinds; nil or empty means all.
	// Families whose kinds are all excluded are not scanned at all.
	Kinds []Kind

	// Set by Prepare: the set of Kinds, which PII otherwise works out on
	// every call (a string comparison per kind, each a call inside Wasm).
	prepared bool
	kinds    kindSet
}

// Prepare does once what PII would otherwise do on every call with these
// options: it turns Kinds into the set the scan tests. A caller that scans
// many texts with the same options (a guard, with the options of its
// configuration) calls it after filling them in, and again after changing
// Kinds: PII then uses the set Prepare made, not Kinds. It must not be
// called while a scan uses the options.
func (o *PIIOptions) Prepare() {
	o.kinds = allKinds
	if len(o.Kinds) > 0 {
		o.kinds = kindMask(o.Kinds)
	}
	o.prepared = true
}

// PII appends to dst the personal data found in text and returns the
// extended slice, in order of Start (then longest first, then by kind).
// It makes one pass over the text per detector family: alphanumeric
// tokens (digit groups for cards, phones, SSNs and numeric national
// identifiers; mixed tokens for IBANs, wallets and lettered identifiers),
// which also checks the '@' signs for e-mail and URL credentials and,
// unless names or places are wanted, the digit runs for dates of birth;
// hex/colon runs for IP and MAC addresses; and words for person names,
// locations and their dates of birth.
//
// Findings of the same kind never overlap (the longer, then the more
// confident, wins). Findings of different kinds may overlap, because one
// string can honestly be two things (a 10-digit run can be a phone number
// and an AU Medicare number); a caller that rewrites text merges
// overlapping spans. Spans are byte offsets into text and always fall on
// UTF-8 boundaries.
//
// PII neither retains text nor dst; it allocates only when dst has to
// grow, so a caller that reuses dst (dst[:0]) scans without allocating.
// It is safe for concurrent use with distinct dst slices.
func PII(text string, dst []Finding, opt *PIIOptions) []Finding {
	s := piiScan{text: text, dst: dst, base: len(dst), min: DefaultPIIMinConfidence, kinds: allKinds}
	if opt != nil {
		if opt.MinConfidence > 0 {
			s.min = opt.MinConfidence
		}
		if opt.prepared {
			s.kinds = opt.kinds
		} else if len(opt.Kinds) > 0 {
			s.kinds = kindMask(opt.Kinds)
		}
	}
	// '@' signs (scanAt) and, when names and places are not wanted,
	// dates of birth (scanDOB) are looked for in scanTokens' walk when it
	// runs: one pass over the text instead of three.
	at := s.want(bitEmail | bitURLCredentials)
	s.at = at && s.want(numberKinds|mixedKinds)
	if at && !s.at {
		s.scanAt()
	}
	s.dob = s.want(bitDateOfBirth) && !s.want(bitPerson|bitLocation)
	s.scanTokens()
	if s.want(bitIPAddress | bitMACAddress) {
		s.scanNet()
	}
	if s.want(bitPerson | bitLocation) {
		s.scanWords()
	}
	s.finish()
	return s.dst
}

// piiScan is the state of one PII call. It lives on the caller's stack.
type piiScan struct {
	text  string
	dst   []Finding
	base  int
	min   float64
	kinds kindSet // the kinds wanted

	dob     bool // scanTokens looks for dates of birth (dobAt) as well
	dobSkip int  // the end of the last date of birth found by dobAt
	at      bool // scanTokens checks '@' signs (atAt) as well
	atNext  int  // where atAt looks for the next '@'

	ctx     [4]ctxWindow // recent contextLists results
	ctxNext int
	win     window // classifyNumber's window, kept here to save zeroing it per call
}

// kindSet is a set of the kinds PII reports, one bit each (kindBits'
// order): the families test it once per call and emit once per finding,
// where comparing Kind strings against PIIOptions.Kinds would cost a call
// per comparison inside Wasm.
type kindSet uint32

const (
	bitEmail kindSet = 1 << iota
	bitPhone
	bitCreditCard
	bitIBAN
	bitUSSSN
	bitIPAddress
	bitMACAddress
	bitCrypto
	bitURLCredentials
	bitUKNHS
	bitESNIF
	bitESNIE
	bitITFiscalCode
	bitINAadhaar
	bitINPAN
	bitAUTFN
	bitAUABN
	bitAUACN
	bitAUMedicare
	bitSGNRIC
	bitDateOfBirth
	bitPerson
	bitLocation

	allKinds = bitLocation<<1 - 1
)

// The kinds scanTokens' digit groups and mixed tokens report.
const (
	numberKinds = bitCreditCard | bitPhone | bitUSSSN | bitUKNHS | bitINAadhaar |
		bitAUTFN | bitAUABN | bitAUACN | bitAUMedicare | bitESNIF
	mixedKinds = bitIBAN | bitCrypto | bitESNIF | bitESNIE | bitITFiscalCode |
		bitINPAN | bitSGNRIC
)

// kindBits lists the kinds in the order of their bits.
var kindBits = [...]Kind{
	KindEmail, KindPhone, KindCreditCard, KindIBAN, KindUSSSN, KindIPAddress, KindMACAddress,
	KindCrypto, KindURLCredentials, KindUKNHS, KindESNIF, KindESNIE, KindITFiscalCode,
	KindINAadhaar, KindINPAN, KindAUTFN, KindAUABN, KindAUACN, KindAUMedicare, KindSGNRIC,
	KindDateOfBirth, KindPerson, KindLocation,
}

// kindSlots is an open-addressing table (kindSlot's hash, linear
// probing) of the indexes in kindBits plus one (0: empty).
var kindSlots = func() (t [64]uint8) {
	for i, k := range kindBits {
		h := kindSlot(k)
		for t[h] != 0 {
			h = (h + 1) % uint(len(t))
		}
		t[h] = uint8(i + 1)
	}
	return t
}()

func kindSlot(k Kind) uint {
	if len(k) == 0 {
		return 0
	}
	return (uint(len(k))*37 + uint(k[0])*11 + uint(k[len(k)-1])*5 + uint(k[len(k)/2])) % 64
}

// kindBit returns the bit of k, or 0 for a kind PII does not report.
func kindBit(k Kind) kindSet {
	for h := kindSlot(k); kindSlots[h] != 0; h = (h + 1) % uint(len(kindSlots)) {
		if i := kindSlots[h] - 1; kindBits[i] == k {
			return 1 << i
		}
	}
	return 0
}

// kindMask returns the set of kinds.
func kindMask(kinds []Kind) kindSet {
	var m kindSet
	for _, k := range kinds {
		m |= kindBit(k)
	}
	return m
}

// want reports whether any kind of ks is wanted.
func (s *piiScan) want(ks kindSet) bool { return s.kinds&ks != 0 }

// emit records a finding of kind k (one bit) if the kind is wanted and its confidence (clamped
// to [0, 1]) reaches the threshold. It reports whether it was recorded.
func (s *piiScan) emit(k kindSet, rule string, start, end int, conf float64) bool {
	if conf > 1 {
		conf = 1
	}
	if conf < s.min || start >= end || !s.want(k) {
		return false
	}
	// Never cut a multi-byte sequence (the text may not be valid UTF-8:
	// a stray continuation byte next to a candidate must not split it).
	if start > 0 && s.text[start]&0xC0 == 0x80 || end < len(s.text) && s.text[end]&0xC0 == 0x80 {
		return false
	}
	s.dst = append(s.dst, Finding{Kind: kindBits[bits.TrailingZeros32(uint32(k))], Rule: rule, Start: start, End: end, Confidence: conf})
	return true
}

// finish sorts the new findings by start (insertion sort: they arrive
// nearly sorted per family and sort.Slice would allocate) and removes
// same-kind overlaps.
func (s *piiScan) finish() {
	f := s.dst[s.base:]
	for i := 1; i < len(f); i++ {
		for j := i; j > 0 && lessFinding(&f[j], &f[j-1]); j-- {
			f[j], f[j-1] = f[j-1], f[j]
		}
	}
	out := 0
	for i := range f {
		drop := false
		for j := out - 1; j >= 0; j-- {
			p := &f[j]
			if p.End <= f[i].Start {
				// Earlier findings of other kinds may still reach
				// further; keep looking a little way back.
				if f[i].Start-p.Start > 256 {
					break
				}
				continue
			}
			if p.Kind != f[i].Kind {
				continue
			}
			if betterFinding(&f[i], p) {
				// Replace p by f[i] and stop: p's slot keeps the order
				// because f[i].Start >= p.Start.
				*p = f[i]
			}
			drop = true
			break
		}
		if !drop {
			f[out] = f[i]
			out++
		}
	}
	s.dst = s.dst[:s.base+out]
}

// lessFinding orders findings by start, then longest first, then by
// kind: a total order, so the result does not depend on the order in
// which the families found them.
func lessFinding(a, b *Finding) bool {
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	if a.End != b.End {
		return a.End > b.End
	}
	return a.Kind < b.Kind
}

func betterFinding(a, b *Finding) bool {
	la, lb := a.End-a.Start, b.End-b.Start
	if la != lb {
		return la > lb
	}
	return a.Confidence > b.Confidence
}

// Character classes (ASCII; bytes >= 0x80 are letters of other scripts).
// Compound classes are one load from charClass: inside Wasm a chain of
// range comparisons per byte costs several times a table lookup.

const (
	cDigit  = 1 << iota // 0-9
	cUpper              // A-Z
	cLower              // a-z
	cHexLet             // a-f, A-F
	cHigh               // >= 0x80: part of a multi-byte UTF-8 sequence
	cUnder              // '_'
	cLocal              // may appear in the local part of an e-mail address

	cAlpha = cUpper | cLower
	cAlnum = cDigit | cAlpha
)

var charClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= '0' && c <= '9':
			t[c] = cDigit | cLocal
		case c >= 'A' && c <= 'Z':
			t[c] = cUpper | cLocal
		case c >= 'a' && c <= 'z':
			t[c] = cLower | cLocal
		case c >= 0x80:
			t[c] = cHigh
		}
		if c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' {
			t[c] |= cHexLet
		}
	}
	t['_'] |= cUnder
	for _, c := range []byte(".%+-'!#$&*/=?^`{|}~_") {
		t[c] |= cLocal
	}
	return t
}()

func isDigit(c byte) bool { return c-'0' < 10 }
func isUpper(c byte) bool { return c-'A' < 26 }
func isLower(c byte) bool { return c-'a' < 26 }
func isAlpha(c byte) bool { return charClass[c]&cAlpha != 0 }
func isAlnum(c byte) bool { return charClass[c]&cAlnum != 0 }
func isHex(c byte) bool   { return charClass[c]&(cDigit|cHexLet) != 0 }

// isWordByte reports whether c continues a word for boundary purposes.
func isWordByte(c byte) bool { return charClass[c]&(cAlnum|cUnder) != 0 }

func lowerByte(c byte) byte {
	if isUpper(c) {
		return c + 'a' - 'A'
	}
	return c
}

func upperByte(c byte) byte {
	if isLower(c) {
		return c - ('a' - 'A')
	}
	return c
}

func hexVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// equalFoldASCII compares a with the lower-case word w, folding ASCII case.
func equalFoldASCII(a, w string) bool {
	if len(a) != len(w) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerByte(a[i]) != w[i] {
			return false
		}
	}
	return true
}

// isWordLetter is a letter for context words: ASCII letters and any byte of
// a multi-byte UTF-8 sequence (so "né" and "geboren" are single words).
func isWordLetter(c byte) bool { return charClass[c]&(cAlpha|cHigh) != 0 }

// hasContext reports whether a word of words occurs as a whole word in
// text[from:to]: a word (a maximal run of word letters) counts when it
// starts inside the window, even if it runs past to; a word cut by the
// window's left edge does not count. The window is clipped to the text.
func (s *piiScan) hasContext(from, to int, words ctxList) bool {
	return s.contextLists(from, to)&words.bit != 0
}

// around reports whether a context word is within the usual window of a
// candidate: 48 bytes before it or 24 after.
func (s *piiScan) around(start, end int, words ctxList) bool {
	return (s.contextLists(start-48, start)|s.contextLists(end, end+24))&words.bit != 0
}

// contextLists returns the union of the context lists (ctxList.bit) of
// the words in the window text[from:to] (see hasContext); bits of other
// lists may be set or not. One candidate asks for
// several lists over the same windows (a card: card words, then negative
// words; a number tried as card, SSN, identifier and phone), so the last
// windows are remembered: the text is tokenised once per window, not once
// per list.
func (s *piiScan) contextLists(from, to int) uint64 {
	for k := range s.ctx {
		if c := &s.ctx[k]; c.ok && c.from == from && c.to == to {
			return c.lists
		}
	}
	lists, _ := s.scanContext(from, to, to)
	s.remember(from, to, lists)
	return lists
}

// contextSplit remembers the lists of the windows text[from:to] and
// text[mid:to] (from <= mid <= to), tokenising the text once, for a
// candidate that asks for both.
func (s *piiScan) contextSplit(from, mid, to int) {
	all, tail := s.scanContext(from, mid, to)
	s.remember(from, to, all)
	s.remember(mid, to, tail)
}

func (s *piiScan) remember(from, to int, lists uint64) {
	s.ctx[s.ctxNext] = ctxWindow{from: from, to: to, lists: lists, ok: true}
	s.ctxNext = (s.ctxNext + 1) % len(s.ctx)
}

// scanContext returns the lists of the words in the window text[from:to]
// (all) and of those among them that start at mid or later (tail: the
// words of the window text[mid:to]).
//
// A window of up to ctxMaskWindow bytes is read as a bit mask of its word
// letters, built eight bytes at a time, and its words are taken from the
// mask (trailing-zero counts) without a branch per byte; a word is looked
// up only when its sketch (ctxSketch) is one of a context list's word. In
// prose most words are in no list, and inside Wasm every branch of a Go
// loop is a jump through the function's dispatch loop: a byte loop and a
// hash per word cost several times more. Longer windows take the byte
// loop (scanContextBytes).
func (s *piiScan) scanContext(from, mid, to int) (all, tail uint64) {
	text := s.text
	i0, end := max(from, 0), min(to, len(text))
	if end <= i0 {
		return 0, 0
	}
	if end-i0 > ctxMaskWindow {
		return s.scanContextBytes(i0, mid, end)
	}
	m := letterMask(text, i0)
	starts := m &^ (m << 1)
	if i0 > 0 && isWordLetter(text[i0-1]) {
		starts &^= 1 // the window cuts a word: it does not count
	}
	starts &= 1<<(end-i0) - 1 // words starting in the window
	for starts != 0 {
		k := bits.TrailingZeros64(starts)
		starts &= starts - 1
		l := bits.TrailingZeros64(^m >> k) // 64 - k > ctxMaxLen when the word runs past the mask
		if l > ctxMaxLen {
			continue
		}
		w := text[i0+k : i0+k+l]
		if !ctxDict.sketchHas(w) {
			continue
		}
		if lists := contextWordLists(w); lists != 0 {
			all |= lists
			if i0+k >= mid {
				tail |= lists
			}
		}
	}
	return all, tail
}

// ctxMaskWindow is the longest window scanContext reads as a bit mask: a
// word starting in it and shorter than ctxMaxLen+1 ends within the mask's
// 64 bytes.
const ctxMaskWindow = 64 - ctxMaxLen - 1

// letterMask returns the word letters (isWordLetter) of text[i:i+64] as
// bits (bit k for text[i+k]); bytes past the text are not letters.
func letterMask(text string, i int) uint64 {
	if i+64 > len(text) {
		return letterMaskEnd(text, i)
	}
	// Straight-line code: a loop costs a branch per block inside Wasm.
	return gather8(load8(text, i)) | gather8(load8(text, i+8))<<8 |
		gather8(load8(text, i+16))<<16 | gather8(load8(text, i+24))<<24 |
		gather8(load8(text, i+32))<<32 | gather8(load8(text, i+40))<<40 |
		gather8(load8(text, i+48))<<48 | gather8(load8(text, i+56))<<56
}

// letterMaskEnd is letterMask near the end of the text.
func letterMaskEnd(text string, i int) uint64 {
	var m uint64
	for k := 0; k < 64; k += 8 {
		var x uint64
		if j := i + k; j+8 <= len(text) {
			x = load8(text, j)
		} else {
			for b := 7; b >= 0; b-- {
				x <<= 8
				if j+b < len(text) {
					x |= uint64(text[j+b])
				}
			}
		}
		m |= gather8(x) << k
	}
	return m
}

// gather8 returns the word letters of the eight bytes x as the low eight
// bits: the high bit of each letter byte, gathered by a multiply.
func gather8(x uint64) uint64 {
	return (swarWordLetters(x) >> 7) * 0x0102040810204080 >> 56
}

// scanContextBytes is scanContext for windows longer than the mask,
// byte by byte. i and end are within the text.
func (s *piiScan) scanContextBytes(i, mid, end int) (all, tail uint64) {
	text := s.text
	if i > 0 && isWordLetter(text[i-1]) {
		for i < end && isWordLetter(text[i]) {
			i++
		}
	}
	for i < end {
		if !isWordLetter(text[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(text) && isWordLetter(text[j]) {
			j++
		}
		if w := text[i:j]; len(w) <= ctxMaxLen && ctxDict.sketchHas(w) {
			if l := contextWordLists(w); l != 0 {
				all |= l
				if i >= mid {
					tail |= l
				}
			}
		}
		i = j
	}
	return all, tail
}

// ctxWindow is a remembered result of contextLists.
type ctxWindow struct {
	from, to int
	lists    uint64
	ok       bool
}

// Context words that lower confidence for any numeric candidate: the
// number is a reference, a quantity or a version, not a person's data.
var negativeNumberWords = newContextList(
	"order", "invoice", "tracking", "ref", "reference", "version", "ver",
	"build", "release", "isbn", "sku", "serial", "ticket", "item",
	"part", "model", "page", "pages", "total", "amount", "price", "usd",
	"eur", "gbp", "qty", "quantity", "step", "steps",
)

// wordList is a set of lower-case words (context words, triggers, stop
// words). Every list made by newWordList gets one bit, and all their words
// go into one hash table (ctxDict) that maps a word to the bits of the
// lists holding it: looking a word up costs one hash and usually one
// comparison, whatever the number and length of the lists, and the words
// of a context window are looked up once for all lists (contextLists).
// Lists are made only while the package initialises; afterwards they and
// the table are read-only, so safe for concurrent use.
type wordList struct {
	bit        uint64
	first      [8]uint32 // bitset over the first byte (folded): a pre-check
	minL, maxL int
}

// ctxDict is the table behind every wordList: open addressing with linear
// probing over indexes into its entries (0 = empty slot).
var ctxDict ctxDictTable

type ctxDictTable struct {
	slots      [1024]uint16
	entries    []ctxEntry
	lists      int // lists made so far
	minL, maxL int // word lengths over all lists
	// lenFirst[len(w)] is the set of first bytes (folded) of the words
	// of that length: most words of a text fail this test and are never
	// hashed.
	lenFirst [ctxMaxLen + 1][8]uint32
	// sketches is the set of the sketches (ctxSketch) of the context
	// lists' words, a finer pre-check than lenFirst for the context
	// windows' scan.
	sketches [ctxSketchBits / 64]uint64
	ctxLists uint64 // the bits of the context lists (ctxList)
}

// ctxSketchBits is the size of ctxDictTable.sketches: with a few hundred
// words in the lists, about one word in twenty that is in no list passes.
const ctxSketchBits = 1 << 12

// ctxSketch hashes a word's length and its first, middle and last bytes
// (ASCII letters folded) into [0, ctxSketchBits): four loads and a
// multiply, whatever the word's length. w is not empty.
func ctxSketch(w string) uint32 {
	n := len(w)
	k := uint32(n) | uint32(foldTable[w[0]])<<4 | uint32(foldTable[w[n>>1]])<<12 | uint32(foldTable[w[n-1]])<<20
	return k * 0x9E3779B1 >> (32 - 12)
}

// foldTable is lowerByte as a table, for code that must stay small
// enough to be inlined.
var foldTable = func() (t [256]byte) {
	for c := range t {
		t[c] = lowerByte(byte(c))
	}
	return t
}()

// sketchHas reports whether some context list might hold w (not empty).
func (d *ctxDictTable) sketchHas(w string) bool {
	h := ctxSketch(w)
	return d.sketches[h>>6]&(1<<(h&63)) != 0
}

// ctxMaxLen is the longest word a wordList may hold.
const ctxMaxLen = 15

// mayHold reports whether some list might hold w: a cheap pre-check on
// its length and first byte.
func (d *ctxDictTable) mayHold(w string) bool {
	if len(w) > ctxMaxLen {
		return false
	}
	c := lowerByte(w[0])
	return d.lenFirst[len(w)][c>>5]&(1<<(c&31)) != 0
}

type ctxEntry struct {
	word  string // lower case
	lists uint64
}

func newWordList(words ...string) wordList {
	d := &ctxDict
	if d.lists == 64 {
		panic("detect: more than 64 word lists")
	}
	l := wordList{bit: 1 << d.lists, minL: 1 << 30}
	d.lists++
	if len(d.entries) == 0 {
		d.minL = 1 << 30
	}
	for _, w := range words {
		if len(w) > ctxMaxLen {
			panic("detect: word list entry longer than ctxMaxLen: " + w)
		}
		c := w[0]
		l.first[c>>5] |= 1 << (c & 31)
		d.lenFirst[len(w)][c>>5] |= 1 << (c & 31)
		l.minL = min(l.minL, len(w))
		l.maxL = max(l.maxL, len(w))
		d.minL = min(d.minL, len(w))
		d.maxL = max(d.maxL, len(w))
		h := foldHash(w)
		for {
			slot := &d.slots[h%uint32(len(d.slots))]
			if *slot == 0 {
				if 2*len(d.entries) >= len(d.slots) {
					panic("detect: word table full")
				}
				d.entries = append(d.entries, ctxEntry{word: w, lists: l.bit})
				*slot = uint16(len(d.entries))
				break
			}
			if e := &d.entries[*slot-1]; e.word == w {
				e.lists |= l.bit
				break
			}
			h++
		}
	}
	return l
}

// ctxList is a word list for context windows (around, hasContext): only
// its words are in ctxDict.sketches, so the windows' scan looks up only
// the words that may be in a context list (not stop words and triggers,
// which are frequent in prose and never asked of a window).
type ctxList struct{ wordList }

func newContextList(words ...string) ctxList {
	l := ctxList{newWordList(words...)}
	ctxDict.ctxLists |= l.bit
	for _, w := range words {
		sk := ctxSketch(w)
		ctxDict.sketches[sk>>6] |= 1 << (sk & 63)
	}
	return l
}

// foldHash is FNV-1a over w with ASCII letters folded to lower case.
func foldHash(w string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint32(lowerByte(w[i]))) * 16777619
	}
	return h
}

// contextWordLists returns the bits of the lists that hold w (ASCII
// case-insensitively), or 0.
func contextWordLists(w string) uint64 {
	d := &ctxDict
	if len(w) < d.minL || len(w) > d.maxL {
		return 0
	}
	for h := foldHash(w); ; h++ {
		slot := d.slots[h%uint32(len(d.slots))]
		if slot == 0 {
			return 0
		}
		if e := &d.entries[slot-1]; equalFoldASCII(w, e.word) {
			return e.lists
		}
	}
}

// maybe reports whether w could be in the list: a check on its length and
// first byte that rejects most words without hashing them.
func (l *wordList) maybe(w string) bool {
	if len(w) < l.minL || len(w) > l.maxL {
		return false
	}
	c := lowerByte(w[0])
	return l.first[c>>5]&(1<<(c&31)) != 0
}

// has reports whether w is in the list (ASCII case-insensitively).
func (l *wordList) has(w string) bool {
	return l.maybe(w) && contextWordLists(w)&l.bit != 0
}
