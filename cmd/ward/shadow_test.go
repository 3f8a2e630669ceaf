package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestShadowCLI runs the real binary: `ward upload` sets a candidate that
// runs beside the guard (its denials never apply, its disagreements are
// counted and audited), `ward promote` makes it the guard and prints the
// lines that make it permanent, `ward mode`, `ward swaps`, and the admin
// actions in the audit file.
func TestShadowCLI(t *testing.T) {
	up := startMock(t)
	cfg := strings.Replace(opsConfig(up, false, ""), `token_file = "admin.token"`, "token_file = \"admin.token\"\nmodule_dir = \"modules\"", 1)
	g := startGateway(t, map[string][]byte{
		"ward.toml":        []byte(cfg),
		"admin.token":      []byte(adminToken + "\n"),
		"guards/swap.wasm": fixture(t, "swap_v1"),
		"v2.wasm":          fixture(t, "swap_v2"),
	})
	cli := func(wantCode int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		args = append(args, "-c", g.cfg, "-addr", g.admin)
		if code := run(args, &out, &errb); code != wantCode {
			t.Fatalf("ward %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}

	out := cli(0, "upload", filepath.Join(g.dir, "v2.wasm"), "-guard", "swap")
	if !strings.Contains(out, "loaded swap candidate@2.0.0") || !strings.Contains(out, `candidate = "`+filepath.Join(g.dir, "modules")) {
		t.Fatalf("upload:\n%s", out)
	}
	for range 2 {
		if st, b := g.chat("hi"); st != 200 {
			t.Fatalf("the candidate's denial applied: %d %s", st, b)
		}
	}
	if out := cli(0, "guards"); !regexp.MustCompile(`2\.0\.0 \(2/4 disagree, 50\.0%\)`).MatchString(out) {
		t.Fatalf("ward guards:\n%s", out)
	}
	cli(1, "promote", "nope")
	cli(2, "promote")
	out = cli(0, "promote", "swap")
	if !strings.Contains(out, "lost at a restart") || !strings.Contains(out, `path = "`) || !strings.Contains(out, "sha256 = ") {
		t.Fatalf("promote:\n%s", out)
	}
	if st, _ := g.chat("hi"); st != 403 {
		t.Fatalf("promoted v2 not live: %d", st)
	}
	cli(2, "mode", "swap", "shadow")
	if out := cli(0, "mode", "swap", "observe"); !strings.Contains(out, `mode = "observe"`) {
		t.Fatalf("mode:\n%s", out)
	}
	if st, _ := g.chat("hi"); st != 200 {
		t.Fatalf("observe mode denies: %d", st)
	}
	out = cli(0, "swaps")
	if !regexp.MustCompile(`(?m)^\S+ \S+\s+mode\s+token\s+swap\s+4\s+ok`).MatchString(out) ||
		!regexp.MustCompile(`(?m)promote\s+token\s+swap\s+3\s+ok`).MatchString(out) || !strings.Contains(out, "last known good: generation 3") {
		t.Fatalf("swaps:\n%s", out)
	}
	var sw struct {
		Swaps []struct{ Trigger string }
	}
	if err := json.Unmarshal([]byte(cli(0, "swaps", "-json")), &sw); err != nil || len(sw.Swaps) != 4 {
		t.Fatalf("swaps -json: %v %+v", err, sw)
	}

	_ = g.cmd.Process.Signal(os.Interrupt)
	_ = g.cmd.Wait()
	actions, disagreements := map[string]string{}, 0
	for _, l := range strings.Split(strings.TrimSpace(readFile(t, filepath.Join(g.dir, "audit", "ward.log"))), "\n") {
		var rec struct {
			Kind, Operator, Action, Target, Result string
			Guards                                 []struct {
				Candidate *struct{ Version, Verdict, Code string }
			}
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("audit line %q: %v", l, err)
		}
		if rec.Kind == "admin" {
			if rec.Operator != "token" || rec.Target == "" {
				t.Fatalf("admin line %s", l)
			}
			actions[rec.Action+"/"+rec.Target] = rec.Result
			continue
		}
		for _, gr := range rec.Guards {
			if c := gr.Candidate; c != nil {
				if c.Version != "2.0.0" || c.Verdict != "deny" || c.Code != "nope" {
					t.Fatalf("candidate in %s", l)
				}
				disagreements++
			}
		}
	}
	if actions["upload/swap"] != "ok" || actions["promote/swap"] != "ok" || actions["promote/nope"] != "refused" || actions["mode/swap"] != "ok" {
		t.Fatalf("admin actions %v", actions)
	}
	if disagreements != 2 {
		t.Fatalf("%d disagreements audited", disagreements)
	}
}
