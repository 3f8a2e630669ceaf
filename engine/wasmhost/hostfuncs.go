package wasmhost

import (
	"context"
	"crypto"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"
	"unsafe"

	"github.com/tetratelabs/wazero/api"

	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/abi/sigverify"
)

// hostModule is the import module of Ward's host functions (sdk/ABI.md,
// "Host functions").
const hostModule = "ward"

// maxStateKey is the longest key a guest may pass to the state functions.
const maxStateKey = 256

// Results of the state host functions (sdk/ABI.md).
const (
	stateOK          = 0
	stateUnavailable = 1
	stateInvalid     = 2
)

// hostFuncGrant names the grant each host function needs.
// ("" for functions without side effects, which every guard may import).
var hostFuncGrant = map[string]string{
	"state_incr":       "state",
	"state_get":        "state",
	"state_batch":      "state",
	"verify_signature": "",
}

// instantiateHostModule adds the "ward" host module to m's runtime. Every
// function exists whatever the grants, so that linking never fails
// obscurely; checkHostImports refuses a module that imports a function its
// guard is not granted. The functions serve the guard of the calling
// instance (m is shared by the guards loaded from it).
func (m *module) instantiateHostModule(ctx context.Context) error {
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	_, err := m.rt.NewHostModuleBuilder(hostModule).
		NewFunctionBuilder().
		WithGoModuleFunction(m.hostFunc((*Guard).stateIncr), []api.ValueType{i32, i32, i64, i64, i32}, []api.ValueType{i32}).
		WithParameterNames("key_ptr", "key_len", "delta", "ttl_ms", "out_ptr").
		Export("state_incr").
		NewFunctionBuilder().
		WithGoModuleFunction(m.hostFunc((*Guard).stateGet), []api.ValueType{i32, i32, i32}, []api.ValueType{i32}).
		WithParameterNames("key_ptr", "key_len", "out_ptr").
		Export("state_get").
		NewFunctionBuilder().
		WithGoModuleFunction(m.hostFunc((*Guard).stateBatch), []api.ValueType{i32, i32, i32}, []api.ValueType{i32}).
		WithParameterNames("ops_ptr", "ops_len", "out_ptr").
		Export("state_batch").
		NewFunctionBuilder().
		WithGoModuleFunction(m.hostFunc((*Guard).verifySignature), []api.ValueType{i32, i32, i32, i32, i32, i32, i32}, []api.ValueType{i32}).
		WithParameterNames("alg", "key_ptr", "key_len", "msg_ptr", "msg_len", "sig_ptr", "sig_len").
		Export("verify_signature").
		Instantiate(ctx)
	return err
}

// hostFunc binds f to the guard of the calling instance. An instance is
// registered before its first call, so the lookup cannot miss; if it did,
// the call traps rather than act for another guard.
func (m *module) hostFunc(f func(*Guard, context.Context, api.Module, []uint64)) api.GoModuleFunc {
	return func(ctx context.Context, mod api.Module, stack []uint64) {
		g := m.guard(mod)
		if g == nil {
			panic(fmt.Errorf("host function called by an unknown instance %q", mod.Name()))
		}
		f(g, ctx, mod, stack)
	}
}

// checkHostImports refuses a module importing a "ward" function that does
// not exist or that the guard is not granted. A module that holds several
// guards (Spec.Select) imports what all of them need, so there an import
// of a function the guard is not granted is allowed: the function still
// serves only the calling guard, and refuses it (the state functions
// answer "unavailable" to a guard without the state grant, as they do to
// every call of such a guard).
func (g *Guard) checkHostImports(m *module) error {
	for _, name := range m.hostImports {
		grant, ok := hostFuncGrant[name]
		switch {
		case !ok:
			return fmt.Errorf("imports unknown host function %s.%s", hostModule, name)
		case grant == "state" && g.state == nil && g.selectName == "":
			return fmt.Errorf("imports %s.%s but is not granted %q (add grants = [%q] to the guard's config)", hostModule, name, grant, grant)
		}
	}
	return nil
}

func (g *Guard) stateIncr(ctx context.Context, mod api.Module, stack []uint64) {
	key, ok := g.stateKey(mod, stack[0], stack[1])
	delta, ttlMs, out := int64(stack[2]), int64(stack[3]), uint32(stack[4])
	if !ok || ttlMs < 1 {
		stack[0] = stateInvalid
		return
	}
	if g.state == nil {
		stack[0] = stateUnavailable
		return
	}
	ttl := time.Duration(ttlMs) * time.Millisecond
	if ttlMs > int64(maxTTL/time.Millisecond) {
		ttl = maxTTL
	}
	e, err := g.state.Incr(ctx, key.s, delta, ttl)
	key.free()
	stack[0] = g.stateAnswer(mod, out, e, err)
}

