//go:build !race

package output

import (
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// TestResponseAllocs: a response call allocates nothing in steady state,
// clean or with findings to redact, all classes on (natively; in Wasm an
// allocation costs a Go guest ~5 µs, see sdk/go's README).
func TestResponseAllocs(t *testing.T) {
	in := configured(t, `{"canary_key":"`+testCanaryKey+`","min_run_words":8,`+benchLists+`}`)
	clean := benchExchange(t)
	leak := benchExchange(t)
	tok := newCanaryMaker(testCanaryKey).canary(leak.Route, leak.RequestID)
	a := leak.Response.Messages[0].Text
	leak.Response.Messages[0].Text = a[:600] + " mail someone@corp.example, key 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, INV-123456, [ward:" + tok + "] " + a[700:]
	for _, c := range []struct {
		name string
		x    *abi.Exchange
		n    int // rewrites expected
	}{{"clean", clean, 0}, {"leak", leak, 1}} {
		buf := abi.AppendExchange(nil, c.x)
		v, err := in.Check(c.x)
		if err != nil || len(v.Rewrites) != c.n {
			t.Fatalf("%s: %+v %v", c.name, v, err)
		}
		if n := testing.AllocsPerRun(200, func() {
			if _, err := in.Handle(abi.PhaseResponse, buf); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s: %v allocations per call", c.name, n)
		}
	}
}
