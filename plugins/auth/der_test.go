package auth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

// The DER the guard writes for a JWK is what crypto/x509 writes for the
// same key, so the host parses it as that key.
func TestSPKIEncodingMatchesX509(t *testing.T) {
	k := keys(t)
	want := func(pub any) []byte {
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		return der
	}
	e := big.NewInt(int64(k.rsa.E)).Bytes()
	if got := rsaSPKI(k.rsa.N.Bytes(), e); !bytes.Equal(got, want(&k.rsa.PublicKey)) {
		t.Errorf("RSA SPKI differs from x509's")
	}
	for _, c := range []struct {
		name string
		key  *ecdsa.PrivateKey
	}{{"P-256", k.p256}, {"P-384", k.p384}} {
		point, _ := c.key.PublicKey.Bytes()
		n := (len(point) - 1) / 2
		if got := ecSPKI(c.name, point[1:1+n], point[1+n:]); !bytes.Equal(got, want(&c.key.PublicKey)) {
			t.Errorf("%s SPKI differs from x509's", c.name)
		}
	}
	if got := ed25519SPKI(k.ed.Public().(ed25519.PublicKey)); !bytes.Equal(got, want(k.ed.Public())) {
		t.Errorf("Ed25519 SPKI differs from x509's")
	}
	// Long-form lengths: a 4096-bit modulus.
	big4096 := append([]byte{0xc0}, bytes.Repeat([]byte{0xab}, 511)...)
	info, err := parseSPKI(rsaSPKI(big4096, e))
	if err != nil || !info.rsa || info.rsaBits != 4096 {
		t.Errorf("parseSPKI(4096-bit RSA) = %+v, %v", info, err)
	}
}

func selfSigned(t *testing.T, priv crypto.Signer) string {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "idp.example"},
		NotBefore: time.Unix(1e9, 0), NotAfter: time.Unix(2e9, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, priv.Public(), priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// A CERTIFICATE block gives its subject key, as x509.ParseCertificate
// reads it; a certificate of an unsupported key or a broken one is refused.
func TestCertificateKey(t *testing.T) {
	k := keys(t)
	for _, c := range []struct {
		priv crypto.Signer
		kind keyKind
	}{{k.rsa, kindRSA}, {k.p256, kindP256}, {k.p384, kindP384}, {k.ed, kindEd25519}} {
		text := selfSigned(t, c.priv)
		key, err := parsePEMKey(text)
		if err != nil {
			t.Fatalf("%v certificate: %v", c.kind, err)
		}
		block, _ := pem.Decode([]byte(text))
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if key.kind != c.kind || !bytes.Equal(key.der, cert.RawSubjectPublicKeyInfo) {
			t.Fatalf("%v certificate: key %v, DER equal to x509's: %v", c.kind, key.kind, bytes.Equal(key.der, cert.RawSubjectPublicKeyInfo))
		}
	}
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if _, err := parsePEMKey(selfSigned(t, p224)); err == nil || !strings.Contains(err.Error(), "P-224 not supported") {
		t.Errorf("P-224 certificate: %v", err)
	}
	block, _ := pem.Decode([]byte(selfSigned(t, k.ed)))
	for _, cut := range []int{1, 10, len(block.Bytes) / 2, len(block.Bytes) - 1} {
		broken := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: block.Bytes[:cut]}))
		if _, err := parsePEMKey(broken); err == nil || !strings.Contains(err.Error(), "bad CERTIFICATE") {
			t.Errorf("certificate cut at %d: %v", cut, err)
		}
	}
}

// A well-formed SubjectPublicKeyInfo of a key the host cannot use is
// refused at configure time, by the host's own parser.
func TestInvalidKeyRefused(t *testing.T) {
	k := keys(t)
	point, _ := k.p256.PublicKey.Bytes()
	offCurve := append([]byte(nil), point...)
	offCurve[len(offCurve)-1] ^= 1
	der := ecSPKI("P-256", offCurve[1:33], offCurve[33:])
	if _, err := spkiKey(der); err == nil || !strings.Contains(err.Error(), "invalid EC point") {
		t.Errorf("point off the curve: %v", err)
	}
	// An RSA key whose modulus is negative.
	neg := derElem(nil, tagSequence, append(derElem(nil, tagInteger, append([]byte{0x80}, make([]byte, 300)...)), derInteger(nil, []byte{1, 0, 1})...))
	if _, err := spkiKey(spkiOf(derElem(nil, tagSequence, derElem(oidElem(oidRSA), tagNull, nil)), neg)); err == nil || !strings.Contains(err.Error(), "invalid RSA key") {
		t.Errorf("negative modulus: %v", err)
	}
	if got := oidString([]byte{0x2b, 0x81, 0x04, 0x00, 0x23}); got != "1.3.132.0.35" {
		t.Errorf("oidString = %s", got)
	}
}

func TestDecodeHex(t *testing.T) {
	var b [4]byte
	for _, c := range []struct {
		in string
		ok bool
	}{{"00ff7Fa0", true}, {"DEADbeef", true}, {"00ff7f", false}, {"00ff7fa0b1", false}, {"00ff7fg0", false}, {"00ff 7fa", false}} {
		if got := decodeHex(b[:], c.in); got != c.ok {
			t.Errorf("decodeHex(%q) = %v", c.in, got)
		}
	}
	if decodeHex(b[:], "DEADbeef"); b != [4]byte{0xde, 0xad, 0xbe, 0xef} {
		t.Errorf("decodeHex = %x", b)
	}
}
