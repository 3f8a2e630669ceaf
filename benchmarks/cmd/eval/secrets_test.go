package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvalGitleaksCounts(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "g.jsonl", strings.Join([]string{
		`{"rule_id":"aws-access-token","kind":"tp","text":"id = AKIAZ7QPLM3XWV4NR2TK","how":"literal"}`,
		`{"rule_id":"aws-access-token","kind":"tp","text":"no secret here","how":"literal"}`,
		`{"rule_id":"aws-access-token","kind":"fp","text":"AKIAIOSFODNN7EXAMPLE","how":"literal"}`,
		`{"rule_id":"generic-api-key","kind":"fp","text":"token = AKIAZ7QPLM3XWV4NR2TK","how":"literal"}`,
		`{"rule_id":"generic-api-key","kind":"fp","text":"api_key = \"Qx7Lm2Vb9Tr4Wn8Kp3Zs6Yd1\"","how":"literal"}`,
		"",
	}, "\n"))
	known := map[string][]string{"generic-api-key": {"Qx7Lm2Vb9Tr4Wn8Kp3Zs6Yd1"}}
	r, err := evalGitleaks(p, known)
	if err != nil {
		t.Fatal(err)
	}
	a := r.all
	if a.tp != 2 || a.tpRule != 1 || a.tpAny != 1 || a.fp != 3 || a.fpRule != 1 || a.fpAny != 2 {
		t.Fatalf("counts = %+v", a)
	}
	if r.fpKnown != 1 || r.fpKnownRule != 1 {
		t.Fatalf("known-value fp cases = %d, flagged %d; want 1, 1", r.fpKnown, r.fpKnownRule)
	}
	if len(r.missed) != 1 || !strings.Contains(r.missed[0], "no secret here") {
		t.Fatalf("missed = %v", r.missed)
	}
}

func TestKnownValues(t *testing.T) {
	p := writeFile(t, t.TempDir(), "r.toml", `
[[rules]]
id = "gcp-api-key"
regex = 'AIza[\w-]{35}'
[[rules.allowlists]]
regexes = ['AIzaSyKnownPublicBrowserKey00000000000', 'AIza(?:x|y)+']
[[rules]]
id = "generic-api-key"
stopwords = ["about", "6fe4476ee5a1832882e326b506d14126"]
`)
	got, err := knownValues(p)
	if err != nil {
		t.Fatal(err)
	}
	if g := got["gcp-api-key"]; len(g) != 1 || g[0] != "AIzaSyKnownPublicBrowserKey00000000000" {
		t.Errorf("gcp-api-key: %q (want the literal only, not the regex)", g)
	}
	if g := got["generic-api-key"]; len(g) != 1 || g[0] != "6fe4476ee5a1832882e326b506d14126" {
		t.Errorf("generic-api-key: %q (want the long stopword only)", g)
	}
}

func TestEvalGitleaksBadKind(t *testing.T) {
	p := writeFile(t, t.TempDir(), "g.jsonl", `{"rule_id":"x","kind":"maybe","text":"a"}`+"\n")
	if _, err := evalGitleaks(p, nil); err == nil {
		t.Fatal("want an error for an unknown kind")
	}
}

func TestEvalLLMGuardAndSecretlint(t *testing.T) {
	dir := t.TempDir()
	lg := writeFile(t, dir, "l.jsonl", `{"prompt":"plain text","expected_valid":true}`+"\n"+
		`{"prompt":"key AKIAZ7QPLM3XWV4NR2TK","expected_valid":false}`+"\n")
	r, err := evalLLMGuard(lg)
	if err != nil {
		t.Fatal(err)
	}
	if r.pos != 1 || r.posFound != 1 || r.neg != 1 || r.negFlagged != 0 {
		t.Fatalf("llmguard = %+v", r)
	}
	sl := writeFile(t, dir, "s.jsonl", `{"rule":"r","case":"ng","text":"x AKIAZ7QPLM3XWV4NR2TK","findings":[{"range":[2,22]}]}`+"\n"+
		`{"rule":"r","case":"ok","text":"nothing","findings":[]}`+"\n")
	s, err := evalSecretlint(sl)
	if err != nil {
		t.Fatal(err)
	}
	if s.pos != 1 || s.posFound != 1 || s.ranges != 1 || s.rangesFound != 1 || s.neg != 1 || s.negFlagged != 0 {
		t.Fatalf("secretlint = %+v", s)
	}
}
