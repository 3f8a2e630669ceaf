package detect

import "crypto/sha256"

// Mixed alphanumeric tokens: IBANs, wallet addresses and national
// identifiers that carry letters (ES NIF/NIE, IT fiscal code, IN PAN,
// SG NRIC/FIN).

// mixedToken runs the detectors for the token [st, e) that holds at least
// one letter and returns where scanning resumes.
func (s *piiScan) mixedToken(st, e int) int {
	t := s.text
	tok := t[st:e]
	n := len(tok)
	if n >= 4 && isAlpha(tok[0]) && isAlpha(tok[1]) && isDigit(tok[2]) && isDigit(tok[3]) {
		if end := s.iban(st); end > 0 {
			return end
		}
	}
	switch {
	case n >= 26 && n <= 35 && (tok[0] == '1' || tok[0] == '3'):
		if base58Check(tok) {
			s.emit(bitCrypto, "bitcoin-base58", st, e, 0.95)
		}
	case n >= 14 && n <= 90 && (tok[:3] == "bc1" || tok[:3] == "BC1" || tok[:3] == "tb1" || tok[:3] == "TB1"):
		if bech32Segwit(tok) {
			s.emit(bitCrypto, "bitcoin-bech32", st, e, 0.95)
		}
	case n == 42 && tok[0] == '0' && tok[1] == 'x':
		s.ethereum(st, e)
	case n == 16:
		s.itFiscalCode(st, e)
	case n == 10:
		s.inPAN(st, e)
	case n >= 8 && n <= 10 && isDigit(tok[0]) && isAlpha(tok[n-1]):
		s.nif(st, e-1, tok[n-1], e)
	}
	if n == 9 || n == 8 {
		switch upperByte(tok[0]) {
		case 'X', 'Y', 'Z':
			s.nie(st, e)
		}
	}
	if n == 9 {
		s.sgNRIC(st, e)
	}
	return e
}

