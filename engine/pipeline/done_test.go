package pipeline

import (
	"context"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

var allPhases = []abi.Phase{abi.PhaseRequest, abi.PhaseResponse, abi.PhaseResponseChunk}

// doneAfterRequest rewrites message 0, annotates and says done in the
// request phase; called later it records the phase it was called in.
func doneAfterRequest(seen *[]abi.Phase) func(x *abi.Exchange, v *abi.Verdict) error {
	return func(x *abi.Exchange, v *abi.Verdict) error {
		*seen = append(*seen, x.Phase)
		if x.Phase == abi.PhaseRequest {
			v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 0, Text: "rewritten"})
			v.Annotations = append(v.Annotations, abi.KV{Key: "tok.n", Value: "0"})
			v.Code = abi.CodeDone
		}
		return nil
	}
}

// streamChunks runs one channel of pieces and a final call through p on o.
func streamChunks(p *Pipeline, x *abi.Exchange, o *Outcome, pieces ...string) string {
	var st ChunkState
	var out strings.Builder
	for _, d := range pieces {
		out.WriteString(p.RunChunk(context.Background(), x, &st, d, false, o))
	}
	out.WriteString(p.RunChunk(context.Background(), x, &st, "", true, o))
	return out.String()
}

// TestRunDoneSkipsLaterPhases: a guard that says done in the request phase
// is not called for the response phase nor for any chunk of the exchange,
// its request-phase rewrite and annotation apply, the guards after it are
// still called in every phase, and the next exchange calls it again.
func TestRunDoneSkipsLaterPhases(t *testing.T) {
	var seen []abi.Phase
	tok := &fakeGuard{name: "tok", phases: allPhases, fn: doneAfterRequest(&seen)}
	var otherSaw string
	other := &fakeGuard{name: "other", phases: allPhases, fn: func(x *abi.Exchange, v *abi.Verdict) error {
		for _, a := range x.Annotations {
			if a.Key == "tok.n" {
				otherSaw = a.Value
			}
		}
		if x.Phase == abi.PhaseResponseChunk {
			return upper(x, v)
		}
		return nil
	}}
	p := New([]Step{{Guard: tok}, {Guard: other}})
	ctx := context.Background()
	for round := range 2 {
		seen, otherSaw = seen[:0], ""
		tok.calls, other.calls = 0, 0
		var o Outcome
		x := exchange()
		p.Run(ctx, x, &o)
		if o.Denied || !o.Rewritten || x.Messages[0].Text != "rewritten" || otherSaw != "0" {
			t.Fatalf("round %d: request phase: %+v, message %q, other saw tok.n=%q", round, o, x.Messages[0].Text, otherSaw)
		}
		if !o.Done.Has(0) || o.Done.Has(1) || !o.Records[0].Done || o.Records[1].Done {
			t.Fatalf("round %d: done %b, records %+v", round, o.Done, o.Records)
		}
		if p.Pending(abi.PhaseResponse, o.Done) != true || p.Pending(abi.PhaseResponseChunk, o.Done) != true {
			t.Fatal("other guard not pending")
		}
		x.Phase = abi.PhaseResponse
		x.Response.Messages = []abi.Message{{Role: "assistant", Text: "answer"}}
		p.Run(ctx, x, &o)
		if len(o.Records) != 1 || o.Records[0].Guard != "other" {
			t.Fatalf("round %d: response records %+v", round, o.Records)
		}
		streamed := o // a stream runs on its own Outcome, with the request's Done
		var so Outcome
		so.Done = streamed.Done
		if got := streamChunks(p, x, &so, "ab", "cd"); got != "ABCD" {
			t.Fatalf("round %d: stream gave %q", round, got)
		}
		if len(seen) != 1 || seen[0] != abi.PhaseRequest || tok.calls != 1 {
			t.Fatalf("round %d: done guard called in phases %v", round, seen)
		}
		if other.calls != 5 { // request, response, two chunks, final
			t.Fatalf("round %d: other guard called %d times", round, other.calls)
		}
	}

	// Without the done code, the same guard is called in every phase.
	notDone := &fakeGuard{name: "tok", phases: allPhases, fn: rewrite0}
	p = New([]Step{{Guard: notDone}})
	var o Outcome
	o.Done = ^StepSet(0) // left over from another exchange: the request phase empties it
	x := exchange()
	p.Run(ctx, x, &o)
	x.Phase = abi.PhaseResponse
	p.Run(ctx, x, &o)
	if notDone.calls != 2 || o.Done != 0 {
		t.Fatalf("calls %d, done %b", notDone.calls, o.Done)
	}
}

