package fuel

import (
	"bytes"
	"context"
	"errors"
	"math"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/sys"
)

// TestSameResults calls fixture functions in the plain and the instrumented
// module and checks both return the expected results.
func TestSameResults(t *testing.T) {
	tests := []struct {
		fixture, fn string
		args        []uint64
		want        []uint64 // nil: only compare plain against instrumented
	}{
		{"loops.wasm", "add", []uint64{2, 3}, []uint64{5}},
		{"loops.wasm", "count", []uint64{0}, []uint64{0}},
		{"loops.wasm", "count", []uint64{10}, []uint64{45}},
		{"loops.wasm", "count", []uint64{1000}, []uint64{499500}},
		{"loops.wasm", "fib", []uint64{10}, []uint64{55}},
		{"loops.wasm", "fib", []uint64{20}, []uint64{6765}},
		{"features.wasm", "multi", []uint64{5}, []uint64{22}},
		{"features.wasm", "multi", []uint64{0}, []uint64{12}},
		{"features.wasm", "simd", []uint64{7}, nil},
		{"features.wasm", "bulk", []uint64{0}, nil},
		{"features.wasm", "bulk", []uint64{1}, []uint64{7}}, // call_indirect $seven
		{"features.wasm", "bulk", []uint64{2}, nil},
		{"features.wasm", "bulk", []uint64{9}, nil},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.fixture+"/"+tt.fn, func(t *testing.T) {
			plainWasm := readFixture(t, tt.fixture)
			rt := newRuntime(t, nil)
			plain := instantiate(t, rt, plainWasm)
			inst := instantiate(t, rt, mustInstrument(t, plainWasm, 1<<40))
			got, err := plain.ExportedFunction(tt.fn).Call(ctx, tt.args...)
			if err != nil {
				t.Fatalf("plain: %v", err)
			}
			gotInst, err := inst.ExportedFunction(tt.fn).Call(ctx, tt.args...)
			if err != nil {
				t.Fatalf("instrumented: %v", err)
			}
			if !equalU64(got, gotInst) {
				t.Errorf("%s%v: plain %v, instrumented %v", tt.fn, tt.args, got, gotInst)
			}
			if tt.want != nil && !equalU64(gotInst, tt.want) {
				t.Errorf("%s%v = %v, want %v", tt.fn, tt.args, gotInst, tt.want)
			}
			if f := int64(fuelGlobal(t, inst).Get()); f >= 1<<40 || f < 0 {
				t.Errorf("fuel after call = %d, want in [0, %d)", f, int64(1)<<40)
			}
		})
	}
}

