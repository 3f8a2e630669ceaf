package extismguard

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"math"
	"sort"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// This file implements the Extism kernel ("extism:host/env") in Go.
//
// Extism's go-sdk links every plugin against extism-runtime.wasm, a small
// Wasm module that owns a second linear memory and an allocator, and its host
// functions call into that module through api.Module.ExportedFunction on
// every call. In wazero v1.12 each ExportedFunction call builds a new call
// engine, so a Go guest reading 1 KB of input (8 bytes per host call) made
// ~150 KB of garbage and took ~40 us per check (see
// .notes/rationale-extism.md). Here the kernel's memory is a Go byte slice
// owned by one pool instance, and each host function is a few bounds checks.
//
// Semantics follow the documented kernel ABI (extism/proposals EIP-007 and
// the PDKs' import lists): handles are offsets into the kernel memory, 0 is
// "none"; alloc is a bump allocator whose blocks remember their length;
// length of anything that is not a live block is 0; input, output and error
// are handles set per call; reset clears everything between calls.
//
// Ward grants guests no ambient authority: http_request traps, vars are not
// kept (var_get finds nothing, var_set traps) because pool instances must
// not carry state between requests, and config_get serves only the manifest
// config (the guard's config JSON under "ward_config").

// kernelBase is the first handle alloc returns; offsets below it are never
// valid so that handle 0 means "none".
const kernelBase = 8

// kernelSlack is how much kernel memory a guest may allocate in one call
// beyond its input and the output limit.
const kernelSlack = 4 << 20

// kernelKeepCap is the largest kernel memory an idle instance keeps.
const kernelKeepCap = 1 << 20

type block struct {
	off, n uint64
	free   bool
}

// kernel is the per-instance state behind "extism:host/env". It is used by
// one goroutine at a time (the one holding the instance).
type kernel struct {
	mem    []byte  // kernel memory; len is the bump position
	blocks []block // live and freed blocks, sorted by off
	limit  uint64  // max len(mem) during the current call

	input, inputLen   uint64
	output, outputLen uint64
	errHandle, errLen uint64
	pin               uint64 // end of the highest pinned range (input, output, error)

	config map[string]string
	logger *slog.Logger
	level  int32 // Extism log level the guest should emit (ExtismCompat)
	name   string
}

func newKernel(config map[string]string, logger *slog.Logger, level int32, name string) *kernel {
	k := &kernel{config: config, logger: logger, level: level, name: name}
	k.reset(0)
	return k
}

// reset empties the kernel memory before a call whose input is n bytes.
func (k *kernel) reset(n int) {
	if cap(k.mem) > kernelKeepCap {
		k.mem = nil
	}
	if k.mem == nil {
		k.mem = make([]byte, kernelBase, 4096)
	}
	k.mem = k.mem[:kernelBase]
	k.blocks = k.blocks[:0]
	k.limit = uint64(n) + kernelSlack
	k.input, k.inputLen, k.output, k.outputLen, k.errHandle, k.errLen, k.pin = 0, 0, 0, 0, 0, 0, 0
}

// setInput copies in into a fresh block and makes it the call's input.
func (k *kernel) setInput(in []byte) {
	k.reset(len(in))
	if len(in) == 0 {
		return
	}
	h := k.alloc(uint64(len(in)))
	copy(k.mem[h:], in)
	k.input, k.inputLen = h, uint64(len(in))
	k.pinRange(h, k.inputLen)
}

// alloc returns a handle to n zeroed bytes, or 0 when n is 0 or the call's
// kernel memory budget is exhausted (Extism's "failed allocation").
func (k *kernel) alloc(n uint64) uint64 {
	if n == 0 {
		return 0
	}
	off := uint64(len(k.mem))
	if n > k.limit || off > k.limit-n {
		return 0
	}
	end := int(off + n)
	if end <= cap(k.mem) {
		k.mem = k.mem[:end]
		clear(k.mem[off:end])
	} else {
		k.mem = append(k.mem, make([]byte, n)...)
	}
	k.blocks = append(k.blocks, block{off: off, n: n})
	return off
}

// find returns the index of the block starting at h, or -1.
func (k *kernel) find(h uint64) int {
	b := k.blocks
	if len(b) > 0 && b[len(b)-1].off == h { // the common case: the newest block
		return len(b) - 1
	}
	i := sort.Search(len(b), func(i int) bool { return b[i].off >= h })
	if i < len(b) && b[i].off == h {
		return i
	}
	return -1
}

func (k *kernel) length(h uint64) uint64 {
	if i := k.find(h); i >= 0 && !k.blocks[i].free {
		return k.blocks[i].n
	}
	return 0
}

