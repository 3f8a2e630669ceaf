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
// can be tested with NewInstance.
var localState struct {
	mu sync.Mutex
	m  map[string]localCounter
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
	if localState.m == nil {
		localState.m = make(map[string]localCounter)
	}
	c, ok := localState.m[key]
	if !ok || !now.Before(c.expires) {
		c = localCounter{expires: now.Add(ttl)}
	}
	c.value += delta
	if !ok {
		key = strings.Clone(key) // Incr does not retain the caller's key
	}
	localState.m[key] = c
	return Counter{Value: c.value, TTL: ceilMs(c.expires.Sub(now))}, nil
}

func stateGet(key string) (Counter, error) {
	now := time.Now()
	localState.mu.Lock()
	defer localState.mu.Unlock()
	c, ok := localState.m[key]
	if !ok || !now.Before(c.expires) {
		return Counter{}, nil
	}
	return Counter{Value: c.value, TTL: ceilMs(c.expires.Sub(now))}, nil
}

// stateBatch runs the ops under one lock, so that they are atomic as the
// host's are.
func stateBatch(ops []StateOp) error {
	now := time.Now()
	localState.mu.Lock()
	defer localState.mu.Unlock()
	if localState.m == nil {
		localState.m = make(map[string]localCounter)
	}
	for i := range ops {
		o := &ops[i]
		c, ok := localState.m[o.Key]
		live := ok && now.Before(c.expires)
		if o.Get {
			o.Result = Counter{}
			if live {
				o.Result = Counter{Value: c.value, TTL: ceilMs(c.expires.Sub(now))}
			}
			continue
		}
		if !live {
			c = localCounter{expires: now.Add(o.TTL)}
		}
		c.value += o.Delta
		key := o.Key
		if !ok {
			key = strings.Clone(key) // Batch does not retain the caller's keys
		}
		localState.m[key] = c
		o.Result = Counter{Value: c.value, TTL: ceilMs(c.expires.Sub(now))}
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
