package detect

import "strings"

// E-mail addresses and URL credentials: one pass over the '@' signs.

var emailWords = newContextList("email", "e-mail", "mail", "contact", "address", "courriel", "correo")

func isLocalByte(c byte) bool { return charClass[c]&cLocal != 0 }

func (s *piiScan) scanAt() {
	t := s.text
	for {
		k := strings.IndexByte(t[s.atNext:], '@')
		if k < 0 {
			return
		}
		s.atAt(s.atNext + k)
	}
}

// atAt checks the '@' at 'at' for URL credentials, else an e-mail
// address, unless it is inside the last one found; scanAt, or scanTokens'
// walk, calls it on every '@' in order.
func (s *piiScan) atAt(at int) {
	if at < s.atNext {
		return
	}
	s.atNext = at + 1
	if end := s.urlCredentials(at); end > 0 {
		s.atNext = end
		return
	}
	if end := s.email(at); end > 0 {
		s.atNext = end
	}
}

// email checks the address around the '@' at 'at' and records it; it
// returns the end of the domain, or 0.
func (s *piiScan) email(at int) int {
	t := s.text
	a := at
	for a > 0 && isLocalByte(t[a-1]) && at-a < 64 {
		a--
	}
	// Trim punctuation that more likely belongs to the sentence.
	for a < at && (t[a] == '.' || t[a] == '\'' || t[a] == '`' || t[a] == '{' || t[a] == '|' || t[a] == '/') {
		a++
	}
	if a == at || t[at-1] == '.' || (a > 0 && (t[a-1] >= 0x80 || isLocalByte(t[a-1]))) {
		return 0
	}
	e := at + 1
	for e < len(t) && (isAlnum(t[e]) || t[e] == '.' || t[e] == '-') && e-at <= 255 {
		e++
	}
	for e > at+1 && (t[e-1] == '.' || t[e-1] == '-') {
		e--
	}
	if e < len(t) && (t[e] >= 0x80 || t[e] == '_') {
		return 0
	}
	dom := t[at+1 : e]
	dot := strings.LastIndexByte(dom, '.')
	if dot <= 0 {
		return 0
	}
	// Labels: 1-63 characters, no leading or trailing '-', no empty label.
	l := 0
	for i := 0; i <= len(dom); i++ {
		if i == len(dom) || dom[i] == '.' {
			if i == l || i-l > 63 || dom[l] == '-' || dom[i-1] == '-' {
				return 0
			}
			l = i + 1
		}
	}
	tld := dom[dot+1:]
	if len(tld) < 2 {
		return 0
	}
	if !strings.HasPrefix(tld, "xn--") {
		for i := 0; i < len(tld); i++ {
			if !isAlpha(tld[i]) {
				return 0
			}
		}
	}
	conf := 0.9
	if s.around(a, e, emailWords) {
		conf = 1
	}
	if !s.emit(bitEmail, "email", a, e, conf) {
		return 0
	}
	return e
}

// urlCredentials checks for "scheme://user:password@host" around the '@'
// at 'at'. The finding spans the userinfo ("user:password"): the part to
// hide, leaving the scheme and host readable.
func (s *piiScan) urlCredentials(at int) int {
	t := s.text
	a := at
	for a > 0 && at-a < 512 {
		c := t[a-1]
		if c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '@' {
			break
		}
		if c == '/' && a >= 2 && t[a-2] == '/' {
			break
		}
		a--
	}
	if a < 3 || t[a-1] != '/' || t[a-2] != '/' || t[a-3] != ':' {
		return 0
	}
	// Scheme: letters, digits, '+', '-', '.' starting with a letter.
	sc := a - 3
	b := sc
	for b > 0 && (isAlnum(t[b-1]) || t[b-1] == '+' || t[b-1] == '-' || t[b-1] == '.') {
		b--
	}
	if b == sc || !isAlpha(t[b]) {
		return 0
	}
	if strings.IndexByte(t[a:at], '/') >= 0 {
		return 0 // a path, not userinfo
	}
	colon := strings.IndexByte(t[a:at], ':')
	if colon <= 0 || a+colon+1 == at {
		return 0
	}
	// The host must follow.
	if at+1 >= len(t) || !(isAlnum(t[at+1]) || t[at+1] == '[') {
		return 0
	}
	if !s.emit(bitURLCredentials, "url-userinfo", a, at, 0.95) {
		return 0
	}
	return at + 1
}