// free marks the block at h free. Freeing the newest blocks gives their
// memory back to the bump allocator, except memory that holds the current
// input, output or error: a guest may free those blocks after setting them
// (the PDKs document that the host keeps its own copy).
func (k *kernel) free(h uint64) {
	i := k.find(h)
	if i < 0 {
		return
	}
	k.blocks[i].free = true
	for len(k.blocks) > 0 && k.blocks[len(k.blocks)-1].free {
		k.mem = k.mem[:max(k.blocks[len(k.blocks)-1].off, k.pin)]
		k.blocks = k.blocks[:len(k.blocks)-1]
	}
}

// pinRange keeps [off, off+n) from being reused by the allocator this call.
func (k *kernel) pinRange(off, n uint64) { k.pin = max(k.pin, off+n) }

// span returns mem[off:off+n], trapping (by panic, which wazero turns into
// an error) when the range is not inside allocated kernel memory.
func (k *kernel) span(off, n uint64) []byte {
	if off < kernelBase || off > uint64(len(k.mem)) || n > uint64(len(k.mem))-off {
		panic(fmt.Errorf("extism kernel: access [%d,+%d) outside kernel memory (%d bytes)", off, n, len(k.mem)))
	}
	return k.mem[off : off+n]
}

// bytesOf returns the content of the live block at h (nil for handle 0).
func (k *kernel) bytesOf(h uint64) []byte {
	if h == 0 {
		return nil
	}
	return k.span(h, k.length(h))
}

// writeBlock allocates a block holding b and returns its handle.
func (k *kernel) writeBlock(b []byte) uint64 {
	h := k.alloc(uint64(len(b)))
	if h == 0 && len(b) > 0 {
		panic(fmt.Errorf("extism kernel: out of kernel memory writing %d bytes", len(b)))
	}
	copy(k.mem[h:], b)
	return h
}

func (k *kernel) outputBytes() []byte {
	if k.output == 0 {
		return nil
	}
	return k.span(k.output, k.outputLen)
}

func (k *kernel) errorBytes() []byte {
	if k.errHandle == 0 {
		return nil
	}
	return k.span(k.errHandle, k.errLen)
}

// kernelKey is the context key under which a call's *kernel travels to the
// host functions.
type kernelKey struct{}

func kernelFrom(ctx context.Context) *kernel {
	k, ok := ctx.Value(kernelKey{}).(*kernel)
	if !ok {
		panic("extismguard: host function called without a kernel in the context")
	}
	return k
}

type hostFn struct {
	name    string
	params  []api.ValueType
	results []api.ValueType
	fn      func(k *kernel, stack []uint64)
}

var (
	i32 = api.ValueTypeI32
	i64 = api.ValueTypeI64
)

func sig(p ...api.ValueType) []api.ValueType { return p }

