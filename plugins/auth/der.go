package auth

import (
	"bytes"
	"math/bits"
	"strconv"
)

// The few DER structures the guard reads and writes to handle public keys
// without crypto/x509 (see keys.go): a SubjectPublicKeyInfo (RFC 5280
// 4.1.2.7), a PKCS #1 RSAPublicKey (RFC 8017 A.1.1) and the path to the
// subject key of a certificate. Reading only finds a key's family and
// size; the host's crypto/x509 decides whether the key is valid.

// derError is DER that is not the structure expected.
type derError struct{ msg string }

func (e *derError) Error() string { return e.msg }

func derFail(msg string) error { return &derError{msg} }

// DER tags used here.
const (
	tagInteger   = 0x02
	tagBitString = 0x03
	tagNull      = 0x05
	tagOID       = 0x06
	tagSequence  = 0x30
	tagVersion   = 0xa0 // [0] EXPLICIT, a certificate's version
)

const ed25519KeySize = 32

// Object identifiers (content bytes) of the key algorithms and curves.
var (
	oidRSA      = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01} // 1.2.840.113549.1.1.1
	oidECPublic = []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}             // 1.2.840.10045.2.1
	oidEd25519  = []byte{0x2b, 0x65, 0x70}                                     // 1.3.101.112
	oidP256     = []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}       // 1.2.840.10045.3.1.7
	oidP384     = []byte{0x2b, 0x81, 0x04, 0x00, 0x22}                         // 1.3.132.0.34
	namedCurves = []struct {
		oid  []byte
		name string
	}{
		{oidP256, "P-256"},
		{oidP384, "P-384"},
		{[]byte{0x2b, 0x81, 0x04, 0x00, 0x21}, "P-224"},                                   // 1.3.132.0.33
		{[]byte{0x2b, 0x81, 0x04, 0x00, 0x23}, "P-521"},                                   // 1.3.132.0.35
		{[]byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x01}, "P-192"},                 // 1.2.840.10045.3.1.1
		{[]byte{0x2b, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07}, "brainpoolP256r1"}, // 1.3.36.3.3.2.8.1.1.7
	}
)

// derRead splits the element at the start of b: its tag, its content, the
// whole element and what follows. Only single-byte tags and definite
// lengths in minimal form are DER.
func derRead(b []byte) (tag byte, content, whole, rest []byte, err error) {
	if len(b) < 2 {
		return 0, nil, nil, nil, derFail("truncated DER")
	}
	tag = b[0]
	if tag&0x1f == 0x1f {
		return 0, nil, nil, nil, derFail("unsupported DER tag")
	}
	n, hdr := int(b[1]), 2
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 3 || len(b) < 2+k || b[2] == 0 {
			return 0, nil, nil, nil, derFail("bad DER length")
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		if n < 0x80 {
			return 0, nil, nil, nil, derFail("bad DER length")
		}
		hdr += k
	}
	if len(b)-hdr < n {
		return 0, nil, nil, nil, derFail("truncated DER")
	}
	return tag, b[hdr : hdr+n], b[:hdr+n], b[hdr+n:], nil
}

// derExpect reads an element that must have tag want.
func derExpect(b []byte, want byte, what string) (content, whole, rest []byte, err error) {
	tag, content, whole, rest, err := derRead(b)
	if err != nil {
		return nil, nil, nil, err
	}
	if tag != want {
		return nil, nil, nil, derFail("want " + what)
	}
	return content, whole, rest, nil
}

// spkiInfo is what parseSPKI finds: one of rsa, curve != "" or ed25519
// for the key families the guard knows, none for others.
type spkiInfo struct {
	rsa     bool
	rsaBits int    // 0 when the RSA key does not parse
	curve   string // name of an ECDSA key's curve ("P-256", or the OID)
	ed25519 bool
}

// parseSPKI reads a DER SubjectPublicKeyInfo:
//
//	SEQUENCE { SEQUENCE { OID algorithm, parameters ANY OPTIONAL }, BIT STRING key }
func parseSPKI(der []byte) (spkiInfo, error) {
	spki, _, rest, err := derExpect(der, tagSequence, "a SubjectPublicKeyInfo")
	if err != nil {
		return spkiInfo{}, err
	}
	if len(rest) > 0 {
		return spkiInfo{}, derFail("trailing data after the key")
	}
	algID, _, rest, err := derExpect(spki, tagSequence, "an AlgorithmIdentifier")
	if err != nil {
		return spkiInfo{}, err
	}
	keyBits, _, rest, err := derExpect(rest, tagBitString, "the key's BIT STRING")
	if err != nil {
		return spkiInfo{}, err
	}
	if len(rest) > 0 || len(keyBits) == 0 || keyBits[0] != 0 {
		return spkiInfo{}, derFail("malformed SubjectPublicKeyInfo")
	}
	key := keyBits[1:]
	oid, _, params, err := derExpect(algID, tagOID, "an algorithm OID")
	if err != nil {
		return spkiInfo{}, err
	}
	switch {
	case bytes.Equal(oid, oidRSA):
		return spkiInfo{rsa: true, rsaBits: rsaModulusBits(key)}, nil
	case bytes.Equal(oid, oidECPublic):
		curve, _, _, err := derExpect(params, tagOID, "a named curve")
		if err != nil {
			return spkiInfo{}, err
		}
		for _, c := range namedCurves {
			if bytes.Equal(curve, c.oid) {
				return spkiInfo{curve: c.name}, nil
			}
		}
		return spkiInfo{curve: "with OID " + oidString(curve)}, nil
	case bytes.Equal(oid, oidEd25519):
		return spkiInfo{ed25519: true}, nil
	}
	return spkiInfo{}, nil
}

