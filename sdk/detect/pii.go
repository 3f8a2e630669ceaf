package detect

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
}

// PII appends to dst the personal data found in text and returns the
// extended slice, in order of Start. It makes one pass over the text per
// detector family: '@' for e-mail and URL credentials, alphanumeric tokens
// (digit groups for cards, phones, SSNs and numeric national identifiers;
// mixed tokens for IBANs, wallets and lettered identifiers), hex/colon
// runs for IP and MAC addresses, and words for dates of birth, person
// names and locations.
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
	s := piiScan{text: text, dst: dst, base: len(dst), min: DefaultPIIMinConfidence}
	if opt != nil {
		if opt.MinConfidence > 0 {
			s.min = opt.MinConfidence
		}
		s.kinds = opt.Kinds
	}
	if s.wantAny(KindEmail, KindURLCredentials) {
		s.scanAt()
	}
	s.scanTokens()
	if s.wantAny(KindIPAddress, KindMACAddress) {
		s.scanNet()
	}
	if s.wantAny(KindDateOfBirth, KindPerson, KindLocation) {
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
	kinds []Kind
}

func (s *piiScan) want(k Kind) bool {
	if len(s.kinds) == 0 {
		return true
	}
	for _, w := range s.kinds {
		if w == k {
			return true
		}
	}
	return false
}

func (s *piiScan) wantAny(ks ...Kind) bool {
	for _, k := range ks {
		if s.want(k) {
			return true
		}
	}
	return false
}

// emit records a finding if its kind is wanted and its confidence (clamped
// to [0, 1]) reaches the threshold. It reports whether it was recorded.
func (s *piiScan) emit(k Kind, rule string, start, end int, conf float64) bool {
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
	s.dst = append(s.dst, Finding{Kind: k, Rule: rule, Start: start, End: end, Confidence: conf})
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

func lessFinding(a, b *Finding) bool {
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	return a.End > b.End
}

func betterFinding(a, b *Finding) bool {
	la, lb := a.End-a.Start, b.End-b.Start
	if la != lb {
		return la > lb
	}
	return a.Confidence > b.Confidence
}

// Character classes (ASCII; bytes >= 0x80 are letters of other scripts).

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// isWordByte reports whether c continues a word for boundary purposes.
func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

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
func isWordLetter(c byte) bool { return isAlpha(c) || c >= 0x80 }

// hasContext reports whether one of words (lower case) occurs as a whole
// word in text[from:to]. The window is clipped to the text; a word cut by
// the window edge is ignored.
func hasContext(text string, from, to int, words wordList) bool {
	if from < 0 {
		from = 0
	}
	if to > len(text) {
		to = len(text)
	}
	i := from
	if i > 0 && isWordLetter(text[i-1]) {
		for i < to && isWordLetter(text[i]) {
			i++
		}
	}
	for i < to {
		if !isWordLetter(text[i]) {
			i++
			continue
		}
		j := i
		for j < len(text) && isWordLetter(text[j]) {
			j++
		}
		if words.maybe(text[i:j]) {
			for _, k := range words.words {
				if equalFoldASCII(text[i:j], k) {
					return true
				}
			}
		}
		i = j
	}
	return false
}

// around reports whether a context word is within the usual window of a
// candidate: 48 bytes before it or 24 after.
func around(text string, start, end int, words wordList) bool {
	return hasContext(text, start-48, start, words) || hasContext(text, end, end+24, words)
}

// Context words that lower confidence for any numeric candidate: the
// number is a reference, a quantity or a version, not a person's data.
var negativeNumberWords = newWordList(
	"order", "invoice", "tracking", "ref", "reference", "version", "ver",
	"build", "release", "isbn", "sku", "serial", "ticket", "item",
	"part", "model", "page", "pages", "total", "amount", "price", "usd",
	"eur", "gbp", "qty", "quantity", "step", "steps",
)

// wordList is a list of lower-case context words with a cheap pre-check:
// the set of their first bytes (folded) and their length range, so most
// words of the text are rejected without comparing.
type wordList struct {
	words      []string
	first      [8]uint32 // bitset over the first byte
	minL, maxL int
}

func newWordList(words ...string) wordList {
	l := wordList{words: words, minL: 1 << 30}
	for _, w := range words {
		c := w[0]
		l.first[c>>5] |= 1 << (c & 31)
		l.minL = min(l.minL, len(w))
		l.maxL = max(l.maxL, len(w))
	}
	return l
}

// maybe reports whether w could be in the list.
func (l *wordList) maybe(w string) bool {
	if len(w) < l.minL || len(w) > l.maxL {
		return false
	}
	c := lowerByte(w[0])
	return l.first[c>>5]&(1<<(c&31)) != 0
}

// has reports whether w is in the list (ASCII case-insensitively).
func (l *wordList) has(w string) bool {
	if !l.maybe(w) {
		return false
	}
	for _, k := range l.words {
		if equalFoldASCII(w, k) {
			return true
		}
	}
	return false
}