func equalU64(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFuelAccounting checks the exact cost of calls: one unit per function
// entry and per loop header visit, and the trap exactly when the budget is
// one short.
func TestFuelAccounting(t *testing.T) {
	tests := []struct {
		fn   string
		args []uint64
		cost int64
	}{
		{"add", []uint64{1, 2}, 1},
		{"count", []uint64{0}, 2},
		{"count", []uint64{10}, 12},
		{"count", []uint64{1000}, 1002},
		{"fib", []uint64{10}, 177}, // calls(n) = 1 + calls(n-1) + calls(n-2)
	}
	ctx := context.Background()
	rt := newRuntime(t, nil)
	m := instantiate(t, rt, mustInstrument(t, readFixture(t, "loops.wasm"), 0))
	g := fuelGlobal(t, m)
	for _, tt := range tests {
		f := m.ExportedFunction(tt.fn)
		g.Set(uint64(tt.cost))
		if _, err := f.Call(ctx, tt.args...); err != nil {
			t.Errorf("%s%v with fuel %d: %v", tt.fn, tt.args, tt.cost, err)
		}
		if left := int64(g.Get()); left != 0 {
			t.Errorf("%s%v: %d fuel left, want 0", tt.fn, tt.args, left)
		}
		g.Set(uint64(tt.cost - 1))
		if _, err := f.Call(ctx, tt.args...); err == nil {
			t.Errorf("%s%v with fuel %d: no trap", tt.fn, tt.args, tt.cost-1)
		}
		if left := int64(g.Get()); left != -1 {
			t.Errorf("%s%v out of fuel: global = %d, want -1", tt.fn, tt.args, left)
		}
	}
}

// TestRunaway checks that an endless loop and unbounded recursion trap with
// a negative fuel global, and that the instance keeps working for calls that
// fit their budget afterwards (for this simple module).
func TestRunaway(t *testing.T) {
	ctx := context.Background()
	rt := newRuntime(t, nil)
	m := instantiate(t, rt, mustInstrument(t, readFixture(t, "loops.wasm"), 0))
	g := fuelGlobal(t, m)
	for _, tt := range []struct {
		fn   string
		args []uint64
	}{{"spin", nil}, {"recurse", []uint64{0}}} {
		g.Set(100_000)
		start := time.Now()
		_, err := m.ExportedFunction(tt.fn).Call(ctx, tt.args...)
		if err == nil {
			t.Fatalf("%s returned", tt.fn)
		}
		if f := int64(g.Get()); f >= 0 {
			t.Errorf("%s: trap %v with fuel %d, want negative", tt.fn, err, f)
		}
		t.Logf("%s: stopped after %v: %v", tt.fn, time.Since(start), firstLine(err))
	}
	g.Set(10)
	if res, err := m.ExportedFunction("add").Call(ctx, 1, 2); err != nil || res[0] != 3 {
		t.Errorf("add after traps = %v, %v", res, err)
	}
}

// killBudget bounds calls in kill-switch tests: ~2 s of the tightest loop.
// While a guest runs, a Go stop-the-world waits for it and also stops the
// goroutine that would store the kill value, so the kill switch is best
// effort and the fuel budget is the guarantee; killCall turns the GC off to
// make that unlikely and the budget keeps a lost race from hanging the test.
const killBudget = 2_000_000_000

// killCall runs fn with killBudget fuel and, after 20 ms, stops it from this
// goroutine by storing -1 every 100 µs until the call returns (one store can
// be lost, see Instrument). It returns the call's error, how long the stop
// took and how many stores it needed.
func killCall(t *testing.T, m api.Module, fn string) (err error, took time.Duration, stores int) {
	t.Helper()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	g := fuelGlobal(t, m)
	g.Set(killBudget)
	done := make(chan error, 1)
	launched := time.Now()
	go func() {
		_, err := m.ExportedFunction(fn).Call(context.Background())
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	select {
	case err := <-done:
		// On a loaded machine this goroutine can wake long after 20 ms,
		// when the budget has already stopped the guest: that is the
		// budget working, not the kill switch failing.
		if ran := time.Since(launched); ran > time.Second && int64(g.Get()) < 0 {
			t.Skipf("%s ran out of its budget after %v before the kill was sent (machine overloaded)", fn, ran)
		}
		t.Fatalf("%s returned before the kill: %v", fn, err)
	default:
	}
	start := time.Now()
	tick := time.NewTicker(100 * time.Microsecond)
	defer tick.Stop()
	for {
		g.Set(math.MaxUint64) // -1
		stores++
		select {
		case err := <-done:
			took := time.Since(start)
			if f := int64(g.Get()); f >= 0 {
				t.Errorf("%s: fuel %d after kill, want negative", fn, f)
			}
			return err, took, stores
		case <-tick.C:
		}
	}
}

// slowKill is how long after the first store a stop counts as the
// budget's work rather than the kill's (the budget lasts ~2 s).
const slowKill = 500 * time.Millisecond

// killTries is how many calls a kill-switch test makes at most: a call in
// which the kill was slow (the guest thread or the storing goroutine
// descheduled on a loaded machine; stores lost while the guest sat between
// reading and writing its counter) is repeated, and the test fails only if
// no call was stopped quickly. The kill switch is best effort (see
// killBudget); what must hold is that it works, not that it always wins.
const killTries = 5

func TestKillSwitch(t *testing.T) {
	rt := newRuntime(t, nil)
	m := instantiate(t, rt, mustInstrument(t, readFixture(t, "loops.wasm"), 0))
	fast := 0
	for i := 0; i < killTries && fast < 3; i++ {
		err, took, stores := killCall(t, m, "spin")
		if err == nil {
			t.Fatal("spin returned without error")
		}
		t.Logf("spin stopped %v after the first kill store, %d stores: %v", took, stores, firstLine(err))
		if took <= slowKill {
			fast++
		}
	}
	if fast == 0 {
		t.Fatalf("no kill of %d stopped spin within %v: the budget, not the kill, stopped it", killTries, slowKill)
	}
}

// TestStartFunction checks that the initial value lets a start function run
// and that a too-small one makes instantiation trap.
func TestStartFunction(t *testing.T) {
	wasm := readFixture(t, "start.wasm")
	rt := newRuntime(t, nil)
	m := instantiate(t, rt, mustInstrument(t, wasm, 11))
	if f := int64(fuelGlobal(t, m).Get()); f != 0 {
		t.Errorf("fuel after start = %d, want 0", f)
	}
	if mem, ok := m.Memory().ReadUint32Le(0); !ok || mem != 9 {
		t.Errorf("memory[0] = %d, want 9", mem)
	}
	_, err := instantiateErr(rt, mustInstrument(t, wasm, 10))
	if err == nil {
		t.Fatal("start function with 10 fuel did not trap")
	}
	var exit *sys.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("want a trap, got exit %v", exit)
	}
}

// TestStructure checks the layout of the output: the new global and export,
// and that every other section is copied byte for byte.
func TestStructure(t *testing.T) {
	tests := []struct {
		fixture   string
		globalIdx uint32
	}{
		{"loops.wasm", 0},    // no global section, has exports and "name"
		{"start.wasm", 0},    // no global, no export section, start section
		{"features.wasm", 3}, // 1 imported + 2 defined globals, data count
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			in := readFixture(t, tt.fixture)
			out := mustInstrument(t, in, 12345)
			mi, err := parseModule(in)
			if err != nil {
				t.Fatal(err)
			}
			mo, err := parseModule(out)
			if err != nil {
				t.Fatalf("output does not parse: %v", err)
			}
			if got := mo.importedGlobals + mo.definedGlobals; got != tt.globalIdx+1 {
				t.Errorf("globals in output = %d, want %d", got, tt.globalIdx+1)
			}
			// Every input section other than global, export and code
			// appears unchanged and in the same order.
			var kept, copied [][]byte
			for i, s := range mi.sections {
				if i != mi.global && i != mi.export && i != mi.code {
					kept = append(kept, in[s.start:s.end])
				}
			}
			for i, s := range mo.sections {
				if i != mo.global && i != mo.export && i != mo.code {
					copied = append(copied, out[s.start:s.end])
				}
			}
			if len(kept) != len(copied) {
				t.Fatalf("%d sections kept, %d in output", len(kept), len(copied))
			}
			for i := range kept {
				if !bytes.Equal(kept[i], copied[i]) {
					t.Errorf("section %d changed", i)
				}
			}
			// The new global is the last entry of the global section.
			gs := mo.sections[mo.global]
			wantTail := appendSLEB([]byte{0x7e, 0x01, 0x42}, 12345)
			wantTail = append(wantTail, 0x0b)
			if !bytes.HasSuffix(out[:gs.end], wantTail) {
				t.Errorf("global section ends % x, want % x", out[gs.end-len(wantTail):gs.end], wantTail)
			}
			// The export names the new global.
			es := mo.sections[mo.export]
			wantExport := append([]byte{byte(len(GlobalExport))}, GlobalExport...)
			wantExport = appendULEB(append(wantExport, 0x03), uint64(tt.globalIdx))
			if !bytes.HasSuffix(out[:es.end], wantExport) {
				t.Errorf("export section does not end with the fuel export")
			}
			// And wazero agrees.
			rt := newRuntime(t, nil)
			m, err := instantiateErr(rt, mustInstrument(t, in, 1000))
			if err != nil {
				t.Fatal(err)
			}
			if g := fuelGlobal(t, m).Get(); int64(g) > 1000 || int64(g) < 0 {
				t.Errorf("fuel after instantiation = %d", int64(g))
			}
		})
	}
}

