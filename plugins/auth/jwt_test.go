package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"hash"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/plugins/auth/token"
)

// Test keys are generated per test binary: no private key is committed.
type testKeys struct {
	rsa     *rsa.PrivateKey
	rsa2    *rsa.PrivateKey // a second RSA key: signatures with it must fail
	p256    *ecdsa.PrivateKey
	p384    *ecdsa.PrivateKey
	ed      ed25519.PrivateKey
	hmacKey []byte
}

var (
	keysOnce sync.Once
	theKeys  testKeys
)

func keys(tb testing.TB) *testKeys {
	tb.Helper()
	keysOnce.Do(func() {
		var err error
		must := func(e error) {
			if e != nil && err == nil {
				err = e
			}
		}
		theKeys.rsa, err = rsa.GenerateKey(rand.Reader, 2048)
		var e error
		theKeys.rsa2, e = rsa.GenerateKey(rand.Reader, 2048)
		must(e)
		theKeys.p256, e = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(e)
		theKeys.p384, e = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		must(e)
		_, theKeys.ed, e = ed25519.GenerateKey(rand.Reader)
		must(e)
		theKeys.hmacKey = []byte("test-hmac-secret-of-32-bytes-min")
		if err != nil {
			panic(err)
		}
	})
	return &theKeys
}

