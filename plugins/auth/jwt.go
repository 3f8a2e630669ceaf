package main

import (
	"bytes"
	"crypto"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"hash"
	"math"
	"strings"
	"time"

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

// jwtVerifier checks compact JWS tokens (RFC 7515/7519). It is built once
// at configure time and only read afterwards.
type jwtVerifier struct {
	issuer       string
	audience     []string
	algs         map[string]bool
	hmacSecret   []byte
	keys         []jwtKey
	subjectClaim string
	rolesClaim   string
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

// jwtIdentity is what a verified token says about its bearer.
type jwtIdentity struct {
	subject string
	roles   []string
	kid     string
}

type jwtHeader struct {
	Alg  *string         `json:"alg"`
	Kid  string          `json:"kid"`
	Crit json.RawMessage `json:"crit"`
}

// verify checks tok at time now with the given leeway. Order: size,
// shape and encoding, header (alg allowed, key selected and of the alg's
// family), signature, then claims; nothing of the payload is decoded
// before the signature is checked.
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
	if encSig == "" || !token.IsBase64URL(encHeader) || !token.IsBase64URL(encPayload) || !token.IsBase64URL(encSig) {
		return jwtIdentity{}, errJWTMalformed // also rejects a fourth part: '.' is not base64url
	}
	hb, err := b64url.DecodeString(encHeader)
	if err != nil {
		return jwtIdentity{}, errJWTMalformed
	}
	var h jwtHeader
	if err := decodeJSON(hb, &h); err != nil || h.Alg == nil {
		return jwtIdentity{}, errJWTMalformed
	}
	if strings.EqualFold(*h.Alg, "none") {
		return jwtIdentity{}, errJWTAlgNone
	}
	if h.Crit != nil {
		return jwtIdentity{}, errJWTCrit
	}
	a, ok := lookupAlg(*h.Alg)
	if !ok || !jv.algs[a.name] {
		return jwtIdentity{}, errJWTAlgForbidden
	}
	sig, err := b64url.DecodeString(encSig)
	if err != nil {
		return jwtIdentity{}, errJWTMalformed
	}
	signed := tok[:d2]
	kid := h.Kid
	if a.hmac {
		// HS* only ever uses hmac_secret: a public key is never an HMAC key.
		if len(jv.hmacSecret) == 0 {
			return jwtIdentity{}, errJWTNoKey
		}
		m := hmac.New(func() hash.Hash { return newHash(a.hash) }, jv.hmacSecret)
		m.Write([]byte(signed))
		if !hmac.Equal(sig, m.Sum(nil)) {
			return jwtIdentity{}, errJWTBadSignature
		}
	} else {
		k, err := jv.pickKey(h.Kid)
		if err != nil {
			return jwtIdentity{}, err
		}
		if k.kind != a.kind || (k.alg != "" && k.alg != a.name) {
			return jwtIdentity{}, errJWTKeyMismatch
		}
		if !verifySig(a, k, signed, sig) {
			return jwtIdentity{}, errJWTBadSignature
		}
		kid = k.kid
	}
	pb, err := b64url.DecodeString(encPayload)
	if err != nil {
		return jwtIdentity{}, errJWTMalformed
	}
	var claims map[string]json.RawMessage
	if err := decodeJSON(pb, &claims); err != nil || claims == nil {
		return jwtIdentity{}, errJWTMalformed
	}
	id, err := jv.checkClaims(claims, now, leeway)
	id.kid = kid
	return id, err
}

func (jv *jwtVerifier) pickKey(kid string) (*jwtKey, error) {
	if kid == "" {
		if len(jv.keys) == 1 {
			return &jv.keys[0], nil
		}
		if len(jv.keys) == 0 {
			return nil, errJWTNoKey
		}
		return nil, errJWTUnknownKid
	}
	for i := range jv.keys {
		if jv.keys[i].kid == kid {
			return &jv.keys[i], nil
		}
	}
	return nil, errJWTUnknownKid
}

// verifySig checks an asymmetric signature through the host
// (ward.VerifySignature): natively, about 10x faster than in Wasm.
func verifySig(a alg, k *jwtKey, signed string, sig []byte) bool {
	ok, err := ward.VerifySignature(a.sig, k.der, []byte(signed), sig)
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
// subject and roles claims.
func (jv *jwtVerifier) checkClaims(c map[string]json.RawMessage, now time.Time, leeway time.Duration) (jwtIdentity, error) {
	exp, ok, err := numericDate(c["exp"])
	if err != nil {
		return jwtIdentity{}, errJWTMalformed
	}
	if !ok {
		return jwtIdentity{}, errJWTNoExpiry
	}
	if !now.Add(-leeway).Before(exp) {
		return jwtIdentity{}, errJWTExpired
	}
	for _, name := range []string{"nbf", "iat"} {
		t, ok, err := numericDate(c[name])
		if err != nil {
			return jwtIdentity{}, errJWTMalformed
		}
		if ok && now.Add(leeway).Before(t) {
			return jwtIdentity{}, errJWTNotYetValid
		}
	}
	if jv.issuer != "" {
		var iss string
		if json.Unmarshal(c["iss"], &iss) != nil || iss != jv.issuer {
			return jwtIdentity{}, errJWTIssuer
		}
	}
	if len(jv.audience) > 0 && !audienceOK(c["aud"], jv.audience) {
		return jwtIdentity{}, errJWTAudience
	}
	var id jwtIdentity
	if json.Unmarshal(c[jv.subjectClaim], &id.subject) != nil || id.subject == "" || !token.CleanText(id.subject) {
		return jwtIdentity{}, errJWTSubject
	}
	roles, err := rolesClaim(c[jv.rolesClaim])
	if err != nil {
		return jwtIdentity{}, errJWTRoles
	}
	id.roles = roles
	return id, nil
}

// numericDate decodes a NumericDate (seconds since the epoch, possibly
// fractional). Absent is ok=false; anything but a finite number in
// [0, 2^53] is an error.
func numericDate(raw json.RawMessage) (time.Time, bool, error) {
	if raw == nil {
		return time.Time{}, false, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return time.Time{}, false, err
	}
	if math.IsNaN(f) || f < 0 || f > 1<<53 {
		return time.Time{}, false, errJWTMalformed
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

// audienceOK reports whether the aud claim (a string or an array of
// strings) names one of want.
func audienceOK(raw json.RawMessage, want []string) bool {
	if raw == nil {
		return false
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return contains(want, one)
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil {
		return false
	}
	for _, a := range many {
		if contains(want, a) {
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

// rolesClaim decodes roles: absent or null is none; an array of strings or
// a space-separated string (OAuth "scope" style). Every role must be clean
// text without commas (they are joined with commas in annotations).
func rolesClaim(raw json.RawMessage) ([]string, error) {
	if raw == nil || string(raw) == "null" {
		return nil, nil
	}
	var roles []string
	var s string
	if json.Unmarshal(raw, &s) == nil {
		roles = strings.Fields(s)
	} else if err := json.Unmarshal(raw, &roles); err != nil {
		return nil, err
	}
	for _, r := range roles {
		if r == "" || !token.CleanText(r) || strings.ContainsAny(r, ", ") {
			return nil, errJWTRoles
		}
	}
	return roles, nil
}

// decodeJSON decodes exactly one JSON value.
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return err
	}
	if len(bytes.TrimSpace(b[d.InputOffset():])) != 0 {
		return errJWTMalformed
	}
	return nil
}

// curveKind maps an ECDSA curve to its key kind (0 if unsupported).
func curveKind(c elliptic.Curve) keyKind {
	switch c {
	case elliptic.P256():
		return kindP256
	case elliptic.P384():
		return kindP384
	}
	return 0
}
