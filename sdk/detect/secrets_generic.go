package detect

import "strings"

// generic-api-key: a high-entropy value assigned to a name that says
// "secret" (key, token, secret, password, credential, auth, api, access).
// Its allowlist is our own, in the spirit of gitleaks': the name must
// contain the keyword as a word (apiKey, client_secret, AUTH_TOKEN; not
// keyword, monkey, keyboard), must not name something that is not the
// secret itself (key_id, token_url, secret_name, public_key, key_length),
// and the value must not read as words, a version, a host or file name, a
// template or a mask.

var (
	secGenA = secPattern(`[\w.=\-]{10,150}`, false)
	secGenB = secPattern(`[a-z0-9][a-z0-9+/]{11,}={0,3}`, true)
)

// deferGeneric queues a generic-api-key candidate. A generic finding never
// displaces another rule's finding, so deciding the generic candidates
// after the scan, in the order they occurred, yields the same findings,
// and skips the costly checks of a value that a provider token already
// claims (GITHUB_TOKEN=ghp_...).
func (s *secScan) deferGeneric(ks, ke, vs int) {
	if s.npending == len(s.pending) {
		s.flushGeneric()
	}
	s.pending[s.npending] = [3]int{ks, ke, vs}
	s.npending++
}

// flushGeneric decides the queued generic-api-key candidates.
func (s *secScan) flushGeneric() {
	for k := 0; k < s.npending; k++ {
		p := &s.pending[k]
		if !s.claimed(p[2]) {
			s.generic(p[0], p[1], p[2])
		}
	}
	s.npending = 0
}

// claimed reports whether a generic value starting at text[i] would lose
// to a finding already made: one of a rule other than generic-api-key that
// covers text[i], or a generic one that starts there (the same value, found
// through another keyword of the same name: api_key).
func (s *secScan) claimed(i int) bool {
	for k := s.base; k < len(s.dst); k++ {
		if f := &s.dst[k]; f.Start <= i && i < f.End && (f.Start == i || s.priority(k) > prioGeneric) {
			return true
		}
	}
	return false
}

func (s *secScan) generic(ks, ke, vs int) {
	t := s.text
	weak, ok := secGenericName(t, ks, ke)
	if !ok {
		return
	}
	budget := 4096
	e := secMatch(t, vs, secGenA, endProse, nil, &budget)
	if e < 0 {
		budget = 4096
		e = secMatch(t, vs, secGenB, endProse, nil, &budget)
	}
	if e < 0 {
		return
	}
	// Values may contain '.': one that ends a sentence ("... is X.") is
	// punctuation, not part of the value.
	for e-vs > 1 && secIsClauseEnd(t, e-1) {
		e--
	}
	v := t[vs:e]
	if !s.genericValue(v, weak) {
		return
	}
	h := s.entropy(v)
	if h < 3.5 {
		return
	}
	conf := 0.55 + (h-3.5)*0.15
	if !weak {
		conf += 0.05
	}
	if conf > 0.85 {
		conf = 0.85
	}
	s.add(ruleGeneric, prioGeneric, vs, e, conf)
}

// secGenericName examines the identifier around the keyword at t[ks:ke].
// ok reports that it names a secret; weak that its only secret-like words
// are api, access or auth.
func secGenericName(t string, ks, ke int) (weak, ok bool) {
	a := ks
	for a > 0 && ks-a < 50 && (secIsWord(t[a-1]) || t[a-1] == '.' || t[a-1] == '-') {
		a--
	}
	if a > 0 && (t[a-1] == '+' || t[a-1] == '/' || t[a-1] == '=') {
		return false, false // inside base64 or a path
	}
	b := ke
	for b < len(t) && b-ke < 20 && (secIsWord(t[b]) || t[b] == '.' || t[b] == '-') {
		b++
	}
	id := t[a:b]
	strong, weakKw := false, false
	for i := 0; i < len(id); {
		// Next word: a run of letters and digits, split at camelCase humps.
		for i < len(id) && !secIsAlnum(id[i]) {
			i++
		}
		j := i
		for j < len(id) && secIsAlnum(id[j]) {
			if j > i {
				p, c := id[j-1], id[j]
				if c >= 'A' && c <= 'Z' && (p >= 'a' && p <= 'z' || p >= '0' && p <= '9') {
					break
				}
				if c >= 'A' && c <= 'Z' && p >= 'A' && p <= 'Z' && j+1 < len(id) && id[j+1] >= 'a' && id[j+1] <= 'z' {
					break
				}
			}
			j++
		}
		if j == i {
			break
		}
		w := id[i:j]
		i = j
		if secNameStopSet.has(w) {
			return false, false
		}
		switch {
		case secWeakWordSet.has(w):
			weakKw = true
		case secSecretWord(w):
			strong = true
		}
	}
	if !strong && !weakKw {
		return false, false
	}
	return !strong, true
}

// secSecretWord: key, token, secret, password... alone or compounded
// with a qualifier (apikey, accesstoken, clientsecret, dbpassword).
func secSecretWord(w string) bool {
	for _, k := range secSecretWords {
		if len(w) < len(k) || !secEqualFold(w[len(w)-len(k):], k) {
			continue
		}
		pre := w[:len(w)-len(k)]
		if pre == "" || secCompoundPrefixSet.has(pre) {
			return true
		}
	}
	return false
}

