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
		"",
	}, "\n"))
	r, err := evalGitleaks(p)
	if err != nil {
		t.Fatal(err)
	}
	a := r.all
	if a.tp != 2 || a.tpRule != 1 || a.tpAny != 1 || a.fp != 2 || a.fpRule != 0 || a.fpAny != 1 {
		t.Fatalf("counts = %+v", a)
	}
	if len(r.missed) != 1 || !strings.Contains(r.missed[0], "no secret here") {
		t.Fatalf("missed = %v", r.missed)
	}
}

func TestEvalGitleaksBadKind(t *testing.T) {
	p := writeFile(t, t.TempDir(), "g.jsonl", `{"rule_id":"x","kind":"maybe","text":"a"}`+"\n")
	if _, err := evalGitleaks(p); err == nil {
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
