package wasmhost

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wardgate/ward/engine/internal/fuel"
)

// dataModule is a module with one memory of 1 page and the given raw data
// segments (each: flag, offset expression, bytes).
func dataModule(dataCount bool, segs ...[]byte) []byte {
	sec := func(id byte, body []byte) []byte {
		return append(binary.AppendUvarint([]byte{id}, uint64(len(body))), body...)
	}
	m := append([]byte(nil), header()...)
	m = append(m, sec(5, []byte{1, 0, 1})...) // one memory, min 1 page
	if dataCount {
		m = append(m, sec(12, binary.AppendUvarint(nil, uint64(len(segs))))...)
	}
	body := binary.AppendUvarint(nil, uint64(len(segs)))
	for _, s := range segs {
		body = append(body, s...)
	}
	return append(m, sec(11, body)...)
}

func header() []byte { return []byte{0, 'a', 's', 'm', 1, 0, 0, 0} }

// active is an active segment of memory 0 at offset.
func active(offset int32, data string) []byte {
	b := appendSleb([]byte{0, 0x41}, int64(offset))
	b = append(b, 0x0b)
	b = binary.AppendUvarint(b, uint64(len(data)))
	return append(b, data...)
}

func passive(data string) []byte {
	return append(binary.AppendUvarint([]byte{1}, uint64(len(data))), data...)
}

// initialMemory instantiates wasm (no start function) and returns its
// memory.
func initialMemory(t *testing.T, wasm []byte) []byte {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	if _, err := rt.NewHostModuleBuilder("wasi_snapshot_preview1").Instantiate(ctx); err != nil {
		t.Fatal(err)
	}
	cm, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cm.ImportedFunctions() {
		t.Skipf("imports %v: not instantiable here", d.Name())
	}
	mod, err := rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := mod.Memory().Read(0, mod.Memory().Size())
	return bytes.Clone(b)
}

func segmentCount(t *testing.T, wasm []byte) int {
	t.Helper()
	off := 8
	for off < len(wasm) {
		id := wasm[off]
		size, n := binary.Uvarint(wasm[off+1:])
		content := off + 1 + n
		if id == 11 {
			c, _ := binary.Uvarint(wasm[content:])
			return int(c)
		}
		off = content + int(size)
	}
	return 0
}

func TestMergeData(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want int // segments after; -1: unchanged
	}{
		{"adjacent and close", dataModule(false, active(16, "ab"), active(18, "cd"), active(30, "ef"), active(30+2+maxDataGap, "gh")), 1},
		{"gap too large", dataModule(false, active(16, "ab"), active(18+maxDataGap+1, "cd")), -1},
		{"descending", dataModule(false, active(100, "ab"), active(16, "cd")), -1},
		{"overlapping", dataModule(false, active(16, "abcd"), active(18, "XY")), -1},
		{"passive between", dataModule(false, active(16, "ab"), passive("zz"), active(20, "cd"), active(22, "ef")), 3},
		{"data count (bulk memory)", dataModule(true, active(16, "ab"), active(18, "cd")), -1},
		{"global offset", dataModule(false, []byte{0, 0x23, 0, 0x0b, 1, 'a'}, active(16, "ab")), -1},
		{"one segment", dataModule(false, active(16, "ab")), -1},
		// A run's zero-filled gap must not overwrite an earlier segment's
		// bytes (FuzzMergeData found "ab" at 20 erased by "cd"..."ef").
		{"run below an earlier segment", dataModule(false, active(20, "ab"), passive("zz"), active(16, "cd"), active(22, "ef")), -1},
		{"run above earlier segments", dataModule(false, active(16, "ab"), active(3000, "cd"), active(3004, "ef")), 2},
		{"run after a computed offset", dataModule(false, []byte{0, 0x23, 0, 0x0b, 1, 'a'}, active(16, "ab"), active(18, "cd")), -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := bytes.Clone(tc.in)
			out := mergeData(in)
			if !bytes.Equal(in, tc.in) {
				t.Fatal("input modified")
			}
			if tc.want < 0 {
				if !bytes.Equal(out, tc.in) {
					t.Fatal("changed a module that must be kept")
				}
				return
			}
			if n := segmentCount(t, out); n != tc.want {
				t.Fatalf("%d segments, want %d", n, tc.want)
			}
			if !bytes.Equal(initialMemory(t, out), initialMemory(t, tc.in)) {
				t.Fatal("initial memory differs")
			}
		})
	}
}

