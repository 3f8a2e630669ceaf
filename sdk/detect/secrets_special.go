package detect

import (
	"hash/crc32"
	"strings"
)

// Detectors that need more than "prefix + shape": structure to decode
// (JWT), blocks to delimit (PEM), commands to parse (curl), URLs, and
// tokens whose distinctive part is not at the start.

type secSpecial struct {
	lit   string
	exact bool // lit must match case-sensitively
	lb    bool // fn rejects a literal that follows a word byte
	fn    secSpecialFn
	ids   []string
	prio  uint8 // priority of ids (0: token priority)
}

type secSpecialFn uint8

const (
	spJWT secSpecialFn = iota
	spPEM
	spCurl
	spURL
	spAzure
	spGCPServiceAccount
	spFacebook
	spTerraform
	spMaxMind
	spBearer
)

// special dispatches with a switch rather than through function values:
// an indirect call would make the scan state escape to the heap.
func (s *secScan) special(fn secSpecialFn, start, end int) {
	switch fn {
	case spJWT:
		secJWT(s, start, end)
	case spPEM:
		secPEM(s, start, end)
	case spCurl:
		secCurl(s, start, end)
	case spURL:
		secURL(s, start, end)
	case spAzure:
		secAzureClientSecret(s, start, end)
	case spGCPServiceAccount:
		secGCPServiceAccount(s, start, end)
	case spFacebook:
		secFacebookToken(s, start, end)
	case spTerraform:
		secTerraform(s, start, end)
	case spMaxMind:
		secMaxMind(s, start, end)
	case spBearer:
		secBearer(s, start, end)
	}
}

var secSpecialTriggers = []secSpecial{
	{lit: "ey", exact: true, lb: true, fn: spJWT, ids: []string{"jwt"}},
	{lit: "-----BEGIN", fn: spPEM, ids: []string{"private-key"}},
	{lit: "curl", exact: true, fn: spCurl, ids: []string{"curl-auth-user", "curl-auth-header"}, prio: prioContext},
	{lit: "://", fn: spURL, ids: []string{"url-credentials", "sidekiq-sensitive-url"}, prio: prioContext},
	{lit: "Q~", exact: true, fn: spAzure, ids: []string{"azure-ad-client-secret"}},
	{lit: `"service_account"`, exact: true, fn: spGCPServiceAccount, ids: []string{"gcp-service-account"}, prio: prioContext},
	{lit: "facebook", fn: spFacebook, ids: []string{"facebook-access-token"}},
	{lit: ".atlasv1.", exact: true, fn: spTerraform, ids: []string{"hashicorp-tf-api-token"}},
	{lit: "_mmk", exact: true, fn: spMaxMind, ids: []string{"maxmind-license-key"}},
	{lit: "bearer ", lb: true, fn: spBearer, ids: []string{"bearer-token"}, prio: prioContext},
}

func secIsB64URL(c byte) bool { return secCT[c]&ctB64URL != 0 }

// secJWT: header.payload.signature, each base64url, header and payload
// JSON objects ("ey" is the encoding of `{"`), and the header, decoded,
// names its algorithm ("alg") or type ("typ").
func secJWT(s *secScan, start, end int) {
	t := s.text
	if start > 0 && secIsWord(t[start-1]) {
		return
	}
	i := end
	for i < len(t) && secIsB64URL(t[i]) {
		i++
	}
	hdrEnd := i
	if hdrEnd-start < 19 || i+3 > len(t) || t[i] != '.' || t[i+1] != 'e' || t[i+2] != 'y' {
		return
	}
	p := i + 1
	i = p
	for i < len(t) && secIsB64URL(t[i]) {
		i++
	}
	if i-p < 19 || i >= len(t) || t[i] != '.' {
		return
	}
	i++
	sig := i
	for i < len(t) && secIsB64URL(t[i]) {
		i++
	}
	if n := i - sig; n > 0 && n < 10 {
		return
	}
	for k := 0; k < 2 && i > sig && i < len(t) && t[i] == '='; k++ {
		i++
	}
	if i < len(t) && (t[i] == '+' || t[i] == '/' || t[i] == '.') {
		return // part of a longer base64 or dotted string
	}
	var buf [768]byte
	hdr := secB64Decode(buf[:], t[start:hdrEnd])
	if len(hdr) == 0 || hdr[0] != '{' {
		return
	}
	conf := 0.0
	switch {
	case secContains(hdr, `"alg"`):
		conf = 0.95
	case secContains(hdr, `"typ"`):
		conf = 0.8
	default:
		return
	}
	if s.entropy(t[start:i]) < 3 {
		return
	}
	s.add("jwt", prioToken, start, i, conf)
}

