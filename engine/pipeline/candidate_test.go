package pipeline

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

func denyOther(_ *abi.Exchange, v *abi.Verdict) error {
	v.Decision, v.Status, v.Code = abi.Deny, 403, "x.other"
	return nil
}

// TestCandidateRequestResponse: in the request and response phases the
// candidate runs on the guard's input, its verdict is compared with the
// guard's (action and code), and it never changes the outcome or the
// exchange.
func TestCandidateRequestResponse(t *testing.T) {
	tests := []struct {
		name        string
		guard, cand func(*abi.Exchange, *abi.Verdict) error
		mode        Mode
		failOpen    bool
		wantDenied  bool
		wantText    string
		wantCand    string // the candidate's outcome
		wantDis     bool
	}{
		{name: "both allow", guard: allow, cand: allow, wantText: "secret", wantCand: "allow"},
		{name: "both deny same code", guard: deny, cand: deny, wantDenied: true, wantText: "secret", wantCand: "deny"},
		{name: "candidate denies", guard: allow, cand: deny, wantText: "secret", wantCand: "deny", wantDis: true},
		{name: "candidate allows a denial", guard: deny, cand: allow, wantDenied: true, wantText: "secret", wantCand: "allow", wantDis: true},
		{name: "other denial code", guard: deny, cand: denyOther, wantDenied: true, wantText: "secret", wantCand: "deny", wantDis: true},
		{name: "candidate rewrite is discarded", guard: allow, cand: rewrite0, wantText: "secret", wantCand: "allow", wantDis: true},
		{name: "both rewrite: the guard's applies", guard: rewrite0, cand: rewrite0, wantText: "[REDACTED]", wantCand: "allow"},
		{name: "candidate faults", guard: allow, cand: fault, wantText: "secret", wantCand: "error", wantDis: true},
		{name: "guard faults, fail closed", guard: fault, cand: allow, wantDenied: true, wantText: "secret", wantCand: "allow", wantDis: true},
		{name: "both fault alike", guard: fault, cand: fault, failOpen: true, wantText: "secret", wantCand: "error"},
		{name: "observe guard", guard: allow, cand: deny, mode: Observe, wantText: "secret", wantCand: "deny", wantDis: true},
	}
	for _, ph := range []abi.Phase{abi.PhaseRequest, abi.PhaseResponse} {
		for _, tt := range tests {
			t.Run(ph.String()+"/"+tt.name, func(t *testing.T) {
				phases := []abi.Phase{ph}
				var candSaw string
				cand := &fakeGuard{name: "c", phases: phases, fn: func(x *abi.Exchange, v *abi.Verdict) error {
					candSaw = x.Messages[0].Text
					if ph == abi.PhaseResponse {
						candSaw = x.Response.Messages[0].Text
					}
					return tt.cand(x, v)
				}}
				c := &Candidate{Guard: cand}
				var logged []CandidateRecord
				c.Log = func(r *Record) { logged = append(logged, r.Candidate) }
				after := &fakeGuard{name: "after", phases: phases, fn: allow}
				p := New([]Step{{Guard: &fakeGuard{name: "a", phases: phases, fn: tt.guard}, Mode: tt.mode, FailOpen: tt.failOpen, Candidate: c}, {Guard: after}})
				x := exchange()
				x.Phase = ph
				msgs := &x.Messages
				if ph == abi.PhaseResponse {
					x.Response.Messages = []abi.Message{{Role: "assistant", Text: "secret"}}
					msgs = &x.Response.Messages
				}
				var o Outcome
				p.Run(context.Background(), x, &o)
				if o.Denied != tt.wantDenied {
					t.Fatalf("denied = %v (%s)", o.Denied, o.Code)
				}
				if (*msgs)[0].Text != tt.wantText {
					t.Errorf("text = %q, want %q", (*msgs)[0].Text, tt.wantText)
				}
				if candSaw != "secret" {
					t.Errorf("candidate saw %q, want the guard's input", candSaw)
				}
				cr := o.Records[0].Candidate
				if !cr.Ran || cr.Outcome != tt.wantCand || cr.Disagree != tt.wantDis || cr.Version != "1.0.0" {
					t.Errorf("candidate record %+v", cr)
				}
				if c.Calls() != 1 || (c.Disagreements() == 1) != tt.wantDis || (len(logged) == 1) != tt.wantDis {
					t.Errorf("calls %d, disagreements %d, logged %d", c.Calls(), c.Disagreements(), len(logged))
				}
				if !tt.wantDenied && after.calls != 1 {
					t.Errorf("the next guard ran %d times", after.calls)
				}
				if len(o.Records) > 1 && o.Records[1].Candidate.Ran {
					t.Error("a step without a candidate has a candidate record")
				}
			})
		}
	}
}

