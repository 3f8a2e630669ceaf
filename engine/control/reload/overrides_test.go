package reload_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardgate/ward/engine/control/internal/ctltest"
	"github.com/wardgate/ward/engine/control/reload"
)

func candidateConfig(extra string) []byte {
	return []byte(ctltest.Config("{{UPSTREAM}}", swapGuard+`candidate = "cand.wasm"
`+extra, `"swap"`))
}

func entry(t *testing.T, e *ctltest.Env) (path, version string, calls, disagreements uint64) {
	t.Helper()
	en := e.Reloader.Current().Entries()[0]
	if en.Candidate == nil {
		return "", "", 0, 0
	}
	return en.CandidatePath, en.Candidate.Version(), en.Shadow.Calls(), en.Shadow.Disagreements()
}

// TestCandidate: a candidate (v2, denies) beside the guard (v1, allows)
// never changes an answer, its disagreements are counted; a candidate that
// fails its self-test refuses the reload; a reload that changes nothing
// keeps the candidate and its counters.
func TestCandidate(t *testing.T) {
	e := ctltest.Start(t, map[string][]byte{
		"swap.wasm": ctltest.Fixture(t, "swap_v1"),
		"cand.wasm": ctltest.Fixture(t, "swap_v2"),
		"ward.toml": candidateConfig(""),
	}, nil)
	for range 3 {
		if st := status(t, e, "hi"); st != 200 {
			t.Fatalf("the candidate's denial applied: %d", st)
		}
	}
	path, ver, calls, dis := entry(t, e)
	// v1 runs in the request and response phases, so does its candidate
	// (v2 handles no response: that counts as an allow, an agreement).
	if path != "cand.wasm" || ver != "2.0.0" || calls != 6 || dis != 3 {
		t.Fatalf("candidate %s@%s: %d calls, %d disagreements", path, ver, calls, dis)
	}
	// The candidate runs under its own name (its faults and state keys are
	// its own).
	if en := e.Reloader.Current().Entries()[0]; en.Candidate.Name() != "swap.candidate" || en.Guard.Name() != "swap" {
		t.Fatalf("names %q %q", en.Guard.Name(), en.Candidate.Name())
	}
	res, err := e.Reloader.Reload(context.Background(), "test")
	if err != nil || len(res.Loaded) != 0 {
		t.Fatalf("unchanged reload: %v %+v", err, res)
	}
	if _, _, calls, _ := entry(t, e); calls != 6 {
		t.Errorf("counters reset by an unchanged reload: %d", calls)
	}

	// A looping candidate is refused like a looping guard.
	e.Write("cand.wasm", ctltest.Fixture(t, "swap_loop"))
	if res, err := e.Reloader.Reload(context.Background(), "test"); err == nil || !strings.Contains(err.Error(), "guards.swap.candidate") ||
		!strings.Contains(err.Error(), "guard_timeout") {
		t.Fatalf("looping candidate: %v %+v", err, res)
	}
	// A pin mismatch names candidate_sha256.
	e.Write("cand.wasm", ctltest.Fixture(t, "swap_v2"))
	e.Write("ward.toml", candidateConfig(`candidate_sha256 = "`+strings.Repeat("0", 64)+`"`+"\n"))
	if _, err := e.Reloader.Reload(context.Background(), "test"); err == nil || !strings.Contains(err.Error(), "guards.swap.candidate_sha256") {
		t.Fatalf("candidate pin: %v", err)
	}
	if st := e.Reloader.Status(); st.Generation != 2 {
		t.Fatalf("generation %d", st.Generation)
	}
}