func pubPEM(tb testing.TB, pub any) string {
	tb.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func enc(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func encJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return enc(b)
}

// signJWT makes a compact JWS of header and claims with key (a private
// key, or []byte for HS*), signing with the algorithm named in header.
func signJWT(tb testing.TB, header, claims map[string]any, key any) string {
	tb.Helper()
	signed := encJSON(tb, header) + "." + encJSON(tb, claims)
	name, _ := header["alg"].(string)
	a, ok := lookupAlg(name)
	if !ok {
		return signed + "." + enc([]byte("sig"))
	}
	var sig []byte
	var err error
	if a.hmac {
		m := hmac.New(func() hash.Hash { return newHash(a.hash) }, key.([]byte))
		m.Write([]byte(signed))
		sig = m.Sum(nil)
	} else if a.kind == kindEd25519 {
		sig = ed25519.Sign(key.(ed25519.PrivateKey), []byte(signed))
	} else {
		h := newHash(a.hash)
		h.Write([]byte(signed))
		digest := h.Sum(nil)
		switch k := key.(type) {
		case *rsa.PrivateKey:
			if a.pss {
				sig, err = rsa.SignPSS(rand.Reader, k, a.hash, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			} else {
				sig, err = rsa.SignPKCS1v15(rand.Reader, k, a.hash, digest)
			}
		case *ecdsa.PrivateKey:
			var r, s *big.Int
			r, s, err = ecdsa.Sign(rand.Reader, k, digest)
			n := (k.Curve.Params().BitSize + 7) / 8
			sig = make([]byte, 2*n)
			if err == nil {
				r.FillBytes(sig[:n])
				s.FillBytes(sig[n:])
			}
		default:
			tb.Fatalf("no signer for %T", key)
		}
	}
	if err != nil {
		tb.Fatal(err)
	}
	return signed + "." + enc(sig)
}

var tNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func stdClaims() map[string]any {
	return map[string]any{"sub": "alice", "roles": []string{"reader", "writer"}, "iss": "https://idp.example",
		"aud": "ward", "iat": tNow.Add(-time.Minute).Unix(), "exp": tNow.Add(10 * time.Minute).Unix()}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func testVerifier(tb testing.TB) *jwtVerifier {
	k := keys(tb)
	jv := &jwtVerifier{issuer: "https://idp.example", audience: []string{"ward", "other"}, algs: map[string]bool{},
		hmacSecret: k.hmacKey, subjectClaim: "sub", rolesClaim: "roles"}
	for _, a := range allAlgs {
		jv.algs[a] = true
	}
	for _, kk := range []struct {
		kid string
		pub any
	}{{"rsa1", &k.rsa.PublicKey}, {"p256", &k.p256.PublicKey}, {"p384", &k.p384.PublicKey}, {"ed1", k.ed.Public()}} {
		key, err := publicKey(kk.pub)
		if err != nil {
			tb.Fatal(err)
		}
		key.kid = kk.kid
		jv.keys = append(jv.keys, key)
	}
	return jv
}

func TestJWTVerify(t *testing.T) {
	k := keys(t)
	jv := testVerifier(t)
	hdr := func(alg, kid string) map[string]any {
		h := map[string]any{"alg": alg, "typ": "JWT"}
		if kid != "" {
			h["kid"] = kid
		}
		return h
	}
	c := stdClaims()
	rsaPubDER := x509.MarshalPKCS1PublicKey(&k.rsa.PublicKey)
	rsaPubPEM := []byte(pubPEM(t, &k.rsa.PublicKey))
	good := signJWT(t, hdr("RS256", "rsa1"), c, k.rsa)
	parts := strings.Split(good, ".")
	cases := []struct {
		name string
		tok  string
		want error // nil: accepted
	}{
		{"HS256", signJWT(t, hdr("HS256", ""), c, k.hmacKey), nil},
		{"HS384", signJWT(t, hdr("HS384", ""), c, k.hmacKey), nil},
		{"HS512", signJWT(t, hdr("HS512", "anything"), c, k.hmacKey), nil},
		{"RS256", good, nil},
		{"RS384", signJWT(t, hdr("RS384", "rsa1"), c, k.rsa), nil},
		{"RS512", signJWT(t, hdr("RS512", "rsa1"), c, k.rsa), nil},
		{"PS256", signJWT(t, hdr("PS256", "rsa1"), c, k.rsa), nil},
		{"ES256", signJWT(t, hdr("ES256", "p256"), c, k.p256), nil},
		{"ES384", signJWT(t, hdr("ES384", "p384"), c, k.p384), nil},
		{"EdDSA", signJWT(t, hdr("EdDSA", "ed1"), c, k.ed), nil},
		{"aud array", signJWT(t, hdr("ES256", "p256"), with(c, "aud", []string{"x", "other"}), k.p256), nil},
		{"roles as space-separated string", signJWT(t, hdr("EdDSA", "ed1"), with(c, "roles", "a b"), k.ed), nil},
		{"no roles", signJWT(t, hdr("EdDSA", "ed1"), with(c, "roles", nil), k.ed), nil},
		{"fractional dates", signJWT(t, hdr("EdDSA", "ed1"), with(c, "exp", float64(tNow.Unix())+0.5), k.ed), nil},

		{"empty", "", errJWTMalformed},
		{"one part", parts[0], errJWTMalformed},
		{"two parts", parts[0] + "." + parts[1], errJWTMalformed},
		{"empty signature", parts[0] + "." + parts[1] + ".", errJWTMalformed},
		{"four parts", good + ".x", errJWTMalformed},
		{"truncated", good[:len(good)-10], errJWTBadSignature},
		{"truncated header", good[3:], errJWTMalformed},
		{"padding", good + "==", errJWTMalformed},
		{"std base64 alphabet", strings.ReplaceAll(strings.ReplaceAll(good, "-", "+"), "_", "/"), errJWTMalformed},
		{"CRLF in token", parts[0] + ".\r\n" + parts[1] + "." + parts[2], errJWTMalformed},
		{"space in token", parts[0] + ". " + parts[1] + "." + parts[2], errJWTMalformed},
		{"non-canonical base64 (trailing bits)", parts[0][:len(parts[0])-1] + "x." + parts[1] + "." + parts[2], errJWTMalformed},
		{"oversized", signJWT(t, hdr("RS256", "rsa1"), with(c, "pad", strings.Repeat("x", jwtMaxLen)), k.rsa), errJWTTooLarge},
		{"header not json", enc([]byte("{")) + "." + parts[1] + "." + parts[2], errJWTMalformed},
		{"header trailing data", enc([]byte(`{"alg":"RS256"}x`)) + "." + parts[1] + "." + parts[2], errJWTMalformed},
		{"header no alg", signJWT(t, map[string]any{"kid": "rsa1"}, c, k.rsa), errJWTMalformed},
		{"alg none", encJSON(t, hdr("none", "")) + "." + parts[1] + ".", errJWTMalformed},
		{"alg none with signature", encJSON(t, hdr("none", "")) + "." + parts[1] + "." + enc([]byte("x")), errJWTAlgNone},
		{"alg NONE", encJSON(t, hdr("NONE", "")) + "." + parts[1] + "." + enc([]byte("x")), errJWTAlgNone},
		{"alg unknown", signJWT(t, hdr("ES512", "p256"), c, k.p256), errJWTAlgForbidden},
		{"alg lower case", encJSON(t, hdr("rs256", "rsa1")) + "." + parts[1] + "." + parts[2], errJWTAlgForbidden},
		{"crit header", signJWT(t, map[string]any{"alg": "RS256", "kid": "rsa1", "crit": []string{"exp"}}, c, k.rsa), errJWTCrit},
		{"unknown kid", signJWT(t, hdr("RS256", "nope"), c, k.rsa), errJWTUnknownKid},
		{"no kid with several keys", signJWT(t, hdr("RS256", ""), c, k.rsa), errJWTUnknownKid},
		{"wrong RSA key", signJWT(t, hdr("RS256", "rsa1"), c, k.rsa2), errJWTBadSignature},
		{"wrong signature", parts[0] + "." + parts[1] + "." + enc(make([]byte, 256)), errJWTBadSignature},
		{"tampered payload", parts[0] + "." + encJSON(t, with(c, "sub", "admin")) + "." + parts[2], errJWTBadSignature},
		{"HS/RS confusion: HS256 signed with the RSA public key (PKCS1 DER)", signJWT(t, hdr("HS256", "rsa1"), c, rsaPubDER), errJWTBadSignature},
		{"HS/RS confusion: HS256 signed with the RSA public key (PEM)", signJWT(t, hdr("HS256", "rsa1"), c, rsaPubPEM), errJWTBadSignature},
		{"RS alg with EC key", signJWT(t, hdr("RS256", "p256"), c, k.rsa), errJWTKeyMismatch},
		{"ES256 with P-384 key", signJWT(t, hdr("ES256", "p384"), c, k.p256), errJWTKeyMismatch},
		{"EdDSA with RSA key", signJWT(t, hdr("EdDSA", "rsa1"), c, k.ed), errJWTKeyMismatch},
		{"ES256 bad signature length", encJSON(t, hdr("ES256", "p256")) + "." + parts[1] + "." + enc(make([]byte, 63)), errJWTBadSignature},
		{"expired", signJWT(t, hdr("EdDSA", "ed1"), with(c, "exp", tNow.Add(-31*time.Second).Unix()), k.ed), errJWTExpired},
		{"expired within leeway", signJWT(t, hdr("EdDSA", "ed1"), with(c, "exp", tNow.Add(-29*time.Second).Unix()), k.ed), nil},
		{"no exp", signJWT(t, hdr("EdDSA", "ed1"), with(c, "exp", nil), k.ed), errJWTNoExpiry},
		{"exp string", signJWT(t, hdr("EdDSA", "ed1"), with(c, "exp", "2100000000"), k.ed), errJWTMalformed},
		{"exp negative", signJWT(t, hdr("EdDSA", "ed1"), with(c, "exp", -1), k.ed), errJWTMalformed},
		{"exp huge", signJWT(t, hdr("EdDSA", "ed1"), with(c, "exp", 1e300), k.ed), errJWTMalformed},
		{"not yet valid (nbf)", signJWT(t, hdr("EdDSA", "ed1"), with(c, "nbf", tNow.Add(time.Minute).Unix()), k.ed), errJWTNotYetValid},
		{"nbf within leeway", signJWT(t, hdr("EdDSA", "ed1"), with(c, "nbf", tNow.Add(20*time.Second).Unix()), k.ed), nil},
		{"issued in the future (iat)", signJWT(t, hdr("EdDSA", "ed1"), with(c, "iat", tNow.Add(time.Hour).Unix()), k.ed), errJWTNotYetValid},
		{"wrong issuer", signJWT(t, hdr("EdDSA", "ed1"), with(c, "iss", "https://evil.example"), k.ed), errJWTIssuer},
		{"no issuer", signJWT(t, hdr("EdDSA", "ed1"), with(c, "iss", nil), k.ed), errJWTIssuer},
		{"wrong audience", signJWT(t, hdr("EdDSA", "ed1"), with(c, "aud", "someone-else"), k.ed), errJWTAudience},
		{"wrong audience array", signJWT(t, hdr("EdDSA", "ed1"), with(c, "aud", []string{"a", "b"}), k.ed), errJWTAudience},
		{"no audience", signJWT(t, hdr("EdDSA", "ed1"), with(c, "aud", nil), k.ed), errJWTAudience},
		{"no subject", signJWT(t, hdr("EdDSA", "ed1"), with(c, "sub", nil), k.ed), errJWTSubject},
		{"subject with CRLF", signJWT(t, hdr("EdDSA", "ed1"), with(c, "sub", "a\r\nx-admin: 1"), k.ed), errJWTSubject},
		{"subject not a string", signJWT(t, hdr("EdDSA", "ed1"), with(c, "sub", 42), k.ed), errJWTSubject},
		{"role with comma", signJWT(t, hdr("EdDSA", "ed1"), with(c, "roles", []string{"a,admin"}), k.ed), errJWTRoles},
		{"roles not strings", signJWT(t, hdr("EdDSA", "ed1"), with(c, "roles", []int{1}), k.ed), errJWTRoles},
		{"payload not an object", signJWT(t, hdr("EdDSA", "ed1"), nil, k.ed), errJWTMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id, err := jv.verify(tc.tok, tNow, 30*time.Second)
			if !errors.Is(err, tc.want) {
				t.Fatalf("verify = %+v, %v; want %v", id, err, tc.want)
			}
			if tc.want == nil && (id.subject != "alice" || (id.kid == "" && !strings.HasPrefix(tc.name, "HS"))) {
				t.Fatalf("identity %+v", id)
			}
		})
	}
}

func TestJWTRolesAndKid(t *testing.T) {
	k := keys(t)
	jv := testVerifier(t)
	id, err := jv.verify(signJWT(t, map[string]any{"alg": "PS256", "kid": "rsa1"}, with(stdClaims(), "roles", "a  b c"), k.rsa), tNow, 0)
	if err != nil || id.kid != "rsa1" || id.roles != "a,b,c" {
		t.Fatalf("verify = %+v, %v", id, err)
	}
	// The only key is used when the token names none; a named kid must match.
	one := *jv
	one.keys = jv.keys[3:]
	if id, err := one.verify(signJWT(t, map[string]any{"alg": "EdDSA"}, stdClaims(), k.ed), tNow, 0); err != nil || id.kid != "ed1" {
		t.Fatalf("single key without kid: %+v, %v", id, err)
	}
	// Without hmac_secret, HS* has no key even if allowed.
	noHMAC := *jv
	noHMAC.hmacSecret = nil
	if _, err := noHMAC.verify(signJWT(t, map[string]any{"alg": "HS256"}, stdClaims(), k.hmacKey), tNow, 0); !errors.Is(err, errJWTNoKey) {
		t.Fatalf("HS256 without secret: %v", err)
	}
	// An algorithm not in the allowed list is refused even with a good signature.
	rsOnly := *jv
	rsOnly.algs = map[string]bool{"RS256": true}
	if _, err := rsOnly.verify(signJWT(t, map[string]any{"alg": "ES256", "kid": "p256"}, stdClaims(), k.p256), tNow, 0); !errors.Is(err, errJWTAlgForbidden) {
		t.Fatalf("ES256 not allowed: %v", err)
	}
	// A JWK's alg pins the key to that algorithm.
	pinned := *jv
	pinned.keys = append([]jwtKey(nil), jv.keys...)
	pinned.keys[0].alg = "PS256"
	if _, err := pinned.verify(signJWT(t, map[string]any{"alg": "RS256", "kid": "rsa1"}, stdClaims(), k.rsa), tNow, 0); !errors.Is(err, errJWTKeyMismatch) {
		t.Fatalf("RS256 on a PS256 key: %v", err)
	}
}

func TestJWKS(t *testing.T) {
	k := keys(t)
	rsaJWK := map[string]any{"kty": "RSA", "kid": "r", "use": "sig", "alg": "RS256",
		"n": enc(k.rsa.N.Bytes()), "e": enc(big.NewInt(int64(k.rsa.E)).Bytes())}
	ecBytes, _ := k.p256.PublicKey.Bytes()
	ecJWK := map[string]any{"kty": "EC", "kid": "e", "crv": "P-256", "x": enc(ecBytes[1:33]), "y": enc(ecBytes[33:])}
	edJWK := map[string]any{"kty": "OKP", "kid": "d", "crv": "Ed25519", "x": enc(k.ed.Public().(ed25519.PublicKey))}
	encKey := map[string]any{"kty": "RSA", "kid": "x", "use": "enc", "n": "AQAB", "e": "AQAB"}
	doc := func(keys ...map[string]any) string {
		b, _ := json.Marshal(map[string]any{"keys": keys})
		return string(b)
	}
	keys, bad, err := parseJWKS(doc(rsaJWK, ecJWK, edJWK, encKey))
	if err != nil || len(keys) != 3 || keys[0].kind != kindRSA || keys[0].alg != "RS256" || keys[1].kind != kindP256 || keys[2].kind != kindEd25519 {
		t.Fatalf("parseJWKS = %+v, %d, %v", keys, bad, err)
	}
	jv := &jwtVerifier{algs: map[string]bool{"RS256": true, "ES256": true, "EdDSA": true}, keys: keys, subjectClaim: "sub", rolesClaim: "roles"}
	for _, tok := range []string{
		signJWT(t, map[string]any{"alg": "RS256", "kid": "r"}, stdClaims(), k.rsa),
		signJWT(t, map[string]any{"alg": "ES256", "kid": "e"}, stdClaims(), k.p256),
		signJWT(t, map[string]any{"alg": "EdDSA", "kid": "d"}, stdClaims(), k.ed),
	} {
		if _, err := jv.verify(tok, tNow, 0); err != nil {
			t.Fatalf("JWKS key: %v", err)
		}
	}
	badCases := []struct {
		name, doc, want string
	}{
		{"not json", "{", "not a JWK Set"},
		{"no keys", `{}`, `no "keys"`},
		{"private", doc(with(rsaJWK, "d", "AQAB")), "private key"},
		{"oct", doc(map[string]any{"kty": "oct", "k": "AAAA"}), "hmac_secret"},
		{"small rsa", doc(with(rsaJWK, "n", enc(big.NewInt(1<<40+1).Bytes()))), "at least 2048"},
		{"even exponent", doc(with(rsaJWK, "e", "Ag")), "exponent"},
		{"ec off curve", doc(with(ecJWK, "y", enc(make([]byte, 32)))), "invalid EC point"},
		{"ec short x", doc(with(ecJWK, "x", "AAAA")), "32 bytes"},
		{"P-521", doc(with(ecJWK, "crv", "P-521")), "not supported"},
		{"alg mismatch", doc(with(ecJWK, "alg", "RS256")), "does not fit"},
		{"hmac alg", doc(with(rsaJWK, "alg", "HS256")), "unsupported alg"},
		{"bad base64", doc(with(rsaJWK, "n", "a+b/")), "base64url"},
		{"unknown kty", doc(map[string]any{"kty": "XYZ"}), "unsupported kty"},
		{"unknown use", doc(with(rsaJWK, "use", "other")), "unknown use"},
	}
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			if _, _, err := parseJWKS(c.doc); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("parseJWKS = %v, want %q", err, c.want)
			}
		})
	}
}

