package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"math/bits"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/wardgate/ward/plugins/auth/token"
	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
)

// Denial of every failed authentication. The client learns nothing about
// which check failed; the reason (audit only) does.
const (
	denyStatus  = 401
	denyCode    = "auth.unauthenticated"
	denyMessage = "authentication required"
)

// Identity annotations set on allow.
const (
	annMethod  = "identity.method"
	annSubject = "identity.subject"
	annKeyID   = "identity.key_id"
	annRoles   = "identity.roles"
)

var defaultHeaders = []string{"authorization", "x-api-key"}

// clockFloor is the earliest plausible wall-clock time. A guard without
// the clock grant sees either the Unix epoch or wazero's fake clock
// (2022-01-01T00:00:00Z plus 1 ms a reading): both are before it.
var clockFloor = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

var schema = map[string]string{
	"headers":           `list of lower-case header names, default ["authorization","x-api-key"]: where credentials are read, first present wins ("Authorization: Bearer X"; other headers carry the raw credential)`,
	"strip_credentials": "bool, default true: remove the credential headers from the request on allow",
	"realm":             `string, default "ward": realm of the WWW-Authenticate challenge`,
	"leeway":            `duration, default "30s": clock skew allowed on exp/nbf/iat`,
	"api_keys":          "list of tables {id, sha256 (hex SHA-256 of the key), subject, roles, expires (RFC 3339)}",
	"tokens":            "table {secret (base64, >= 32 bytes)}: accept Ward access tokens (ward token issue)",
	"jwt":               `table {issuer, audience, algorithms, hmac_secret, keys [{kid, pem}], jwks, subject_claim ("sub"), roles_claim ("roles")}`,
}

// apiKey is one configured key, stored by the hash of its value.
type apiKey struct {
	id, subject, roles string // roles comma-joined
	hash               [sha256.Size]byte
	expires            time.Time // zero: never
}

// auth is the configured guard. configure writes it once; handlers only
// read it (one call at a time per instance).
type auth struct {
	now         func() time.Time
	headers     []string
	strip       bool
	challenge   string // WWW-Authenticate value
	leeway      time.Duration
	keys        []apiKey
	tokenSecret []byte
	jwt         *jwtVerifier
	cache       *credCache // accepted credentials; new with every configure
}

// New returns the guard reading the wall clock through time.Now.
//
// New is what module/main.go registers as a module of its own and
// plugins/builtin as one of the built-in guards.
func New() ward.Guard { return newGuardClock(time.Now) }

// newGuardClock returns the guard with its own state and clock, so that
// every Instance (in tests) or module (in Wasm) is independent.
func newGuardClock(now func() time.Time) ward.Guard {
	_, g := newAuthGuard(now)
	return g
}

// newAuthGuard is newGuardClock that also returns the guard's state (for
// tests).
func newAuthGuard(now func() time.Time) (*auth, ward.Guard) {
	a := &auth{now: now}
	return a, ward.Guard{
		Name:         "auth",
		Version:      "1.0.0",
		ConfigSchema: schema,
		Configure:    a.configure,
		Request:      a.request,
		ZeroCopy:     true, // request keeps no string of the exchange
		// The credential is in a header; nothing else of the exchange is read.
		Reads: ward.ReadHeaders,
	}
}

