package fuel

import (
	"context"
	"testing"

	"github.com/tetratelabs/wazero/api"
)

// realGuests lists the compiled guests: a Go wasip1 reactor (~3.6 MB) and a
// C reactor built with clang and wasi-libc (skipped if not installed).
var realGuests = []struct {
	name string
	wasm func(testing.TB) []byte
}{
	{"go", goGuestWasm},
	{"c", cGuestWasm},
}

// TestRealGuests instruments real compiled guests and checks that they
// still initialise (_initialize runs within the initial fuel) and compute
// the same results, and that an endless loop in them can be stopped by fuel
// and by the kill switch.
func TestRealGuests(t *testing.T) {
	ctx := context.Background()
	for _, guest := range realGuests {
		t.Run(guest.name, func(t *testing.T) {
			wasm := guest.wasm(t)
			rt := newRuntime(t, nil)
			plain := instantiate(t, rt, wasm)
			inst := instantiate(t, rt, mustInstrument(t, wasm, 100_000_000))
			g := fuelGlobal(t, inst)
			t.Logf("_initialize used %d fuel", 100_000_000-int64(g.Get()))

			for _, rounds := range []uint64{0, 1, 4, 100} {
				want := fnv1a(uint32(rounds))
				for name, m := range map[string]api.Module{"plain": plain, "instrumented": inst} {
					g.Set(1 << 40)
					res, err := m.ExportedFunction("hash").Call(ctx, rounds)
					if err != nil {
						t.Fatalf("%s hash(%d): %v", name, rounds, err)
					}
					if res[0] != want {
						t.Errorf("%s hash(%d) = %#x, want %#x", name, rounds, res[0], want)
					}
				}
			}
			if guest.name == "go" {
				for _, n := range []uint64{0, 7, 123} {
					a, errA := plain.ExportedFunction("describe").Call(ctx, n)
					b, errB := inst.ExportedFunction("describe").Call(ctx, n)
					if errA != nil || errB != nil || a[0] != b[0] || a[0] == 0 {
						t.Errorf("describe(%d): plain %v %v, instrumented %v %v", n, a, errA, b, errB)
					}
				}
			}

			// Out of fuel: spin traps with a negative global. Use a
			// fresh instance afterwards (a Go guest must be thrown away
			// after any trap).
			g.Set(5_000_000)
			if _, err := inst.ExportedFunction("spin").Call(ctx); err == nil {
				t.Fatal("spin returned")
			}
			if f := int64(g.Get()); f >= 0 {
				t.Fatalf("spin trapped with fuel %d", f)
			}

			// The kill switch, on a fresh instance per call (see killTries).
			fast := false
			for i := 0; i < killTries && !fast; i++ {
				inst2 := instantiate(t, rt, mustInstrument(t, wasm, 100_000_000))
				err, took, stores := killCall(t, inst2, "spin")
				if err == nil {
					t.Fatal("spin returned without error")
				}
				t.Logf("kill switch: stopped %v after the first store, %d stores", took, stores)
				fast = took <= slowKill
			}
			if !fast {
				t.Fatalf("no kill of %d stopped spin within %v", killTries, slowKill)
			}
		})
	}
}