func secContains(b []byte, sub string) bool {
	for i := 0; i+len(sub) <= len(b); i++ {
		if string(b[i:i+len(sub)]) == sub {
			return true
		}
	}
	return false
}

// secB64Decode decodes base64 or base64url (padding optional) into dst,
// stopping when dst is full or at the first byte outside the alphabet.
func secB64Decode(dst []byte, src string) []byte {
	n := 0
	var acc uint32
	bits := 0
	for i := 0; i < len(src) && n < len(dst); i++ {
		c := src[i]
		var v byte
		switch {
		case c >= 'A' && c <= 'Z':
			v = c - 'A'
		case c >= 'a' && c <= 'z':
			v = c - 'a' + 26
		case c >= '0' && c <= '9':
			v = c - '0' + 52
		case c == '-' || c == '+':
			v = 62
		case c == '_' || c == '/':
			v = 63
		default:
			return dst[:n]
		}
		acc = acc<<6 | uint32(v)
		bits += 6
		if bits >= 8 {
			bits -= 8
			dst[n] = byte(acc >> uint(bits))
			n++
		}
	}
	return dst[:n]
}

// secPEM: -----BEGIN ... PRIVATE KEY----- <at least 64 bytes> -----END ... KEY-----.
func secPEM(s *secScan, start, end int) {
	t := s.text
	lim := end + 112
	if lim > len(t) {
		lim = len(t)
	}
	k := strings.Index(t[end:lim], "PRIVATE KEY")
	if k < 0 {
		return
	}
	for _, c := range []byte(t[end : end+k]) {
		if !(c == ' ' || c == '_' || c == '-' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return
		}
	}
	i := end + k + len("PRIVATE KEY")
	if strings.HasPrefix(t[i:], " BLOCK") {
		i += len(" BLOCK")
	}
	if !strings.HasPrefix(t[i:], "-----") {
		return
	}
	body := i + 5
	lim = body + 1<<16
	if lim > len(t) {
		lim = len(t)
	}
	e := strings.Index(t[body:lim], "-----END")
	if e < 0 {
		return
	}
	bodyEnd := body + e
	b64 := 0
	for j := body; j < bodyEnd; j++ {
		if c := t[j]; secIsAlnum(c) || c == '+' || c == '/' {
			b64++
		}
	}
	if bodyEnd-body < 64 || b64 < 48 {
		return
	}
	j := bodyEnd + len("-----END")
	lim = j + 100
	if lim > len(t) {
		lim = len(t)
	}
	m := strings.Index(t[j:lim], "-----")
	if m < 0 {
		return
	}
	close := t[j : j+m]
	if !strings.HasSuffix(close, "KEY") && !strings.HasSuffix(close, "KEY BLOCK") {
		return
	}
	s.add("private-key", prioToken, start, j+m+5, 0.99)
}

// secCurl: credentials given to curl with -u/--user or in an
// Authorization / *-Key / *-Token header (-H/--header), on the curl line or
// up to five continuation lines after it.
func secCurl(s *secScan, start, end int) {
	t := s.text
	if start > 0 && secIsWord(t[start-1]) || end < len(t) && secIsWord(t[end]) {
		return
	}
	lim, lines := end, 0
	for lim < len(t) && lim-end < 4096 {
		if t[lim] == '\n' {
			lines++
			if lines > 5 {
				break
			}
		}
		lim++
	}
	for i := end; i+2 < lim; i++ {
		if c := t[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' || t[i+1] != '-' {
			continue
		}
		j := i + 1
		var user bool
		switch {
		case strings.HasPrefix(t[j:lim], "--user"):
			user, j = true, j+6
		case strings.HasPrefix(t[j:lim], "--header"):
			j += 8
		case strings.HasPrefix(t[j:lim], "-u"):
			user, j = true, j+2
		case strings.HasPrefix(t[j:lim], "-H"):
			j += 2
		default:
			continue
		}
		if j < lim && t[j] == '=' {
			j++
		} else {
			for k := 0; k < 5 && j < lim && (t[j] == ' ' || t[j] == '\t'); k++ {
				j++
			}
		}
		if j >= lim {
			return
		}
		if user {
			s.curlUser(j, lim)
		} else {
			s.curlHeader(j, lim)
		}
	}
}

func secIsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// secQuoted returns the offset of the quote closing the quote at t[i], on
// the same line, or -1.
func secQuoted(t string, i, lim int) int {
	q := t[i]
	for j := i + 1; j < lim; j++ {
		if t[j] == q {
			return j
		}
		if t[j] == '\n' {
			return -1
		}
	}
	return -1
}

func (s *secScan) curlUser(j, lim int) {
	t := s.text
	endOK := func(k int) bool { return k >= len(t) || secIsSpace(t[k]) }
	// Whole credential in one quoted string.
	if t[j] == '"' || t[j] == '\'' {
		if q := secQuoted(t, j, lim); q > 0 && endOK(q+1) {
			in := t[j+1 : q]
			c := strings.IndexByte(in, ':')
			if c >= 0 {
				u, p := in[:c], in[c+1:]
				if t[j] == '"' && (u == "" && len(p) >= 3 || len(u) >= 3 && p == "" || len(u) >= 3 && len(p) >= 3) ||
					t[j] == '\'' && len(u) >= 3 && len(p) >= 3 {
					s.curlCred(t[j:q+1], u, p, j+1, q)
				}
				return
			}
		}
	}
	// user:pass with each side quoted or bare.
	part := func(k int, pass bool) int {
		if k >= lim {
			return -1
		}
		if t[k] == '"' || t[k] == '\'' {
			q := secQuoted(t, k, lim)
			if q < 0 || q-k-1 < 3 {
				return -1
			}
			return q + 1
		}
		e := k
		for e < lim && (secIsWord(t[e]) || t[e] == '$' || t[e] == '@' || t[e] == '.' || t[e] == '-' || pass && (t[e] == '{' || t[e] == '}')) {
			e++
		}
		if e == k {
			return -1
		}
		return e
	}
	ue := part(j, false)
	if ue < 0 || ue >= lim || t[ue] != ':' {
		return
	}
	pe := part(ue+1, true)
	if pe < 0 || !endOK(pe) {
		return
	}
	s.curlCred(t[j:pe], secUnquote(t[j:ue]), secUnquote(t[ue+1:pe]), j, pe)
}

func secUnquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// curlCred applies the allowlist of placeholders and templates to a curl
// user:password and records it.
func (s *secScan) curlCred(whole, u, p string, start, end int) {
	for _, w := range [...]string{"changeit", "changeme", "pass", "pwd", "test", "token"} {
		if secHasPrefixFold(p, w) {
			return
		}
	}
	if p != "" && (strings.Trim(p, "*") == "" || strings.Trim(p, "xX") == "") {
		return
	}
	for _, v := range [...]string{u, p} {
		if v == "" {
			continue
		}
		if v[0] == '$' || v[0] == '<' || v[0] == '[' || strings.Contains(v, "${") || strings.Contains(v, "{{") || strings.Contains(v, "$(") {
			return
		}
	}
	if s.entropy(whole) < 2 {
		return
	}
	s.add("curl-auth-user", prioContext, start, end, 0.8)
}

func secHasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if secLower(s[i]) != prefix[i] {
			return false
		}
	}
	return true
}

func secIsHeaderValueByte(c byte) bool {
	return secIsWord(c) || c == '=' || c == '~' || c == '@' || c == '.' || c == '+' || c == '/' || c == '-'
}

func (s *secScan) curlHeader(j, lim int) {
	t := s.text
	if t[j] != '"' && t[j] != '\'' {
		return
	}
	q := secQuoted(t, j, lim)
	if q < 0 {
		return
	}
	in := t[j+1 : q]
	c := strings.IndexByte(in, ':')
	if c <= 0 {
		return
	}
	name, v := in[:c], in[c+1:]
	vs := j + 1 + c + 1
	skip := func() {
		for k := 0; k < 5 && len(v) > 0 && (v[0] == ' ' || v[0] == '\t'); k++ {
			v = v[1:]
			vs++
		}
	}
	skip()
	basic := false
	if secEqualFold(name, "authorization") {
		for _, sch := range [...]string{"basic", "bearer", "api-token", "token"} {
			if secHasPrefixFold(v, sch) && len(v) > len(sch) && (v[len(sch)] == ' ' || v[len(sch)] == '\t') {
				basic = sch == "basic"
				v = v[len(sch)+1:]
				vs += len(sch) + 1
				break
			}
		}
	} else if !secHeaderIsKey(name) {
		return
	}
	if len(v) < 8 {
		return
	}
	for k := 0; k < len(v); k++ {
		ch := v[k]
		if basic {
			if !(secIsAlnum(ch) || ch == '+' || ch == '/' || ch == '=' && k >= len(v)-3) {
				return
			}
		} else if !secIsHeaderValueByte(ch) {
			return
		}
	}
	if s.entropy(v) < 2.75 || s.placeholder(v) {
		return
	}
	s.add("curl-auth-header", prioContext, vs, q, 0.8)
}