func TestPEM(t *testing.T) {
	k := keys(t)
	for _, pub := range []any{&k.rsa.PublicKey, &k.p256.PublicKey, &k.p384.PublicKey, k.ed.Public()} {
		if _, err := parsePEMKey(pubPEM(t, pub)); err != nil {
			t.Fatalf("%T: %v", pub, err)
		}
	}
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.rsa.PublicKey)}))
	if key, err := parsePEMKey(pkcs1); err != nil || key.kind != kindRSA {
		t.Fatalf("PKCS1: %v", err)
	}
	priv, _ := x509.MarshalPKCS8PrivateKey(k.ed)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	for _, c := range []struct{ name, pem, want string }{
		{"empty", "", "no PEM block"},
		{"private key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})), "private key"},
		{"two blocks", pubPEM(t, k.ed.Public()) + pubPEM(t, k.ed.Public()), "more than one"},
		{"garbage", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte("x")})), "bad PUBLIC KEY"},
		{"P-224", pubPEM(t, &p224.PublicKey), "not supported"},
	} {
		if _, err := parsePEMKey(c.pem); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// FuzzParseJWT checks that the verifier never panics and never accepts a
// token it did not see signed.
func FuzzParseJWT(f *testing.F) {
	k := keys(f)
	jv := testVerifier(f)
	f.Add(signJWT(f, map[string]any{"alg": "RS256", "kid": "rsa1"}, stdClaims(), k.rsa))
	f.Add(signJWT(f, map[string]any{"alg": "HS256"}, stdClaims(), k.hmacKey))
	f.Add(signJWT(f, map[string]any{"alg": "EdDSA", "kid": "ed1"}, stdClaims(), k.ed))
	f.Add(signJWT(f, map[string]any{"alg": "ES384", "kid": "p384"}, stdClaims(), k.p384))
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("a.b.c")
	f.Add("..")
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := jv.verify(tok, tNow, 30*time.Second)
		if err == nil && (id.subject == "" || !token.CleanText(id.subject)) {
			t.Fatalf("accepted %q with identity %+v", tok, id)
		}
		if err != nil {
			var je *jwtError
			if !errors.As(err, &je) {
				t.Fatalf("error %v is not a jwtError", err)
			}
		}
	})
}
