package auth

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// publicKey files a crypto/x509 public key as the parsers do, from its
// DER form.
func publicKey(pub any) (jwtKey, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return jwtKey{}, err
	}
	return spkiKey(der)
}

// publicKeyKind is the reference for a parsed key's kind: what crypto/x509
// says the key is.
func publicKeyKind(pub any) (jwtKey, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return jwtKey{kind: kindRSA}, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return jwtKey{kind: kindP256}, nil
		case elliptic.P384():
			return jwtKey{kind: kindP384}, nil
		}
	case ed25519.PublicKey:
		return jwtKey{kind: kindEd25519}, nil
	}
	return jwtKey{}, errors.New("not a key the guard takes")
}

// checkKey asserts what the verifier relies on for a key the parsers
// accepted: its DER is a public key of the family it is filed under, RSA
// of at least minRSABits, and a pinned algorithm of that family.
func checkKey(t *testing.T, k jwtKey) {
	t.Helper()
	pub, err := x509.ParsePKIXPublicKey(k.der)
	if err != nil {
		t.Fatalf("accepted key's DER does not parse: %v", err)
	}
	kk, err := publicKeyKind(pub)
	if err != nil || kk.kind != k.kind {
		t.Fatalf("key filed as %v is %T (%v, %v)", k.kind, pub, kk.kind, err)
	}
	switch p := pub.(type) {
	case *rsa.PublicKey:
		if p.N.BitLen() < minRSABits {
			t.Fatalf("RSA key of %d bits accepted", p.N.BitLen())
		}
	case ed25519.PublicKey:
		if len(p) != ed25519.PublicKeySize {
			t.Fatalf("Ed25519 key of %d bytes", len(p))
		}
	}
	if k.alg != "" {
		a, ok := lookupAlg(k.alg)
		if !ok || a.hmac || a.kind != k.kind {
			t.Fatalf("key of kind %v pinned to alg %q", k.kind, k.alg)
		}
	}
}

// FuzzParseJWKS: a JWK Set is either refused (naming the offending key's
// index, or -1 for the document) or gives usable public keys only: never
// a private or symmetric key, never one of another family than its alg,
// and one key per accepted entry.
func FuzzParseJWKS(f *testing.F) {
	k := keys(f)
	ecBytes, _ := k.p256.PublicKey.Bytes()
	for _, keys := range [][]map[string]any{
		{{"kty": "RSA", "kid": "r", "use": "sig", "alg": "RS256", "n": enc(k.rsa.N.Bytes()), "e": enc(big.NewInt(int64(k.rsa.E)).Bytes())}},
		{{"kty": "EC", "kid": "e", "crv": "P-256", "x": enc(ecBytes[1:33]), "y": enc(ecBytes[33:])}},
		{{"kty": "OKP", "kid": "d", "crv": "Ed25519", "x": enc(k.ed.Public().(ed25519.PublicKey))}, {"kty": "RSA", "use": "enc", "n": "AQAB", "e": "AQAB"}},
		{{"kty": "oct", "k": "AAAA"}},
		{{"kty": "OKP", "crv": "Ed25519", "x": enc(k.ed.Public().(ed25519.PublicKey)), "d": "AAAA"}},
	} {
		b, _ := json.Marshal(map[string]any{"keys": keys})
		f.Add(string(b))
	}
	f.Add(`{"keys":null}`)
	f.Fuzz(func(t *testing.T, doc string) {
		got, bad, err := parseJWKS(doc)
		var set struct {
			Keys []map[string]json.RawMessage `json:"keys"`
		}
		setErr := json.Unmarshal([]byte(doc), &set)
		if err != nil {
			if got != nil || bad < -1 || setErr == nil && bad >= len(set.Keys) {
				t.Fatalf("error %v with %d keys, index %d", err, len(got), bad)
			}
			return
		}
		if setErr != nil {
			t.Fatalf("accepted a document encoding/json refuses: %v", setErr)
		}
		if len(got) > len(set.Keys) {
			t.Fatalf("%d keys from %d entries", len(got), len(set.Keys))
		}
		for _, entry := range set.Keys {
			if _, ok := entry["d"]; ok {
				t.Fatalf("accepted a set with a private key: %s", doc)
			}
		}
		for _, key := range got {
			checkKey(t, key)
		}
	})
}

// FuzzParsePEMKey: PEM text gives one usable public key or an error, never
// a key from a private-key block.
func FuzzParsePEMKey(f *testing.F) {
	k := keys(f)
	for _, pub := range []any{&k.rsa.PublicKey, &k.p256.PublicKey, &k.p384.PublicKey, k.ed.Public()} {
		f.Add(pubPEM(f, pub))
	}
	f.Add(string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&k.rsa.PublicKey)})))
	priv, _ := x509.MarshalPKCS8PrivateKey(k.ed)
	f.Add(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})))
	f.Add("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n")
	// The keys of the golden cases.
	b, err := os.ReadFile(filepath.Join("testdata", "cases.json"))
	if err != nil {
		f.Fatal(err)
	}
	var cases []struct {
		Config struct {
			JWT struct {
				Keys []struct {
					PEM string `json:"pem"`
				} `json:"keys"`
			} `json:"jwt"`
		} `json:"config"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		f.Fatal(err)
	}
	for _, c := range cases {
		for _, k := range c.Config.JWT.Keys {
			f.Add(k.PEM)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		key, err := parsePEMKey(text)
		if err != nil {
			if key.der != nil {
				t.Fatalf("error %v with a key", err)
			}
			return
		}
		block, _ := pem.Decode([]byte(text))
		if block == nil || strings.Contains(block.Type, "PRIVATE") {
			t.Fatalf("key from %v", block)
		}
		checkKey(t, key)
	})
}
