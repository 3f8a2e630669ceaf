package detect

// Digit groups: cards, phone numbers, SSNs and numeric national
// identifiers all come from one tokenisation of the text into runs of
// digits joined by short separators ("+1 (415) 555-0132", "4012 8888 8888
// 1881", "078-05-1123"). A group is then segmented left to right, trying
// the longest window of runs first, so a line listing several numbers
// separated by spaces yields each of them.

const (
	maxRuns   = 16 // runs in a group
	maxGroup  = 96 // digits in a group
	maxDigits = 40 // digits in one candidate
)

// numGroup is a digit group: runs [rs[i], re[i]) of digits.
type numGroup struct {
	n      int
	rs, re [maxRuns]int
	start  int  // start of the group, including a leading '+' or '('
	plus   bool // the group starts with '+'
	extEnd int  // end of an "x1234" extension after the last run, or 0
}

// scanTokens walks the alphanumeric tokens of the text once and hands
// each to the digit-group or the mixed-token detectors. With s.dob it
// also looks for dates of birth at every digit run (what scanDOB does in
// a pass of its own), and with s.at it checks every '@' sign (scanAt), in
// order: the text is walked once for the three.
func (s *piiScan) scanTokens() {
	t := s.text
	n := len(t)
	numbers := s.want(numberKinds)
	mixed := s.want(mixedKinds)
	var atMask uint64 // all ones when the walk checks '@' signs
	if s.at {
		atMask = ^uint64(0)
	}
	if !numbers && !mixed {
		if s.dob {
			s.scanDOB()
		}
		return
	}
	for i := 0; i < n; {
		// Only tokens with a digit, or of exactly 16 characters (an
		// Italian fiscal code may be all letters), can be candidates.
		// Skip blocks of eight bytes without a digit that are not all
		// letters: a token with a digit has one in some block, and a
		// token of 16 or more letters covers a whole block. At a block
		// that may hold a candidate, step back to the start of the token
		// running into it (no further back than i, where the token
		// walk was).
		if i+8 <= n {
			j := i
			for j+8 <= n {
				x := load8(t, j)
				if swarDigits(x)|swarEq(x, '@')&atMask != 0 {
					break
				}
				// Without digits, alphanumeric means an ASCII letter.
				if (^swarWordLetters(x)|x)&swarHi == 0 {
					break
				}
				j += 8
			}
			if j > i {
				for j > i && isAlnum(t[j-1]) {
					j--
				}
				if i = j; i == n {
					break
				}
			}
		}
		if !isAlnum(t[i]) {
			if t[i] == '@' && s.at {
				s.atAt(i)
			}
			i++
			continue
		}
		st := i
		e := i
		nd := 0
		for e < n && isAlnum(t[e]) {
			if isDigit(t[e]) {
				nd++
			}
			e++
		}
		i = e
		if s.dob && nd > 0 {
			if nd < e-st {
				// Of a token's digit runs only the first can follow a
				// birth word: before every other one the letters (the
				// only other bytes of the token) follow a digit, where
				// dobWordBefore's look-back stops without a date ("the
				// run after the word refused by its first word", which
				// dobRuns would ask for at ~0.15 us in Wasm each: the
				// runs of output's canary, "[ward:4k3m9x...]", were
				// a tenth of pii's call in the core pipeline).
				p := st
				for !isDigit(t[p]) {
					p++
				}
				s.dobAt(p)
			} else if st == 0 || !isDigit(t[st-1]) {
				s.dobAt(st) // one run, the token
			}
		}
		if st > 0 && (isWordByte(t[st-1]) || t[st-1] >= 0x80) {
			continue
		}
		var next int
		if nd == e-st && numbers {
			next = s.numberGroup(st, e, mixed)
		} else if nd < e-st && mixed && (nd > 0 || e-st == 16) {
			// Every mixed detector but the fiscal code needs a digit.
			next = s.mixedToken(st, e)
		}
		if next > i {
			if s.dob {
				s.dobRuns(i, next)
			}
			i = next
		}
	}
}

// okSep reports whether sep may join two digit runs of one number.
func okSep(sep string) bool {
	switch sep {
	case " ", "-", ".", "/", ":", ")", "(", ") ", " (", ")-", " - ", ") -":
		return true
	}
	return false
}

