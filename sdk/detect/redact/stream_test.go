package redact

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// streamGuard is a Redactor with a mapping sealed for one exchange, as
// the pii guard's request phase leaves it.
func streamGuard(t *testing.T, values map[string]string) (*Redactor, *ward.Exchange, map[string]string) {
	t.Helper()
	s, err := NewSealer("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	r := &Redactor{Name: "pii", Common: Common{Sealer: s}}
	x := &ward.Exchange{RequestID: "req-1"}
	var tk Tokens
	tk.Reset()
	phs := map[string]string{}
	for kind, v := range values {
		ph, ok := tk.Placeholder(kind, v)
		if !ok {
			t.Fatal("no placeholder")
		}
		phs[ph] = v
	}
	plain := tk.Marshal(nil)
	sealed := s.Seal(nil, r.bindAD(x), plain)
	x.Annotations = []ward.KV{{Key: "pii.tokens", Value: string(sealed)}}
	return r, x, phs
}

// chunkTarget runs a Redactor's response_chunk phase as a guesttest
// target.
type chunkTarget struct{ r *Redactor }

func (chunkTarget) Configure([]byte) error { return nil }

func (c chunkTarget) Check(x *abi.Exchange, v *abi.Verdict) error {
	var w ward.Verdict
	c.r.ResponseChunk(x, &w)
	*v = w.Verdict
	return nil
}

// TestResponseChunkRestoresEverySplit: for answers with placeholders (some
// repeated, some unknown, some look-alikes) and random splits into deltas
// (down to one byte each), the streamed answer equals the whole answer
// restored.
func TestResponseChunkRestoresEverySplit(t *testing.T) {
	r, x, phs := streamGuard(t, map[string]string{"EMAIL": "jane.doe@example.com", "CREDIT_CARD": "4111 1111 1111 1111"})
	var ph []string
	for p := range phs {
		ph = append(ph, p)
	}
	parts := append([]string{"Dear ", "customer, ", "<", "<EMAIL_9>", "<EMAIL", "<b>", "a < b", "<<", " and ", "\n", "é", "<PERSON_1>"}, ph...)
	rnd := rand.New(rand.NewPCG(5, 6))
	restored := 0
	for it := range 3000 {
		var b strings.Builder
		for range 1 + rnd.IntN(12) {
			b.WriteString(parts[rnd.IntN(len(parts))])
		}
		answer := b.String()
		want := answer
		if !r.openMapping(x, &ward.Verdict{}) {
			t.Fatal("the mapping does not open")
		}
		if out, changed := r.tokens.Restore(nil, answer); changed {
			want = string(out)
		}
		var pieces []string
		for rest := answer; rest != ""; {
			n := 1 + rnd.IntN(min(len(rest), 1+it%9))
			pieces = append(pieces, rest[:n])
			rest = rest[n:]
		}
		res := guesttest.Stream(t, chunkTarget{r}, x, pieces)
		if res.Text != want {
			t.Fatalf("answer %q in %q:\nstreamed %q\nwhole    %q", answer, pieces, res.Text, want)
		}
		if res.MaxHold >= MaxPlaceholderLen {
			t.Fatalf("answer %q in %q: held %d bytes", answer, pieces, res.MaxHold)
		}
		if want != answer {
			restored++
		}
	}
	if restored < 1000 {
		t.Fatalf("only %d answers had a placeholder to restore", restored)
	}
}

// TestResponseChunkPlainAllow: deltas without '<', or without a mapping,
// are plain allows (nothing encoded, nothing held).
func TestResponseChunkPlainAllow(t *testing.T) {
	r, x, _ := streamGuard(t, map[string]string{"EMAIL": "a@b.co"})
	x.Chunk = ward.Chunk{Delta: "no placeholder here"}
	var v ward.Verdict
	r.ResponseChunk(x, &v)
	if len(v.Rewrites) != 0 {
		t.Errorf("rewrites %v", v.Rewrites)
	}
	x.Annotations = nil
	x.Chunk = ward.Chunk{Delta: "ends with <EMA"}
	r.ResponseChunk(x, &v)
	if len(v.Rewrites) != 0 {
		t.Errorf("without a mapping: rewrites %v", v.Rewrites)
	}
}
