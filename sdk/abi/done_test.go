package abi

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestVerdictDone covers the "done with this exchange" allow (CodeDone):
// it is not a plain allow (a guest must send it), it survives the binary
// and JSON encodings, and only an allow says done.
func TestVerdictDone(t *testing.T) {
	cases := []struct {
		name  string
		v     Verdict
		done  bool
		plain bool
	}{
		{"plain allow", Verdict{}, false, true},
		{"done", Verdict{Code: CodeDone}, true, false},
		{"done with annotation", Verdict{Code: CodeDone, Annotations: []KV{{Key: "k", Value: "v"}}}, true, false},
		{"other code on an allow", Verdict{Code: "something"}, false, true},
		{"deny coded done", Verdict{Decision: Deny, Code: CodeDone}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.v.IsDone(); got != c.done {
				t.Fatalf("IsDone = %v, want %v", got, c.done)
			}
			if got := c.v.IsPlainAllow(); got != c.plain {
				t.Fatalf("IsPlainAllow = %v, want %v", got, c.plain)
			}
			var bin Verdict
			if err := DecodeVerdict(AppendVerdict(nil, &c.v), &bin); err != nil || bin.IsDone() != c.done || bin.Code != c.v.Code {
				t.Fatalf("binary round trip: %v %+v", err, bin)
			}
			j, err := json.Marshal(&c.v)
			if err != nil {
				t.Fatal(err)
			}
			var js Verdict
			if err := json.Unmarshal(j, &js); err != nil || js.IsDone() != c.done {
				t.Fatalf("json round trip %s: %v %+v", j, err, js)
			}
		})
	}
}

func TestDecodeVerdictDoneNoAlloc(t *testing.T) {
	b := AppendVerdict(nil, &Verdict{Code: CodeDone})
	var v Verdict
	n := testing.AllocsPerRun(100, func() {
		if err := DecodeVerdict(b, &v); err != nil || !v.IsDone() {
			t.Fatal(err, v)
		}
	})
	if n != 0 {
		t.Fatalf("DecodeVerdict(done) allocs = %v", n)
	}
	// A code of CodeDone's length that differs is copied, not interned.
	other := strings.Replace(CodeDone, "done", "dune", 1)
	if err := DecodeVerdict(AppendVerdict(nil, &Verdict{Code: other}), &v); err != nil || v.Code != other || v.IsDone() {
		t.Fatalf("%v %+v", err, v)
	}
}

// TestValidateDoneChunk: a response_chunk verdict that says done must not
// hold text (the host would never call the guard again to release it);
// sending a rewrite is fine.
func TestValidateDoneChunk(t *testing.T) {
	x := &Exchange{Phase: PhaseResponseChunk, Chunk: Chunk{Delta: "hello <EMA"}}
	send := Verdict{Code: CodeDone, Rewrites: []Rewrite{{Index: 0, Text: "HELLO <EMA"}}}
	if err := ValidateVerdict(x, &send); err != nil {
		t.Fatalf("done with a rewrite: %v", err)
	}
	hold := Verdict{Code: CodeDone, Rewrites: []Rewrite{{Index: 0, Text: "hello "}, {Index: 1, Text: "<EMA"}}}
	if err := ValidateVerdict(x, &hold); err == nil || !strings.Contains(err.Error(), "done") {
		t.Fatalf("done holding text: %v", err)
	}
	hold.Code = ""
	if err := ValidateVerdict(x, &hold); err != nil {
		t.Fatalf("holding without done: %v", err)
	}
}