// numberGroup builds the digit group starting with the digit token
// [st, e), runs the detectors over it and returns where scanning resumes.
func (s *piiScan) numberGroup(st, e int, mixed bool) int {
	t := s.text
	n := len(t)
	// "55555555-K", "1111111-G": a Spanish NIF written with a dash.
	if d := e - st; d >= 7 && d <= 9 && e+1 < n && t[e] == '-' && isAlpha(t[e+1]) &&
		(e+2 == n || !isWordByte(t[e+2])) {
		if s.nif(st, e, t[e+1], e+2) {
			return e + 2
		}
	}
	var g numGroup
	g.start = st
	if st > 0 && t[st-1] == '+' && (st < 2 || !isWordByte(t[st-2])) {
		g.plus = true
		g.start = st - 1
	} else if st > 0 && t[st-1] == '(' {
		g.start = st - 1
	}
	a := st
	digits := 0
	for {
		b := a
		for b < n && isDigit(t[b]) {
			b++
		}
		if b < n && (isAlpha(t[b]) || t[b] == '_' || t[b] >= 0x80) {
			// "3560x4587": a phone extension after the last run.
			if g.n > 0 && (t[b] == 'x' || t[b] == 'X') {
				x := b + 1
				for x < n && isDigit(t[x]) && x-b <= 6 {
					x++
				}
				if x > b+1 && x-b <= 6 && (x == n || !isWordByte(t[x])) {
					g.rs[g.n], g.re[g.n] = a, b
					g.n++
					g.extEnd = x
				}
			}
			if g.n == 0 {
				// A token such as "12345678Z" or "16Yeky...": mixed.
				if mixed {
					end := a
					for end < n && isAlnum(t[end]) {
						end++
					}
					return s.mixedToken(st, end)
				}
				return e
			}
			break
		}
		digits += b - a
		if digits > maxGroup {
			break
		}
		g.rs[g.n], g.re[g.n] = a, b
		g.n++
		if g.n == maxRuns {
			break
		}
		j := b
		for j < n && j-b < 4 && (t[j] == ' ' || t[j] == '-' || t[j] == '.' || t[j] == '/' ||
			t[j] == ':' || t[j] == '(' || t[j] == ')') {
			j++
		}
		if j >= n || !isDigit(t[j]) || !okSep(t[b:j]) {
			break
		}
		a = j
	}
	if g.n == 0 {
		return e
	}
	// Runs glued to colons belong to IPv6 addresses, times or ratios.
	if last := g.re[g.n-1]; st > 0 && t[st-1] == ':' || last+1 < n && t[last] == ':' && isAlnum(t[last+1]) {
		return last
	}
	for k := 0; k < g.n; {
		found := false
		nd := 0 // digits in runs [k, k+m)
		for r := k; r < g.n; r++ {
			nd += g.re[r] - g.rs[r]
		}
		for m := g.n - k; m >= 1; m-- {
			d := nd
			nd -= g.re[k+m-1] - g.rs[k+m-1]
			if d < minNumberDigits || d > maxNumberDigits {
				continue // no detector takes this many digits
			}
			if s.classifyNumber(&g, k, m) {
				k += m
				found = true
				break
			}
		}
		if !found {
			k++
		}
	}
	end := g.re[g.n-1]
	if g.extEnd > end {
		end = g.extEnd
	}
	return end
}

// window describes runs [k, k+m) of a group.
type window struct {
	d          [maxDigits]byte // digits as ASCII
	nd         int
	lens       [maxRuns]int
	m          int
	start, end int
	sep        string // the separator shared by all gaps ("" when mixed or m == 1)
	sameSep    bool
}

func (g *numGroup) window(t string, k, m int, w *window) bool {
	w.nd, w.m = 0, m
	w.start, w.end = g.rs[k], g.re[k+m-1]
	w.sameSep = true
	w.sep = ""
	for i := 0; i < m; i++ {
		a, b := g.rs[k+i], g.re[k+i]
		if w.nd+b-a > maxDigits {
			return false
		}
		w.nd += copy(w.d[w.nd:], t[a:b])
		w.lens[i] = b - a
		if i > 0 {
			sep := t[g.re[k+i-1]:a]
			if i == 1 {
				w.sep = sep
			} else if sep != w.sep {
				w.sameSep = false
			}
		}
	}
	if !w.sameSep {
		w.sep = ""
	}
	return true
}

