package extismguard

import (
	"bytes"
	"strings"
	"testing"
)

func hostFunc(t *testing.T, name string) func(*kernel, []uint64) {
	t.Helper()
	for _, f := range kernelFuncs {
		if f.name == name {
			return f.fn
		}
	}
	t.Fatalf("no kernel function %q", name)
	return nil
}

// callK runs kernel function name with args and returns stack[0] and
// whether it trapped (panicked).
func callK(t *testing.T, k *kernel, name string, args ...uint64) (res uint64, trapped bool) {
	t.Helper()
	stack := make([]uint64, max(len(args), 1))
	copy(stack, args)
	defer func() {
		if recover() != nil {
			trapped = true
		}
	}()
	hostFunc(t, name)(k, stack)
	return stack[0], false
}

func TestKernelMemory(t *testing.T) {
	k := newKernel(map[string]string{"ward_config": `{"a":1}`}, nil, 5, "g")
	k.setInput([]byte("0123456789"))

	if n, _ := callK(t, k, "input_length"); n != 10 {
		t.Fatalf("input_length = %d", n)
	}
	if v, _ := callK(t, k, "input_load_u64", 2); v != 0x3938373635343332 {
		t.Fatalf("input_load_u64(2) = %#x", v)
	}
	if v, _ := callK(t, k, "input_load_u8", 9); v != '9' {
		t.Fatalf("input_load_u8(9) = %d", v)
	}
	if off, _ := callK(t, k, "input_offset"); off != k.input || k.mem[off] != '0' {
		t.Fatalf("input_offset = %d", off)
	}

	h, _ := callK(t, k, "alloc", 16)
	if h == 0 {
		t.Fatal("alloc returned 0")
	}
	if n, _ := callK(t, k, "length", h); n != 16 {
		t.Fatalf("length = %d", n)
	}
	callK(t, k, "store_u64", h+8, 0x1122334455667788)
	callK(t, k, "store_u8", h, 0xab)
	if v, _ := callK(t, k, "load_u64", h+8); v != 0x1122334455667788 {
		t.Fatalf("load_u64 = %#x", v)
	}
	if v, _ := callK(t, k, "load_u8", h); v != 0xab {
		t.Fatalf("load_u8 = %#x", v)
	}
	callK(t, k, "output_set", h, 16)
	if out := k.outputBytes(); len(out) != 16 || out[0] != 0xab {
		t.Fatalf("output = %x", out)
	}
	// Freeing the output block must not let later allocations overwrite it.
	callK(t, k, "free", h)
	if n, _ := callK(t, k, "length", h); n != 0 {
		t.Fatalf("length of freed block = %d", n)
	}
	h2, _ := callK(t, k, "alloc", 16)
	callK(t, k, "store_u8", h2, 0xcd)
	if out := k.outputBytes(); out[0] != 0xab {
		t.Fatalf("output overwritten after free: %x", out)
	}

	// config_get
	key := k.writeBlock([]byte("ward_config"))
	v, _ := callK(t, k, "config_get", key)
	if got := k.bytesOf(v); string(got) != `{"a":1}` {
		t.Fatalf("config_get = %q", got)
	}
	if v, _ := callK(t, k, "config_get", k.writeBlock([]byte("nope"))); v != 0 {
		t.Fatalf("config_get(missing) = %d", v)
	}

	// error_set / error_get
	e := k.writeBlock([]byte("bad"))
	callK(t, k, "error_set", e)
	if got, _ := callK(t, k, "error_get"); got != e || string(k.errorBytes()) != "bad" {
		t.Fatalf("error = %d %q", got, k.errorBytes())
	}

	// reset clears everything.
	callK(t, k, "reset")
	if k.output != 0 || k.errHandle != 0 || k.inputLen != 0 || len(k.mem) != kernelBase {
		t.Fatalf("after reset: %+v", k)
	}
}

func TestKernelEdgeCases(t *testing.T) {
	k := newKernel(nil, nil, 5, "g")
	k.setInput([]byte("abc"))
	tests := []struct {
		name    string
		fn      string
		args    []uint64
		want    uint64
		trapped bool
	}{
		{"alloc 0", "alloc", []uint64{0}, 0, false},
		{"alloc over budget", "alloc", []uint64{1 << 40}, 0, false},
		{"length 0", "length", []uint64{0}, 0, false},
		{"length not a block", "length", []uint64{k.input + 1}, 0, false},
		{"free 0", "free", []uint64{0}, 0, false},
		{"load_u8 at 0", "load_u8", []uint64{0}, 0, true},
		{"load_u64 past end", "load_u64", []uint64{k.input}, 0, true},
		{"store_u64 past end", "store_u64", []uint64{k.input + 1, 7}, 0, true},
		{"input_load_u64 short input", "input_load_u64", []uint64{0}, 0, true},
		{"input_load_u8 past input", "input_load_u8", []uint64{3}, 0, true},
		{"output_set out of range", "output_set", []uint64{k.input, 100}, 0, true},
		{"var_get finds nothing", "var_get", []uint64{0}, 0, false},
		{"var_set traps", "var_set", []uint64{0, 0}, 0, true},
		{"http_request traps", "http_request", []uint64{0, 0}, 0, true},
		{"error_set bad handle", "error_set", []uint64{1 << 30}, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, trapped := callK(t, k, tc.fn, tc.args...)
			if trapped != tc.trapped || (!trapped && got != tc.want) {
				t.Fatalf("%s(%v) = %d trapped=%v, want %d trapped=%v", tc.fn, tc.args, got, trapped, tc.want, tc.trapped)
			}
		})
	}
}

func TestKernelAllocFreeLoopStaysBounded(t *testing.T) {
	k := newKernel(nil, nil, 5, "g")
	k.setInput(nil)
	for i := 0; i < 100000; i++ {
		h := k.writeBlock(bytes.Repeat([]byte("x"), 100))
		k.free(h)
	}
	if len(k.mem) != kernelBase {
		t.Fatalf("kernel memory grew to %d bytes", len(k.mem))
	}
	// Without frees the budget ends in a failed (0) allocation.
	n := 0
	for k.alloc(1<<16) != 0 {
		n++
	}
	if n == 0 || n > kernelSlack>>16 {
		t.Fatalf("allocated %d blocks of 64 KiB", n)
	}
}

func TestKernelFuncsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range kernelFuncs {
		if seen[f.name] || strings.TrimSpace(f.name) == "" {
			t.Fatalf("duplicate or empty %q", f.name)
		}
		seen[f.name] = true
	}
}
