// Package state is the host-side store behind the guards' state host
// functions (sdk/ABI.md, "Host functions"): counters with an expiry, kept
// in process or in Redis so that several Ward replicas share them. Rate
// limits, token quotas, anomaly baselines and (later) quarantines live here.
//
// A Store never blocks longer than its configured timeout: a slow or
// unreachable backend returns ErrUnavailable, and the guard applies its own
// failure policy.
package state

import (
	"context"
	"errors"
	"time"
)

// Entry is a counter's value and the time left before it expires (0 when
// the key does not exist).
type Entry struct {
	Value int64
	TTL   time.Duration
}

// Op is one operation of Store.Batch: an increment of Key by Delta with
// expiry TTL for a new key (as Incr), or, when Get is true, a read of Key
// (Delta and TTL ignored). Batch writes the answer to Result. Key is not
// retained after Batch returns.
type Op struct {
	Key    string
	Delta  int64
	TTL    time.Duration
	Get    bool
	Result Entry
}

// ErrUnavailable is returned (wrapped) when the backend cannot answer in
// time or at all: Redis down, timeout, circuit open, the in-process store
// full.
var ErrUnavailable = errors.New("state backend unavailable")

// Store is a set of integer counters with expiry. Implementations are safe
// for concurrent use, and never retain a key passed to Incr or Get after
// the call returns (callers may pass strings aliasing reused buffers).
type Store interface {
	// Incr adds delta (which may be negative or zero) to key's counter and
	// returns the new value and the time left before it expires. A key
	// that does not exist or has expired starts at 0 and expires ttl from
	// now; an existing key keeps its expiry (fixed windows). ttl must be
	// positive.
	Incr(ctx context.Context, key string, delta int64, ttl time.Duration) (Entry, error)
	// Get returns key's counter; a missing or expired key is Entry{} and
	// no error.
	Get(ctx context.Context, key string) (Entry, error)
	// Batch applies ops in order, each as Incr (Get false) or Get (Get
	// true) would, atomically with respect to other calls, and stores each
	// op's answer in its Result. It is all or nothing: on any error
	// (ErrInvalidTTL for an incr op with ttl <= 0, ErrOverflow,
	// ErrUnavailable) no op was applied and the Results are unspecified. A
	// key may appear more than once; later ops see earlier ones. An empty
	// batch does nothing and returns nil. With Redis it is one round trip.
	Batch(ctx context.Context, ops []Op) error
	// Close releases the backend's resources.
	Close() error
}