func (w *window) lensAre(l ...int) bool {
	if len(l) != w.m {
		return false
	}
	for i, x := range l {
		if w.lens[i] != x {
			return false
		}
	}
	return true
}

// formatted reports whether the window is one contiguous run or its runs
// have the given lengths with one shared separator from seps.
func (w *window) formatted(seps string, l ...int) bool {
	if !w.lensAre(l...) || !w.sameSep || len(w.sep) != 1 {
		return false
	}
	for i := 0; i < len(seps); i++ {
		if w.sep[0] == seps[i] {
			return true
		}
	}
	return false
}

// classifyNumber runs the numeric detectors on runs [k, k+m) of g and
// reports whether any of them recorded a finding.
//
// The digit counts each detector accepts are checked here, before the
// calls: most windows fit none or one of them.
func (s *piiScan) classifyNumber(g *numGroup, k, m int) bool {
	w := &s.win
	if !g.window(s.text, k, m, w) {
		return false
	}
	nd := w.nd
	strong := nd >= 12 && nd <= 19 && s.card(w) || nd == 9 && s.ssn(w)
	ids := nd >= 9 && nd <= 12 && s.nationalNumber(w)
	if !strong && nd >= 7 && nd <= 15 && s.phone(g, k, w) {
		return true
	}
	return strong || ids
}

// The digit counts of numeric candidates: from a 7-digit phone number to a
// 19-digit card.
const minNumberDigits, maxNumberDigits = 7, 19

var cardWords = newContextList("card", "credit", "debit", "visa", "mastercard", "amex", "cc", "ccn",
	"payment", "pay", "discover", "maestro", "jcb", "diners", "kreditkarte", "carte", "tarjeta", "carta")

func (s *piiScan) card(w *window) bool {
	if w.nd < 12 || w.nd > 19 {
		return false
	}
	if w.m > 1 {
		if !w.sameSep || (w.sep != " " && w.sep != "-") {
			return false
		}
		ok := w.lensAre(4, 6, 5) || w.lensAre(4, 6, 4)
		if !ok {
			ok = true
			for i := 0; i < w.m-1; i++ {
				if w.lens[i] != 4 {
					ok = false
				}
			}
			ok = ok && w.lens[w.m-1] >= 1 && w.lens[w.m-1] <= 4
		}
		if !ok {
			return false
		}
	}
	d := w.d[:w.nd]
	if !luhn(d) {
		return false
	}
	rule := cardIssuer(d)
	if rule == "" {
		return false
	}
	conf := 0.75
	if w.m > 1 {
		conf = 0.8
	}
	if s.around(w.start, w.end, cardWords) {
		conf += 0.2
	}
	if s.around(w.start, w.end, negativeNumberWords) {
		conf -= 0.45
	}
	return s.emit(bitCreditCard, rule, w.start, w.end, conf)
}

func luhn(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		x := int(d[i] - '0')
		if double {
			x *= 2
			if x > 9 {
				x -= 9
			}
		}
		sum += x
		double = !double
	}
	return sum%10 == 0
}

func prefixNum(d []byte, n int) int {
	v := 0
	for i := 0; i < n && i < len(d); i++ {
		v = v*10 + int(d[i]-'0')
	}
	return v
}

// cardIssuer returns the rule name of the card network whose prefixes and
// lengths fit d, or "".
func cardIssuer(d []byte) string {
	n := len(d)
	p2, p3, p4, p6 := prefixNum(d, 2), prefixNum(d, 3), prefixNum(d, 4), prefixNum(d, 6)
	switch {
	case d[0] == '4' && (n == 13 || n == 16 || n == 19):
		return "card-visa"
	case (p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720) && n == 16:
		return "card-mastercard"
	case (p2 == 34 || p2 == 37) && n == 15:
		return "card-amex"
	case (p3 >= 300 && p3 <= 305 || p2 == 36 || p2 == 38 || p2 == 39) && n >= 14 && n <= 19:
		return "card-diners"
	case (p4 == 6011 || p3 >= 644 && p3 <= 649 || p2 == 65 || p6 >= 622126 && p6 <= 622925) && n >= 16 && n <= 19:
		return "card-discover"
	case p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19, (p4 == 1800 || p4 == 2131) && n == 15:
		return "card-jcb"
	case p4 >= 2200 && p4 <= 2204 && n >= 16 && n <= 19:
		return "card-mir"
	case p2 == 62 && n >= 16 && n <= 19:
		return "card-unionpay"
	case (p2 == 50 || p2 >= 56 && p2 <= 69) && n >= 12 && n <= 19:
		return "card-maestro"
	case d[0] == '1' && n == 15:
		return "card-uatp"
	}
	return ""
}