// secHeaderIsKey reports header names like X-Api-Key, apikey, Api-Token,
// X-Octopus-ApiKey, Token: (X-([a-z]+-)?)?(Api-?)?(Key|Token).
func secHeaderIsKey(n string) bool {
	if secHasPrefixFold(n, "x-") {
		n = n[2:]
		if d := strings.IndexByte(n, '-'); d > 0 {
			n = n[d+1:]
		}
	}
	if secHasPrefixFold(n, "api") {
		n = n[3:]
		if strings.HasPrefix(n, "-") {
			n = n[1:]
		}
	}
	return secEqualFold(n, "key") || secEqualFold(n, "token")
}

func secEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if secLower(a[i]) != secLower(b[i]) {
			return false
		}
	}
	return true
}

// secURL: a password in the userinfo of a URL (scheme://user:pass@host).
func secURL(s *secScan, start, end int) {
	t := s.text
	a := start
	for a > 0 && start-a < 32 && (secIsAlnum(t[a-1]) || t[a-1] == '+' || t[a-1] == '-' || t[a-1] == '.') {
		a--
	}
	if start-a < 2 {
		return
	}
	// The authority runs to the first /, ?, #, white space, quote or bracket;
	// the userinfo to its last '@'.
	at, colon := -1, -1
	i := end
	for ; i < len(t) && i-end < 512; i++ {
		c := t[i]
		if c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' || c == '\\' || secIsSpace(c) {
			break
		}
		if c == '@' {
			at = i
		}
		if c == ':' && colon < 0 && at < 0 {
			colon = i
		}
	}
	if at < 0 || colon < 0 || colon > at || i == at+1 {
		return
	}
	user, pass := t[end:colon], t[colon+1:at]
	if user == "" || pass == "" {
		return
	}
	for _, v := range [...]string{user, pass} {
		switch v[0] {
		case '$', '{', '<', '%', '*', '[':
			return
		}
	}
	if strings.Trim(pass, "*xX") == "" {
		return
	}
	host := t[at+1 : i]
	if h := strings.IndexByte(host, ':'); h >= 0 {
		host = host[:h]
	}
	if secEqualFold(host, "gems.contribsys.com") || secEqualFold(host, "enterprise.contribsys.com") {
		s.add("sidekiq-sensitive-url", prioContext, end, at, 0.95)
		return
	}
	conf := 0.9
	for _, w := range [...]string{"password", "pass", "passwd", "pwd", "secret", "changeme", "changeit"} {
		if secEqualFold(pass, w) {
			conf = 0.5
		}
	}
	s.add("url-credentials", prioContext, colon+1, at, conf)
}

// secAzureClientSecret: Azure AD client secrets have a digit and "Q~" after
// three characters: [a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34}.
func secAzureClientSecret(s *secScan, start, end int) {
	t := s.text
	b := start - 4
	if b < 0 || !secIsDigitByte(t[start-1]) {
		return
	}
	azure := func(c byte) bool { return secIsWord(c) || c == '~' || c == '.' }
	for k := b; k < start-1; k++ {
		if !azure(t[k]) {
			return
		}
	}
	if b > 0 && !strings.ContainsRune("\\'\"`>=:(,) \t\r\n\f\v", rune(t[b-1])) {
		return
	}
	i := end
	for i < len(t) && i-end < 34 && (azure(t[i]) || t[i] == '-') {
		i++
	}
	if i-end < 31 {
		return
	}
	if i < len(t) && !strings.ContainsRune("\\'\"`<), \t\r\n\f\v", rune(t[i])) {
		return
	}
	if s.entropy(t[b:i]) < 3 {
		return
	}
	s.add("azure-ad-client-secret", prioToken, b, i, 0.9)
}

// secGCPServiceAccount: "type": "service_account" marks a service-account
// key file (whose private key the PEM rule reports).
func secGCPServiceAccount(s *secScan, start, end int) {
	t := s.text
	i := start
	for i > 0 && (t[i-1] == ' ' || t[i-1] == '\t') {
		i--
	}
	if i == 0 || t[i-1] != ':' {
		return
	}
	i--
	for i > 0 && (t[i-1] == ' ' || t[i-1] == '\t') {
		i--
	}
	if i < 6 || t[i-6:i] != `"type"` {
		return
	}
	s.add("gcp-service-account", prioContext, start+1, end-1, 0.6)
}