// TestRunDoneOnly: only an allow that succeeds says done (not a deny
// coded ward.done, not a fault); an observer's done skips it too; a step
// whose candidate runs on the exchange is never skipped, one whose
// candidate's sample leaves the exchange out is.
func TestRunDoneOnly(t *testing.T) {
	sayDone := func(_ *abi.Exchange, v *abi.Verdict) error { v.Code = abi.CodeDone; return nil }
	denyDone := func(_ *abi.Exchange, v *abi.Verdict) error {
		v.Decision, v.Code = abi.Deny, abi.CodeDone
		return nil
	}
	faultDone := func(_ *abi.Exchange, v *abi.Verdict) error { v.Code = abi.CodeDone; return codedErr{"guard_trap"} }
	cases := []struct {
		name string
		step func(g *fakeGuard) Step
		fn   func(*abi.Exchange, *abi.Verdict) error
		done bool
	}{
		{"enforce", func(g *fakeGuard) Step { return Step{Guard: g} }, sayDone, true},
		{"observe", func(g *fakeGuard) Step { return Step{Guard: g, Mode: Observe} }, sayDone, true},
		{"deny", func(g *fakeGuard) Step { return Step{Guard: g, Mode: Observe} }, denyDone, false},
		{"fault fail-open", func(g *fakeGuard) Step { return Step{Guard: g, FailOpen: true} }, faultDone, false},
		{"candidate", func(g *fakeGuard) Step {
			return Step{Guard: g, Candidate: &Candidate{Guard: &fakeGuard{name: "c", phases: allPhases, fn: sayDone}}}
		}, sayDone, false},
		{"candidate, exchange in its sample", func(g *fakeGuard) Step {
			return Step{Guard: g, Candidate: &Candidate{Guard: &fakeGuard{name: "c", phases: allPhases, fn: sayDone}}, CandidateSample: 0.999999}
		}, sayDone, false},
		{"candidate, exchange outside its sample", func(g *fakeGuard) Step {
			return Step{Guard: g, Candidate: &Candidate{Guard: &fakeGuard{name: "c", phases: allPhases, fn: sayDone}}, CandidateSample: 1e-9}
		}, sayDone, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fg := &fakeGuard{name: "g", phases: allPhases, fn: c.fn}
			p := New([]Step{c.step(fg)})
			var o Outcome
			x := exchange()
			p.Run(context.Background(), x, &o)
			if o.Done.Has(0) != c.done {
				t.Fatalf("done = %v, want %v", o.Done.Has(0), c.done)
			}
			x.Phase = abi.PhaseResponse
			p.Run(context.Background(), x, &o)
			want := 2
			if c.done {
				want = 1
			}
			if fg.calls != want {
				t.Fatalf("called %d times, want %d", fg.calls, want)
			}
		})
	}
}

// TestRunChunkDone: a guard that says done on a chunk is not called for
// the later chunks nor the final call, on any channel where it holds
// nothing; where it still holds text from before, it is called to
// release it.
func TestRunChunkDone(t *testing.T) {
	calls := map[string]int{}
	holdThenDone := &fakeGuard{name: "h", phases: []abi.Phase{abi.PhaseResponseChunk}, fn: func(x *abi.Exchange, v *abi.Verdict) error {
		d := x.Chunk.Delta
		calls[d]++
		switch {
		case d == "a<":
			v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 0, Text: "a"}, abi.Rewrite{Index: 1, Text: "<"})
		case d == "done":
			v.Code = abi.CodeDone
		}
		return nil
	}}
	p := New([]Step{{Guard: holdThenDone}, {Guard: &fakeGuard{name: "u", phases: []abi.Phase{abi.PhaseResponseChunk}, fn: upper}}})
	ctx := context.Background()
	x := &abi.Exchange{}
	var o Outcome
	var chA, chB ChunkState
	out := p.RunChunk(ctx, x, &chB, "a<", false, &o) // channel B: holds "<"
	out += p.RunChunk(ctx, x, &chA, "done", false, &o)
	if !o.Done.Has(0) || out != "ADONE" {
		t.Fatalf("done %b, out %q", o.Done, out)
	}
	if got := p.RunChunk(ctx, x, &chA, "x", false, &o); got != "X" || calls["x"] != 0 {
		t.Fatalf("channel A after done: %q, calls %v", got, calls)
	}
	if got := p.RunChunk(ctx, x, &chB, "y", false, &o); got != "<Y" || calls["<y"] != 1 {
		t.Fatalf("channel B releasing its hold: %q, calls %v", got, calls)
	}
	if got := p.RunChunk(ctx, x, &chB, "z", false, &o); got != "Z" || calls["z"] != 0 {
		t.Fatalf("channel B after the release: %q, calls %v", got, calls)
	}
	p.RunChunk(ctx, x, &chA, "", true, &o)
	p.RunChunk(ctx, x, &chB, "", true, &o)
	if calls[""] != 0 {
		t.Fatalf("final calls made: %v", calls)
	}
	if chA.Held()+chB.Held() != 0 {
		t.Fatal("text left held")
	}
}

func TestPending(t *testing.T) {
	resp := &fakeGuard{name: "r", phases: []abi.Phase{abi.PhaseRequest, abi.PhaseResponse}, fn: allow}
	p := New([]Step{{Guard: g("a", allow)}, {Guard: resp}})
	if !p.Pending(abi.PhaseResponse, 0) || !p.Pending(abi.PhaseResponse, 1) || p.Pending(abi.PhaseResponse, 2) {
		t.Fatal("Pending(response) wrong")
	}
	if p.Pending(abi.PhaseResponseChunk, 0) || (*Pipeline)(nil).Pending(abi.PhaseResponse, 0) {
		t.Fatal("Pending of a phase no guard handles")
	}
	var s StepSet
	for _, i := range []int{0, 63, 64, 200} {
		s = s.with(i)
	}
	if !s.Has(0) || !s.Has(63) || s.Has(64) || s.Has(200) || s.Has(1) {
		t.Fatalf("StepSet %b", s)
	}
}
