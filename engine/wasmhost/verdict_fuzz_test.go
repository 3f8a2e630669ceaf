package wasmhost

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// misapplied says, from the way the pipeline and the proxy use a verdict
// (engine/pipeline: Run, RunChunk; engine/proxy: setGuardHeader and the
// answer's headers), why applying v to x would go wrong: a rewrite the
// pipeline would drop or apply to the wrong text, a held text that would
// cut the stream in the wrong place, a status that is not an HTTP error, a
// score a dashboard cannot plot, a header that would split the message.
// "" means v applies as the guard meant. It is written apart from
// validateVerdict, rule by rule from the contract in sdk/ABI.md, so the
// fuzzer can hold the two against each other.
func misapplied(x *abi.Exchange, v *abi.Verdict) string {
	if v.Decision == abi.Deny && v.Status != 0 && !(400 <= v.Status && v.Status <= 599) {
		return "deny status is not an HTTP error"
	}
	n := 0
	switch x.Phase {
	case abi.PhaseRequest:
		n = len(x.Messages)
	case abi.PhaseResponse:
		n = len(x.Response.Messages)
	case abi.PhaseResponseChunk:
		n = 2
	}
	for _, r := range v.Rewrites {
		if uint64(r.Index) >= uint64(n) {
			return "rewrite of a message the phase does not have"
		}
	}
	if x.Phase == abi.PhaseResponseChunk && len(v.Rewrites) > 0 {
		per := [2]int{}
		for _, r := range v.Rewrites {
			per[r.Index]++
			if r.Index == 1 {
				switch {
				case len(r.Text) > abi.MaxHold:
					return "holds more than MaxHold"
				case len(r.Text) > len(x.Chunk.Delta) || x.Chunk.Delta[len(x.Chunk.Delta)-len(r.Text):] != r.Text:
					return "held text is not the end of the delta"
				case x.Chunk.Final && r.Text != "":
					return "holds text on the final chunk"
				}
			}
		}
		if per[0] > 1 || per[1] > 1 {
			return "two texts for one slot: the pipeline would keep the last"
		}
		if per[1] == 1 && per[0] == 0 {
			return "holds text without saying what to send"
		}
	}
	for _, s := range v.Scores {
		if s.Value != s.Value || s.Value < 0 || s.Value > 1 {
			return "score outside [0,1]"
		}
	}
	for _, h := range v.SetHeaders {
		if h.Key == "" {
			return "empty header name"
		}
		for i := 0; i < len(h.Key); i++ {
			c := h.Key[i]
			// RFC 9110 tchar.
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
				return "header name is not a token"
			}
		}
		for i := 0; i < len(h.Value); i++ {
			if c := h.Value[i]; c < 0x20 && c != '\t' || c == 0x7f {
				return "header value holds a control character"
			}
		}
	}
	return ""
}