func (g *Guard) stateGet(ctx context.Context, mod api.Module, stack []uint64) {
	key, ok := g.stateKey(mod, stack[0], stack[1])
	out := uint32(stack[2])
	if !ok {
		stack[0] = stateInvalid
		return
	}
	if g.state == nil {
		stack[0] = stateUnavailable
		return
	}
	e, err := g.state.Get(ctx, key.s)
	key.free()
	stack[0] = g.stateAnswer(mod, out, e, err)
}

// Bounds of state_batch (sdk/ABI.md).
const (
	maxBatchOps   = 32
	maxBatchBytes = 16 << 10
	// batchRecord is the size of a record without its key: op u8, key_len
	// u16, delta i64, ttl_ms i64.
	batchRecord = 1 + 2 + 8 + 8
)

// Ops of state_batch's records.
const (
	batchIncr = 1
	batchGet  = 2
)

// stateBatch is ward.state_batch: the records at ops are decoded into
// state.Ops (keys prefixed as stateKey does, in one pooled buffer) and
// applied with one Store.Batch, so a guard's state calls for a request
// cost one Redis round trip. A bad record makes the whole call invalid
// before anything is applied; an ops or out range outside memory traps,
// also before anything is applied.
func (g *Guard) stateBatch(ctx context.Context, mod api.Module, stack []uint64) {
	ptr, n, out := uint32(stack[0]), uint32(stack[1]), uint32(stack[2])
	if n > maxBatchBytes {
		stack[0] = stateInvalid
		return
	}
	mem := mod.Memory()
	raw, ok := mem.Read(ptr, n)
	if !ok {
		panic(fmt.Errorf("state_batch ops [%d, +%d) outside memory", ptr, n))
	}
	sc := batchScratches.Get().(*batchScratch)
	defer batchScratches.Put(sc)
	ops, ok := sc.decode(g.name, raw)
	if !ok {
		stack[0] = stateInvalid
		return
	}
	if len(ops) == 0 {
		stack[0] = stateOK
		return
	}
	if uint64(out)+uint64(16*len(ops)) > uint64(mem.Size()) {
		panic(fmt.Errorf("state_batch out [%d, +%d) outside memory", out, 16*len(ops)))
	}
	if g.state == nil {
		stack[0] = stateUnavailable
		return
	}
	err := g.state.Batch(ctx, ops)
	b := sc.out[:16*len(ops)]
	for i := range ops {
		e := ops[i].Result
		binary.LittleEndian.PutUint64(b[16*i:], uint64(e.Value))
		binary.LittleEndian.PutUint64(b[16*i+8:], uint64((e.TTL+time.Millisecond-1)/time.Millisecond))
	}
	clear(ops) // the keys alias sc.keys; drop them before pooling
	if err != nil {
		if !errors.Is(err, state.ErrUnavailable) {
			g.logger.Warn("state backend error", "guard", g.name, "err", err)
		}
		stack[0] = stateUnavailable
		return
	}
	if !mem.Write(out, b) {
		panic(fmt.Errorf("state_batch out_ptr %d outside memory", out))
	}
	stack[0] = stateOK
}

// batchScratch is the decoding space of one state_batch call, pooled so
// that the call allocates nothing.
type batchScratch struct {
	keys []byte // the prefixed keys, back to back
	ops  [maxBatchOps]state.Op
	out  [16 * maxBatchOps]byte
}

var batchScratches = sync.Pool{New: func() any { return new(batchScratch) }}

// decode parses raw, the records of a state_batch call, into sc.ops with
// keys prefixed by name + "/". It reports false for any malformed record:
// an unknown op, a key of 0 or more than maxStateKey bytes, an incr ttl
// under 1 ms, a truncated record or more than maxBatchOps records. The
// returned ops alias sc.keys; decode arranges that sc.keys never grows
// while keys alias it.
func (sc *batchScratch) decode(name string, raw []byte) ([]state.Op, bool) {
	// The keys take at most len(raw) bytes plus a prefix per record.
	if need := len(raw) + maxBatchOps*(len(name)+1); cap(sc.keys) < need {
		sc.keys = make([]byte, 0, need)
	}
	keys := sc.keys[:0]
	n := 0
	for len(raw) > 0 {
		if n == maxBatchOps || len(raw) < 3 {
			return nil, false
		}
		op := raw[0]
		kl := int(binary.LittleEndian.Uint16(raw[1:3]))
		if op != batchIncr && op != batchGet || kl == 0 || kl > maxStateKey || len(raw) < batchRecord+kl {
			return nil, false
		}
		key := raw[3 : 3+kl]
		delta := int64(binary.LittleEndian.Uint64(raw[3+kl:]))
		ttlMs := int64(binary.LittleEndian.Uint64(raw[3+kl+8:]))
		raw = raw[batchRecord+kl:]
		o := state.Op{Get: op == batchGet}
		if !o.Get {
			if ttlMs < 1 {
				return nil, false
			}
			o.Delta, o.TTL = delta, maxTTL
			if ttlMs <= int64(maxTTL/time.Millisecond) {
				o.TTL = time.Duration(ttlMs) * time.Millisecond
			}
		}
		start := len(keys)
		keys = append(append(append(keys, name...), '/'), key...)
		o.Key = unsafe.String(&keys[start], len(keys)-start)
		sc.ops[n] = o
		n++
	}
	sc.keys = keys
	return sc.ops[:n], true
}