func TestErrors(t *testing.T) {
	loops := readFixture(t, "loops.wasm")
	hdr := []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}
	mod := func(sections ...[]byte) []byte { return append(append([]byte{}, hdr...), bytes.Join(sections, nil)...) }
	// A type section () -> (), a function section with one function, and
	// a code section whose single body is given.
	withBody := func(body ...byte) []byte {
		code := appendULEB([]byte{0x01}, uint64(len(body)))
		code = append(code, body...)
		return mod([]byte{secType, 0x04, 0x01, 0x60, 0x00, 0x00},
			[]byte{secFunction, 0x02, 0x01, 0x00},
			append(appendULEB([]byte{secCode}, uint64(len(code))), code...))
	}
	tests := []struct {
		name    string
		wasm    []byte
		initial int64
		want    error
	}{
		{"nil", nil, 0, ErrMalformed},
		{"short", hdr[:6], 0, ErrMalformed},
		{"bad magic", []byte("\x00asn\x01\x00\x00\x00"), 0, ErrMalformed},
		{"component", []byte("\x00asm\x0d\x00\x01\x00"), 0, ErrUnsupported},
		{"negative initial", loops, -1, ErrBadInitial},
		{"already exported", readFixture(t, "exported.wasm"), 0, ErrExportExists},
		{"section past end", mod([]byte{secType, 0x05, 0x00}), 0, ErrMalformed},
		{"unknown section", mod([]byte{14, 0x00}), 0, ErrMalformed},
		{"duplicate section", mod([]byte{secType, 0x01, 0x00}, []byte{secType, 0x01, 0x00}), 0, ErrMalformed},
		{"out of order", mod([]byte{secExport, 0x01, 0x00}, []byte{secGlobal, 0x01, 0x00}), 0, ErrMalformed},
		{"data count after code", mod([]byte{secCode, 0x01, 0x00}, []byte{secDataCount, 0x01, 0x00}), 0, ErrMalformed},
		{"over-long section size", mod([]byte{secType, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}), 0, ErrMalformed},
		{"custom name past end", mod([]byte{secCustom, 0x02, 0x05, 'a'}), 0, ErrMalformed},
		{"export trailing bytes", mod([]byte{secExport, 0x02, 0x00, 0x00}), 0, ErrMalformed},
		{"bad export kind", mod([]byte{secExport, 0x05, 0x01, 0x01, 'x', 0x09, 0x00}), 0, ErrMalformed},
		{"bad import kind", mod([]byte{secImport, 0x06, 0x01, 0x01, 'm', 0x01, 'f', 0x07}), 0, ErrMalformed},
		{"import global bad mutability", mod([]byte{secImport, 0x07, 0x01, 0x01, 'm', 0x01, 'f', 0x03, 0x7f, 0x02}), 0, ErrMalformed},
		{"code count past end", mod([]byte{secCode, 0x01, 0x02}), 0, ErrMalformed},
		{"body without end", withBody(0x00, 0x01), 0, ErrMalformed},
		{"bytes after end", withBody(0x00, 0x0b, 0x01), 0, ErrMalformed},
		{"unclosed loop", withBody(0x00, 0x03, 0x40, 0x0b), 0, ErrMalformed},
		{"unknown opcode", withBody(0x00, 0x27, 0x0b), 0, ErrMalformed},
		{"unknown 0xfc op", withBody(0x00, 0xfc, 0x12, 0x0b), 0, ErrMalformed},
		{"unknown 0xfd op", withBody(0x00, 0xfd, 0x9a, 0x01, 0x0b), 0, ErrMalformed},
		{"unknown 0xfe op", withBody(0x00, 0xfe, 0x04, 0x0b), 0, ErrMalformed},
		{"GC prefix", withBody(0x00, 0xfb, 0x00, 0x0b), 0, ErrMalformed},
		{"bad local type", withBody(0x01, 0x01, 0x40, 0x0b), 0, ErrMalformed},
		{"bad block type", withBody(0x00, 0x02, 0x50, 0x0b, 0x0b), 0, ErrMalformed},
		{"negative type index", withBody(0x00, 0x02, 0xff, 0x7f, 0x0b, 0x0b), 0, ErrMalformed},
		{"i32.const too long", withBody(0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1a, 0x0b), 0, ErrMalformed},
		{"delegate outside try", withBody(0x00, 0x18, 0x00, 0x0b), 0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Instrument(tt.wasm, tt.initial)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) || out != nil {
				t.Fatalf("want *Error and nil output, got %T, %d bytes", err, len(out))
			}
		})
	}
}

