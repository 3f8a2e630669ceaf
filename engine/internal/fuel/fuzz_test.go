package fuel

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"
)

// fuzzRuntime validates with wazero's interpreter: validation is the same
// as with the optimizing compiler, and compiling fuzzed functions with the
// latter is slow enough (seconds for some inputs on this machine) to make
// the fuzzer report hangs. The instrumented fixtures and guests are compiled
// with the compiler by the other tests.
var fuzzRuntime = sync.OnceValue(func() wazero.Runtime {
	return wazero.NewRuntimeWithConfig(context.Background(), wazero.NewRuntimeConfigInterpreter())
})

// compiles reports whether wazero (CoreFeaturesV2) compiles wasm.
func compiles(wasm []byte) (bool, error) {
	ctx := context.Background()
	cm, err := fuzzRuntime().CompileModule(ctx, wasm)
	if err != nil {
		return false, err
	}
	cm.Close(ctx)
	return true, nil
}

// FuzzInstrument checks that Instrument never panics, reports failures as
// *Error, produces modules that parse and carry the fuel export, and that
// whenever wazero compiles the input it also compiles the output and
// Instrument did not refuse it (except for an existing fuel export).
func FuzzInstrument(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "fixtures", "*.wasm"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, int64(1000))
	}
	f.Add([]byte("\x00asm\x01\x00\x00\x00"), int64(0))
	f.Fuzz(func(t *testing.T, wasm []byte, initial int64) {
		if initial < 0 {
			initial = -initial
		}
		if initial < 0 { // math.MinInt64
			initial = 0
		}
		out, err := Instrument(wasm, initial)
		if hugeLocals(wasm) {
			// wazero v1.12.0 dies with a fatal out-of-memory error on
			// these (see MaxLocals); Instrument must refuse them.
			if err == nil {
				t.Fatalf("Instrument accepted a function with more than %d locals", MaxLocals)
			}
			return
		}
		if err != nil && !errors.Is(err, ErrExportExists) {
			// Only ask wazero about inputs Instrument accepts: its
			// decoder preallocates declared vector lengths and malformed
			// inputs can make it allocate gigabytes and kill the fuzzer.
			// (That wazero accepts nothing Instrument refuses is checked
			// on the fixtures and real guests by the other tests.)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			return
		}
		inOK, _ := compiles(wasm)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			if inOK && !errors.Is(err, ErrExportExists) {
				t.Fatalf("wazero compiles the input but Instrument failed: %v", err)
			}
			return
		}
		m, perr := parseModule(out)
		if perr != nil || m.fuelExport < 0 {
			t.Fatalf("output does not parse or lacks the export: %v", perr)
		}
		if _, err := Instrument(out, initial); !errors.Is(err, ErrExportExists) {
			t.Fatalf("instrumenting twice: err = %v, want ErrExportExists", err)
		}
		if inOK {
			if ok, err := compiles(out); !ok {
				t.Fatalf("wazero compiles the input but not the output: %v", err)
			}
		}
	})
}

// hugeLocals reports whether any function body in wasm's code section
// declares more than MaxLocals locals, reading leniently (it stops at the
// first thing it cannot decode).
func hugeLocals(wasm []byte) bool {
	if len(wasm) < 8 {
		return false
	}
	r := &reader{b: wasm, off: 8}
	for r.off < len(wasm) && r.err == nil {
		id := r.byte()
		size := r.u32()
		start := r.off
		r.skip(uint64(size))
		if r.err != nil || id != secCode {
			continue
		}
		c := &reader{b: wasm[:r.off], off: start}
		n := c.u32()
		for i := uint32(0); i < n && c.err == nil; i++ {
			bodySize := c.u32()
			body := &reader{b: c.b[:min(len(c.b), c.off+int(min(bodySize, uint32(len(c.b)))))], off: c.off}
			c.skip(uint64(bodySize))
			decls := body.u32()
			var total uint64
			for j := uint32(0); j < decls && body.err == nil; j++ {
				total += uint64(body.u32())
				body.byte()
				if total > MaxLocals {
					return true
				}
			}
		}
	}
	return false
}

// TestCheck: Check accepts what Instrument reads and refuses, quickly, a
// section that declares more entries than it has bytes (wazero v1.12.0's
// decoder takes about a minute over the export section below).
func TestCheck(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "fixtures", "*.wasm"))
	if len(paths) == 0 {
		t.Fatal("no fixtures")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		_, ierr := Instrument(b, 1000)
		if cerr := Check(b); (cerr == nil) != (ierr == nil || errors.As(ierr, new(*Error)) && ierr.(*Error).Code == CodeExportExists) {
			t.Errorf("%s: Check %v, Instrument %v", p, cerr, ierr)
		}
	}
	var e *Error
	if err := Check([]byte("\x00asm\x01\x00\x00\x00\a\x05\xff\xff\xff\x7f\x00")); !errors.As(err, &e) || e.Code != CodeMalformed {
		t.Fatalf("huge export count: %v", err)
	}
}