// maxTTL caps a counter's lifetime (a year).
const maxTTL = 366 * 24 * time.Hour

// stateKey reads the guest's key and prefixes it with the guard's name,
// in a pooled buffer: state.Store never retains keys, so building them
// costs no allocation. The caller must free the key after the store call.
// A key outside memory traps (panics inside a host function become a trap).
//
// i32 arguments are read as uint32: wazero leaves the upper half of their
// 64-bit stack slot undefined.
func (g *Guard) stateKey(mod api.Module, ptr64, n64 uint64) (pooledKey, bool) {
	ptr, n := uint32(ptr64), uint32(n64)
	if n == 0 || n > maxStateKey {
		return pooledKey{}, false
	}
	b, ok := mod.Memory().Read(ptr, n)
	if !ok {
		panic(fmt.Errorf("state key [%d, +%d) outside memory", ptr, n))
	}
	buf := keyBufs.Get().(*[]byte)
	k := append(append(append((*buf)[:0], g.name...), '/'), b...)
	*buf = k
	return pooledKey{s: unsafe.String(&k[0], len(k)), buf: buf}, true
}

// pooledKey is a state key in a buffer of keyBufs.
type pooledKey struct {
	s   string
	buf *[]byte
}

func (k pooledKey) free() { keyBufs.Put(k.buf) }

var keyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64+maxStateKey); return &b }}

// stateAnswer writes the 16-byte answer and returns the result code.
func (g *Guard) stateAnswer(mod api.Module, out uint32, e state.Entry, err error) uint64 {
	if err != nil {
		if !errors.Is(err, state.ErrUnavailable) {
			g.logger.Warn("state backend error", "guard", g.name, "err", err)
		}
		return stateUnavailable
	}
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(e.Value))
	ms := (e.TTL + time.Millisecond - 1) / time.Millisecond
	binary.LittleEndian.PutUint64(b[8:], uint64(ms))
	if !mod.Memory().Write(out, b[:]) {
		panic(fmt.Errorf("state out_ptr %d outside memory", out))
	}
	return stateOK
}

// Results of verify_signature (sdk/ABI.md).
const (
	sigValid   = 0
	sigInvalid = 1
	sigBadArg  = 2
)

// Bounds of verify_signature's arguments.
const (
	maxSigKey = 16 << 10
	maxSigMsg = 1 << 20
	maxSig    = 1 << 10
)

// verifySignature is ward.verify_signature: public-key signature
// verification done natively, about 10x faster than the same Go code inside
// Wasm (RS256: benchmarks/README.md). Parsed keys are cached per Host.
func (g *Guard) verifySignature(_ context.Context, mod api.Module, stack []uint64) {
	alg := abi.SigAlg(uint32(stack[0]))
	mem := mod.Memory()
	read := func(ptr, n uint64, max uint32) ([]byte, bool) {
		if uint32(n) > max {
			return nil, false
		}
		b, ok := mem.Read(uint32(ptr), uint32(n))
		if !ok {
			panic(fmt.Errorf("verify_signature argument [%d, +%d) outside memory", uint32(ptr), uint32(n)))
		}
		return b, true
	}
	der, ok1 := read(stack[1], stack[2], maxSigKey)
	msg, ok2 := read(stack[3], stack[4], maxSigMsg)
	sig, ok3 := read(stack[5], stack[6], maxSig)
	if !ok1 || !ok2 || !ok3 {
		stack[0] = sigBadArg
		return
	}
	key, err := g.host.verifyKey(alg, der)
	if err != nil {
		stack[0] = sigBadArg
		return
	}
	valid, err := sigverify.Verify(alg, key, msg, sig)
	switch {
	case err != nil:
		stack[0] = sigBadArg
	case valid:
		stack[0] = sigValid
	default:
		stack[0] = sigInvalid
	}
}

// maxCachedKeys bounds the Host's parsed-key cache; when full it is
// emptied (keys are configured, so a full cache means churn, not a working
// set).
const maxCachedKeys = 1024

// verifyKey returns the parsed key for alg and der, from the cache when
// possible.
func (h *Host) verifyKey(alg abi.SigAlg, der []byte) (crypto.PublicKey, error) {
	h.keysMu.RLock()
	k, ok := h.keys[verifyKeyID{alg, string(der)}]
	h.keysMu.RUnlock()
	if ok {
		return k, nil
	}
	k, err := sigverify.ParseKey(alg, der)
	if err != nil {
		return nil, err
	}
	h.keysMu.Lock()
	if h.keys == nil || len(h.keys) >= maxCachedKeys {
		h.keys = make(map[verifyKeyID]crypto.PublicKey)
	}
	h.keys[verifyKeyID{alg, string(der)}] = k
	h.keysMu.Unlock()
	return k, nil
}

type verifyKeyID struct {
	alg abi.SigAlg
	der string
}
