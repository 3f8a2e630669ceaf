package auth

import (
	"encoding/pem"
	"errors"
	"strconv"
	"strings"

	"github.com/wardgate/ward/plugins/auth/token"
	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
)

// minRSABits is the smallest RSA key accepted for RS*/PS*; the host's
// verifier (sdk/abi/sigverify) has the same floor.
const minRSABits = 2048

// Keys are read without crypto/x509 (and the ASN.1, big-number and
// elliptic-curve code it links, about 1.3 MB of the guard's WebAssembly):
// the guard only needs a key's family and the DER SubjectPublicKeyInfo the
// host verifies with, which der.go reads and writes. Whether a key is
// valid (an RSA modulus, a point on its curve) is then asked of the host,
// which parses it with crypto/x509 (ward.VerifySignature: a bad key is an
// argument error), so a key is checked by the very code that will verify
// with it, at configure time.

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
	var der []byte
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		der = block.Bytes
	case "RSA PUBLIC KEY":
		der, err = pkcs1ToSPKI(block.Bytes)
	case "CERTIFICATE":
		der, err = certificateSPKI(block.Bytes)
	default:
		if strings.Contains(block.Type, "PRIVATE") {
			return jwtKey{}, errors.New("is a private key: configure the public key only")
		}
		return jwtKey{}, errors.New("unsupported PEM block " + strconv.Quote(block.Type) + " (want PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE)")
	}
	if err != nil {
		return jwtKey{}, errors.New("bad " + block.Type + ": " + err.Error())
	}
	k, err := spkiKey(der)
	var bad *derError
	if errors.As(err, &bad) {
		return jwtKey{}, errors.New("bad " + block.Type + ": " + err.Error())
	}
	return k, err
}

// spkiKey files a DER SubjectPublicKeyInfo under its key kind, refusing
// RSA keys under minRSABits and curves other than P-256 and P-384, and has
// the host check the key itself. A *derError is a structure that is not a
// SubjectPublicKeyInfo; other errors are about the key.
func spkiKey(der []byte) (jwtKey, error) {
	info, err := parseSPKI(der)
	if err != nil {
		return jwtKey{}, err
	}
	var k jwtKey
	var probe abi.SigAlg
	switch {
	case info.rsa:
		if info.rsaBits == 0 {
			return jwtKey{}, errors.New("invalid RSA key")
		}
		if info.rsaBits < minRSABits {
			return jwtKey{}, errors.New("RSA key of " + strconv.Itoa(info.rsaBits) + " bits, want at least " + strconv.Itoa(minRSABits))
		}
		k.kind, probe = kindRSA, abi.SigRS256
	case info.curve != "":
		switch info.curve {
		case "P-256":
			k.kind, probe = kindP256, abi.SigES256
		case "P-384":
			k.kind, probe = kindP384, abi.SigES384
		default:
			return jwtKey{}, errors.New("ECDSA curve " + info.curve + " not supported (want P-256 or P-384)")
		}
	case info.ed25519:
		k.kind, probe = kindEd25519, abi.SigEdDSA
	default:
		return jwtKey{}, errors.New("unsupported key type (want RSA, ECDSA or Ed25519)")
	}
	// An empty signature of the key's own algorithm: the host answers
	// "invalid" (false, nil) for a key it can use and an argument error
	// for one it cannot parse.
	if _, err := ward.VerifySignature(probe, der, nil, nil); err != nil {
		if k.kind == kindP256 || k.kind == kindP384 {
			return jwtKey{}, errors.New("invalid EC point (not on the curve)")
		}
		return jwtKey{}, errors.New("invalid " + k.kind.String() + " key")
	}
	k.der = der
	return k, nil
}

// jwk holds the members of a JWK (RFC 7517) the guard reads; the others
// are ignored.
type jwk struct {
	Kty, Kid, Use, Alg, N, E, Crv, X, Y string
}

