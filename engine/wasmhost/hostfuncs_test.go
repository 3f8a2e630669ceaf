package wasmhost

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/sdk/abi"
)

// mapStore is a minimal state.Store for these tests (no expiry: the
// backends' own semantics are tested in engine/state). It records the keys
// and ttls it was asked for; fail makes every call unavailable.
type mapStore struct {
	mu   sync.Mutex
	m    map[string]int64
	ttls []time.Duration
	fail bool
	// batches counts Batch calls.
	batches int
}

func (s *mapStore) Incr(_ context.Context, key string, delta int64, ttl time.Duration) (state.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return state.Entry{}, fmt.Errorf("test: %w", state.ErrUnavailable)
	}
	if s.m == nil {
		s.m = map[string]int64{}
	}
	key = strings.Clone(key) // the Store contract: keys are not retained
	s.m[key] += delta
	s.ttls = append(s.ttls, ttl)
	return state.Entry{Value: s.m[key], TTL: ttl - time.Millisecond/2}, nil
}

func (s *mapStore) Get(_ context.Context, key string) (state.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail {
		return state.Entry{}, fmt.Errorf("test: %w", state.ErrUnavailable)
	}
	v, ok := s.m[key]
	if !ok {
		return state.Entry{}, nil
	}
	return state.Entry{Value: v, TTL: time.Second}, nil
}

// Batch applies ops in order, all or nothing (only fail makes it fail).
func (s *mapStore) Batch(_ context.Context, ops []state.Op) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches++
	if s.fail {
		return fmt.Errorf("test: %w", state.ErrUnavailable)
	}
	if s.m == nil {
		s.m = map[string]int64{}
	}
	for i := range ops {
		o := &ops[i]
		if o.Get {
			o.Result = state.Entry{}
			if v, ok := s.m[o.Key]; ok {
				o.Result = state.Entry{Value: v, TTL: time.Second}
			}
			continue
		}
		key := strings.Clone(o.Key)
		s.m[key] += o.Delta
		s.ttls = append(s.ttls, o.TTL)
		o.Result = state.Entry{Value: s.m[key], TTL: o.TTL - time.Millisecond/2}
	}
	return nil
}

func (s *mapStore) Close() error { return nil }

// stateCheck runs the state fixture with selector sel and returns the deny
// code ("" for allow) or the call's error code.
func stateCheck(t *testing.T, g *Guard, sel uint32) string {
	t.Helper()
	x := &abi.Exchange{Phase: abi.PhaseRequest, MaxTokens: sel}
	var v abi.Verdict
	if err := g.Check(context.Background(), x, &v); err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("error %T %v", err, err)
		}
		return "error:" + e.Code
	}
	if v.Decision == abi.Deny {
		return v.Code
	}
	return ""
}

func TestStateHostFunctions(t *testing.T) {
	h, _ := newHost(t)
	st := &mapStore{}
	g := load(t, h, Spec{Name: "rl", Wasm: fixture(t, "state"), PoolSize: 1, State: st})

	// Counting, with the key prefixed by the guard's name and the ttl
	// passed in milliseconds.
	for i, want := range []string{"", "", "nope", "nope"} {
		if got := stateCheck(t, g, 0); got != want {
			t.Fatalf("call %d: got %q, want %q", i+1, got, want)
		}
	}
	if st.m["rl/hits"] != 4 || len(st.m) != 1 {
		t.Fatalf("store = %v, want rl/hits = 4", st.m)
	}
	if st.ttls[0] != time.Minute {
		t.Fatalf("ttl = %v, want 1m", st.ttls[0])
	}
	// get sees the counter; a negative delta is applied.
	if got := stateCheck(t, g, 1); got != "nope" {
		t.Fatalf("get: %q", got)
	}
	for range 2 {
		stateCheck(t, g, 6)
	}
	if st.m["rl/hits"] != 2 {
		t.Fatalf("after -2: %d", st.m["rl/hits"])
	}
	// Invalid arguments are result 2, not a trap.
	if got := stateCheck(t, g, 2); got != "invl" {
		t.Fatalf("ttl 0: %q", got)
	}
	if got := stateCheck(t, g, 3); got != "invl" {
		t.Fatalf("empty key: %q", got)
	}
	// Out-of-memory pointers trap; the instance is replaced.
	if got := stateCheck(t, g, 4); got != "error:"+CodeTrap {
		t.Fatalf("key outside memory: %q", got)
	}
	if got := stateCheck(t, g, 5); got != "error:"+CodeTrap {
		t.Fatalf("out_ptr outside memory: %q", got)
	}
	// An unavailable backend is result 1.
	st.mu.Lock()
	st.fail = true
	st.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := stateCheck(t, g, 0)
		if got == "unav" {
			break
		}
		if got != "error:"+CodeBusy || time.Now().After(deadline) {
			t.Fatalf("backend down: %q", got)
		}
		time.Sleep(10 * time.Millisecond) // the trapped instance is being replaced
	}
}