// FuzzValidateVerdict decodes a verdict as the host does and checks that
// validateVerdict accepts exactly the verdicts misapplied finds nothing
// wrong with; for an accepted one it then applies it as the pipeline does
// (rewrites by index, the chunk's send and hold) and checks the result: a
// held text plus what passes is the delta, byte for byte.
func FuzzValidateVerdict(f *testing.F) {
	seed := func(phase abi.Phase, msgs uint8, delta string, final bool, v *abi.Verdict) {
		f.Add(uint8(phase), msgs, delta, final, abi.AppendVerdict(nil, v))
	}
	seed(abi.PhaseRequest, 2, "", false, &abi.Verdict{Rewrites: []abi.Rewrite{{Index: 1, Text: "[EMAIL]"}},
		SetHeaders: []abi.KV{{Key: "x-ward", Value: "1"}}, Scores: []abi.Score{{Name: "s", Value: 0.5}}})
	seed(abi.PhaseRequest, 1, "", false, &abi.Verdict{Decision: abi.Deny, Status: 429, Code: "rate", SetHeaders: []abi.KV{{Key: "Retry-After", Value: "1"}}})
	seed(abi.PhaseRequest, 1, "", false, &abi.Verdict{Decision: abi.Deny, Status: 302})
	seed(abi.PhaseResponse, 1, "", false, &abi.Verdict{Rewrites: []abi.Rewrite{{Index: 1, Text: "x"}}})
	seed(abi.PhaseResponseChunk, 0, "hello <EMA", false, &abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0, Text: "hello "}, {Index: 1, Text: "<EMA"}}})
	seed(abi.PhaseResponseChunk, 0, "hello <EMA", true, &abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0, Text: "hello "}, {Index: 1, Text: "<EMA"}}})
	seed(abi.PhaseResponseChunk, 0, "abc", false, &abi.Verdict{Rewrites: []abi.Rewrite{{Index: 1, Text: "c"}}})
	seed(abi.PhaseResponseChunk, 0, "abc", false, &abi.Verdict{Rewrites: []abi.Rewrite{{Index: 0, Text: "a"}, {Index: 0, Text: "b"}}})
	seed(abi.PhaseRequest, 0, "", false, &abi.Verdict{SetHeaders: []abi.KV{{Key: "x-a", Value: "1\r\nSet-Cookie: a=b"}}})
	seed(abi.PhaseRequest, 0, "", false, &abi.Verdict{SetHeaders: []abi.KV{{Key: "x a", Value: "1"}}, Scores: []abi.Score{{Name: "n", Value: 1.5}}})
	// The golden verdicts of the built-in guards, with their exchanges.
	files, err := filepath.Glob(filepath.Join("..", "..", "plugins", "*", "testdata", "cases.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no plugins/*/testdata/cases.json: %v", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var cases []struct {
			Exchange abi.Exchange `json:"exchange"`
			Verdict  *abi.Verdict `json:"verdict"`
		}
		if err := json.Unmarshal(b, &cases); err != nil {
			f.Fatalf("%s: %v", p, err)
		}
		for _, c := range cases {
			if c.Verdict == nil {
				continue
			}
			x := &c.Exchange
			n := len(x.Messages)
			if x.Phase == abi.PhaseResponse {
				n = len(x.Response.Messages)
			}
			seed(x.Phase, uint8(n), x.Chunk.Delta, x.Chunk.Final, c.Verdict)
		}
	}
	f.Fuzz(func(t *testing.T, phase, msgs uint8, delta string, final bool, vb []byte) {
		x := &abi.Exchange{Phase: abi.Phase(phase % 4), Stream: phase&4 != 0}
		for i := range int(msgs % 8) {
			m := abi.Message{Turn: uint32(i), Role: "user", Text: strings.Repeat("t", i)}
			if x.Phase == abi.PhaseResponse {
				x.Response.Messages = append(x.Response.Messages, m)
			} else {
				x.Messages = append(x.Messages, m)
			}
		}
		x.Chunk.Delta, x.Chunk.Final = delta, final
		var v abi.Verdict
		if abi.DecodeVerdict(vb, &v) != nil {
			return
		}
		err, why := abi.ValidateVerdict(x, &v), misapplied(x, &v)
		if err != nil && why == "" {
			t.Fatalf("refused a verdict that applies cleanly: %v\n%+v", err, v)
		}
		if err == nil && why != "" {
			t.Fatalf("accepted a verdict the host would misapply (%s):\n%+v\nphase %s, delta %q, final %v", why, v, x.Phase, delta, final)
		}
		if err != nil || v.Decision == abi.Deny {
			return
		}
		// Apply it the way the pipeline does.
		switch x.Phase {
		case abi.PhaseRequest, abi.PhaseResponse:
			ms := x.Messages
			if x.Phase == abi.PhaseResponse {
				ms = x.Response.Messages
			}
			for _, rw := range v.Rewrites {
				ms[rw.Index].Text = rw.Text
			}
		case abi.PhaseResponseChunk:
			hold := ""
			for _, rw := range v.Rewrites {
				if rw.Index == 1 {
					hold = rw.Text
				}
			}
			passed := delta[:len(delta)-len(hold)]
			if passed+hold != delta || final && hold != "" {
				t.Fatalf("delta %q split into %q + held %q (final %v)", delta, passed, hold, final)
			}
		}
	})
}