// kernelFuncs lists every function of "extism:host/env" that go-sdk v1.7.1
// provides, with the same signatures, so any PDK's imports link.
var kernelFuncs = []hostFn{
	{"alloc", sig(i64), sig(i64), func(k *kernel, s []uint64) { s[0] = k.alloc(s[0]) }},
	{"free", sig(i64), nil, func(k *kernel, s []uint64) { k.free(s[0]) }},
	{"length", sig(i64), sig(i64), func(k *kernel, s []uint64) { s[0] = k.length(s[0]) }},
	{"length_unsafe", sig(i64), sig(i64), func(k *kernel, s []uint64) { s[0] = k.length(s[0]) }},
	{"load_u8", sig(i64), sig(i32), func(k *kernel, s []uint64) { s[0] = uint64(k.span(s[0], 1)[0]) }},
	{"load_u64", sig(i64), sig(i64), func(k *kernel, s []uint64) {
		s[0] = binary.LittleEndian.Uint64(k.span(s[0], 8))
	}},
	{"store_u8", sig(i64, i32), nil, func(k *kernel, s []uint64) { k.span(s[0], 1)[0] = byte(s[1]) }},
	{"store_u64", sig(i64, i64), nil, func(k *kernel, s []uint64) {
		binary.LittleEndian.PutUint64(k.span(s[0], 8), s[1])
	}},
	{"input_length", nil, sig(i64), func(k *kernel, s []uint64) { s[0] = k.inputLen }},
	{"input_offset", nil, sig(i64), func(k *kernel, s []uint64) { s[0] = k.input }},
	{"input_load_u8", sig(i64), sig(i32), func(k *kernel, s []uint64) {
		if s[0] >= k.inputLen {
			panic(fmt.Errorf("extism kernel: input_load_u8(%d) past input of %d bytes", s[0], k.inputLen))
		}
		s[0] = uint64(k.mem[k.input+s[0]])
	}},
	{"input_load_u64", sig(i64), sig(i64), func(k *kernel, s []uint64) {
		if k.inputLen < 8 || s[0] > k.inputLen-8 {
			panic(fmt.Errorf("extism kernel: input_load_u64(%d) past input of %d bytes", s[0], k.inputLen))
		}
		s[0] = binary.LittleEndian.Uint64(k.mem[k.input+s[0]:])
	}},
	{"input_set", sig(i64, i64), nil, func(k *kernel, s []uint64) {
		k.span(s[0], s[1])
		k.input, k.inputLen = s[0], s[1]
		k.pinRange(s[0], s[1])
	}},
	{"output_set", sig(i64, i64), nil, func(k *kernel, s []uint64) {
		if s[1] > 0 {
			k.span(s[0], s[1])
			k.pinRange(s[0], s[1])
		}
		k.output, k.outputLen = s[0], s[1]
	}},
	{"output_length", nil, sig(i64), func(k *kernel, s []uint64) { s[0] = k.outputLen }},
	{"output_offset", nil, sig(i64), func(k *kernel, s []uint64) { s[0] = k.output }},
	{"reset", nil, nil, func(k *kernel, s []uint64) { k.reset(int(k.limit - kernelSlack)) }},
	{"error_set", sig(i64), nil, func(k *kernel, s []uint64) {
		if s[0] != 0 {
			k.errLen = uint64(len(k.bytesOf(s[0])))
			k.pinRange(s[0], k.errLen)
		}
		k.errHandle = s[0]
	}},
	{"error_get", nil, sig(i64), func(k *kernel, s []uint64) { s[0] = k.errHandle }},
	{"memory_bytes", nil, sig(i64), func(k *kernel, s []uint64) { s[0] = uint64(len(k.mem)) }},
	{"config_get", sig(i64), sig(i64), func(k *kernel, s []uint64) {
		v, ok := k.config[string(k.bytesOf(s[0]))]
		if !ok {
			s[0] = 0
			return
		}
		s[0] = k.writeBlock([]byte(v))
	}},
	{"var_get", sig(i64), sig(i64), func(k *kernel, s []uint64) {
		k.bytesOf(s[0])
		s[0] = 0
	}},
	{"var_set", sig(i64, i64), nil, func(k *kernel, s []uint64) {
		panic("extism kernel: vars are disabled in Ward (guards must not keep state between requests)")
	}},
	{"http_request", sig(i64, i64), sig(i64), func(k *kernel, s []uint64) {
		panic("extism kernel: HTTP requests are not allowed for Ward guards")
	}},
	{"http_status_code", nil, sig(i32), func(k *kernel, s []uint64) { s[0] = 0 }},
	{"http_headers", nil, sig(i64), func(k *kernel, s []uint64) { s[0] = 0 }},
	{"get_log_level", nil, sig(i32), func(k *kernel, s []uint64) { s[0] = uint64(uint32(k.level)) }},
	{"log_trace", sig(i64), nil, func(k *kernel, s []uint64) { k.log(0, s[0]) }},
	{"log_debug", sig(i64), nil, func(k *kernel, s []uint64) { k.log(1, s[0]) }},
	{"log_info", sig(i64), nil, func(k *kernel, s []uint64) { k.log(2, s[0]) }},
	{"log_warn", sig(i64), nil, func(k *kernel, s []uint64) { k.log(3, s[0]) }},
	{"log_error", sig(i64), nil, func(k *kernel, s []uint64) { k.log(4, s[0]) }},
}

// maxLogMessage bounds what one guest log line may put in the host's log.
const maxLogMessage = 4096

// log forwards a guest log line at Extism level lvl (0 trace .. 4 error)
// and frees its block, as Extism's kernel does.
func (k *kernel) log(lvl int32, h uint64) {
	msg := k.bytesOf(h)
	if k.logger != nil && lvl >= k.level {
		if len(msg) > maxLogMessage {
			msg = msg[:maxLogMessage]
		}
		k.logger.Log(context.Background(), slogLevel(lvl), string(msg), "guard", k.name, "source", "extism")
	}
	k.free(h)
}

func slogLevel(lvl int32) slog.Level {
	switch lvl {
	case 0:
		return slog.LevelDebug - 4
	case 1:
		return slog.LevelDebug
	case 2:
		return slog.LevelInfo
	case 3:
		return slog.LevelWarn
	default:
		return slog.LevelError
	}
}

// extismLevel is the lowest Extism log level l emits (Extism's numbering:
// 0 trace .. 4 error, MaxInt32 off).
func extismLevel(l *slog.Logger) int32 {
	if l == nil {
		return math.MaxInt32
	}
	for lvl := int32(0); lvl <= 4; lvl++ {
		if l.Enabled(context.Background(), slogLevel(lvl)) {
			return lvl
		}
	}
	return math.MaxInt32
}

// instantiateKernelModule defines "extism:host/env" in rt. Each function
// finds the calling instance's kernel in the call's context.
func instantiateKernelModule(ctx context.Context, rt wazero.Runtime) error {
	b := rt.NewHostModuleBuilder(extismEnv)
	for _, f := range kernelFuncs {
		fn := f.fn
		b.NewFunctionBuilder().
			WithGoFunction(api.GoFunc(func(ctx context.Context, stack []uint64) {
				fn(kernelFrom(ctx), stack)
			}), f.params, f.results).
			Export(f.name)
	}
	_, err := b.Instantiate(ctx)
	return err
}