// TestStateShared: two guards of one name over one store share counters
// (two replicas over Redis); another name does not see them.
func TestStateShared(t *testing.T) {
	h, _ := newHost(t)
	st := &mapStore{}
	a := load(t, h, Spec{Name: "rl", Wasm: fixture(t, "state"), PoolSize: 1, State: st})
	b := load(t, h, Spec{Name: "rl", Wasm: fixture(t, "state"), PoolSize: 1, State: st})
	other := load(t, h, Spec{Name: "other", Wasm: fixture(t, "state"), PoolSize: 1, State: st})
	got := []string{stateCheck(t, a, 0), stateCheck(t, b, 0), stateCheck(t, a, 0), stateCheck(t, other, 0)}
	if want := []string{"", "", "nope", ""}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestStateGrant(t *testing.T) {
	h, _ := newHost(t)
	for _, tc := range []struct {
		name, fixture, want string
	}{
		{"not granted", "state", `imports ward.state_incr but is not granted "state"`},
		{"batch not granted", "statebatch", `imports ward.state_batch but is not granted "state"`},
		{"unknown function", "hostimport", "imports unknown host function ward.launch_missiles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.Load(context.Background(), Spec{Name: "x", Wasm: fixture(t, tc.fixture), PoolSize: 1})
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeLoad || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %s containing %q", err, CodeLoad, tc.want)
			}
		})
	}
}

// TestStateGrantSelect: a guard loaded from a module that holds several
// (Spec.Select) loads though the module imports the state functions and
// the guard is not granted them (another guard of the module may be); the
// functions then answer it "unavailable" and touch no store. With the
// grant it counts as any guard.
func TestStateGrantSelect(t *testing.T) {
	h, _ := newHost(t)
	st := &mapStore{}
	ungranted := load(t, h, Spec{Name: "x", Wasm: fixture(t, "state"), Select: "other", PoolSize: 1})
	for range 3 {
		if got := stateCheck(t, ungranted, 0); got != "unav" {
			t.Fatalf("ungranted: %q, want unavailable", got)
		}
	}
	granted := load(t, h, Spec{Name: "rl", Wasm: fixture(t, "state"), Select: "state", PoolSize: 1, State: st})
	for i, want := range []string{"", "", "nope"} {
		if got := stateCheck(t, granted, 0); got != want {
			t.Fatalf("granted, call %d: %q, want %q", i+1, got, want)
		}
	}
	if len(st.m) != 1 || st.m["rl/hits"] != 3 {
		t.Fatalf("store = %v, want rl/hits = 3 only", st.m)
	}
}

// rec encodes one state_batch record.
func rec(op byte, key string, delta, ttlMs int64) []byte {
	b := []byte{op}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(key)))
	b = append(b, key...)
	b = binary.LittleEndian.AppendUint64(b, uint64(delta))
	return binary.LittleEndian.AppendUint64(b, uint64(ttlMs))
}

func recs(rs ...[]byte) []byte { return bytes.Join(rs, nil) }

// batchAnswer is one 16-byte answer of state_batch.
type batchAnswer struct{ value, ttlMs int64 }