// rsaModulusBits returns the size of the modulus of a PKCS #1
// RSAPublicKey, SEQUENCE { INTEGER n, INTEGER e }, or 0 when key is not one
// (the host then refuses it).
func rsaModulusBits(key []byte) int {
	seq, _, _, err := derExpect(key, tagSequence, "")
	if err != nil {
		return 0
	}
	n, _, _, err := derExpect(seq, tagInteger, "")
	if err != nil {
		return 0
	}
	n = trimZeros(n)
	if len(n) == 0 {
		return 0
	}
	return 8*(len(n)-1) + bits.Len8(n[0])
}

// oidString writes an OID's dotted form ("1.3.132.0.35").
func oidString(oid []byte) string {
	if len(oid) == 0 {
		return "?"
	}
	var out []byte
	var v uint64
	first := true
	for _, c := range oid {
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 != 0 {
			if v > 1<<56 {
				return "?"
			}
			continue
		}
		if first {
			a := min(v/40, 2)
			out = strconv.AppendUint(out, a, 10)
			out = append(out, '.')
			out = strconv.AppendUint(out, v-40*a, 10)
			first = false
		} else {
			out = append(out, '.')
			out = strconv.AppendUint(out, v, 10)
		}
		v = 0
	}
	return string(out)
}

// pkcs1ToSPKI wraps a PKCS #1 RSAPublicKey in a SubjectPublicKeyInfo.
func pkcs1ToSPKI(pkcs1 []byte) ([]byte, error) {
	if _, _, rest, err := derExpect(pkcs1, tagSequence, "an RSAPublicKey"); err != nil {
		return nil, err
	} else if len(rest) > 0 {
		return nil, derFail("trailing data after the key")
	}
	return spkiOf(derElem(nil, tagSequence, derElem(oidElem(oidRSA), tagNull, nil)), pkcs1), nil
}

// certificateSPKI returns the subjectPublicKeyInfo of a DER certificate:
//
//	Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
//	    serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, ... }, ... }
//
// The certificate is not otherwise checked: the guard trusts the key, not
// the certificate (no chain, dates or signature are verified).
func certificateSPKI(der []byte) ([]byte, error) {
	cert, _, rest, err := derExpect(der, tagSequence, "a Certificate")
	if err != nil {
		return nil, err
	}
	if len(rest) > 0 {
		return nil, derFail("trailing data after the certificate")
	}
	tbs, _, _, err := derExpect(cert, tagSequence, "a TBSCertificate")
	if err != nil {
		return nil, err
	}
	if len(tbs) > 0 && tbs[0] == tagVersion {
		if _, _, _, tbs, err = derRead(tbs); err != nil {
			return nil, err
		}
	}
	for _, what := range []struct {
		tag  byte
		name string
	}{{tagInteger, "a serial number"}, {tagSequence, "a signature algorithm"}, {tagSequence, "an issuer"},
		{tagSequence, "a validity"}, {tagSequence, "a subject"}} {
		if _, _, tbs, err = derExpect(tbs, what.tag, what.name); err != nil {
			return nil, err
		}
	}
	_, spki, _, err := derExpect(tbs, tagSequence, "a SubjectPublicKeyInfo")
	return spki, err
}

// rsaSPKI encodes the RSA public key (n, e), both big-endian without
// leading zeros.
func rsaSPKI(n, e []byte) []byte {
	key := derElem(nil, tagSequence, append(derInteger(nil, n), derInteger(nil, e)...))
	return spkiOf(derElem(nil, tagSequence, derElem(oidElem(oidRSA), tagNull, nil)), key)
}

// ecSPKI encodes the uncompressed point (x, y) on curve ("P-256" or
// "P-384").
func ecSPKI(curve string, x, y []byte) []byte {
	c := oidP256
	if curve == "P-384" {
		c = oidP384
	}
	alg := derElem(nil, tagSequence, append(oidElem(oidECPublic), oidElem(c)...))
	point := append(append([]byte{4}, x...), y...)
	return spkiOf(alg, point)
}

// ed25519SPKI encodes an Ed25519 public key.
func ed25519SPKI(x []byte) []byte {
	return spkiOf(derElem(nil, tagSequence, oidElem(oidEd25519)), x)
}

// spkiOf encodes SEQUENCE { alg, BIT STRING key }; alg is a whole
// AlgorithmIdentifier element.
func spkiOf(alg, key []byte) []byte {
	bitString := derElem(nil, tagBitString, append([]byte{0}, key...))
	return derElem(nil, tagSequence, append(alg, bitString...))
}

func oidElem(oid []byte) []byte { return derElem(nil, tagOID, oid) }

// derInteger appends a non-negative INTEGER whose big-endian magnitude
// (without leading zeros) is v.
func derInteger(b, v []byte) []byte {
	if len(v) == 0 || v[0]&0x80 != 0 {
		v = append([]byte{0}, v...)
	}
	return derElem(b, tagInteger, v)
}

// derElem appends an element with a minimal definite length.
func derElem(b []byte, tag byte, content []byte) []byte {
	b = append(b, tag)
	switch n := len(content); {
	case n < 0x80:
		b = append(b, byte(n))
	case n <= 0xff:
		b = append(b, 0x81, byte(n))
	case n <= 0xffff:
		b = append(b, 0x82, byte(n>>8), byte(n))
	default:
		b = append(b, 0x83, byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, content...)
}

// trimZeros drops leading zero bytes.
func trimZeros(b []byte) []byte {
	for len(b) > 0 && b[0] == 0 {
		b = b[1:]
	}
	return b
}
