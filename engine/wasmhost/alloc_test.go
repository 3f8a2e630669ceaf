//go:build !race

package wasmhost

import (
	"context"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// TestCheckZeroAlloc guards the hot path: a plain allow from a native guard
// allocates nothing on the host side, with and without the CPU bound.
func TestCheckZeroAlloc(t *testing.T) {
	h, _ := newHost(t)
	for _, noCPU := range []bool{false, true} {
		g := load(t, h, Spec{Wasm: goGuest, PoolSize: 1, NoCPUBound: noCPU})
		for _, size := range []int{1 << 10, 16 << 10} {
			x := sizedExchange(size)
			ctx := context.Background()
			var v abi.Verdict
			for _, phase := range []abi.Phase{abi.PhaseRequest, abi.PhaseResponse} {
				x.Phase = phase
				if err := g.Check(ctx, x, &v); err != nil || !v.IsPlainAllow() {
					t.Fatalf("warm-up: %v %+v", err, v)
				}
				allocs := testing.AllocsPerRun(200, func() {
					if err := g.Check(ctx, x, &v); err != nil {
						t.Fatal(err)
					}
				})
				if allocs != 0 {
					t.Errorf("noCPUBound=%v size=%d phase=%v: %v allocs per Check, want 0", noCPU, size, phase, allocs)
				}
			}
		}
	}
}
