//go:build !race

package pipeline

import (
	"context"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// TestCandidateAllocs: a candidate costs no allocation per call, agreeing
// or not (its disagreement log is rate-limited and off here).
func TestCandidateAllocs(t *testing.T) {
	denyCode := func(_ *abi.Exchange, v *abi.Verdict) error { v.Decision, v.Code = abi.Deny, "x.deny"; return nil }
	c := &Candidate{Guard: g("c", denyCode)}
	p := New([]Step{{Guard: g("a", allow), Candidate: c}, {Guard: g("b", allow), Candidate: &Candidate{Guard: g("c2", allow)}}})
	var o Outcome
	x := exchange()
	ctx := context.Background()
	p.Run(ctx, x, &o)
	if n := testing.AllocsPerRun(100, func() { p.Run(ctx, x, &o) }); n != 0 {
		t.Errorf("Run with candidates: %v allocs", n)
	}
	cp := New([]Step{{Guard: &fakeGuard{name: "u", phases: chunkPhase, fn: allow}, Candidate: &Candidate{Guard: &fakeGuard{name: "d", phases: chunkPhase, fn: denyCode}}}})
	var st ChunkState
	cp.RunChunk(ctx, x, &st, "hello", false, &o)
	if n := testing.AllocsPerRun(100, func() { cp.RunChunk(ctx, x, &st, "hello", false, &o) }); n != 0 {
		t.Errorf("RunChunk with a candidate: %v allocs", n)
	}
	if c.Disagreements() == 0 {
		t.Fatal("no disagreement counted")
	}
}