// TestPromoteOverrides: promote makes the candidate the guard; a reload of the unchanged file keeps the promote;
// rollback restores the overrides before it; an edit of the key in the
// file drops the override.
func TestPromoteOverrides(t *testing.T) {
	e := ctltest.Start(t, map[string][]byte{
		"swap.wasm": ctltest.Fixture(t, "swap_v1"),
		"cand.wasm": ctltest.Fixture(t, "swap_v2"),
		"ward.toml": candidateConfig(""),
	}, nil)
	ctx := reload.WithOperator(context.Background(), "alice")
	if _, err := e.Reloader.Promote(ctx, "nope"); !errors.Is(err, reload.ErrUnknownGuard) {
		t.Fatalf("unknown guard: %v", err)
	}
	res, err := e.Reloader.Promote(ctx, "swap")
	if err != nil || !res.OK || strings.Join(res.Loaded, ",") != "swap@2.0.0" || res.Operator != "alice" || res.Target != "swap" || res.Trigger != "promote" {
		t.Fatalf("promote: %v %+v", err, res)
	}
	if st := status(t, e, "hi"); st != 403 {
		t.Fatalf("promoted v2 should deny: %d", st)
	}
	if p, _, _, _ := entry(t, e); p != "" {
		t.Fatalf("candidate still set: %q", p)
	}
	if en := e.Reloader.Current().Entries()[0]; en.Guard.Name() != "swap" || en.Guard.Version() != "2.0.0" {
		t.Fatalf("promoted guard %s@%s", en.Guard.Name(), en.Guard.Version())
	}
	if _, err := e.Reloader.Promote(ctx, "swap"); !errors.Is(err, reload.ErrNoCandidate) {
		t.Fatalf("second promote: %v", err)
	}
	ov := e.Reloader.Overrides()
	if len(ov) != 2 || ov[0].Key != "path" || ov[0].Value != "cand.wasm" || ov[0].File != "swap.wasm" || ov[1].Key != "candidate" || ov[1].Value != "" {
		t.Fatalf("overrides %+v", ov)
	}

	// A file-triggered reload (another key edited) keeps the promote.
	e.Write("ward.toml", candidateConfig("on_error = \"deny\"\n"))
	if _, err := e.Reloader.Reload(context.Background(), "file"); err != nil {
		t.Fatal(err)
	}
	if st := status(t, e, "hi"); st != 403 {
		t.Fatalf("a file reload undid the promote: %d", st)
	}
	if len(e.Reloader.Overrides()) != 2 {
		t.Fatalf("overrides after reload: %+v", e.Reloader.Overrides())
	}

	// Mode override, then rollback restores the previous overrides.
	if _, err := e.Reloader.SetMode(ctx, "swap", "shadow"); !errors.Is(err, reload.ErrBadValue) {
		t.Fatalf("bad mode: %v", err)
	}
	if _, err := e.Reloader.SetMode(ctx, "swap", "observe"); err != nil {
		t.Fatal(err)
	}
	if st := status(t, e, "hi"); st != 200 {
		t.Fatalf("observe mode still denies: %d", st)
	}
	if len(e.Reloader.Overrides()) != 3 {
		t.Fatalf("overrides %+v", e.Reloader.Overrides())
	}
	if _, err := e.Reloader.Rollback(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := status(t, e, "hi"); st != 403 || len(e.Reloader.Overrides()) != 2 {
		t.Fatalf("rollback: status %d, overrides %+v", st, e.Reloader.Overrides())
	}

	// The operator edits path in the file: the path override is dropped
	// and reported; the candidate override ("" over cand.wasm) stays.
	e.Write("ward.toml", []byte(strings.Replace(string(candidateConfig("")), `path = "swap.wasm"`, `path = "swap1.wasm"`, 1)))
	e.Write("swap1.wasm", ctltest.Fixture(t, "swap_v1"))
	res, err = e.Reloader.Reload(context.Background(), "file")
	if err != nil || len(res.Dropped) != 1 || res.Dropped[0].Key != "path" {
		t.Fatalf("edit: %v %+v", err, res)
	}
	if st := status(t, e, "hi"); st != 200 {
		t.Fatalf("the file's v1 should serve: %d", st)
	}
	s := e.Reloader.Status()
	if len(s.Overrides) != 1 || s.Overrides[0].Key != "candidate" || len(s.DroppedOverrides) != 1 {
		t.Fatalf("status overrides %+v dropped %+v", s.Overrides, s.DroppedOverrides)
	}

	swaps, lkg := e.Reloader.History()
	var triggers []string
	for _, r := range swaps {
		triggers = append(triggers, r.Trigger)
	}
	if strings.Join(triggers, ",") != "file,rollback,mode,file,promote,start" || lkg != s.Generation-1 {
		t.Fatalf("history %v, last known good %d (generation %d)", triggers, lkg, s.Generation)
	}
}

// TestSetModule: a module set as candidate, then as the guard; a module
// that fails its self-test changes nothing.
func TestSetModule(t *testing.T) {
	e := startSwap(t)
	ctx := context.Background()
	v2 := ctltest.Fixture(t, "swap_v2")
	sum := sha256.Sum256(v2)
	hexSum := hex.EncodeToString(sum[:])
	e.Write(hexSum+".wasm", v2)
	path := filepath.Join(e.Dir, hexSum+".wasm")
	if _, err := e.Reloader.SetModule(ctx, "swap", path, "abc", false); !errors.Is(err, reload.ErrBadValue) {
		t.Fatalf("bad sum: %v", err)
	}
	if _, err := e.Reloader.SetModule(ctx, "swap", path, hexSum, false); err != nil {
		t.Fatal(err)
	}
	if p, v, _, _ := entry(t, e); p != path || v != "2.0.0" {
		t.Fatalf("candidate %q %q", p, v)
	}
	if st := status(t, e, "hi"); st != 200 {
		t.Fatalf("candidate applied: %d", st)
	}
	loop := ctltest.Fixture(t, "swap_loop")
	lsum := sha256.Sum256(loop)
	e.Write("loop.wasm", loop)
	if _, err := e.Reloader.SetModule(ctx, "swap", filepath.Join(e.Dir, "loop.wasm"), hex.EncodeToString(lsum[:]), true); err == nil {
		t.Fatal("looping module accepted")
	}
	if len(e.Reloader.Overrides()) != 2 {
		t.Fatalf("a refused module changed the overrides: %+v", e.Reloader.Overrides())
	}
	if _, err := e.Reloader.SetModule(ctx, "swap", path, hexSum, true); err != nil {
		t.Fatal(err)
	}
	if st := status(t, e, "hi"); st != 403 {
		t.Fatalf("module as guard: %d", st)
	}
}