// ibanLengths are the IBAN lengths per country (ISO 13616 registry).
var ibanLengths = map[string]uint8{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
	"BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
	"DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
	"GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
	"IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
	"LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
	"MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
	"PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
	"SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
	"TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}

// ibanLength is ibanLengths indexed by the letters of the country code
// (a map lookup is slow inside Wasm).
var ibanLength = func() (l [26][26]uint8) {
	for cc, n := range ibanLengths {
		l[cc[0]-'A'][cc[1]-'A'] = n
	}
	return l
}()

var ibanWords = newContextList("iban", "bank", "account", "konto", "compte", "cuenta", "conto", "transfer", "wire", "sepa")

// iban checks for an IBAN starting at st, compact or in groups of four
// separated by single spaces or dashes, and returns its end or 0.
func (s *piiScan) iban(st int) int {
	t := s.text
	L := int(ibanLength[upperByte(t[st])-'A'][upperByte(t[st+1])-'A'])
	if L == 0 {
		return 0
	}
	var buf [34]byte
	cnt := 0
	j := st
	grouped := false
	for cnt < L && j < len(t) {
		c := t[j]
		switch {
		case isAlnum(c):
			buf[cnt] = upperByte(c)
			cnt++
			j++
		case (c == ' ' || c == '-') && cnt%4 == 0 && cnt > 0 && j+1 < len(t) && isAlnum(t[j+1]) &&
			(!grouped || t[j-5] == c):
			grouped = true
			j++
		default:
			cnt += 100 // stop: not an IBAN
		}
	}
	if cnt != L || (j < len(t) && isWordByte(t[j])) {
		return 0
	}
	// Letters must all be of one case, and the BBAN may not be all letters.
	lower, upper := false, false
	for k := st; k < j; k++ {
		lower = lower || isLower(t[k])
		upper = upper || isUpper(t[k])
	}
	if lower && upper {
		return 0
	}
	if !mod97(buf[:L]) {
		return 0
	}
	conf := 0.85
	if s.around(st, j, ibanWords) {
		conf = 1
	}
	if !s.emit(bitIBAN, "iban", st, j, conf) {
		return 0
	}
	return j
}

// mod97 computes the ISO 7064 MOD 97-10 check of an IBAN (upper case):
// the BBAN, then the country code and check digits, read as one number.
// (One loop over a rotated index: a closure per character costs a call
// inside Wasm.)
func mod97(b []byte) bool {
	if len(b) < 4 {
		return false
	}
	r := 0
	for k := range b {
		c := b[(k+4)%len(b)]
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case isUpper(c):
			r = (r*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return r == 1
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

var base58Index = func() (idx [256]int8) {
	for i := range idx {
		idx[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		idx[base58Alphabet[i]] = int8(i)
	}
	return
}()

// base58Check reports whether tok is a Bitcoin P2PKH (version 0) or P2SH
// (version 5) address: 25 bytes whose last 4 are the first 4 of the double
// SHA-256 of the first 21.
func base58Check(tok string) bool {
	// Decode into 32-bit limbs (least significant first): 7 limbs hold
	// the 200 bits, and a limb step costs what a byte step did.
	var v [7]uint32
	for i := 0; i < len(tok); i++ {
		d := base58Index[tok[i]]
		if d < 0 {
			return false
		}
		carry := uint64(d)
		for k := range v {
			x := uint64(v[k])*58 + carry
			v[k] = uint32(x)
			carry = x >> 32
		}
		if v[6]>>8 != 0 {
			return false // more than 25 bytes
		}
	}
	var b [25]byte
	for k := 0; k < 25; k++ {
		b[24-k] = byte(v[k/4] >> (8 * (k % 4)))
	}
	// Leading '1's encode leading zero bytes, one each.
	ones := 0
	for ones < len(tok) && tok[ones] == '1' {
		ones++
	}
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	if ones != zeros {
		return false
	}
	if b[0] != 0 && b[0] != 5 {
		return false
	}
	h := sha256.Sum256(b[:21])
	h = sha256.Sum256(h[:])
	return h[0] == b[21] && h[1] == b[22] && h[2] == b[23] && h[3] == b[24]
}

const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

var bech32Index = func() (idx [256]int8) {
	for i := range idx {
		idx[i] = -1
	}
	for i := 0; i < len(bech32Charset); i++ {
		idx[bech32Charset[i]] = int8(i)
		idx[upperByte(bech32Charset[i])] = int8(i)
	}
	return
}()

func bech32Polymod(chk uint32, v byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	b := chk >> 25
	chk = (chk&0x1ffffff)<<5 ^ uint32(v)
	for i := 0; i < 5; i++ {
		if (b>>i)&1 == 1 {
			chk ^= gen[i]
		}
	}
	return chk
}

// bech32Segwit reports whether tok is a segwit address (BIP 173 bech32
// for witness version 0, BIP 350 bech32m for versions 1-16) with a valid
// checksum and program length.
func bech32Segwit(tok string) bool {
	lower, upper := false, false
	for i := 0; i < len(tok); i++ {
		lower = lower || isLower(tok[i])
		upper = upper || isUpper(tok[i])
	}
	if lower && upper {
		return false
	}
	const hrpLen = 2
	chk := uint32(1)
	for i := 0; i < hrpLen; i++ {
		chk = bech32Polymod(chk, lowerByte(tok[i])>>5)
	}
	chk = bech32Polymod(chk, 0)
	for i := 0; i < hrpLen; i++ {
		chk = bech32Polymod(chk, lowerByte(tok[i])&31)
	}
	data := tok[hrpLen+1:]
	if len(data) < 7 {
		return false
	}
	for i := 0; i < len(data); i++ {
		v := bech32Index[data[i]]
		if v < 0 {
			return false
		}
		chk = bech32Polymod(chk, byte(v))
	}
	ver := bech32Index[data[0]]
	progBits := (len(data) - 7) * 5
	progLen := progBits / 8
	if progLen < 2 || progLen > 40 || ver > 16 {
		return false
	}
	if ver == 0 {
		return chk == 1 && (progLen == 20 || progLen == 32)
	}
	return chk == 0x2bc830a3
}

// ethereum checks "0x" + 40 hex digits; mixed case must satisfy the
// EIP-55 checksum (Keccak-256 of the lower-case hex).
func (s *piiScan) ethereum(st, e int) {
	t := s.text
	h := t[st+2 : e]
	lower, upper := false, false
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !isHex(c) {
			return
		}
		lower = lower || (c >= 'a' && c <= 'f')
		upper = upper || (c >= 'A' && c <= 'F')
	}
	conf := 0.75
	if lower && upper {
		var lc [40]byte
		for i := 0; i < 40; i++ {
			lc[i] = lowerByte(h[i])
		}
		sum := keccak256(lc[:])
		for i := 0; i < 40; i++ {
			if !isAlpha(h[i]) {
				continue
			}
			nib := sum[i/2] >> 4
			if i%2 == 1 {
				nib = sum[i/2] & 0xf
			}
			if (nib >= 8) != isUpper(h[i]) {
				return
			}
		}
		conf = 0.95
	}
	s.emit(bitCrypto, "ethereum", st, e, conf)
}

var (
	nifWords = newContextList("nif", "dni", "documento", "identidad", "fiscal")
	nieWords = newContextList("nie", "extranjero", "extranjeros")
)

const nifLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// nif checks a Spanish NIF/DNI: digits [st, de) and the control letter l,
// the whole ending at end.
func (s *piiScan) nif(st, de int, l byte, end int) bool {
	t := s.text
	nd := de - st
	if nd < 7 || nd > 9 || (nd == 9 && t[st] != '0') {
		return false
	}
	v := 0
	for i := st; i < de; i++ {
		if !isDigit(t[i]) {
			return false
		}
		v = v*10 + int(t[i]-'0')
	}
	if nifLetters[v%23] != upperByte(l) {
		return false
	}
	conf := 0.6
	if s.around(st, end, nifWords) {
		conf += 0.3
	}
	return s.emit(bitESNIF, "es-nif", st, end, conf)
}

// nie checks a Spanish NIE: X/Y/Z, 7 digits, optional dash, letter.
func (s *piiScan) nie(st, e int) {
	t := s.text
	end := e
	var l byte
	switch {
	case e-st == 9:
		l = t[e-1]
	case e-st == 8 && e+1 < len(t) && t[e] == '-' && isAlpha(t[e+1]) && (e+2 == len(t) || !isWordByte(t[e+2])):
		l, end = t[e+1], e+2
	default:
		return
	}
	v := int(upperByte(t[st]) - 'X')
	for i := st + 1; i < st+8; i++ {
		if !isDigit(t[i]) {
			return
		}
		v = v*10 + int(t[i]-'0')
	}
	if !isAlpha(l) || nifLetters[v%23] != upperByte(l) {
		return
	}
	conf := 0.7
	if s.around(st, end, nieWords) {
		conf += 0.25
	}
	s.emit(bitESNIE, "es-nie", st, end, conf)
}

var (
	itOdd = [36]uint8{ // values of 0-9 then A-Z at odd positions
		1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
		1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
	}
	itWords = newContextList("codice", "fiscale", "cf", "fiscal", "tax")
)

// itFiscalCode checks an Italian codice fiscale (16 characters, with the
// omocodia letters allowed in digit positions) and its check character.
func (s *piiScan) itFiscalCode(st, e int) {
	t := s.text
	c := t[st:e]
	const omocodia = "LMNPQRSTUV"
	sum := 0
	for i := 0; i < 16; i++ {
		x := upperByte(c[i])
		switch i {
		case 0, 1, 2, 3, 4, 5, 8, 11, 15:
			if !isUpper(x) {
				return
			}
		default:
			if !isDigit(x) {
				ok := false
				for k := 0; k < len(omocodia); k++ {
					ok = ok || omocodia[k] == x
				}
				if !ok {
					return
				}
			}
		}
		if i == 8 {
			switch x {
			case 'A', 'B', 'C', 'D', 'E', 'H', 'L', 'M', 'P', 'R', 'S', 'T':
			default:
				return
			}
		}
		if i == 15 {
			break
		}
		idx := int(x - 'A' + 10)
		if isDigit(x) {
			idx = int(x - '0')
		}
		if i%2 == 0 { // odd position, 1-based
			sum += int(itOdd[idx])
		} else if isDigit(x) {
			sum += int(x - '0')
		} else {
			sum += int(x - 'A')
		}
	}
	conf := 0.85
	if byte('A'+sum%26) != upperByte(c[15]) {
		conf = 0.3
	}
	if s.around(st, e, itWords) {
		conf += 0.15
	}
	s.emit(bitITFiscalCode, "it-fiscal-code", st, e, conf)
}

var panWords = newContextList("pan", "income", "permanent", "tax")

// inPAN checks an Indian PAN: 5 letters (the 4th names the holder type),
// 4 digits, 1 letter. There is no public check digit, so a PAN needs a
// context word to reach the default threshold unless the holder type is a
// person ('P').
func (s *piiScan) inPAN(st, e int) {
	t := s.text
	c := t[st:e]
	for i := 0; i < 10; i++ {
		switch {
		case i < 5 || i == 9:
			if !isUpper(c[i]) {
				return
			}
		default:
			if !isDigit(c[i]) {
				return
			}
		}
	}
	conf := 0.0
	switch c[3] {
	case 'P':
		conf = 0.45
	case 'C', 'H', 'F', 'A', 'T', 'B', 'L', 'J', 'G', 'K':
		conf = 0.3
	default:
		return
	}
	if s.around(st, e, panWords) {
		conf += 0.4
	}
	s.emit(bitINPAN, "in-pan", st, e, conf)
}

var nricWords = newContextList("nric", "fin", "ic", "identity")

// sgNRIC checks a Singapore NRIC/FIN: S/T/F/G/M, 7 digits, check letter.
// The M series' check table is not public in a verifiable form: M numbers
// are reported on their shape with a lower confidence.
func (s *piiScan) sgNRIC(st, e int) {
	t := s.text
	c := t[st:e]
	p := c[0]
	if !isUpper(c[8]) {
		return
	}
	sum := 0
	w := [7]int{2, 7, 6, 5, 4, 3, 2}
	for i := 1; i <= 7; i++ {
		if !isDigit(c[i]) {
			return
		}
		sum += int(c[i]-'0') * w[i-1]
	}
	conf := 0.0
	switch p {
	case 'S', 'T':
		if p == 'T' {
			sum += 4
		}
		if "JZIHGFEDCBA"[sum%11] == c[8] {
			conf = 0.75
		}
	case 'F', 'G':
		if p == 'G' {
			sum += 4
		}
		if "XWUTRQPNMLK"[sum%11] == c[8] {
			conf = 0.75
		}
	case 'M':
		conf = 0.3
	default:
		return
	}
	if conf == 0 {
		return
	}
	if s.around(st, e, nricWords) {
		conf += 0.2
	}
	s.emit(bitSGNRIC, "sg-nric", st, e, conf)
}