// TestCandidateChunks: the candidate sees the stream with its own hold
// state (a holding masker as candidate of a pass-through guard), its
// output is discarded, and a faulting candidate changes nothing.
func TestCandidateChunks(t *testing.T) {
	var seenCand strings.Builder
	candSeen := &strings.Builder{}
	cand := &fakeGuard{name: "m", phases: chunkPhase, fn: wordMasker(t, &seenCand)}
	c := &Candidate{Guard: &fakeGuard{name: "m", phases: chunkPhase, fn: func(x *abi.Exchange, v *abi.Verdict) error {
		candSeen.WriteString("|" + x.Chunk.Delta)
		return cand.fn(x, v)
	}}}
	// The enforced guard upper-cases and never holds; the candidate masks
	// and holds partial words. Its holds must not leak into the output
	// and its input must be its own held text plus the new delta.
	p := New([]Step{{Guard: &fakeGuard{name: "u", phases: chunkPhase, fn: upper}, Candidate: c}})
	got := streamThrough(t, p, []string{"a sec", "ret is", " here"})
	if got != "A SECRET IS HERE" {
		t.Fatalf("output %q", got)
	}
	if want := "|a sec|secret is|is here|here"; candSeen.String() != want {
		t.Errorf("candidate inputs %q, want %q", candSeen.String(), want)
	}
	if seenCand.String() != "a secret is here" {
		t.Errorf("candidate consumed %q", seenCand.String())
	}
	if c.Calls() != 4 {
		t.Errorf("candidate calls = %d", c.Calls())
	}

	// A faulting candidate beside a masker: same output as without it,
	// every call a disagreement.
	var s1, s2 strings.Builder
	fc := &Candidate{Guard: &fakeGuard{name: "f", phases: chunkPhase, fn: fault}}
	with := New([]Step{{Guard: &fakeGuard{name: "m", phases: chunkPhase, fn: wordMasker(t, &s1)}, Candidate: fc}})
	without := New([]Step{{Guard: &fakeGuard{name: "m", phases: chunkPhase, fn: wordMasker(t, &s2)}}})
	pieces := []string{"the sec", "ret, a ", "secret"}
	if a, b := streamThrough(t, with, pieces), streamThrough(t, without, pieces); a != b || !strings.Contains(a, "******") {
		t.Fatalf("with a faulting candidate %q, without %q", a, b)
	}
	if fc.Calls() == 0 || fc.Disagreements() != fc.Calls() {
		t.Errorf("faulting candidate: %d calls, %d disagreements", fc.Calls(), fc.Disagreements())
	}

	// A denying candidate does not stop the stream.
	dc := &Candidate{Guard: &fakeGuard{name: "d", phases: chunkPhase, fn: deny}}
	p = New([]Step{{Guard: &fakeGuard{name: "u", phases: chunkPhase, fn: upper}, Candidate: dc}})
	var st ChunkState
	var o Outcome
	x := &abi.Exchange{}
	if out := p.RunChunk(context.Background(), x, &st, "hi", false, &o); out != "HI" || o.Denied ||
		o.Records[0].Candidate.Outcome != OutcomeDeny || !o.Records[0].Candidate.Disagree {
		t.Errorf("denying candidate: %q %+v", out, o.Records)
	}
}