var ssnWords = newContextList("ssn", "ssns", "social", "security", "ss", "ssa", "taxpayer", "itin")

// knownInvalidSSN are numbers published as examples (the Woolworth card,
// advertising samples) that the SSA never issued to a person.
var knownInvalidSSN = [...]string{"078051120", "219099999", "457555462", "123456789", "987654320"}

func (s *piiScan) ssn(w *window) bool {
	if w.nd != 9 {
		return false
	}
	conf := 0.0
	switch {
	case w.formatted("-. ", 3, 2, 4):
		conf = 0.6
	case w.m == 1:
		conf = 0.35
	case w.m == 2 && w.sep == "-" && (w.lensAre(3, 6) || w.lensAre(5, 4)):
		conf = 0.35
	default:
		return false
	}
	d := w.d[:9]
	area := prefixNum(d, 3)
	group := prefixNum(d[3:], 2)
	serial := prefixNum(d[5:], 4)
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
		return false
	}
	same := true
	for i := 1; i < 9; i++ {
		if d[i] != d[0] {
			same = false
		}
	}
	if same {
		return false
	}
	for _, bad := range knownInvalidSSN {
		if string(d) == bad {
			return false
		}
	}
	if s.around(w.start, w.end, ssnWords) {
		conf += 0.35
	}
	if s.around(w.start, w.end, negativeNumberWords) {
		conf -= 0.3
	}
	return s.emit(bitUSSSN, "us-ssn", w.start, w.end, conf)
}

var phoneWords = newContextList("phone", "phones", "tel", "telephone", "mobile", "cell", "cellphone", "call",
	"fax", "contact", "reach", "whatsapp", "sms", "text", "dial", "landline", "ph", "mob",
	"handy", "telefon", "telefonnummer", "rufnummer", "téléphone", "portable", "telefono", "teléfono",
	"cellulare", "móvil", "movil", "numero", "número", "nummer", "tél", "hotline")

// notPhoneWords name other numbers that people write like phone numbers.
var notPhoneWords = newContextList("license", "licence", "passport", "account", "routing", "policy", "vin",
	"iban", "ssn", "card", "id", "member", "customer", "patient", "nhs", "tfn", "abn", "medicare")

// e164Two are the two-digit country calling codes (ITU-T E.164 assignment).
var e164Two = [...]uint8{20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49,
	51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93,
	94, 95, 98}

// validCountryCode reports whether d starts with a plausible country
// calling code and leaves a national number of plausible length.
func validCountryCode(d []byte) bool {
	if len(d) == 0 || d[0] == '0' {
		return false
	}
	cc := 3
	if d[0] == '1' || d[0] == '7' {
		cc = 1
	} else {
		p2 := uint8(prefixNum(d, 2))
		for _, x := range e164Two {
			if x == p2 {
				cc = 2
				break
			}
		}
	}
	national := len(d) - cc
	if d[0] == '1' {
		return national == 10 && d[1] >= '2'
	}
	return national >= 6 && national <= 12
}

// nanp reports whether d (10 digits, or 11 starting with 1) is a
// structurally valid North American number: area and exchange codes start
// with 2-9.
func nanp(d []byte) bool {
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 {
		return false
	}
	return d[0] >= '2' && d[3] >= '2' && !(d[1] == '1' && d[2] == '1') && !(d[4] == '1' && d[5] == '1')
}