// TestTruncated checks every prefix of every fixture: no panic, and either
// an *Error or a module that still parses.
func TestTruncated(t *testing.T) {
	for _, name := range []string{"loops.wasm", "start.wasm", "features.wasm"} {
		wasm := readFixture(t, name)
		for n := 0; n < len(wasm); n++ {
			out, err := Instrument(wasm[:n], 1)
			var e *Error
			switch {
			case err != nil && !errors.As(err, &e):
				t.Errorf("%s[:%d]: error %T is not *Error", name, n, err)
			case err == nil:
				if m, perr := parseModule(out); perr != nil || m.fuelExport < 0 {
					t.Errorf("%s[:%d]: output does not parse: %v", name, n, perr)
				}
			}
		}
	}
}

// TestInputNotModified checks Instrument leaves its input alone.
func TestInputNotModified(t *testing.T) {
	in := readFixture(t, "features.wasm")
	orig := bytes.Clone(in)
	mustInstrument(t, in, 7)
	if !bytes.Equal(in, orig) {
		t.Fatal("input modified")
	}
}

func firstLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func TestTypeSection(t *testing.T) {
	hdr := "\x00asm\x01\x00\x00\x00"
	for _, tt := range []struct {
		name string
		wasm string
		want error
	}{
		{"huge result count", hdr + "\x01\x08\x01\x60\x00\x86\x8c\x98\x30\x7f", ErrMalformed},
		{"bad value type", hdr + "\x01\x05\x01\x60\x01\x01\x00", ErrMalformed},
		{"GC rec group", hdr + "\x01\x04\x01\x4e\x00\x00", ErrUnsupported},
		{"trailing bytes", hdr + "\x01\x05\x01\x60\x00\x00\x00", ErrMalformed},
		{"ok", hdr + "\x01\x07\x01\x60\x02\x7f\x64\x70\x00", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Instrument([]byte(tt.wasm), 0); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSectionCounts(t *testing.T) {
	hdr := "\x00asm\x01\x00\x00\x00"
	for _, tt := range []struct {
		name string
		wasm string
		want error
	}{
		{"imports count > bytes", hdr + "\x02\x05\x86\x8c\x98\x30\x00", ErrMalformed},
		{"functions count > bytes", hdr + "\x03\x02\x02\x00", ErrMalformed},
		{"data count is not a vector", hdr + "\x0c\x01\x05", nil},
		{"start is not a vector", hdr + "\x08\x01\x05", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Instrument([]byte(tt.wasm), 0); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
