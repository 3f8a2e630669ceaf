package auth

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wardgate/ward/plugins/auth/token"
	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
)

// jwtMaxLen is the largest compact JWT the verifier looks at.
const jwtMaxLen = 8 << 10

// allAlgs is every algorithm the verifier implements, in a stable order.
var allAlgs = []string{"HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"}

// keyKind is the family of a verification key; an algorithm only ever
// uses keys of its own family (no RSA public key as an HMAC secret).
type keyKind uint8

const (
	kindRSA keyKind = iota + 1
	kindP256
	kindP384
	kindEd25519
)

func (k keyKind) String() string {
	switch k {
	case kindRSA:
		return "RSA"
	case kindP256:
		return "EC P-256"
	case kindP384:
		return "EC P-384"
	case kindEd25519:
		return "Ed25519"
	}
	return "unknown"
}

// alg describes one JWS algorithm.
type alg struct {
	name string
	hmac bool
	kind keyKind // for asymmetric algorithms
	hash crypto.Hash
	pss  bool
	sig  abi.SigAlg // for asymmetric algorithms: ward.VerifySignature's algorithm
}

func lookupAlg(name string) (alg, bool) {
	switch name {
	case "HS256":
		return alg{name: name, hmac: true, hash: crypto.SHA256}, true
	case "HS384":
		return alg{name: name, hmac: true, hash: crypto.SHA384}, true
	case "HS512":
		return alg{name: name, hmac: true, hash: crypto.SHA512}, true
	case "RS256":
		return alg{name: name, kind: kindRSA, hash: crypto.SHA256, sig: sigOf(name)}, true
	case "RS384":
		return alg{name: name, kind: kindRSA, hash: crypto.SHA384, sig: sigOf(name)}, true
	case "RS512":
		return alg{name: name, kind: kindRSA, hash: crypto.SHA512, sig: sigOf(name)}, true
	case "PS256":
		return alg{name: name, kind: kindRSA, hash: crypto.SHA256, pss: true, sig: sigOf(name)}, true
	case "ES256":
		return alg{name: name, kind: kindP256, hash: crypto.SHA256, sig: sigOf(name)}, true
	case "ES384":
		return alg{name: name, kind: kindP384, hash: crypto.SHA384, sig: sigOf(name)}, true
	case "EdDSA":
		return alg{name: name, kind: kindEd25519, sig: sigOf(name)}, true
	}
	return alg{}, false
}

func newHash(h crypto.Hash) hash.Hash {
	switch h {
	case crypto.SHA384:
		return sha512.New384()
	case crypto.SHA512:
		return sha512.New()
	}
	return sha256.New()
}

// jwtKey is one configured public key.
type jwtKey struct {
	kid  string
	kind keyKind
	alg  string // from a JWK "alg": the only algorithm it may verify; "" for any of its family
	der  []byte // DER SubjectPublicKeyInfo, for ward.VerifySignature
}

// jwtVerifier checks compact JWS tokens (RFC 7515/7519). Its configuration
// is built once at configure time and only read afterwards; verify reuses
// the scratch buffers in buf, so a verifier serves one call at a time (as a
// guard instance does).
type jwtVerifier struct {
	issuer       string
	audience     []string
	algs         map[string]bool
	hmacSecret   []byte
	keys         []jwtKey
	subjectClaim string
	rolesClaim   string

	buf jwtScratch
}

// jwtScratch is verify's memory, reused from call to call: after the
// first tokens a verification allocates only the identity's strings.
type jwtScratch struct {
	header, payload, sig []byte // decoded parts
	signed               []byte // copy of header.payload for the host call
	hdr, claims          jsonReader
	strs                 [][]byte // aud and roles elements
	roles                []byte   // roles being joined
}

// jwtError is a rejected JWT; code is stable and goes into the audit
// reason ("jwt: expired"), never to the client.
type jwtError struct{ code string }

func (e *jwtError) Error() string { return "jwt: " + e.code }

