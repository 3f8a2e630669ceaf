package pipeline

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

var chunkPhase = []abi.Phase{abi.PhaseResponseChunk}

// wordMasker replaces every whole word "secret" by "******": it holds a
// trailing partial word until the next delta (or the final chunk) shows
// where it ends, the way a detector holds a token that may grow into a
// match. It also checks that its window is what it consumed before.
func wordMasker(t *testing.T, seen *strings.Builder) func(x *abi.Exchange, v *abi.Verdict) error {
	return func(x *abi.Exchange, v *abi.Verdict) error {
		in := x.Chunk.Delta
		if w := x.Chunk.Window; !strings.HasSuffix(seen.String(), w) || len(w) > abi.MaxWindow {
			t.Fatalf("window %q is not the end of the consumed text %q", w, seen.String())
		}
		hold := ""
		if !x.Chunk.Final {
			i := strings.LastIndexAny(in, " .,\n")
			hold = in[i+1:]
		}
		body := in[:len(in)-len(hold)]
		seen.WriteString(body)
		// The word before body decides whether "secret" at its start is a
		// whole word: the window says.
		prev := " "
		if w := x.Chunk.Window; w != "" {
			prev = w[len(w)-1:]
		}
		out := strings.ReplaceAll(prev+body, " secret", " ******")[1:]
		if out == in && hold == "" {
			return nil
		}
		v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 0, Text: out})
		if hold != "" {
			v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 1, Text: hold})
		}
		return nil
	}
}

func upper(x *abi.Exchange, v *abi.Verdict) error {
	v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 0, Text: strings.ToUpper(x.Chunk.Delta)})
	return nil
}

// streamThrough runs pieces through p as one channel and returns what the
// client gets.
func streamThrough(t *testing.T, p *Pipeline, pieces []string) string {
	t.Helper()
	var st ChunkState
	var o Outcome
	x := &abi.Exchange{}
	var out strings.Builder
	for _, d := range pieces {
		out.WriteString(p.RunChunk(context.Background(), x, &st, d, false, &o))
		if o.Denied {
			t.Fatalf("denied: %s", o.Code)
		}
	}
	out.WriteString(p.RunChunk(context.Background(), x, &st, "", true, &o))
	if st.Held() != 0 {
		t.Fatalf("%d bytes still held after the final chunk", st.Held())
	}
	return out.String()
}

// TestRunChunkEverySplit: a masker that holds partial words, then an
// upper-caser, give the same text for every way of cutting the answer
// into deltas as for the whole answer.
func TestRunChunkEverySplit(t *testing.T) {
	words := []string{"the ", "secret", " ", "secrets ", "is ", "secret.", "\n", "a", "secret,", "x", "日本"}
	r := rand.New(rand.NewPCG(9, 9))
	masked := 0
	for it := range 2000 {
		var b strings.Builder
		for range 1 + r.IntN(20) {
			b.WriteString(words[r.IntN(len(words))])
		}
		answer := b.String()
		var seenWhole, seenStream strings.Builder
		whole := New([]Step{{Guard: &fakeGuard{name: "m", phases: chunkPhase, fn: wordMasker(t, &seenWhole)}}, {Guard: &fakeGuard{name: "u", phases: chunkPhase, fn: upper}}})
		want := streamThrough(t, whole, []string{answer})
		var pieces []string
		for rest := answer; rest != ""; {
			n := 1 + r.IntN(min(len(rest), 1+it%11))
			pieces = append(pieces, rest[:n])
			rest = rest[n:]
		}
		split := New([]Step{{Guard: &fakeGuard{name: "m", phases: chunkPhase, fn: wordMasker(t, &seenStream)}}, {Guard: &fakeGuard{name: "u", phases: chunkPhase, fn: upper}}})
		if got := streamThrough(t, split, pieces); got != want {
			t.Fatalf("%q in %q:\nstreamed %q\nwhole    %q", answer, pieces, got, want)
		}
		if strings.Contains(want, "******") {
			masked++
		}
	}
	if masked < 500 {
		t.Fatalf("only %d answers had a word masked", masked)
	}
}

func TestRunChunkDenyFaultObserve(t *testing.T) {
	var st ChunkState
	var o Outcome
	x := &abi.Exchange{}
	p := New([]Step{{Guard: &fakeGuard{name: "d", phases: chunkPhase, fn: deny}}})
	if out := p.RunChunk(context.Background(), x, &st, "hello", false, &o); out != "" || !o.Denied || o.Code != "x.deny" || o.Status != 451 {
		t.Errorf("deny: %q %+v", out, o)
	}
	p = New([]Step{{Guard: &fakeGuard{name: "f", phases: chunkPhase, fn: fault}}})
	if p.RunChunk(context.Background(), x, &st, "hello", false, &o); !o.Denied || !o.Fault || o.Status != 503 {
		t.Errorf("fail closed: %+v", o)
	}
	p = New([]Step{{Guard: &fakeGuard{name: "f", phases: chunkPhase, fn: fault}, FailOpen: true}, {Guard: &fakeGuard{name: "u", phases: chunkPhase, fn: upper}}})
	if out := p.RunChunk(context.Background(), x, &st, "hello", false, &o); o.Denied || out != "HELLO" {
		t.Errorf("fail open: %q %+v", out, o)
	}
	p = New([]Step{{Guard: &fakeGuard{name: "o", phases: chunkPhase, fn: upper}, Mode: Observe}})
	if out := p.RunChunk(context.Background(), x, &st, "hello", false, &o); o.Denied || out != "hello" || len(o.Records) != 1 {
		t.Errorf("observe: %q %+v", out, o)
	}
	// Guards of other phases are not called.
	g := &fakeGuard{name: "r", phases: req, fn: upper}
	p = New([]Step{{Guard: g}})
	if out := p.RunChunk(context.Background(), x, &st, "hello", false, &o); out != "hello" || g.calls != 0 {
		t.Errorf("request guard: %q, %d calls", out, g.calls)
	}
}

func TestAppendWindow(t *testing.T) {
	w := appendWindow(nil, strings.Repeat("a", abi.MaxWindow-1))
	w = appendWindow(w, "日本")
	if len(w) > abi.MaxWindow || !strings.HasSuffix(string(w), "日本") || !strings.HasPrefix(string(w), "a") {
		t.Errorf("window of %d bytes %q...", len(w), w[:8])
	}
	w = appendWindow(w, strings.Repeat("é", abi.MaxWindow))
	if len(w) > abi.MaxWindow || string(w[:2]) != "é" {
		t.Errorf("window starts with %q", w[:2])
	}
}