// TestMergeDataGoGuest: a Go guest's tens of thousands of segments become
// a few, with the same initial memory (also for the built-in guards when
// they are built).
func TestMergeDataGoGuest(t *testing.T) {
	mods := map[string][]byte{"goguest": goGuest}
	if b, err := os.ReadFile("../../bin/guards/denylist.wasm"); err == nil {
		mods["denylist"] = b
	}
	for name, wasm := range mods {
		out := mergeData(wasm)
		before, after := segmentCount(t, wasm), segmentCount(t, out)
		t.Logf("%s: %d -> %d data segments, %d -> %d bytes", name, before, after, len(wasm), len(out))
		if before < 1000 || after > before/20 {
			t.Fatalf("%s: %d -> %d segments", name, before, after)
		}
		if !bytes.Equal(memoryOf(t, out), memoryOf(t, wasm)) {
			t.Fatalf("%s: initial memory differs", name)
		}
	}
}

// memoryOf instantiates a WASI guest (in wazero's interpreter: no
// compilation) and returns its memory before _initialize.
func memoryOf(t *testing.T, wasm []byte) []byte {
	t.Helper()
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	mod, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithStartFunctions())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := mod.Memory().Read(0, mod.Memory().Size())
	return bytes.Clone(b)
}

// TestMergeDataMalformed: truncated and corrupted modules never panic and
// come back unchanged or as another module wazero judges.
func TestMergeDataMalformed(t *testing.T) {
	in := dataModule(false, active(16, "ab"), active(18, "cd"), passive("x"))
	for i := range len(in) {
		mergeData(in[:i])
		c := bytes.Clone(in)
		c[i] ^= 0xff
		mergeData(c)
	}
}

// FuzzMergeData: mergeData never panics, and a module that instantiates
// still does after merging, with the same initial memory.
func FuzzMergeData(f *testing.F) {
	f.Add(dataModule(false, active(16, "ab"), active(18, "cd"), active(30, "ef")))
	f.Add(dataModule(false, active(16, "ab"), passive("zz"), active(20, "cd"), active(22, "ef")))
	f.Add(dataModule(false, active(-1, "ab"), active(1, "cd")))
	f.Add(dataModule(true, active(16, "ab"), active(18, "cd")))
	f.Fuzz(func(t *testing.T, in []byte) {
		orig := bytes.Clone(in)
		out := mergeData(in)
		if !bytes.Equal(in, orig) {
			t.Fatal("input modified")
		}
		if bytes.Equal(out, in) {
			return
		}
		// Only modules the host's front door (fuel's reader) accepts reach
		// wazero there: some it refuses make wazero's decoder take a minute.
		if fuel.Check(in) != nil {
			return
		}
		ctx := context.Background()
		rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
		defer rt.Close(ctx)
		a, err := rt.InstantiateWithConfig(ctx, in, wazero.NewModuleConfig().WithName("").WithStartFunctions())
		if err != nil || a.Memory() == nil {
			return
		}
		b, err := rt.InstantiateWithConfig(ctx, out, wazero.NewModuleConfig().WithName("").WithStartFunctions())
		if err != nil {
			t.Fatalf("merged module fails: %v", err)
		}
		ma, _ := a.Memory().Read(0, a.Memory().Size())
		mb, _ := b.Memory().Read(0, b.Memory().Size())
		if !bytes.Equal(ma, mb) {
			t.Fatal("initial memory differs")
		}
	})
}

// TestDataExtent: the end of the highest constant active segment, whatever
// the order; passive segments and those at a global's offset do not count.
func TestDataExtent(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want uint64
	}{
		{"ascending", dataModule(false, active(16, "ab"), active(100, "cdef")), 104},
		{"descending", dataModule(false, active(100, "ab"), active(16, "cd")), 102},
		{"passive only", dataModule(false, passive("zzzz")), 0},
		{"global offset ignored", dataModule(false, []byte{0, 0x23, 0, 0x0b, 1, 'a'}, active(16, "ab")), 18},
		{"data count (not read)", dataModule(true, active(16, "ab")), 0},
		{"no data section", header(), 0},
		{"truncated", dataModule(false, active(16, "ab"))[:20], 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := dataExtent(tc.in); got != tc.want {
				t.Fatalf("dataExtent = %d, want %d", got, tc.want)
			}
		})
	}
	// A Go guest's data segments, merged or not, end where its initial
	// memory's non-zero bytes do.
	mem := memoryOf(t, goGuest)
	last := uint64(len(bytes.TrimRight(mem, "\x00")))
	for _, wasm := range [][]byte{goGuest, mergeData(goGuest)} {
		got := dataExtent(wasm)
		if got < last || got > uint64(len(mem)) {
			t.Fatalf("go guest: extent %d, last non-zero byte at %d, memory %d", got, last, len(mem))
		}
	}
}
