package abi

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"errors"
	"fmt"
	"hash"
	"math/big"
)

// SigAlg is a public-key signature algorithm of the host function
// ward.verify_signature (ABI.md, "Host functions"), named as in JWS (RFC
// 7518, RFC 8037). The numbers are part of the ABI.
type SigAlg uint32

const (
	SigRS256 SigAlg = 1  // RSASSA-PKCS1-v1_5, SHA-256
	SigRS384 SigAlg = 2  // RSASSA-PKCS1-v1_5, SHA-384
	SigRS512 SigAlg = 3  // RSASSA-PKCS1-v1_5, SHA-512
	SigPS256 SigAlg = 4  // RSASSA-PSS, SHA-256, salt length = hash length
	SigPS384 SigAlg = 5  // RSASSA-PSS, SHA-384
	SigPS512 SigAlg = 6  // RSASSA-PSS, SHA-512
	SigES256 SigAlg = 7  // ECDSA P-256, SHA-256, signature R || S (32+32 bytes)
	SigES384 SigAlg = 8  // ECDSA P-384, SHA-384, R || S (48+48)
	SigES512 SigAlg = 9  // ECDSA P-521, SHA-512, R || S (66+66)
	SigEdDSA SigAlg = 10 // Ed25519 (pure), 64-byte signature
)

var sigNames = [...]string{"", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// ParseSigAlg returns the algorithm of a JWS "alg" name.
func ParseSigAlg(name string) (SigAlg, bool) {
	for i := 1; i < len(sigNames); i++ {
		if sigNames[i] == name {
			return SigAlg(i), true
		}
	}
	return 0, false
}

func (a SigAlg) String() string {
	if a > 0 && int(a) < len(sigNames) {
		return sigNames[a]
	}
	return fmt.Sprintf("SigAlg(%d)", uint32(a))
}

// MinRSABits is the smallest RSA modulus ParseVerifyKey accepts.
const MinRSABits = 2048

func (a SigAlg) hash() crypto.Hash {
	switch a {
	case SigRS384, SigPS384, SigES384:
		return crypto.SHA384
	case SigRS512, SigPS512, SigES512:
		return crypto.SHA512
	}
	return crypto.SHA256
}

func (a SigAlg) curve() elliptic.Curve {
	switch a {
	case SigES256:
		return elliptic.P256()
	case SigES384:
		return elliptic.P384()
	case SigES512:
		return elliptic.P521()
	}
	return nil
}

// ParseVerifyKey parses a DER SubjectPublicKeyInfo (x509.MarshalPKIXPublicKey)
// for alg: an RSA key of at least MinRSABits for RS*/PS*, an ECDSA key on
// the algorithm's own curve for ES*, an Ed25519 key for EdDSA. Any other
// combination is an error, so a key can verify only its own family.
func ParseVerifyKey(a SigAlg, der []byte) (crypto.PublicKey, error) {
	if a == 0 || int(a) >= len(sigNames) {
		return nil, fmt.Errorf("abi: unknown signature algorithm %d", uint32(a))
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("abi: %s key: %w", a, err)
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if a > SigPS512 {
			break
		}
		if k.N.BitLen() < MinRSABits {
			return nil, fmt.Errorf("abi: %s key: RSA key of %d bits (want >= %d)", a, k.N.BitLen(), MinRSABits)
		}
		return k, nil
	case *ecdsa.PublicKey:
		if c := a.curve(); c != nil && k.Curve == c {
			return k, nil
		}
	case ed25519.PublicKey:
		if a == SigEdDSA {
			return k, nil
		}
	}
	return nil, fmt.Errorf("abi: %s key: a %T cannot verify %s", a, pub, a)
}

var errKeyAlg = errors.New("abi: key does not match the algorithm")

// VerifySignature reports whether sig is alg's valid signature of msg under
// key, a key ParseVerifyKey returned for alg. ES* signatures are JWS's fixed
// size R || S, not ASN.1.
func VerifySignature(a SigAlg, key crypto.PublicKey, msg, sig []byte) (bool, error) {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if a < SigRS256 || a > SigPS512 {
			return false, errKeyAlg
		}
		if len(sig) != k.Size() {
			return false, nil
		}
		h := a.hash()
		digest := sum(h, msg)
		if a >= SigPS256 {
			return rsa.VerifyPSS(k, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}) == nil, nil
		}
		return rsa.VerifyPKCS1v15(k, h, digest, sig) == nil, nil
	case *ecdsa.PublicKey:
		if c := a.curve(); c == nil || k.Curve != c {
			return false, errKeyAlg
		}
		n := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*n {
			return false, nil
		}
		r, s := new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])
		return ecdsa.Verify(k, sum(a.hash(), msg), r, s), nil
	case ed25519.PublicKey:
		if a != SigEdDSA {
			return false, errKeyAlg
		}
		return len(sig) == ed25519.SignatureSize && ed25519.Verify(k, msg, sig), nil
	}
	return false, errKeyAlg
}

func sum(h crypto.Hash, msg []byte) []byte {
	var d hash.Hash
	switch h {
	case crypto.SHA384:
		d = sha512.New384()
	case crypto.SHA512:
		d = sha512.New()
	default:
		d = sha256.New()
	}
	d.Write(msg)
	return d.Sum(nil)
}
