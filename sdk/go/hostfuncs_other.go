//go:build !wasip1

package ward

import (
	"strings"
	"sync"
	"time"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/abi/sigverify"
)

// Off Wasm the host counters are an in-process map, so that guard logic
// can be tested with NewInstance. Entries are pointers, updated in place:
// assigning to an existing string key stores the new key string (Go
// updates string keys on assignment), and a caller's key may alias a
// buffer it reuses, which would then change the map's key under it (a
// guard's second key found the first one's counter, depending on the
// map's hash seed).
var localState localStateT

type localStateT struct {
	mu sync.Mutex
	m  map[string]*localCounter
}

type localCounter struct {
	value   int64
	expires time.Time
}

// ResetState empties the in-process counters Incr and Get use off Wasm
// (between tests). It has no effect in a guest.
func ResetState() {
	localState.mu.Lock()
	localState.m = nil
	localState.mu.Unlock()
}

func stateIncr(key string, delta int64, ttl time.Duration) (Counter, error) {
	now := time.Now()
	localState.mu.Lock()
	defer localState.mu.Unlock()
	return localState.add(key, delta, ttl, now), nil
}

func stateGet(key string) (Counter, error) {
	now := time.Now()
	localState.mu.Lock()
	defer localState.mu.Unlock()
	return localState.get(key, now), nil
}

// The caller of get and add holds st.mu.

// get reads the counter key: Counter{} when it is missing or expired.
func (st *localStateT) get(key string, now time.Time) Counter {
	if c, ok := st.m[key]; ok && now.Before(c.expires) {
		return Counter{Value: c.value, TTL: ceilMs(c.expires.Sub(now))}
	}
	return Counter{}
}

// add adds delta to the counter key (a fresh one expiring ttl from now
// when it is missing or expired) and returns it. A new key is cloned:
// Incr and Batch do not retain the caller's key.
func (st *localStateT) add(key string, delta int64, ttl time.Duration, now time.Time) Counter {
	if st.m == nil {
		st.m = make(map[string]*localCounter)
	}
	c, ok := st.m[key]
	if !ok {
		c = &localCounter{expires: now.Add(ttl)}
		st.m[strings.Clone(key)] = c
	} else if !now.Before(c.expires) {
		*c = localCounter{expires: now.Add(ttl)}
	}
	c.value += delta
	return Counter{Value: c.value, TTL: ceilMs(c.expires.Sub(now))}
}

// stateBatch runs the ops under one lock, so that they are atomic as the
// host's are.
func stateBatch(ops []StateOp) error {
	now := time.Now()
	localState.mu.Lock()
	defer localState.mu.Unlock()
	for i := range ops {
		o := &ops[i]
		if o.Get {
			o.Result = localState.get(o.Key, now)
		} else {
			o.Result = localState.add(o.Key, o.Delta, o.TTL, now)
		}
	}
	return nil
}

func verifySignature(alg abi.SigAlg, der, msg, sig []byte) (bool, error) {
	key, err := sigverify.ParseKey(alg, der)
	if err != nil {
		return false, ErrVerifyArgs
	}
	ok, err := sigverify.Verify(alg, key, msg, sig)
	if err != nil {
		return false, ErrVerifyArgs
	}
	return ok, nil
}

// ceilMs rounds d up to whole milliseconds, as the host reports a ttl.
func ceilMs(d time.Duration) time.Duration {
	return (d + time.Millisecond - 1).Truncate(time.Millisecond)
}
