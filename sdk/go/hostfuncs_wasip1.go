//go:build wasip1

package ward

import (
	"encoding/binary"
	"time"
	"unsafe"

	"github.com/wardgate/ward/sdk/abi"
)

//go:wasmimport ward state_incr
func hostStateIncr(keyPtr, keyLen uint32, delta, ttlMs int64, out uint32) uint32

//go:wasmimport ward state_get
func hostStateGet(keyPtr, keyLen uint32, out uint32) uint32

// stateOut receives the host's 16-byte answer (value, ttl in ms).
var stateOut [16]byte

func stateIncr(key string, delta int64, ttl time.Duration) (Counter, error) {
	code := hostStateIncr(strPtr(key), uint32(len(key)), delta, ttl.Milliseconds(), uint32(uintptr(unsafe.Pointer(&stateOut[0]))))
	return stateCounter(code)
}

func stateGet(key string) (Counter, error) {
	code := hostStateGet(strPtr(key), uint32(len(key)), uint32(uintptr(unsafe.Pointer(&stateOut[0]))))
	return stateCounter(code)
}

func strPtr(s string) uint32 { return uint32(uintptr(unsafe.Pointer(unsafe.StringData(s)))) }

func stateCounter(code uint32) (Counter, error) {
	if err := stateResult(code); err != nil {
		return Counter{}, err
	}
	return Counter{
		Value: int64(binary.LittleEndian.Uint64(stateOut[:8])),
		TTL:   time.Duration(int64(binary.LittleEndian.Uint64(stateOut[8:]))) * time.Millisecond,
	}, nil
}

// ResetState does nothing in a guest: the host owns the counters.
func ResetState() {}

//go:wasmimport ward verify_signature
func hostVerifySignature(alg, keyPtr, keyLen, msgPtr, msgLen, sigPtr, sigLen uint32) uint32

func bytesPtr(b []byte) uint32 {
	if len(b) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&b[0])))
}

func verifySignature(alg abi.SigAlg, der, msg, sig []byte) (bool, error) {
	switch hostVerifySignature(uint32(alg), bytesPtr(der), uint32(len(der)), bytesPtr(msg), uint32(len(msg)), bytesPtr(sig), uint32(len(sig))) {
	case 0:
		return true, nil
	case 1:
		return false, nil
	}
	return false, ErrVerifyArgs
}
