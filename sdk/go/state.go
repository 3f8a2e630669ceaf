package ward

import (
	"errors"
	"time"
)

// Counter is a host counter's value and the time left before it expires
// (0 for a counter that does not exist).
type Counter struct {
	Value int64
	TTL   time.Duration
}

// MaxStateKey is the longest key Incr and Get accept, in bytes.
const MaxStateKey = 256

// Errors of Incr, Get and Batch.
var (
	// ErrStateUnavailable: the host's state backend could not answer
	// (Redis down or slow, circuit open, in-process store full). Nothing
	// was changed; apply the guard's failure policy.
	ErrStateUnavailable = errors.New("ward: state backend unavailable")
	// ErrStateInvalid: an empty or oversized key, or a ttl under 1 ms.
	ErrStateInvalid = errors.New("ward: invalid state key or ttl")
)

// Incr adds delta (any sign; 0 reads) to the host counter key and returns
// its new value and time to expiry. A counter that does not exist or has
// expired starts at 0 and expires ttl from now; an existing one keeps its
// expiry, so a counter is a fixed window. The operation is atomic, across
// replicas too when the host's state lives in Redis. Keys are private to
// the guard (the host prefixes them with its name).
//
// Incr and Get do not retain key: it may alias a buffer the guard reuses.
//
// The guard must be granted "state" (`grants = ["state"]` in Ward's
// config). Off Wasm (tests through NewInstance) counters live in an
// in-process map shared by the whole process; ResetState empties it.
func Incr(key string, delta int64, ttl time.Duration) (Counter, error) {
	if len(key) == 0 || len(key) > MaxStateKey || ttl < time.Millisecond {
		return Counter{}, ErrStateInvalid
	}
	return stateIncr(key, delta, ttl)
}

// Get reads the host counter key; a missing or expired counter is
// Counter{} and no error. See Incr.
func Get(key string) (Counter, error) {
	if len(key) == 0 || len(key) > MaxStateKey {
		return Counter{}, ErrStateInvalid
	}
	return stateGet(key)
}

// Bounds of Batch.
const (
	// MaxBatchOps is the most ops one Batch takes.
	MaxBatchOps = 32
	// MaxBatchBytes bounds a batch's encoding: 19 bytes per op plus its
	// key (so 32 ops with keys of up to 493 bytes on average always fit,
	// and keys are at most MaxStateKey anyway).
	MaxBatchBytes = 16 << 10
)

// StateOp is one operation of Batch: add Delta to the counter Key as Incr
// does (TTL the expiry of a new counter), or, when Get is true, read it
// (Delta and TTL ignored). Batch sets Result.
type StateOp struct {
	Key    string
	Delta  int64
	TTL    time.Duration
	Get    bool
	Result Counter
}

// Batch runs ops in order, each as Incr or Get would, in one call to the
// host, so one Redis round trip whatever their number: a guard that needs
// several counters per request should make one Batch rather than several
// Incr calls. The ops are atomic (no other guard's or replica's operation
// is applied between them), a later op sees the changes of earlier ones,
// and a key may appear more than once.
//
// It is all or nothing: on ErrStateInvalid (more than MaxBatchOps ops, an
// empty or oversized key, an incr ttl under 1 ms) or ErrStateUnavailable
// nothing was applied and no Result was set. An empty batch does nothing
// and returns nil.
//
// Batch does not retain ops or their keys. In a guest it encodes into a
// buffer kept between calls, so a steady batch allocates nothing.
func Batch(ops []StateOp) error {
	if len(ops) > MaxBatchOps {
		return ErrStateInvalid
	}
	for i := range ops {
		o := &ops[i]
		if len(o.Key) == 0 || len(o.Key) > MaxStateKey || !o.Get && o.TTL < time.Millisecond {
			return ErrStateInvalid
		}
	}
	if len(ops) == 0 {
		return nil
	}
	return stateBatch(ops)
}

// stateResult maps a host function's result code to an error.
func stateResult(code uint32) error {
	switch code {
	case 0:
		return nil
	case 1:
		return ErrStateUnavailable
	case 2:
		return ErrStateInvalid
	}
	return ErrStateUnavailable
}