// Stable JWT rejection codes.
var (
	errJWTTooLarge     = &jwtError{"too_large"}
	errJWTMalformed    = &jwtError{"malformed"}
	errJWTAlgNone      = &jwtError{"alg_none"}
	errJWTAlgForbidden = &jwtError{"alg_not_allowed"}
	errJWTCrit         = &jwtError{"unsupported_crit"}
	errJWTNoKey        = &jwtError{"no_key"}
	errJWTUnknownKid   = &jwtError{"unknown_kid"}
	errJWTKeyMismatch  = &jwtError{"key_alg_mismatch"}
	errJWTBadSignature = &jwtError{"bad_signature"}
	errJWTExpired      = &jwtError{"expired"}
	errJWTNoExpiry     = &jwtError{"no_exp"}
	errJWTNotYetValid  = &jwtError{"not_yet_valid"}
	errJWTIssuer       = &jwtError{"bad_issuer"}
	errJWTAudience     = &jwtError{"bad_audience"}
	errJWTSubject      = &jwtError{"bad_subject"}
	errJWTRoles        = &jwtError{"bad_roles"}
)

var b64url = base64.RawURLEncoding.Strict()

// jwtIdentity is what a verified token says about its bearer. Its strings
// are the verifier's own (they do not alias its scratch).
type jwtIdentity struct {
	subject string
	roles   string // comma-joined
	kid     string
	// The time claims checked: exp, and the later of nbf and iat (zero
	// when neither is present), for the credential cache to check again.
	exp, notBefore time.Time
}

// verify checks tok at time now with the given leeway. Order: size,
// shape and encoding, header (alg allowed, key selected and of the alg's
// family), signature, then claims; nothing of the payload is decoded
// before the signature is checked. Header and claims are read with
// jsonReader: malformed JSON, duplicate member names, invalid UTF-8, lone
// surrogates and nesting deeper than jsonMaxDepth are "malformed". It is
// not safe for concurrent use (see jwtVerifier).
func (jv *jwtVerifier) verify(tok string, now time.Time, leeway time.Duration) (jwtIdentity, error) {
	if len(tok) > jwtMaxLen {
		return jwtIdentity{}, errJWTTooLarge
	}
	d1 := strings.IndexByte(tok, '.')
	if d1 <= 0 {
		return jwtIdentity{}, errJWTMalformed
	}
	d2 := strings.IndexByte(tok[d1+1:], '.')
	if d2 <= 0 {
		return jwtIdentity{}, errJWTMalformed
	}
	d2 += d1 + 1
	encHeader, encPayload, encSig := tok[:d1], tok[d1+1:d2], tok[d2+1:]
	if encSig == "" || !isB64URL(encPayload) || !isB64URL(encSig) {
		return jwtIdentity{}, errJWTMalformed // also rejects a fourth part: '.' is not base64url
	}
	b := &jv.buf
	var ok bool
	if b.header, ok = appendB64URL(b.header[:0], encHeader); !ok {
		return jwtIdentity{}, errJWTMalformed
	}
	hm, err := b.hdr.parseObject(b.header)
	if err != nil {
		return jwtIdentity{}, errJWTMalformed
	}
	var algName, kid []byte
	var haveAlg, crit bool
	for i := range hm {
		m := &hm[i]
		switch string(m.name) {
		case "alg":
			if algName, haveAlg = b.hdr.str(m); !haveAlg {
				return jwtIdentity{}, errJWTMalformed
			}
		case "kid":
			if m.kind == jNull {
				continue // as absent
			}
			var isStr bool
			if kid, isStr = b.hdr.str(m); !isStr {
				return jwtIdentity{}, errJWTMalformed
			}
		case "crit":
			crit = true // whatever its value, even null
		}
	}
	if !haveAlg {
		return jwtIdentity{}, errJWTMalformed
	}
	if strings.EqualFold(string(algName), "none") {
		return jwtIdentity{}, errJWTAlgNone
	}
	if crit {
		return jwtIdentity{}, errJWTCrit
	}
	a, ok := algNamed(algName)
	if !ok || !jv.algs[a.name] {
		return jwtIdentity{}, errJWTAlgForbidden
	}
	if b.sig, ok = appendB64URL(b.sig[:0], encSig); !ok {
		return jwtIdentity{}, errJWTMalformed
	}
	b.signed = append(b.signed[:0], tok[:d2]...)
	var keyID string
	if a.hmac {
		// HS* only ever uses hmac_secret: a public key is never an HMAC key.
		if len(jv.hmacSecret) == 0 {
			return jwtIdentity{}, errJWTNoKey
		}
		m := hmac.New(func() hash.Hash { return newHash(a.hash) }, jv.hmacSecret)
		m.Write(b.signed)
		if !hmac.Equal(b.sig, m.Sum(nil)) {
			return jwtIdentity{}, errJWTBadSignature
		}
	} else {
		k, err := jv.pickKey(kid)
		if err != nil {
			return jwtIdentity{}, err
		}
		if k.kind != a.kind || (k.alg != "" && k.alg != a.name) {
			return jwtIdentity{}, errJWTKeyMismatch
		}
		if !verifySig(a, k, b.signed, b.sig) {
			return jwtIdentity{}, errJWTBadSignature
		}
		keyID = k.kid
	}
	if b.payload, ok = appendB64URL(b.payload[:0], encPayload); !ok {
		return jwtIdentity{}, errJWTMalformed
	}
	claims, err := b.claims.parseObject(b.payload)
	if err != nil {
		return jwtIdentity{}, errJWTMalformed
	}
	id, err := jv.checkClaims(claims, now, leeway)
	if err != nil {
		return jwtIdentity{}, err
	}
	if a.hmac {
		keyID = string(kid) // the token's own kid: there is no configured one
	}
	id.kid = keyID
	return id, nil
}

