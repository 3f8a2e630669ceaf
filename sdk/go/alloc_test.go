//go:build !race

package ward

import (
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// TestHandleDoesNotAllocate guards the hot path: decoding into the reused
// exchange and encoding into the reused output buffer.
func TestHandleDoesNotAllocate(t *testing.T) {
	in, _ := NewInstance(Guard{Name: "a", Version: "1", Request: func(x *Exchange, v *Verdict) {
		v.Deny(403, "a.b", x.Messages[1].Text)
		v.AddReason("r")
		v.Annotate("k", x.Messages[0].Text)
	}})
	x := &Exchange{Phase: PhaseRequest, Messages: []Message{{Role: "user", Text: "hello"}, {Role: "user", Text: "deny"}}}
	buf := abi.AppendExchange(nil, x)
	in.Handle(PhaseRequest, buf) // warm the reused slices
	allocs := testing.AllocsPerRun(100, func() {
		if out, err := in.Handle(PhaseRequest, buf); err != nil || len(out) == 0 {
			t.Fatal(out, err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Handle allocates %v times", allocs)
	}
}