// parseJWKS reads a JWK Set (RFC 7517). Keys whose "use" is "enc" are
// skipped; symmetric ("oct") and private keys are refused. It returns the
// index of the offending key with an error.
//
// The set is read with the guard's strict JSON reader (jsonobj.go):
// duplicate member names and invalid UTF-8 are refused, member names
// match exactly.
func parseJWKS(doc string) ([]jwtKey, int, error) {
	var set, entry jsonReader
	ms, err := set.parseObject([]byte(doc))
	if err != nil {
		return nil, -1, errors.New("not a JWK Set: " + err.Error())
	}
	km := member(ms, "keys")
	if km == nil || km.kind != jArray {
		return nil, -1, errors.New(`not a JWK Set: no "keys" array`)
	}
	var keys []jwtKey
	for i, raw := range arrayElements(km.raw) {
		es, err := entry.parseObject(raw)
		if err != nil {
			return nil, i, errors.New("not a JSON object: " + err.Error())
		}
		if member(es, "d") != nil {
			return nil, i, errors.New("is a private key: publish only public keys")
		}
		var j jwk
		for _, f := range []struct {
			name string
			dst  *string
		}{{"kty", &j.Kty}, {"kid", &j.Kid}, {"use", &j.Use}, {"alg", &j.Alg}, {"n", &j.N}, {"e", &j.E},
			{"crv", &j.Crv}, {"x", &j.X}, {"y", &j.Y}} {
			m := member(es, f.name)
			if m == nil || m.kind == jNull {
				continue
			}
			v, ok := entry.str(m)
			if !ok {
				return nil, i, errors.New(strconv.Quote(f.name) + " is not a string")
			}
			*f.dst = string(v)
		}
		if j.Use == "enc" {
			continue
		}
		if j.Use != "" && j.Use != "sig" {
			return nil, i, errors.New("unknown use " + strconv.Quote(j.Use))
		}
		k, err := jwkKey(&j)
		if err != nil {
			return nil, i, err
		}
		if j.Alg != "" {
			a, ok := lookupAlg(j.Alg)
			if !ok || a.hmac {
				return nil, i, errors.New("unsupported alg " + strconv.Quote(j.Alg))
			}
			if a.kind != k.kind {
				return nil, i, errors.New("alg " + j.Alg + " does not fit a " + k.kind.String() + " key")
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
			return nil, errors.New(strconv.Quote(name) + " is missing")
		}
		b, err := b64url.DecodeString(v)
		if err != nil || !token.IsBase64URL(v) {
			return nil, errors.New(strconv.Quote(name) + " is not base64url")
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
		e = trimZeros(e)
		var eInt uint64
		for _, c := range e {
			eInt = eInt<<8 | uint64(c)
		}
		if len(e) > 4 || eInt < 3 || eInt > 1<<31-1 || eInt&1 == 0 {
			return jwtKey{}, errors.New(`"e" is not a valid RSA exponent`)
		}
		return spkiKey(rsaSPKI(trimZeros(n), e))
	case "EC":
		var size int
		switch j.Crv {
		case "P-256":
			size = 32
		case "P-384":
			size = 48
		default:
			return jwtKey{}, errors.New("curve " + strconv.Quote(j.Crv) + " not supported (want P-256 or P-384)")
		}
		x, err := field("x", j.X)
		if err != nil {
			return jwtKey{}, err
		}
		y, err := field("y", j.Y)
		if err != nil {
			return jwtKey{}, err
		}
		if len(x) != size || len(y) != size {
			return jwtKey{}, errors.New("coordinates must be " + strconv.Itoa(size) + " bytes")
		}
		return spkiKey(ecSPKI(j.Crv, x, y))
	case "OKP":
		if j.Crv != "Ed25519" {
			return jwtKey{}, errors.New("curve " + strconv.Quote(j.Crv) + " not supported (want Ed25519)")
		}
		x, err := field("x", j.X)
		if err != nil {
			return jwtKey{}, err
		}
		if len(x) != ed25519KeySize {
			return jwtKey{}, errors.New(`"x" must be 32 bytes`)
		}
		return spkiKey(ed25519SPKI(x))
	case "oct":
		return jwtKey{}, errors.New(`symmetric ("oct") keys are not accepted here: use jwt.hmac_secret`)
	}
	return jwtKey{}, errors.New("unsupported kty " + strconv.Quote(j.Kty))
}