// algNamed is lookupAlg for a name in a scratch buffer (no allocation).
func algNamed(name []byte) (alg, bool) {
	for _, n := range allAlgs {
		if string(name) == n {
			return lookupAlg(n)
		}
	}
	return alg{}, false
}

// pickKey selects the key named kid, or the only key when kid is empty.
func (jv *jwtVerifier) pickKey(kid []byte) (*jwtKey, error) {
	if len(kid) == 0 {
		if len(jv.keys) == 1 {
			return &jv.keys[0], nil
		}
		if len(jv.keys) == 0 {
			return nil, errJWTNoKey
		}
		return nil, errJWTUnknownKid
	}
	for i := range jv.keys {
		if jv.keys[i].kid == string(kid) {
			return &jv.keys[i], nil
		}
	}
	return nil, errJWTUnknownKid
}

// verifySig checks an asymmetric signature through the host
// (ward.VerifySignature): natively, about 10x faster than in Wasm.
func verifySig(a alg, k *jwtKey, signed, sig []byte) bool {
	ok, err := ward.VerifySignature(a.sig, k.der, signed, sig)
	return ok && err == nil
}

// sigOf maps a supported asymmetric JWS name to its host algorithm.
func sigOf(name string) abi.SigAlg {
	a, ok := abi.ParseSigAlg(name)
	if !ok {
		panic("auth: no host algorithm for " + name)
	}
	return a
}