// secFacebookToken: an app access token app-id|secret after the word facebook.
func secFacebookToken(s *secScan, start, end int) {
	t := s.text
	lim := end + 64
	if lim > len(t) {
		lim = len(t)
	}
	for i := end; i < lim; i++ {
		if !secIsDigitByte(t[i]) || i > 0 && secIsWord(t[i-1]) {
			continue
		}
		j := i
		for j < len(t) && secIsDigitByte(t[j]) {
			j++
		}
		if n := j - i; n < 15 || n > 16 || j >= len(t) || t[j] != '|' && t[j] != '%' {
			i = j
			continue
		}
		k := j + 1
		for k < len(t) && k-j-1 < 40 && (secIsAlnum(t[k]) || t[k] == '-' || t[k] == '_') {
			k++
		}
		if k-j-1 < 27 || !secIsGLEnd(t, k) || s.entropy(t[i:k]) < 3 {
			return
		}
		s.add("facebook-access-token", prioToken, i, k, 0.85)
		return
	}
}

// secTerraform: [a-z0-9]{14}.atlasv1.[a-z0-9_=-]{60,70}.
func secTerraform(s *secScan, start, end int) {
	t := s.text
	b := start - 14
	if b < 0 {
		return
	}
	for k := b; k < start; k++ {
		if !secIsAlnum(t[k]) {
			return
		}
	}
	i := end
	for i < len(t) && i-end < 70 && (secIsWord(t[i]) || t[i] == '-' || t[i] == '=') {
		i++
	}
	if i-end < 60 || s.entropy(t[b:i]) < 3.5 {
		return
	}
	s.add("hashicorp-tf-api-token", prioToken, b, i, 0.9)
}

// secMaxMind: [A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk.
func secMaxMind(s *secScan, start, end int) {
	t := s.text
	b := start - 36
	if b < 0 || b > 0 && secIsWord(t[b-1]) || t[b+6] != '_' || !secIsGLEnd(t, end) {
		return
	}
	for k := b; k < start; k++ {
		if k != b+6 && !secIsAlnum(t[k]) {
			return
		}
	}
	if s.entropy(t[b:end]) < 4 {
		return
	}
	s.add("maxmind-license-key", prioToken, b, end, 0.9)
}

// secBearer: the credential of an HTTP bearer authorization anywhere in
// the text ("Authorization: Bearer <token>").
func secBearer(s *secScan, start, end int) {
	t := s.text
	if start > 0 && secIsWord(t[start-1]) {
		return
	}
	i := end
	for i < len(t) && secIsHeaderValueByte(t[i]) {
		i++
	}
	v := t[end:i]
	if len(v) < 20 || s.placeholder(v) || s.entropy(v) < 3.5 || !secHasDigitStr(v) {
		return
	}
	s.add("bearer-token", prioContext, end, i, 0.7)
}

// ---- validators for token rules ----

// secAWSKeyID rejects AWS's documented example keys (…EXAMPLE), which
// gitleaks also allows.
func secAWSKeyID(v string) (float64, bool) {
	return 0, !strings.HasSuffix(v, "EXAMPLE")
}

func secHasDigitStr(v string) bool {
	for i := 0; i < len(v); i++ {
		if secIsDigitByte(v[i]) {
			return true
		}
	}
	return false
}

func secHasDigit(v string) (float64, bool) { return 0, secHasDigitStr(v) }

func secSentryOrg(v string) (float64, bool) {
	return 0, strings.Contains(v, "LCJyZWdpb25fdXJs") || strings.Contains(v, "InJlZ2lvbl91cmwi") || strings.Contains(v, "cmVnaW9uX3VybCI6")
}

// secGitHubChecksum verifies the checksum of GitHub's current token
// format: the last 6 characters are the base62 CRC32 of the 30 before
// them. A valid checksum raises confidence; an invalid one keeps the rule's
// (older or synthetic tokens still look like tokens).
func secGitHubChecksum(v string) (float64, bool) {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	if len(v) != 40 {
		return 0, true
	}
	// crc32.ChecksumIEEE on a string conversion would allocate.
	c := ^uint32(0)
	for i := 4; i < 34; i++ {
		c = crc32.IEEETable[byte(c)^v[i]] ^ c>>8
	}
	c = ^c
	var enc [6]byte
	for i := 5; i >= 0; i-- {
		enc[i] = alphabet[c%62]
		c /= 62
	}
	if string(enc[:]) == v[34:] {
		return 0.99, true
	}
	return 0, true
}