func TestCandidateLogRateLimit(t *testing.T) {
	n := 0
	c := &Candidate{Guard: g("c", deny), Log: func(*Record) { n++ }}
	p := New([]Step{{Guard: g("a", allow), Candidate: c}})
	var o Outcome
	for range 3 * LogPerSecond {
		p.Run(context.Background(), exchange(), &o)
	}
	if c.Disagreements() != 3*LogPerSecond {
		t.Fatalf("disagreements = %d", c.Disagreements())
	}
	// All runs were within a second or two: at most two seconds' worth.
	if n < LogPerSecond || n > 2*LogPerSecond {
		t.Fatalf("logged %d of %d", n, 3*LogPerSecond)
	}
	if c.logAllowed(time.Now().Add(2*time.Second)) != true {
		t.Fatal("a new second allows logging again")
	}
}

func TestAction(t *testing.T) {
	for _, tt := range []struct {
		outcome string
		n       int
		want    string
	}{{"allow", 0, "allow"}, {"allow", 2, "rewrite"}, {"deny", 1, "deny"}, {"error", 0, "error"}} {
		if got := Action(tt.outcome, tt.n); got != tt.want {
			t.Errorf("Action(%q, %d) = %q", tt.outcome, tt.n, got)
		}
	}
}

// TestCandidateSample: with CandidateSample the candidate runs on about
// that share of exchanges, the same ones in every phase and chunk of an
// exchange (by request ID), and the guard on all of them; 0 and 1 mean
// every exchange.
func TestCandidateSample(t *testing.T) {
	both := []abi.Phase{abi.PhaseRequest, abi.PhaseResponse, abi.PhaseResponseChunk}
	for _, tt := range []struct {
		sample   float64
		min, max int // candidate exchanges of 2000
	}{{0, 2000, 2000}, {1, 2000, 2000}, {0.5, 900, 1100}, {0.1, 150, 250}, {0.001, 0, 10}} {
		guard := &fakeGuard{name: "a", phases: both, fn: allow}
		seen := map[string]int{} // request ID -> candidate calls
		cand := &fakeGuard{name: "c", phases: both, fn: func(x *abi.Exchange, _ *abi.Verdict) error {
			seen[x.RequestID]++
			return nil
		}}
		p := New([]Step{{Guard: guard, Candidate: &Candidate{Guard: cand}, CandidateSample: tt.sample}})
		var o Outcome
		var cs ChunkState
		for i := range 2000 {
			x := exchange()
			// Ward's own request IDs: a per-process prefix and a counter,
			// in hex; and other shapes.
			x.RequestID = fmt.Sprintf("7f3a9c0012ab34cd%016x", i)
			if i%2 == 1 {
				x.RequestID = "req-" + strings.Repeat("x", i%3) + time.Duration(i).String()
			}
			p.Run(context.Background(), x, &o)
			x.Phase = abi.PhaseResponse
			x.Response.Messages = []abi.Message{{Role: "assistant", Text: "hi"}}
			p.Run(context.Background(), x, &o)
			p.RunChunk(context.Background(), x, &cs, "delta", true, &o)
		}
		if guard.calls != 3*2000 {
			t.Errorf("sample %v: guard called %d times, want %d", tt.sample, guard.calls, 3*2000)
		}
		if n := len(seen); n < tt.min || n > tt.max {
			t.Errorf("sample %v: candidate ran on %d exchanges of 2000, want %d..%d", tt.sample, n, tt.min, tt.max)
		}
		for id, n := range seen {
			if n != 3 {
				t.Fatalf("sample %v: candidate ran %d times on %s, want 3 (every phase or none)", tt.sample, n, id)
			}
		}
	}
}