var (
	secSecretWords = []string{"key", "keys", "token", "tokens", "secret", "secrets", "password", "passwords",
		"passwd", "pwd", "passphrase", "credential", "credentials", "creds", "cred"}
	secWeakWords        = []string{"api", "access", "auth"}
	secCompoundPrefixes = []string{"api", "access", "auth", "secret", "private", "client", "app", "master",
		"session", "refresh", "oauth", "user", "admin", "root", "db", "service", "signing", "encryption",
		"webhook", "bot", "sec", "x", "bearer", "login", "account", "hmac", "jwt", "shared", "consumer"}
	secNameStopSet       = newSecWordSet(secNameStops)
	secWeakWordSet       = newSecWordSet(secWeakWords)
	secCompoundPrefixSet = newSecWordSet(secCompoundPrefixes)
	// Words that make a name refer to something about a secret rather
	// than the secret itself.
	secNameStops = []string{"id", "ids", "uuid", "guid", "name", "names", "version", "ver", "url", "uri", "urls",
		"endpoint", "host", "hostname", "domain", "file", "filename", "files", "path", "dir", "length", "len",
		"size", "type", "types", "format", "mode", "count", "public", "pub", "author", "accessor",
		"accessibility", "random", "csrf", "xsrf", "label", "title", "pair", "field", "prefix", "suffix",
		"header", "placeholder", "example", "sample", "dummy", "hint", "description", "desc", "policy",
		"expiry", "expires", "expiration", "ttl", "timeout", "duration", "max", "min", "limit", "index",
		"idx", "algorithm", "alg", "pressed", "selector", "schema", "sequence", "bucket", "foreign",
		"primary", "natural", "hot", "hash", "checksum", "scope", "scopes", "column", "table", "pattern",
		"regex", "enabled", "required", "status", "lifetime", "kind", "env", "var", "variable", "ref"}
)

// secWordSet is a set of lower-case words looked up case-insensitively,
// bucketed by length and first letter so that a lookup compares a few
// candidates rather than the whole list.
type secWordSet [16 * 27][]string

func newSecWordSet(words ...[]string) *secWordSet {
	ws := new(secWordSet)
	for _, list := range words {
		for _, w := range list {
			b := secWordBucket(w)
			if b < 0 {
				panic("detect: word too long for a word set: " + w)
			}
			ws[b] = append(ws[b], secLowerString(w))
		}
	}
	return ws
}

func secWordBucket(w string) int {
	if len(w) == 0 || len(w) >= 16 {
		return -1
	}
	c := secLower(w[0])
	k := 26
	if c >= 'a' && c <= 'z' {
		k = int(c - 'a')
	}
	return len(w)*27 + k
}

func (ws *secWordSet) has(w string) bool {
	b := secWordBucket(w)
	if b < 0 {
		return false
	}
	for _, l := range ws[b] {
		if secEqualFold(w, l) {
			return true
		}
	}
	return false
}

// secGenericValue rejects values that are not credentials.
func (s *secScan) genericValue(v string, weak bool) bool {
	if s.placeholder(v) || strings.Contains(v, "EXAMPLE") {
		return false // a placeholder, a documentation example
	}
	// One pass for the character mix and the dots.
	letters, digits, other, lastDot := 0, 0, 0, -1
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			if i > 0 && v[i-1] == '.' {
				return false // a truncated value
			}
			if i > 0 && i+1 < len(v) && secIsDigitByte(v[i-1]) && secIsDigitByte(v[i+1]) {
				return false // digit '.' digit: a version, an IP address, a decimal
			}
			lastDot = i
		case c == '_' || c == '-':
		default:
			other++
		}
	}
	if digits == 0 && other == 0 {
		return false // words and separators: an identifier, not a secret
	}
	if letters == 0 {
		return false // a number
	}
	if weak && digits == 0 {
		return false
	}
	// A host or file name: the part after the last dot is a short lower-case word.
	if lastDot >= 0 {
		ext := v[lastDot+1:]
		if len(ext) >= 2 && len(ext) <= 4 && secAllLower(ext) {
			return false
		}
	}
	// Mostly words and numbers: jetbrains.mps.v8_elimination, DOC_Vector_5_32.
	boring := 0
	for i := 0; i < len(v); {
		for i < len(v) && !secIsAlnum(v[i]) {
			i++
		}
		j := i
		for j < len(v) && secIsAlnum(v[j]) {
			j++
		}
		if j > i && secBoringPart(v[i:j]) {
			boring += j - i
		}
		i = j
	}
	return boring*10 < len(v)*6
}

func secAllLower(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// secBoringPart: a number, a short fragment, or a word (lower case, upper
// case, or camel case humps of at least two lower-case letters).
func secBoringPart(p string) bool {
	if len(p) <= 2 {
		return true
	}
	allDigits, allUpper, allLower := true, true, true
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !secIsDigitByte(c) {
			allDigits = false
		}
		if !(c >= 'A' && c <= 'Z') {
			allUpper = false
		}
		if !(c >= 'a' && c <= 'z') {
			allLower = false
		}
	}
	if allDigits || allUpper || allLower {
		return true
	}
	// Camel humps: [A-Z]?[a-z]{2,} repeated.
	for i := 0; i < len(p); {
		if p[i] >= 'A' && p[i] <= 'Z' {
			i++
		}
		j := i
		for j < len(p) && p[j] >= 'a' && p[j] <= 'z' {
			j++
		}
		if j-i < 2 {
			return false
		}
		i = j
	}
	return true
}