func (s *piiScan) phone(g *numGroup, k int, w *window) bool {
	t := s.text
	start, end := w.start, w.end
	plus := k == 0 && g.plus
	if plus {
		start = g.start
	} else if start > 0 && t[start-1] == '(' && (start < 2 || !isWordByte(t[start-2])) {
		start--
	}
	if k+w.m == g.n && g.extEnd > 0 {
		end = g.extEnd
	}
	d := w.d[:w.nd]
	D := w.nd
	if D < 7 || D > 15 {
		return false
	}
	// Shapes that are something else: dates, times, IPv4, versions,
	// ratios, amounts.
	if w.sameSep && (w.sep == ":" || w.sep == "/") && w.m > 2 {
		return false
	}
	if w.m >= 3 && startsWithDate(t, g, k) {
		return false
	}
	if w.m == 4 && w.sep == "." && w.lens[0] <= 3 && w.lens[1] <= 3 && w.lens[2] <= 3 && w.lens[3] <= 3 {
		return false
	}
	if start > 0 {
		p := t[start-1]
		var pp byte
		if start >= 2 {
			pp = t[start-2]
		}
		switch p {
		case '$', '#', '=':
			return false
		case '/', '.', ',', '-':
			if isAlnum(pp) {
				return false
			}
		}
		if start >= 2 && (t[start-2:start] == "£") || start >= 3 && t[start-3:start] == "€" {
			return false
		}
	}
	if end < len(t) {
		switch t[end] {
		case '%', '/':
			return false
		case '-':
			if end+1 < len(t) && isDigit(t[end+1]) {
				return false
			}
		case '.', ',':
			if end+1 < len(t) && isDigit(t[end+1]) {
				return false
			}
		}
	}
	for i := k; i+1 < k+w.m; i++ {
		if t[g.re[i]:g.rs[i+1]] == ":" {
			return false
		}
	}
	var conf float64
	rule := "phone-national"
	switch {
	case plus:
		if D < 8 || !validCountryCode(d) {
			return false
		}
		conf, rule = 0.7, "phone-e164"
	case D >= 10 && d[0] == '0' && d[1] == '0':
		if !validCountryCode(d[2:]) {
			return false
		}
		conf, rule = 0.55, "phone-intl"
	case (D == 10 || D == 11 && d[0] == '1') && nanp(d):
		rule = "phone-nanp"
		switch {
		case w.m == 1:
			conf = 0.4
		case w.lensAre(3, 3, 4), w.lensAre(1, 3, 3, 4), w.lensAre(3, 7):
			conf = 0.65
		default:
			conf = 0.45
		}
	case d[0] == '0' && d[1] != '0' && D >= 9 && D <= 11:
		conf = 0.3
		if w.m > 1 {
			conf = 0.5
		}
	case w.m > 1 && D <= 12:
		conf = 0.25
	case w.m == 1 && D == 11 && d[0] == '1' && d[1] >= '3':
		conf, rule = 0.3, "phone-cn-mobile"
	default:
		return false
	}
	// The windows before: 48 bytes for around, 40 for notPhoneWords.
	s.contextSplit(start-48, start-40, start)
	if s.around(start, end, phoneWords) {
		conf += 0.3
	}
	if conf < s.min {
		return false // what follows only lowers conf
	}
	if s.around(start, end, negativeNumberWords) || s.hasContext(start-40, start, notPhoneWords) {
		conf -= 0.35
	}
	return s.emit(bitPhone, rule, start, end, conf)
}

// startsWithDate reports whether runs k.. of g begin with a numeric
// date: y-m-d or d-m-y / m-d-y with '-', '/' or '.' (a date followed by a
// time must not read as a phone number).
func startsWithDate(t string, g *numGroup, k int) bool {
	if k+2 >= g.n {
		return false
	}
	s1, s2 := t[g.re[k]:g.rs[k+1]], t[g.re[k+1]:g.rs[k+2]]
	if s1 != s2 || (s1 != "-" && s1 != "/" && s1 != ".") {
		return false
	}
	l0, l1, l2 := g.re[k]-g.rs[k], g.re[k+1]-g.rs[k+1], g.re[k+2]-g.rs[k+2]
	return l0 == 4 && l1 <= 2 && l2 <= 2 || l0 <= 2 && l1 <= 2 && (l2 == 4 || l2 == 2)
}

