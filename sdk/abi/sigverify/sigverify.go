// Package sigverify is the host's side of the ward.verify_signature host
// function (sdk/ABI.md, "Host functions"): it parses a DER public key for a
// JWS algorithm and verifies signatures with it. The Ward host and the
// SDKs' test hosts use it; a guest verifies through the host function
// (ward.VerifySignature in sdk/go) and does not import it.
//
// It is a package of its own, not part of sdk/abi, because every guard
// module links sdk/abi: importing crypto/x509, crypto/rsa, crypto/ecdsa and
// math/big there linked their package initialisation, about 0.8 MB of
// WebAssembly code, into every guard, whether it verified anything or not.
package sigverify

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

	"github.com/wardgate/ward/sdk/abi"
)

// MinRSABits is the smallest RSA modulus ParseKey accepts.
const MinRSABits = 2048

func hashOf(a abi.SigAlg) crypto.Hash {
	switch a {
	case abi.SigRS384, abi.SigPS384, abi.SigES384:
		return crypto.SHA384
	case abi.SigRS512, abi.SigPS512, abi.SigES512:
		return crypto.SHA512
	}
	return crypto.SHA256
}

func curveOf(a abi.SigAlg) elliptic.Curve {
	switch a {
	case abi.SigES256:
		return elliptic.P256()
	case abi.SigES384:
		return elliptic.P384()
	case abi.SigES512:
		return elliptic.P521()
	}
	return nil
}

// ParseKey parses a DER SubjectPublicKeyInfo (x509.MarshalPKIXPublicKey)
// for alg: an RSA key of at least MinRSABits for RS*/PS*, an ECDSA key on
// the algorithm's own curve for ES*, an Ed25519 key for EdDSA. Any other
// combination is an error, so a key can verify only its own family.
func ParseKey(a abi.SigAlg, der []byte) (crypto.PublicKey, error) {
	if a < abi.SigRS256 || a > abi.SigEdDSA {
		return nil, fmt.Errorf("sigverify: unknown signature algorithm %d", uint32(a))
	}
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("sigverify: %s key: %w", a, err)
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if a > abi.SigPS512 {
			break
		}
		if k.N.BitLen() < MinRSABits {
			return nil, fmt.Errorf("sigverify: %s key: RSA key of %d bits (want >= %d)", a, k.N.BitLen(), MinRSABits)
		}
		return k, nil
	case *ecdsa.PublicKey:
		if c := curveOf(a); c != nil && k.Curve == c {
			return k, nil
		}
	case ed25519.PublicKey:
		if a == abi.SigEdDSA {
			return k, nil
		}
	}
	return nil, fmt.Errorf("sigverify: %s key: a %T cannot verify %s", a, pub, a)
}

var errKeyAlg = errors.New("sigverify: key does not match the algorithm")

// Verify reports whether sig is alg's valid signature of msg under
// key, a key ParseKey returned for alg. ES* signatures are JWS's fixed
// size R || S, not ASN.1.
func Verify(a abi.SigAlg, key crypto.PublicKey, msg, sig []byte) (bool, error) {
	switch k := key.(type) {
	case *rsa.PublicKey:
		if a < abi.SigRS256 || a > abi.SigPS512 {
			return false, errKeyAlg
		}
		if len(sig) != k.Size() {
			return false, nil
		}
		h := hashOf(a)
		digest := sum(h, msg)
		if a >= abi.SigPS256 {
			return rsa.VerifyPSS(k, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: h}) == nil, nil
		}
		return rsa.VerifyPKCS1v15(k, h, digest, sig) == nil, nil
	case *ecdsa.PublicKey:
		if c := curveOf(a); c == nil || k.Curve != c {
			return false, errKeyAlg
		}
		n := (k.Curve.Params().BitSize + 7) / 8
		if len(sig) != 2*n {
			return false, nil
		}
		r, s := new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])
		return ecdsa.Verify(k, sum(hashOf(a), msg), r, s), nil
	case ed25519.PublicKey:
		if a != abi.SigEdDSA {
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
