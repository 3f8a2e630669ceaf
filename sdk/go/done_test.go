package ward

import (
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// TestVerdictDone: Done makes an allow say done (sent even with nothing
// else, as the code abi.CodeDone), keeps the rest of the verdict, and
// never turns a denial into an allow or changes its code.
func TestVerdictDone(t *testing.T) {
	cases := []struct {
		name     string
		handler  Handler
		done     bool
		decision abi.Decision
		code     string
	}{
		{"plain allow", func(x *Exchange, v *Verdict) {}, false, abi.Allow, ""},
		{"done alone", func(x *Exchange, v *Verdict) { v.Done() }, true, abi.Allow, abi.CodeDone},
		{"done with a rewrite", func(x *Exchange, v *Verdict) { v.Rewrite(0, "x"); v.Done() }, true, abi.Allow, abi.CodeDone},
		{"done then deny", func(x *Exchange, v *Verdict) { v.Done(); v.Deny(403, "t.no", "no") }, false, abi.Deny, "t.no"},
		{"deny then done", func(x *Exchange, v *Verdict) { v.Deny(403, "t.no", "no"); v.Done() }, false, abi.Deny, "t.no"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in, err := NewInstance(Guard{Name: "d", Version: "1", Request: c.handler})
			if err != nil {
				t.Fatal(err)
			}
			x := &Exchange{Phase: PhaseRequest, Messages: []Message{{Role: "user", Text: "hi"}}}
			out, err := in.Handle(PhaseRequest, abi.AppendExchange(nil, x))
			if err != nil {
				t.Fatal(err)
			}
			if c.done && len(out) == 0 {
				t.Fatal("a done allow was sent as a plain allow (empty verdict)")
			}
			v, err := in.Check(x)
			if err != nil {
				t.Fatal(err)
			}
			if v.IsDone() != c.done || v.Decision != c.decision || v.Code != c.code {
				t.Fatalf("verdict %+v: done %v", v.Verdict, v.IsDone())
			}
		})
	}
}