// nationalNumber runs the all-digit national identifiers (UK NHS, IN
// Aadhaar, AU TFN/ABN/ACN/Medicare) on the window.
func (s *piiScan) nationalNumber(w *window) bool {
	d := w.d[:w.nd]
	found := false
	switch w.nd {
	case 9:
		// AU TFN and ACN (both 9 digits, "123 456 789").
		conf := 0.0
		if w.m == 1 {
			conf = 0.3
		} else if w.formatted(" -", 3, 3, 3) {
			conf = 0.4
		}
		if conf > 0 {
			if auTFN(d) {
				c := conf
				if s.around(w.start, w.end, tfnWords) {
					c += 0.4
				}
				found = s.emit(bitAUTFN, "au-tfn", w.start, w.end, c) || found
			}
			if auACN(d) {
				c := conf
				if s.around(w.start, w.end, acnWords) {
					c += 0.4
				}
				found = s.emit(bitAUACN, "au-acn", w.start, w.end, c) || found
			}
		}
	case 10:
		if (w.m == 1 || w.formatted(" -", 3, 3, 4)) && ukNHS(d) {
			c := 0.35
			if w.m > 1 {
				c = 0.45
			}
			if s.around(w.start, w.end, nhsWords) {
				c += 0.4
			}
			found = s.emit(bitUKNHS, "uk-nhs", w.start, w.end, c) || found
		}
		if (w.m == 1 || w.formatted(" -", 4, 5, 1)) && auMedicare(d) {
			c := 0.3
			if w.m > 1 {
				c = 0.5
			}
			if s.around(w.start, w.end, medicareWords) {
				c += 0.4
			}
			found = s.emit(bitAUMedicare, "au-medicare", w.start, w.end, c) || found
		}
	case 11:
		if (w.m == 1 || w.formatted(" ", 2, 3, 3, 3)) && auABN(d) {
			c := 0.4
			if w.m > 1 {
				c = 0.5
			}
			if s.around(w.start, w.end, abnWords) {
				c += 0.4
			}
			found = s.emit(bitAUABN, "au-abn", w.start, w.end, c) || found
		}
	case 12:
		if (w.m == 1 || w.formatted(" -:", 4, 4, 4)) && d[0] >= '2' && verhoeff(d) {
			c := 0.4
			if w.m > 1 {
				c = 0.5
			}
			if s.around(w.start, w.end, aadhaarWords) {
				c += 0.4
			}
			found = s.emit(bitINAadhaar, "in-aadhaar", w.start, w.end, c) || found
		}
	}
	return found
}

var (
	tfnWords      = newContextList("tfn", "tax", "file")
	acnWords      = newContextList("acn", "company")
	abnWords      = newContextList("abn", "business")
	nhsWords      = newContextList("nhs", "health", "patient")
	medicareWords = newContextList("medicare")
	aadhaarWords  = newContextList("aadhaar", "aadhar", "uid", "uidai", "aadhaar's")
)

func ukNHS(d []byte) bool {
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (10 - i)
	}
	c := 11 - sum%11
	if c == 11 {
		c = 0
	}
	return c != 10 && c == int(d[9]-'0')
}

func auTFN(d []byte) bool {
	w := [9]int{1, 4, 3, 7, 5, 8, 6, 9, 10}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * w[i]
	}
	return sum%11 == 0
}

func auACN(d []byte) bool {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(d[i]-'0') * (8 - i)
	}
	return (10-sum%10)%10 == int(d[8]-'0')
}

func auABN(d []byte) bool {
	w := [11]int{10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19}
	sum := 0
	allZero := true
	for i := 0; i < 11; i++ {
		x := int(d[i] - '0')
		if x != 0 {
			allZero = false
		}
		if i == 0 {
			x--
		}
		sum += x * w[i]
	}
	return !allZero && sum%89 == 0
}

func auMedicare(d []byte) bool {
	if d[0] < '2' || d[0] > '6' {
		return false
	}
	w := [8]int{1, 3, 7, 9, 1, 3, 7, 9}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(d[i]-'0') * w[i]
	}
	return sum%10 == int(d[8]-'0')
}

// Verhoeff tables (dihedral group D5).
var (
	verhoeffD = [10][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
		{2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
		{4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
		{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
		{8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
	}
	verhoeffP = [8][10]uint8{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
		{5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
		{9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
		{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
	}
)

func verhoeff(d []byte) bool {
	c := uint8(0)
	for i := 0; i < len(d); i++ {
		c = verhoeffD[c][verhoeffP[i%8][d[len(d)-1-i]-'0']]
	}
	return c == 0
}
