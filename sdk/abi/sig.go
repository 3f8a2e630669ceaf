package abi

import "strconv"

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
	return "SigAlg(" + strconv.FormatUint(uint64(a), 10) + ")"
}
