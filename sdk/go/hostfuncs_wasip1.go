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

//go:wasmimport ward state_batch
func hostStateBatch(opsPtr, opsLen uint32, out uint32) uint32

// Batch's buffers: the encoded records (grown once to the largest batch
// seen, at most MaxBatchBytes) and the host's answers. A guest module
// runs one call at a time, so they are never shared.
var (
	batchBuf []byte
	batchOut [16 * MaxBatchOps]byte
)

// stateBatch encodes ops as state_batch records (sdk/ABI.md) and makes
// one host call. Batch has checked the ops.
func stateBatch(ops []StateOp) error {
	b := batchBuf[:0]
	for i := range ops {
		o := &ops[i]
		op, delta, ttl := byte(1), o.Delta, o.TTL.Milliseconds()
		if o.Get {
			op, delta, ttl = 2, 0, 0
		}
		b = append(b, op, byte(len(o.Key)), byte(len(o.Key)>>8))
		b = append(b, o.Key...)
		b = binary.LittleEndian.AppendUint64(b, uint64(delta))
		b = binary.LittleEndian.AppendUint64(b, uint64(ttl))
	}
	batchBuf = b
	code := hostStateBatch(bytesPtr(b), uint32(len(b)), uint32(uintptr(unsafe.Pointer(&batchOut[0]))))
	if err := stateResult(code); err != nil {
		return err
	}
	for i := range ops {
		a := batchOut[16*i:]
		ops[i].Result = Counter{
			Value: int64(binary.LittleEndian.Uint64(a[:8])),
			TTL:   time.Duration(int64(binary.LittleEndian.Uint64(a[8:16]))) * time.Millisecond,
		}
	}
	return nil
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