func (a *auth) configure(c *ward.Config) error {
	if now := a.now(); now.Before(clockFloor) {
		return &ward.ConfigError{Msg: "the guard has no wall clock (it reads " + now.UTC().Format(time.RFC3339) +
			`): add grants = ["clock"] to its guard table`}
	}
	n := auth{now: a.now, cache: newCredCache()}
	var err error
	if n.headers, err = c.Strings("headers", defaultHeaders); err != nil {
		return err
	}
	if len(n.headers) == 0 {
		return c.Errorf("headers", "must not be empty (omit it for the default)")
	}
	for i, h := range n.headers {
		if !validHeaderName(h) {
			return c.Errorf("headers["+strconv.Itoa(i)+"]", "%q is not a lower-case header name", h)
		}
		for _, prev := range n.headers[:i] {
			if prev == h {
				return c.Errorf("headers["+strconv.Itoa(i)+"]", "duplicate header %q", h)
			}
		}
	}
	if n.strip, err = c.Bool("strip_credentials", true); err != nil {
		return err
	}
	realm, err := c.String("realm", "ward")
	if err != nil {
		return err
	}
	if realm == "" || strings.ContainsAny(realm, `"\`) || !printableASCII(realm) {
		return c.Errorf("realm", "must be non-empty printable ASCII without quotes or backslashes")
	}
	n.challenge = `Bearer realm="` + realm + `"`
	if n.leeway, err = c.Duration("leeway", 30*time.Second); err != nil {
		return err
	}
	if n.leeway < 0 || n.leeway > 10*time.Minute {
		return c.Errorf("leeway", "must be between 0s and 10m, got %s", n.leeway)
	}
	if n.keys, err = parseAPIKeys(c); err != nil {
		return err
	}
	tc, err := c.Table("tokens")
	if err != nil {
		return err
	}
	if c.Has("tokens") {
		if n.tokenSecret, err = secretKey(tc, "secret", token.MinSecretLen); err != nil {
			return err
		}
	}
	jc, err := c.Table("jwt")
	if err != nil {
		return err
	}
	if c.Has("jwt") {
		if n.jwt, err = parseJWTConfig(jc); err != nil {
			return err
		}
	}
	if !c.Has("api_keys") && !c.Has("tokens") && !c.Has("jwt") {
		return &ward.ConfigError{Msg: "configure at least one of api_keys, tokens, jwt"}
	}
	*a = n
	return nil
}

// validHeaderName: identity headers are named as the host passes them, a
// lower-case HTTP token.
func validHeaderName(h string) bool { return abi.HeaderToken(h) && strings.ToLower(h) == h }

// credentialShape reports whether cred is printable ASCII without spaces
// and counts its dots, in one pass (a JWT is up to 8 KiB, and each pass
// over it costs microseconds inside Wasm).
//
// Eight bytes at a time (SWAR): a block passes when no byte is below '!'
// or above '~' (exact tests: the borrow or carry of one byte can only
// spill into a byte above it after a byte already found), and its dots
// are the bytes equal to '.', found exactly per byte. The rest byte by
// byte. TestCredentialShape compares it with the byte loop.
func credentialShape(cred string) (dots int, clean bool) {
	const ones, highs uint64 = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(cred); i += 8 {
		x := *(*uint64)(unsafe.Pointer(unsafe.StringData(cred[i:])))
		low := (x - '!'*ones) &^ x & highs        // some byte < '!'
		high := (x + (0x7f-'~')*ones | x) & highs // some byte > '~'
		if low|high != 0 {
			return 0, false
		}
		y := x ^ '.'*ones // zero where a dot was
		dots += bits.OnesCount64(^((y&^highs + ^highs) | y | ^highs))
	}
	for ; i < len(cred); i++ {
		c := cred[i]
		if c <= ' ' || c > '~' {
			return 0, false
		}
		if c == '.' {
			dots++
		}
	}
	return dots, true
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// secretKey decodes a base64 (standard or URL alphabet, padded or not)
// secret of at least minLen bytes.
func secretKey(c *ward.Config, key string, minLen int) ([]byte, error) {
	if !c.Has(key) {
		return nil, c.Errorf(key, "required")
	}
	s, err := c.String(key, "")
	if err != nil {
		return nil, err
	}
	b, ok := decodeBase64(strings.TrimSpace(s))
	if !ok {
		return nil, c.Errorf(key, "not base64")
	}
	if len(b) < minLen {
		return nil, c.Errorf(key, "decodes to %d bytes, want at least %d (try: head -c 32 /dev/urandom | base64)", len(b), minLen)
	}
	return b, nil
}

func decodeBase64(s string) ([]byte, bool) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.Strict().DecodeString(s); err == nil && !strings.ContainsAny(s, "\r\n") {
			return b, true
		}
	}
	return nil, false
}

// decodeHex decodes s, hex digits of either case, into dst, which it must
// fill exactly. (encoding/hex would link fmt into the guard, for its error
// type.)
func decodeHex(dst []byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := hexVal(s[2*i])
		lo, ok2 := hexVal(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// tableList reads key as a list of tables, checking each table's keys
// against known.
func tableList(c *ward.Config, key string, known ...string) ([]map[string]any, error) {
	v, ok := c.Raw(key)
	if !ok {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, c.Errorf(key, "want array of tables")
	}
	out := make([]map[string]any, len(arr))
	for i, e := range arr {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, c.Errorf(key+"["+strconv.Itoa(i)+"]", "want table")
		}
		for k := range m {
			if !contains(known, k) {
				return nil, c.Errorf(key+"["+strconv.Itoa(i)+"]."+k, "unknown key (known: %s)", strings.Join(known, ", "))
			}
		}
		out[i] = m
	}
	return out, nil
}

// field reads a string field of an element of a table list.
func field(c *ward.Config, path string, m map[string]any, name string, required bool) (string, error) {
	v, ok := m[name]
	if !ok {
		if required {
			return "", c.Errorf(path+"."+name, "required")
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", c.Errorf(path+"."+name, "want string")
	}
	return s, nil
}

func parseAPIKeys(c *ward.Config) ([]apiKey, error) {
	list, err := tableList(c, "api_keys", "id", "sha256", "subject", "roles", "expires")
	if err != nil {
		return nil, err
	}
	if c.Has("api_keys") && len(list) == 0 {
		return nil, c.Errorf("api_keys", "must not be empty (omit it to accept no API keys)")
	}
	keys := make([]apiKey, 0, len(list))
	for i, m := range list {
		path := "api_keys[" + strconv.Itoa(i) + "]"
		var k apiKey
		if k.id, err = field(c, path, m, "id", true); err != nil {
			return nil, err
		}
		if k.id == "" || !token.CleanText(k.id) {
			return nil, c.Errorf(path+".id", "must be non-empty text without control characters")
		}
		h, err := field(c, path, m, "sha256", true)
		if err != nil {
			return nil, err
		}
		if !decodeHex(k.hash[:], h) {
			return nil, c.Errorf(path+".sha256", "want 64 hex digits: the SHA-256 of the key (printf %%s \"$KEY\" | sha256sum)")
		}
		if k.subject, err = field(c, path, m, "subject", false); err != nil {
			return nil, err
		}
		if k.subject == "" {
			k.subject = k.id
		}
		if !token.CleanText(k.subject) {
			return nil, c.Errorf(path+".subject", "must be text without control characters")
		}
		if rv, ok := m["roles"]; ok {
			arr, ok := rv.([]any)
			if !ok {
				return nil, c.Errorf(path+".roles", "want array of strings")
			}
			roles := make([]string, len(arr))
			for j, e := range arr {
				r, ok := e.(string)
				if !ok || r == "" || !token.CleanText(r) || strings.ContainsAny(r, ", ") {
					return nil, c.Errorf(path+".roles["+strconv.Itoa(j)+"]", "want a non-empty role without commas, spaces or control characters")
				}
				roles[j] = r
			}
			k.roles = strings.Join(roles, ",")
		}
		exp, err := field(c, path, m, "expires", false)
		if err != nil {
			return nil, err
		}
		if exp != "" {
			if k.expires, err = time.Parse(time.RFC3339, exp); err != nil {
				return nil, c.Errorf(path+".expires", "want an RFC 3339 time such as 2026-12-31T23:59:59Z, got %q", exp)
			}
		}
		for j, prev := range keys {
			if prev.id == k.id {
				return nil, c.Errorf(path+".id", "duplicate id (also api_keys[%d])", j)
			}
			if prev.hash == k.hash {
				return nil, c.Errorf(path+".sha256", "duplicate key (also api_keys[%d])", j)
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func parseJWTConfig(c *ward.Config) (*jwtVerifier, error) {
	jv := &jwtVerifier{algs: map[string]bool{}}
	var err error
	if jv.issuer, err = c.String("issuer", ""); err != nil {
		return nil, err
	}
	if jv.audience, err = c.Strings("audience", nil); err != nil {
		return nil, err
	}
	algs, err := c.Strings("algorithms", allAlgs)
	if err != nil {
		return nil, err
	}
	if len(algs) == 0 {
		return nil, c.Errorf("algorithms", "must not be empty (omit it for all supported)")
	}
	var wantHMAC, wantAsym bool
	for i, name := range algs {
		a, ok := lookupAlg(name)
		if !ok {
			return nil, c.Errorf("algorithms["+strconv.Itoa(i)+"]", "unsupported algorithm %q (want %s)", name, strings.Join(allAlgs, "|"))
		}
		jv.algs[name] = true
		wantHMAC = wantHMAC || a.hmac
		wantAsym = wantAsym || !a.hmac
	}
	if c.Has("hmac_secret") {
		if jv.hmacSecret, err = secretKey(c, "hmac_secret", 32); err != nil {
			return nil, err
		}
	}
	list, err := tableList(c, "keys", "kid", "pem")
	if err != nil {
		return nil, err
	}
	for i, m := range list {
		path := "keys[" + strconv.Itoa(i) + "]"
		kid, err := field(c, path, m, "kid", false)
		if err != nil {
			return nil, err
		}
		p, err := field(c, path, m, "pem", true)
		if err != nil {
			return nil, err
		}
		k, err := parsePEMKey(p)
		if err != nil {
			return nil, c.Errorf(path+".pem", "%s", err)
		}
		k.kid = kid
		jv.keys = append(jv.keys, k)
	}
	doc, err := c.String("jwks", "")
	if err != nil {
		return nil, err
	}
	if c.Has("jwks") {
		keys, bad, err := parseJWKS(doc)
		if err != nil {
			if bad >= 0 {
				return nil, c.Errorf("jwks", "keys[%d]: %s", bad, err)
			}
			return nil, c.Errorf("jwks", "%s", err)
		}
		jv.keys = append(jv.keys, keys...)
	}
	for i := range jv.keys {
		if len(jv.keys) > 1 && jv.keys[i].kid == "" {
			return nil, c.Errorf("keys", "every key needs a kid when there are several (key %d has none)", i)
		}
		for j := range jv.keys[:i] {
			if jv.keys[j].kid == jv.keys[i].kid {
				return nil, c.Errorf("keys", "duplicate kid %q", jv.keys[i].kid)
			}
		}
	}
	if len(jv.hmacSecret) == 0 && len(jv.keys) == 0 {
		return nil, &ward.ConfigError{Key: "jwt", Msg: "needs hmac_secret, keys or jwks"}
	}
	// Only keep algorithms that have a key: "alg_not_allowed" then says
	// exactly that the configuration cannot verify it.
	if len(jv.hmacSecret) == 0 {
		for _, a := range []string{"HS256", "HS384", "HS512"} {
			delete(jv.algs, a)
		}
	} else if !wantHMAC {
		return nil, c.Errorf("hmac_secret", "set, but algorithms lists no HS* algorithm")
	}
	if len(jv.keys) == 0 {
		for _, a := range allAlgs {
			if alg, _ := lookupAlg(a); !alg.hmac {
				delete(jv.algs, a)
			}
		}
	} else if !wantAsym {
		return nil, c.Errorf("algorithms", "lists no asymmetric algorithm, but keys are configured")
	}
	if jv.subjectClaim, err = c.String("subject_claim", "sub"); err != nil {
		return nil, err
	}
	if jv.rolesClaim, err = c.String("roles_claim", "roles"); err != nil {
		return nil, err
	}
	if jv.subjectClaim == "" || jv.rolesClaim == "" {
		return nil, c.Errorf("subject_claim", "claim names must not be empty")
	}
	return jv, nil
}

// request authenticates the exchange from the first configured header that
// is present and non-empty. On success it annotates the identity and (with
// strip_credentials) removes every configured credential header; on
// failure it denies with 401 and a reason naming the failed check.
func (a *auth) request(x *ward.Exchange, v *ward.Verdict) {
	// One pass over the configured names and the headers finds the
	// credential (the first name, in configured order, present with a
	// value: the first such header) and notes which of the first 64 names
	// are present, for strip_credentials. Inside Wasm every comparison and
	// loop turn costs, and the strip used to redo the whole scan.
	var header, cred string
	var present uint64 // bit i: a.headers[i] (i < 64) is present
	for ni, name := range a.headers {
		for i := range x.Headers {
			if k := x.Headers[i].Key; sameString(k, name) || strings.EqualFold(k, name) {
				present |= 1 << ni // 0 for ni >= 64: stripRest scans again
				if header == "" && x.Headers[i].Value != "" {
					header, cred = name, x.Headers[i].Value
				}
			}
		}
	}
	if header == "" {
		a.deny(v, "no credentials")
		return
	}
	if sameString(header, "authorization") {
		var ok bool
		if cred, ok = bearerCredential(cred); !ok {
			a.deny(v, "authorization: not a Bearer credential")
			return
		}
	}
	dots, clean := credentialShape(cred)
	if cred == "" || len(cred) > jwtMaxLen || !clean {
		a.deny(v, header+": malformed credential")
		return
	}
	// The clock is read only by a check that needs it (an expiring
	// credential): reading it is a call out of the guest.
	if e := a.cache.get(cred, a.now); e != nil {
		a.allow(v, e.method, e.subject, e.keyID, e.roles)
	} else if !a.verify(v, cred, dots) {
		return
	}
	if a.strip {
		// Every configured header present is removed, in configured order.
		names := a.headers
		for ni := range min(len(names), 64) {
			if present>>ni&1 != 0 {
				v.SetHeader(names[ni], "")
			}
		}
		if len(names) > 64 {
			stripRest(x, v, names[64:])
		}
	}
}

// stripRest removes the headers of names present in x: the strip of the
// configured names past the 64 that request notes in one pass.
func stripRest(x *ward.Exchange, v *ward.Verdict, names []string) {
	for _, name := range names {
		for i := range x.Headers {
			if k := x.Headers[i].Key; sameString(k, name) || strings.EqualFold(k, name) {
				v.SetHeader(name, "")
				break
			}
		}
	}
}

// bearerCredential returns the credential of an Authorization value
// "Bearer X" (the scheme in any case, X after the spaces that follow it),
// and whether the value has that scheme: what strings.Cut(value, " "),
// strings.EqualFold(scheme, "bearer") and strings.TrimLeft(rest, " ")
// give, without their calls (each costs inside Wasm). The scheme is
// compared byte by byte in ASCII: no other rune folds to a letter of
// "bearer" (only 'k' and 's' have non-ASCII folds).
func bearerCredential(value string) (string, bool) {
	if len(value) < 7 || value[6] != ' ' || value[0]|0x20 != 'b' || value[1]|0x20 != 'e' || value[2]|0x20 != 'a' ||
		value[3]|0x20 != 'r' || value[4]|0x20 != 'e' || value[5]|0x20 != 'r' {
		return "", false
	}
	i := 7
	for i < len(value) && value[i] == ' ' {
		i++
	}
	return value[i:], true
}

// verify authenticates cred the slow way (the cache missed): it allows or
// denies v and reports whether it allowed. An accepted credential is
// cached with the time checks its acceptance depended on.
func (a *auth) verify(v *ward.Verdict, cred string, dots int) bool {
	var e cacheEntry
	switch {
	case strings.HasPrefix(cred, token.Prefix):
		if a.tokenSecret == nil {
			a.deny(v, "ward_token: not accepted")
			return false
		}
		c, err := token.Verify(a.tokenSecret, cred, a.now(), a.leeway)
		if err != nil {
			code := "invalid"
			if te, ok := err.(*token.Error); ok {
				code = te.Code
			}
			a.deny(v, "ward_token: "+code)
			return false
		}
		e = cacheEntry{method: "ward_token", subject: c.Subject, keyID: c.ID, roles: strings.Join(c.Roles, ","),
			expires: c.ExpiresAt, notBefore: c.IssuedAt, leeway: a.leeway}
	case dots == 2 && strings.HasPrefix(cred, "eyJ"):
		if a.jwt == nil {
			a.deny(v, "jwt: not accepted")
			return false
		}
		id, err := a.jwt.verify(cred, a.now(), a.leeway)
		if err != nil {
			a.deny(v, err.Error())
			return false
		}
		e = cacheEntry{method: "jwt", subject: id.subject, keyID: id.kid, roles: id.roles,
			expires: id.exp, notBefore: id.notBefore, leeway: a.leeway}
	default:
		if len(a.keys) == 0 {
			a.deny(v, "api_key: not accepted")
			return false
		}
		k := a.lookupKey(cred)
		if k == nil {
			a.deny(v, "api_key: unknown")
			return false
		}
		if !k.expires.IsZero() && !a.now().Before(k.expires) {
			a.deny(v, "api_key: expired")
			return false
		}
		e = cacheEntry{method: "api_key", subject: k.subject, keyID: k.id, roles: k.roles, expires: k.expires}
	}
	a.allow(v, e.method, e.subject, e.keyID, e.roles)
	a.cache.put(cred, e)
	return true
}

// lookupKey hashes the presented key and compares the hash with every
// configured one in constant time, visiting all of them whatever the
// position of the match.
func (a *auth) lookupKey(cred string) *apiKey {
	sum := sha256.Sum256([]byte(cred))
	found := -1
	for i := range a.keys {
		eq := subtle.ConstantTimeCompare(sum[:], a.keys[i].hash[:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	if found < 0 {
		return nil
	}
	return &a.keys[found]
}

func (a *auth) allow(v *ward.Verdict, method, subject, keyID, roles string) {
	// v.Annotate four times, in one append (one capacity check).
	v.Annotations = append(v.Annotations, abi.KV{Key: annMethod, Value: method}, abi.KV{Key: annSubject, Value: subject},
		abi.KV{Key: annKeyID, Value: keyID}, abi.KV{Key: annRoles, Value: roles})
}

func (a *auth) deny(v *ward.Verdict, reason string) {
	v.Deny(denyStatus, denyCode, denyMessage)
	v.AddReason(reason)
	v.SetHeader("WWW-Authenticate", a.challenge)
}
