package sigverify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// signJWS signs msg as JWS alg a does with priv.
func signJWS(t *testing.T, a abi.SigAlg, priv crypto.Signer, msg []byte) []byte {
	t.Helper()
	if a == abi.SigEdDSA {
		return ed25519.Sign(priv.(ed25519.PrivateKey), msg)
	}
	h := hashOf(a)
	digest := sum(h, msg)
	switch k := priv.(type) {
	case *rsa.PrivateKey:
		if a >= abi.SigPS256 {
			s, err := rsa.SignPSS(rand.Reader, k, h, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		s, err := rsa.SignPKCS1v15(rand.Reader, k, h, digest)
		if err != nil {
			t.Fatal(err)
		}
		return s
	case *ecdsa.PrivateKey:
		r, s, err := ecdsa.Sign(rand.Reader, k, digest)
		if err != nil {
			t.Fatal(err)
		}
		n := (k.Curve.Params().BitSize + 7) / 8
		out := make([]byte, 2*n)
		r.FillBytes(out[:n])
		s.FillBytes(out[n:])
		return out
	}
	t.Fatalf("no signer for %s", a)
	return nil
}

func der(t *testing.T, pub crypto.PublicKey) []byte {
	t.Helper()
	b, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVerify(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	signers := map[abi.SigAlg]crypto.Signer{
		abi.SigRS256: rsaKey, abi.SigRS384: rsaKey, abi.SigRS512: rsaKey,
		abi.SigPS256: rsaKey, abi.SigPS384: rsaKey, abi.SigPS512: rsaKey,
		abi.SigES256: p256, abi.SigES384: p384, abi.SigES512: p521, abi.SigEdDSA: edKey,
	}
	msg := []byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9")
	for a := abi.SigRS256; a <= abi.SigEdDSA; a++ {
		t.Run(a.String(), func(t *testing.T) {
			if got, ok := abi.ParseSigAlg(a.String()); !ok || got != a {
				t.Fatalf("abi.ParseSigAlg(%s) = %v %v", a, got, ok)
			}
			priv := signers[a]
			key, err := ParseKey(a, der(t, priv.Public()))
			if err != nil {
				t.Fatal(err)
			}
			// An empty signature is a plain "invalid" for a usable key
			// (the auth guard checks keys at configure time this way).
			if ok, err := Verify(a, key, msg, nil); ok || err != nil {
				t.Fatalf("empty signature: %v %v, want false nil", ok, err)
			}
			sig := signJWS(t, a, priv, msg)
			if ok, err := Verify(a, key, msg, sig); !ok || err != nil {
				t.Fatalf("valid signature: %v %v", ok, err)
			}
			bad := append([]byte(nil), sig...)
			bad[len(bad)/2] ^= 1
			for name, c := range map[string]struct{ msg, sig []byte }{
				"flipped bit":   {msg, bad},
				"other message": {append(append([]byte(nil), msg...), 'x'), sig},
				"truncated":     {msg, sig[:len(sig)-1]},
				"empty":         {msg, nil},
			} {
				if ok, err := Verify(a, key, c.msg, c.sig); ok || err != nil {
					t.Errorf("%s: %v %v, want false nil", name, ok, err)
				}
			}
		})
	}
	// A key verifies only its own family (and curve): no RS/ES/Ed mixing.
	for _, c := range []struct {
		a   abi.SigAlg
		pub crypto.PublicKey
	}{
		{abi.SigES256, rsaKey.Public()}, {abi.SigRS256, p256.Public()}, {abi.SigES384, p256.Public()},
		{abi.SigEdDSA, rsaKey.Public()}, {abi.SigRS256, edKey.Public()}, {abi.SigAlg(0), rsaKey.Public()}, {abi.SigAlg(11), rsaKey.Public()},
	} {
		if _, err := ParseKey(c.a, der(t, c.pub)); err == nil {
			t.Errorf("ParseKey(%s, %T) accepted", c.a, c.pub)
		}
	}
	if _, err := ParseKey(abi.SigRS256, []byte("not der")); err == nil {
		t.Error("garbage DER accepted")
	}
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	if _, err := ParseKey(abi.SigRS256, der(t, small.Public())); err == nil {
		t.Error("1024-bit RSA accepted")
	}
	if ok, err := Verify(abi.SigES256, rsaKey.Public(), msg, nil); ok || err == nil {
		t.Error("mismatched key and algorithm verified")
	}
	// ECDSA: r or s out of range never verifies.
	n := 32
	zero := make([]byte, 2*n)
	if ok, _ := Verify(abi.SigES256, p256.Public(), msg, zero); ok {
		t.Error("zero signature verified")
	}
}
