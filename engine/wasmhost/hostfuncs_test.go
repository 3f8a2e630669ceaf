package wasmhost

import (
	"context"
	"errors"
	"fmt"
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
