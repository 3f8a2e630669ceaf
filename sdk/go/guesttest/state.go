package guesttest

import (
	"context"
	"encoding/binary"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wardgate/ward/sdk/abi"
)

// State is an in-memory stand-in for Ward's state backend behind the
// "ward" host functions state_incr and state_get (sdk/ABI.md, "Host
// functions"): counters with a fixed expiry. Every Guest uses the process's
// DefaultState unless given another with SetState; two Guests sharing one
// State behave like two Ward replicas sharing Redis. Set Unavailable to make
// every call fail as a dead backend does, and Now to control time. The
// zero value is ready to use; it is safe for concurrent use.
type State struct {
	mu          sync.Mutex
	m           map[string]stateEntry
	now         func() time.Time
	unavailable bool
	calls       int
}

type stateEntry struct {
	value   int64
	expires time.Time
}

// DefaultState is the State of Guests not given another one.
var DefaultState = &State{}

// SetNow makes s read time from now (nil: the real clock).
func (s *State) SetNow(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// SetUnavailable makes every state call fail with result 1 (unavailable)
// while on is true.
func (s *State) SetUnavailable(on bool) {
	s.mu.Lock()
	s.unavailable = on
	s.mu.Unlock()
}

// Reset drops every counter.
func (s *State) Reset() {
	s.mu.Lock()
	s.m = nil
	s.calls = 0
	s.mu.Unlock()
}

// Calls returns the number of state calls made since the last Reset.
func (s *State) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// Value returns the counter key (as the guest named it) and its time left.
func (s *State) Value(key string) (int64, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	now := s.clock()
	if !ok || !now.Before(e.expires) {
		return 0, 0
	}
	return e.value, e.expires.Sub(now)
}

func (s *State) clock() time.Time {
	if s.now != nil {
		return s.now()
	}
	return time.Now()
}

// op runs one call: incr when incr is true, get otherwise. It returns the
// ABI result code and the counter.
func (s *State) op(key string, incr bool, delta, ttlMs int64) (uint32, int64, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.unavailable {
		return 1, 0, 0
	}
	if len(key) == 0 || len(key) > 256 || (incr && ttlMs < 1) {
		return 2, 0, 0
	}
	now := s.clock()
	e, ok := s.m[key]
	if !ok || !now.Before(e.expires) {
		if !incr {
			return 0, 0, 0
		}
		e = stateEntry{expires: now.Add(time.Duration(ttlMs) * time.Millisecond)}
	}
	if incr {
		e.value += delta
		if s.m == nil {
			s.m = make(map[string]stateEntry)
		}
		s.m[key] = e
	}
	left := e.expires.Sub(now)
	return 0, e.value, (left + time.Millisecond - 1).Milliseconds()
}

// guests maps instantiated modules to their Guest so that the host
// functions find the State to use.
var guests sync.Map // api.Module -> *Guest

// SetState makes g's state calls use s.
func (g *Guest) SetState(s *State) { g.state.Store(s) }

func (g *Guest) stateOf() *State {
	if s := g.state.Load(); s != nil {
		return s
	}
	return DefaultState
}

// instantiateHostModule adds the "ward" host module to rt.
func instantiateHostModule(ctx context.Context, rt wazero.Runtime) error {
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	call := func(mod api.Module, stack []uint64, incr bool) {
		keyPtr, keyLen := uint32(stack[0]), uint32(stack[1])
		var delta, ttl int64
		out := uint32(stack[2])
		if incr {
			delta, ttl, out = int64(stack[2]), int64(stack[3]), uint32(stack[4])
		}
		key, ok := mod.Memory().Read(keyPtr, keyLen)
		if !ok {
			panic("guesttest: state key outside memory")
		}
		st := DefaultState
		if g, ok := guests.Load(mod); ok {
			st = g.(*Guest).stateOf()
		}
		code, value, left := st.op(string(key), incr, delta, ttl)
		if code == 0 {
			var b [16]byte
			binary.LittleEndian.PutUint64(b[:8], uint64(value))
			binary.LittleEndian.PutUint64(b[8:], uint64(left))
			if !mod.Memory().Write(out, b[:]) {
				panic("guesttest: state out_ptr outside memory")
			}
		}
		stack[0] = uint64(code)
	}
	_, err := rt.NewHostModuleBuilder("ward").
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, mod api.Module, stack []uint64) {
		call(mod, stack, true)
	}), []api.ValueType{i32, i32, i64, i64, i32}, []api.ValueType{i32}).Export("state_incr").
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(_ context.Context, mod api.Module, stack []uint64) {
		call(mod, stack, false)
	}), []api.ValueType{i32, i32, i32}, []api.ValueType{i32}).Export("state_get").
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(verifySignature),
		[]api.ValueType{i32, i32, i32, i32, i32, i32, i32}, []api.ValueType{i32}).Export("verify_signature").
		Instantiate(ctx)
	return err
}

// verifySignature is ward.verify_signature with the host's code
// (sdk/abi.ParseVerifyKey and VerifySignature).
func verifySignature(_ context.Context, mod api.Module, stack []uint64) {
	read := func(ptr, n uint64) []byte {
		b, ok := mod.Memory().Read(uint32(ptr), uint32(n))
		if !ok {
			panic("guesttest: verify_signature argument outside memory")
		}
		return b
	}
	alg := abi.SigAlg(uint32(stack[0]))
	der, msg, sig := read(stack[1], stack[2]), read(stack[3], stack[4]), read(stack[5], stack[6])
	key, err := abi.ParseVerifyKey(alg, der)
	if err != nil {
		stack[0] = 2
		return
	}
	switch ok, err := abi.VerifySignature(alg, key, msg, sig); {
	case err != nil:
		stack[0] = 2
	case ok:
		stack[0] = 0
	default:
		stack[0] = 1
	}
}
