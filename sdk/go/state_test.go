package ward

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// TestBatch checks Batch's validation and, off Wasm, its semantics over the
// in-process counters (the guest side is tested through guesttest by the
// plugins using it, e.g. plugins/ratelimit).
func TestBatch(t *testing.T) {
	ResetState()
	t.Cleanup(ResetState)
	if _, err := Incr("seen", 5, time.Hour); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		ops     []StateOp
		wantErr error
		want    []int64 // Result values
	}{
		{"empty", nil, nil, nil},
		{"in order, a key twice", []StateOp{
			{Key: "seen", Delta: 2, TTL: time.Minute},
			{Key: "seen", Get: true},
			{Key: "new", Delta: -3, TTL: time.Minute},
			{Key: "new", Delta: 1, TTL: time.Minute},
			{Key: "missing", Get: true},
		}, nil, []int64{7, 7, -3, -2, 0}},
		{"too many ops", make([]StateOp, MaxBatchOps+1), ErrStateInvalid, nil},
		{"empty key", []StateOp{{Key: "seen", Delta: 1, TTL: time.Minute}, {Key: "", Get: true}}, ErrStateInvalid, nil},
		{"oversized key", []StateOp{{Key: strings.Repeat("k", MaxStateKey+1), Get: true}}, ErrStateInvalid, nil},
		{"incr ttl under 1ms", []StateOp{{Key: "seen", Delta: 1, TTL: time.Minute}, {Key: "x", Delta: 1, TTL: time.Microsecond}}, ErrStateInvalid, nil},
		{"get ignores ttl", []StateOp{{Key: "seen", Get: true}}, nil, []int64{7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Batch(tt.ops)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			for i, w := range tt.want {
				if got := tt.ops[i].Result; got.Value != w || got.TTL <= 0 && w != 0 {
					t.Errorf("op %d: %+v, want value %d", i, got, w)
				}
			}
		})
	}
	// Invalid batches applied nothing.
	if c, _ := Get("seen"); c.Value != 7 {
		t.Fatalf("seen = %d, want 7", c.Value)
	}
	if c, _ := Get("x"); c.Value != 0 {
		t.Fatalf("x = %d, want 0 (its batch was invalid)", c.Value)
	}
	// A fresh counter's ttl is the op's; an existing one keeps its own.
	ops := []StateOp{{Key: "seen", Delta: 1, TTL: time.Second}, {Key: "fresh", Delta: 1, TTL: time.Second}}
	if err := Batch(ops); err != nil {
		t.Fatal(err)
	}
	if ops[0].Result.TTL <= time.Minute || ops[1].Result.TTL != time.Second {
		t.Fatalf("ttls %v and %v, want about 1h and 1s", ops[0].Result.TTL, ops[1].Result.TTL)
	}
}

// TestStateKeyAliasing: a key may alias a buffer the guard reuses
// (plugins/ratelimit builds its keys in one), so the off-Wasm counters
// must not keep the caller's string when they update a counter: changing
// the buffer afterwards must not rename the counter. Before, an update
// stored the caller's key (Go replaces a string key on assignment), and
// a guard's second key found the first one's counter depending on the
// map's hash seed (TestRequestsLimit failed once in CI).
func TestStateKeyAliasing(t *testing.T) {
	ResetState()
	t.Cleanup(ResetState)
	buf := []byte("limit:r:k1")
	key := unsafe.String(&buf[0], len(buf))
	for i := 0; i < 3; i++ {
		if _, err := Incr(key, 1, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	ops := []StateOp{{Key: key, Delta: 1, TTL: time.Hour}}
	if err := Batch(ops); err != nil || ops[0].Result.Value != 4 {
		t.Fatalf("batch: %+v, %v", ops[0].Result, err)
	}
	buf[len(buf)-1] = '2' // the guard's next key, in the same buffer
	if c, _ := Get("limit:r:k1"); c.Value != 4 {
		t.Fatalf("k1 = %d after the caller's buffer changed, want 4", c.Value)
	}
	if c, _ := Incr(key, 1, time.Hour); c.Value != 1 {
		t.Fatalf("k2 = %d, want a fresh counter (1)", c.Value)
	}
}