// TestStateBatchHostFunction drives ward.state_batch through the
// statebatch fixture: the records are the exchange's request_id, the
// answer comes back as the verdict's code ("rc=R") and message.
func TestStateBatchHostFunction(t *testing.T) {
	many := func(n int) []byte {
		var b []byte
		for i := range n {
			b = append(b, rec(1, fmt.Sprint("k", i), 1, 1000)...)
		}
		return b
	}
	cases := []struct {
		name     string
		ops      []byte
		n        uint32 // ops, for the answer's length; | 256: out_ptr outside memory
		seed     map[string]int64
		fail     bool
		wantRC   string // rc=0, rc=1, rc=2 or error:CODE
		want     []batchAnswer
		wantM    map[string]int64 // the store afterwards (nil: as seeded)
		wantTTLs []time.Duration
	}{
		{name: "incr and get in order", n: 5,
			ops: recs(rec(1, "hits", 2, 60000), rec(2, "hits", 0, 0), rec(1, "hits", -1, 1000),
				rec(2, "missing", 7, -5), rec(1, "o", 3, 1<<62)),
			seed:   map[string]int64{"rl/hits": 10},
			wantRC: "rc=0",
			want:   []batchAnswer{{12, 60000}, {12, 1000}, {11, 1000}, {0, 0}, {3, int64(maxTTL / time.Millisecond)}},
			wantM:  map[string]int64{"rl/hits": 11, "rl/o": 3}, wantTTLs: []time.Duration{time.Minute, time.Second, maxTTL}},
		{name: "empty batch", n: 0, wantRC: "rc=0"},
		{name: "32 ops", n: 32, ops: many(32), wantRC: "rc=0", want: func() []batchAnswer {
			a := make([]batchAnswer, 32)
			for i := range a {
				a[i] = batchAnswer{1, 1000}
			}
			return a
		}(), wantM: func() map[string]int64 {
			m := map[string]int64{}
			for i := range 32 {
				m[fmt.Sprint("rl/k", i)] = 1
			}
			return m
		}()},
		{name: "33 ops", n: 33, ops: many(33), wantRC: "rc=2"},
		{name: "over 16 KiB", n: 1, ops: recs(rec(1, "a", 1, 1000), make([]byte, 16<<10)), wantRC: "rc=2"},
		{name: "unknown op", n: 2, ops: recs(rec(1, "a", 1, 1000), rec(3, "a", 1, 1000)), wantRC: "rc=2"},
		{name: "op 0", n: 1, ops: rec(0, "a", 1, 1000), wantRC: "rc=2"},
		{name: "empty key", n: 1, ops: rec(2, "", 0, 0), wantRC: "rc=2"},
		{name: "key of 256 bytes", n: 1, ops: rec(1, strings.Repeat("k", 256), 1, 1000), wantRC: "rc=0",
			want: []batchAnswer{{1, 1000}}, wantM: map[string]int64{"rl/" + strings.Repeat("k", 256): 1}},
		{name: "key over 256 bytes", n: 1, ops: rec(1, strings.Repeat("k", 257), 1, 1000), wantRC: "rc=2"},
		{name: "incr ttl 0", n: 2, ops: recs(rec(1, "a", 1, 1000), rec(1, "b", 1, 0)), wantRC: "rc=2"},
		{name: "truncated record", n: 2, ops: recs(rec(1, "a", 1, 1000), rec(2, "b", 0, 0)[:10]), wantRC: "rc=2"},
		{name: "key length past the end", n: 1, ops: []byte{2, 9, 0, 'a'}, wantRC: "rc=2"},
		{name: "backend unavailable", n: 1, ops: rec(1, "a", 1, 1000), fail: true, wantRC: "rc=1"},
		{name: "out_ptr outside memory traps before applying", n: 1 | 256, ops: rec(1, "a", 1, 1000),
			wantRC: "error:" + CodeTrap},
	}
	h, _ := newHost(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := &mapStore{m: map[string]int64{}, fail: tc.fail}
			for k, v := range tc.seed {
				st.m[k] = v
			}
			g := load(t, h, Spec{Name: "rl", Wasm: fixture(t, "statebatch"), PoolSize: 1, State: st})
			x := &abi.Exchange{Phase: abi.PhaseRequest, MaxTokens: tc.n, RequestID: string(tc.ops)}
			var v abi.Verdict
			rc := ""
			if err := g.Check(context.Background(), x, &v); err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error %T %v", err, err)
				}
				rc = "error:" + e.Code
			} else {
				rc = v.Code
			}
			if rc != tc.wantRC {
				t.Fatalf("result %q, want %q (verdict %+v)", rc, tc.wantRC, v)
			}
			var got []batchAnswer
			for m := []byte(v.Message); len(m) >= 16; m = m[16:] {
				got = append(got, batchAnswer{int64(binary.LittleEndian.Uint64(m)), int64(binary.LittleEndian.Uint64(m[8:]))})
			}
			if rc == "rc=0" && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("answers %v, want %v", got, tc.want)
			}
			wantM := tc.wantM
			if wantM == nil {
				wantM = map[string]int64{}
				for k, v := range tc.seed {
					wantM[k] = v
				}
			}
			if !reflect.DeepEqual(st.m, wantM) {
				t.Fatalf("store %v, want %v", st.m, wantM)
			}
			if tc.wantTTLs != nil && !reflect.DeepEqual(st.ttls, tc.wantTTLs) {
				t.Fatalf("ttls %v, want %v", st.ttls, tc.wantTTLs)
			}
			wantBatches := 0
			if tc.wantRC == "rc=0" && tc.n > 0 || tc.wantRC == "rc=1" {
				wantBatches = 1
			}
			if st.batches != wantBatches {
				t.Fatalf("%d Store.Batch calls, want %d", st.batches, wantBatches)
			}
		})
	}
}

func TestVerifySignatureHostFunction(t *testing.T) {
	h, _ := newHost(t)
	// No grant needed.
	g := load(t, h, Spec{Name: "verify", Wasm: fixture(t, "verify"), PoolSize: 1})
	for sel, want := range []string{"", "bad1", "bad2", "bad2", "error:" + CodeTrap} {
		if got := stateCheck(t, g, uint32(sel)); got != want {
			t.Errorf("case %d: got %q, want %q", sel, got, want)
		}
	}
	// The parsed key is cached once.
	h.keysMu.RLock()
	n := len(h.keys)
	h.keysMu.RUnlock()
	if n != 1 {
		t.Errorf("%d cached keys, want 1", n)
	}
}
