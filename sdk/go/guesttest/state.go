package guesttest

import (
	"context"
	"encoding/binary"
	"sync"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/abi/sigverify"
)

// State is an in-memory stand-in for Ward's state backend behind the
// "ward" host functions state_incr, state_get and state_batch (sdk/ABI.md,
// "Host functions"): counters with a fixed expiry. Every Guest uses the process's
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

// Calls returns the number of state calls made since the last Reset: one
// per state_incr, state_get or state_batch call (a batch is one round trip
// to Redis, whatever its number of ops).
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
	value, left := s.apply(key, incr, delta, ttlMs, s.clock())
	return 0, value, left
}

// batchOp is one decoded state_batch record.
type batchOp struct {
	key          string
	incr         bool
	delta, ttlMs int64
}

// Bounds of state_batch (sdk/ABI.md).
const (
	maxBatchOps   = 32
	maxBatchBytes = 16 << 10
)

// decodeBatch parses state_batch records as the host does; ok is false for
// a malformed batch (result 2).
func decodeBatch(raw []byte) (ops []batchOp, ok bool) {
	if len(raw) > maxBatchBytes {
		return nil, false
	}
	for len(raw) > 0 {
		if len(ops) == maxBatchOps || len(raw) < 3 {
			return nil, false
		}
		op, kl := raw[0], int(binary.LittleEndian.Uint16(raw[1:3]))
		if op != 1 && op != 2 || kl == 0 || kl > 256 || len(raw) < 19+kl {
			return nil, false
		}
		o := batchOp{key: string(raw[3 : 3+kl]), incr: op == 1}
		if o.incr {
			o.delta = int64(binary.LittleEndian.Uint64(raw[3+kl:]))
			o.ttlMs = int64(binary.LittleEndian.Uint64(raw[11+kl:]))
			if o.ttlMs < 1 {
				return nil, false
			}
		}
		ops = append(ops, o)
		raw = raw[19+kl:]
	}
	return ops, true
}

// batch runs one state_batch call over decoded ops (nil when the records
// were malformed, then result 2) and returns the result code and the
// 16-byte answers.
func (s *State) batch(ops []batchOp, valid bool) (uint32, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if !valid {
		return 2, nil
	}
	if s.unavailable {
		return 1, nil
	}
	now := s.clock()
	out := make([]byte, 16*len(ops))
	for i, o := range ops {
		value, left := s.apply(o.key, o.incr, o.delta, o.ttlMs, now)
		binary.LittleEndian.PutUint64(out[16*i:], uint64(value))
		binary.LittleEndian.PutUint64(out[16*i+8:], uint64(left))
	}
	return 0, out
}

// apply does one valid incr or get at now under s.mu and returns the
// counter's value and ms left (rounded up).
func (s *State) apply(key string, incr bool, delta, ttlMs int64, now time.Time) (int64, int64) {
	e, ok := s.m[key]
	if !ok || !now.Before(e.expires) {
		if !incr {
			return 0, 0
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
	return e.value, (left + time.Millisecond - 1).Milliseconds()
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
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(stateBatch),
		[]api.ValueType{i32, i32, i32}, []api.ValueType{i32}).Export("state_batch").
		NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(verifySignature),
		[]api.ValueType{i32, i32, i32, i32, i32, i32, i32}, []api.ValueType{i32}).Export("verify_signature").
		Instantiate(ctx)
	return err
}

// stateBatch is ward.state_batch over the Guest's State. As the host, it
// traps on an ops or out range outside memory before applying anything.
func stateBatch(_ context.Context, mod api.Module, stack []uint64) {
	ptr, n, out := uint32(stack[0]), uint32(stack[1]), uint32(stack[2])
	st := DefaultState
	if g, ok := guests.Load(mod); ok {
		st = g.(*Guest).stateOf()
	}
	var (
		ops   []batchOp
		valid bool
	)
	if n <= maxBatchBytes {
		raw, ok := mod.Memory().Read(ptr, n)
		if !ok {
			panic("guesttest: state_batch ops outside memory")
		}
		ops, valid = decodeBatch(raw)
	}
	if valid && uint64(out)+16*uint64(len(ops)) > uint64(mod.Memory().Size()) {
		panic("guesttest: state_batch out_ptr outside memory")
	}
	code, answers := st.batch(ops, valid)
	if code == 0 && !mod.Memory().Write(out, answers) {
		panic("guesttest: state_batch out_ptr outside memory")
	}
	stack[0] = uint64(code)
}

// verifySignature is ward.verify_signature with the host's code
// (sdk/abi/sigverify).
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
	key, err := sigverify.ParseKey(alg, der)
	if err != nil {
		stack[0] = 2
		return
	}
	switch ok, err := sigverify.Verify(alg, key, msg, sig); {
	case err != nil:
		stack[0] = 2
	case ok:
		stack[0] = 0
	default:
		stack[0] = 1
	}
}