// checkClaims applies exp (required), nbf, iat, iss, aud and maps the
// subject and roles claims. c are the members of the verified payload.
func (jv *jwtVerifier) checkClaims(c []jsonMember, now time.Time, leeway time.Duration) (jwtIdentity, error) {
	exp, ok, err := numericDate(member(c, "exp"))
	if err != nil {
		return jwtIdentity{}, errJWTMalformed
	}
	if !ok {
		return jwtIdentity{}, errJWTNoExpiry
	}
	if !now.Add(-leeway).Before(exp) {
		return jwtIdentity{}, errJWTExpired
	}
	var notBefore time.Time
	for _, name := range [...]string{"nbf", "iat"} {
		t, ok, err := numericDate(member(c, name))
		if err != nil {
			return jwtIdentity{}, errJWTMalformed
		}
		if ok && now.Add(leeway).Before(t) {
			return jwtIdentity{}, errJWTNotYetValid
		}
		if ok && t.After(notBefore) {
			notBefore = t
		}
	}
	r := &jv.buf.claims
	if jv.issuer != "" {
		if iss, ok := r.str(member(c, "iss")); !ok || string(iss) != jv.issuer {
			return jwtIdentity{}, errJWTIssuer
		}
	}
	if len(jv.audience) > 0 && !jv.audienceOK(member(c, "aud")) {
		return jwtIdentity{}, errJWTAudience
	}
	id := jwtIdentity{exp: exp, notBefore: notBefore}
	sub, ok := r.str(member(c, jv.subjectClaim))
	if !ok || len(sub) == 0 {
		return jwtIdentity{}, errJWTSubject
	}
	if id.subject = string(sub); !token.CleanText(id.subject) {
		return jwtIdentity{}, errJWTSubject
	}
	if id.roles, err = jv.roles(member(c, jv.rolesClaim)); err != nil {
		return jwtIdentity{}, errJWTRoles
	}
	return id, nil
}

// numericDate decodes a NumericDate (seconds since the epoch, possibly
// fractional). Absent (m nil) is ok=false; anything but a number in
// [0, 2^53] (null included) is an error.
func numericDate(m *jsonMember) (time.Time, bool, error) {
	if m == nil {
		return time.Time{}, false, nil
	}
	f, ok := number(m)
	if !ok || math.IsNaN(f) || f < 0 || f > 1<<53 {
		return time.Time{}, false, errJWTMalformed
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

// audienceOK reports whether the aud claim (a string or an array of
// strings) names one of jv.audience.
func (jv *jwtVerifier) audienceOK(m *jsonMember) bool {
	r := &jv.buf.claims
	if one, ok := r.str(m); ok {
		return containsBytes(jv.audience, one)
	}
	many, ok := r.appendStrings(jv.buf.strs[:0], m)
	jv.buf.strs = many
	if !ok {
		return false
	}
	for _, a := range many {
		if containsBytes(jv.audience, a) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func containsBytes(list []string, b []byte) bool {
	for _, x := range list {
		if x == string(b) {
			return true
		}
	}
	return false
}

// roles decodes the roles claim into a comma-joined string: absent or null is
// none; an array of strings or a space-separated string (OAuth "scope"
// style, split like strings.Fields). Every role must be non-empty clean
// text without commas or spaces (they are joined with commas in
// annotations).
func (jv *jwtVerifier) roles(m *jsonMember) (string, error) {
	if m == nil || m.kind == jNull {
		return "", nil
	}
	b := &jv.buf
	joined := b.roles[:0]
	if s, ok := b.claims.str(m); ok {
		b.strs = fields(s, b.strs[:0])
		for _, f := range b.strs {
			if bytes.IndexByte(f, ',') >= 0 {
				return "", errJWTRoles
			}
			if len(joined) > 0 {
				joined = append(joined, ',')
			}
			joined = append(joined, f...)
		}
	} else {
		roles, ok := b.claims.appendStrings(b.strs[:0], m)
		b.strs = roles
		if !ok {
			return "", errJWTRoles
		}
		for i, r := range roles {
			if len(r) == 0 || bytes.IndexByte(r, ',') >= 0 || bytes.IndexByte(r, ' ') >= 0 {
				return "", errJWTRoles
			}
			if i > 0 {
				joined = append(joined, ',')
			}
			joined = append(joined, r...)
		}
	}
	b.roles = joined
	// Roles hold no comma and valid UTF-8, so the joined text is clean
	// exactly when every role is.
	roles := string(joined)
	if !token.CleanText(roles) {
		return "", errJWTRoles
	}
	return roles, nil
}

// fields splits s around runs of Unicode white space like strings.Fields,
// appending the fields (views of s) to dst.
func fields(s []byte, dst [][]byte) [][]byte {
	start := -1
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(s[i:])
		}
		if unicode.IsSpace(r) {
			if start >= 0 {
				dst = append(dst, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}
