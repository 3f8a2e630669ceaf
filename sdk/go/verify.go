package ward

import (
	"errors"

	"github.com/wardgate/ward/sdk/abi"
)

// ErrVerifyArgs is VerifySignature's error for an unknown algorithm, a key
// that does not parse or does not belong to the algorithm's family and
// curve (RSA under 2048 bits included), or oversized arguments.
var ErrVerifyArgs = errors.New("ward: bad signature algorithm, key or argument sizes")

// VerifySignature reports whether sig is a valid alg signature of msg under
// the public key pkixDER (a DER SubjectPublicKeyInfo, as
// x509.MarshalPKIXPublicKey returns). ES* signatures are JWS's R || S.
//
// In a guest the host verifies natively (the ward.verify_signature host
// function, no grant needed): RSA and ECDSA run about 10x faster than the
// same Go code compiled to Wasm. Off Wasm it verifies in process with the
// same code the host uses (sdk/abi/sigverify).
func VerifySignature(alg abi.SigAlg, pkixDER, msg, sig []byte) (bool, error) {
	return verifySignature(alg, pkixDER, msg, sig)
}
