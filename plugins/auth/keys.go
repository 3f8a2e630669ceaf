package main

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/wardgate/ward/plugins/auth/token"
)

// minRSABits is the smallest RSA key accepted for RS*/PS*.
const minRSABits = 2048

// parsePEMKey reads one PEM public key: "PUBLIC KEY" (PKIX: RSA, ECDSA
// P-256/P-384, Ed25519), "RSA PUBLIC KEY" (PKCS #1) or "CERTIFICATE" (its
// subject key). Private keys are refused: the gateway needs only the
// public half.
func parsePEMKey(text string) (jwtKey, error) {
	block, rest := pem.Decode([]byte(text))
	if block == nil {
		return jwtKey{}, errors.New("no PEM block")
	}
	if strings.TrimSpace(string(rest)) != "" {
		return jwtKey{}, errors.New("more than one PEM block")
	}
	var pub any
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(block.Bytes); err == nil {
			pub = cert.PublicKey
		}
	default:
		if strings.Contains(block.Type, "PRIVATE") {
			return jwtKey{}, errors.New("is a private key: configure the public key only")
		}
		return jwtKey{}, fmt.Errorf("unsupported PEM block %q (want PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)", block.Type)
	}
	if err != nil {
		return jwtKey{}, fmt.Errorf("bad %s: %v", block.Type, err)
	}
	return publicKey(pub)
}

func publicKey(pub any) (jwtKey, error) {
	k, err := publicKeyKind(pub)
	if err != nil {
		return k, err
	}
	// The host verifies signatures from the DER form.
	if k.der, err = x509.MarshalPKIXPublicKey(pub); err != nil {
		return jwtKey{}, fmt.Errorf("encode key: %v", err)
	}
	return k, nil
}

func publicKeyKind(pub any) (jwtKey, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return jwtKey{}, fmt.Errorf("RSA key of %d bits, want at least %d", k.N.BitLen(), minRSABits)
		}
		return jwtKey{kind: kindRSA}, nil
	case *ecdsa.PublicKey:
		kind := curveKind(k.Curve)
		if kind == 0 {
			return jwtKey{}, fmt.Errorf("ECDSA curve %s not supported (want P-256 or P-384)", k.Curve.Params().Name)
		}
		return jwtKey{kind: kind}, nil
	case ed25519.PublicKey:
		return jwtKey{kind: kindEd25519}, nil
	}
	return jwtKey{}, fmt.Errorf("unsupported key type %T", pub)
}

type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

// parseJWKS reads a JWK Set (RFC 7517). Keys whose "use" is "enc" are
// skipped; symmetric ("oct") and private keys are refused. It returns the
// index of the offending key with an error.
func parseJWKS(doc string) ([]jwtKey, int, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal([]byte(doc), &set); err != nil {
		return nil, -1, fmt.Errorf("not a JWK Set: %v", err)
	}
	if set.Keys == nil {
		return nil, -1, errors.New(`not a JWK Set: no "keys" array`)
	}
	var keys []jwtKey
	for i, raw := range set.Keys {
		var private struct {
			D *string `json:"d"`
		}
		var j jwk
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, i, err
		}
		if json.Unmarshal(raw, &private); private.D != nil {
			return nil, i, errors.New("is a private key: publish only public keys")
		}
		if j.Use == "enc" {
			continue
		}
		if j.Use != "" && j.Use != "sig" {
			return nil, i, fmt.Errorf("unknown use %q", j.Use)
		}
		k, err := jwkKey(&j)
		if err != nil {
			return nil, i, err
		}
		if j.Alg != "" {
			a, ok := lookupAlg(j.Alg)
			if !ok || a.hmac {
				return nil, i, fmt.Errorf("unsupported alg %q", j.Alg)
			}
			if a.kind != k.kind {
				return nil, i, fmt.Errorf("alg %s does not fit a %s key", j.Alg, k.kind)
			}
		}
		k.kid, k.alg = j.Kid, j.Alg
		keys = append(keys, k)
	}
	return keys, -1, nil
}

func jwkKey(j *jwk) (jwtKey, error) {
	field := func(name, v string) ([]byte, error) {
		if v == "" {
			return nil, fmt.Errorf("%q is missing", name)
		}
		b, err := b64url.DecodeString(v)
		if err != nil || !token.IsBase64URL(v) {
			return nil, fmt.Errorf("%q is not base64url", name)
		}
		return b, nil
	}
	switch j.Kty {
	case "RSA":
		n, err := field("n", j.N)
		if err != nil {
			return jwtKey{}, err
		}
		e, err := field("e", j.E)
		if err != nil {
			return jwtKey{}, err
		}
		eInt := new(big.Int).SetBytes(e)
		if !eInt.IsInt64() || eInt.Int64() < 3 || eInt.Int64() > 1<<31-1 || eInt.Bit(0) == 0 {
			return jwtKey{}, errors.New(`"e" is not a valid RSA exponent`)
		}
		return publicKey(&rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(eInt.Int64())})
	case "EC":
		var curve elliptic.Curve
		switch j.Crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		default:
			return jwtKey{}, fmt.Errorf("curve %q not supported (want P-256 or P-384)", j.Crv)
		}
		x, err := field("x", j.X)
		if err != nil {
			return jwtKey{}, err
		}
		y, err := field("y", j.Y)
		if err != nil {
			return jwtKey{}, err
		}
		size := (curve.Params().BitSize + 7) / 8
		if len(x) != size || len(y) != size {
			return jwtKey{}, fmt.Errorf("coordinates must be %d bytes", size)
		}
		point := append(append([]byte{4}, x...), y...)
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
		if err != nil {
			return jwtKey{}, fmt.Errorf("invalid EC point: %v", err)
		}
		return publicKey(pub)
	case "OKP":
		if j.Crv != "Ed25519" {
			return jwtKey{}, fmt.Errorf("curve %q not supported (want Ed25519)", j.Crv)
		}
		x, err := field("x", j.X)
		if err != nil {
			return jwtKey{}, err
		}
		if len(x) != ed25519.PublicKeySize {
			return jwtKey{}, errors.New(`"x" must be 32 bytes`)
		}
		return publicKey(ed25519.PublicKey(x))
	case "oct":
		return jwtKey{}, errors.New(`symmetric ("oct") keys are not accepted here: use jwt.hmac_secret`)
	}
	return jwtKey{}, fmt.Errorf("unsupported kty %q", j.Kty)
}
