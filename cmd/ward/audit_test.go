package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/control/audit/audittest"
)

// TestAuditMaskedPrompts runs the demo pipeline with prompt logging on
// (prompts = "masked"), the audit log sealed with a key and checkpoints,
// sends prompts full of generated credentials and personal data of every
// kind sdk/detect knows, and scans the audit file, its opened records
// (`ward audit read`) and the process output for each raw value: none may
// appear. Then `ward audit verify` (with the last checkpoint) and `ward
// report` read the same files.
func TestAuditMaskedPrompts(t *testing.T) {
	requireBuiltins(t)
	up := startMock(t)
	text := strings.ReplaceAll(demoConfig, "{{UPSTREAM}}", "http://"+up)
	text = regexp.MustCompile(`(?m)^listen = \[.*\]$`).ReplaceAllString(text, `listen = ["127.0.0.1:0"]`)
	text = regexp.MustCompile(`(?m)^format = ".*"$`).ReplaceAllString(text, `format = "json"`)
	text += "\n[audit]\nsink = \"file\"\npath = \"audit/audit.log\"\nmax_size = \"16KiB\"\nmax_files = 100\n" +
		"key_file = \"audit.keys\"\nprompts = \"masked\"\nprompt_max = \"2KiB\"\ncheckpoint = \"1s\"\n\n[reload]\nwatch = false\n"
	keys := "# old key, for reading\nk2025:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)) +
		"\nk2026:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32)) + "\nactive:k2026\n"
	g := startGateway(t, map[string][]byte{"ward.toml": []byte(text), "audit.keys": []byte(keys)})

	const analyst = "ward-demo-analyst-key"
	raw := []string{analyst}
	var prompts []string
	for seed := uint32(1); seed <= 3; seed++ {
		var all []string
		for _, s := range audittest.Samples(seed) {
			raw = append(raw, s.Value)
			prompts = append(prompts, s.Text)
			all = append(all, s.Text)
		}
		prompts = append(prompts, strings.Join(all, "\n")) // everything in one prompt
	}
	statuses := map[int]int{}
	for _, p := range prompts {
		st, _ := g.chat(p, "Authorization", "Bearer "+analyst)
		statuses[st]++
	}
	st, _ := g.chat("summarise our meeting notes", "Authorization", "Bearer "+analyst)
	statuses[st]++
	if statuses[200] < 2 || statuses[400] == 0 {
		t.Fatalf("statuses %v: the run should be allowed and blocked", statuses)
	}
	time.Sleep(1500 * time.Millisecond) // one checkpoint after the last record
	_ = g.cmd.Process.Signal(os.Interrupt)
	_ = g.cmd.Wait()

	files, _ := filepath.Glob(filepath.Join(g.dir, "audit", "audit.log*"))
	if len(files) < 2 {
		t.Fatalf("want rotated files, got %v", files)
	}
	var disk strings.Builder
	for _, f := range files {
		disk.WriteString(readFile(t, f))
	}
	var out, errb bytes.Buffer
	if code := run(append([]string{"audit", "read", "-c", g.cfg}, files...), &out, &errb); code != 0 {
		t.Fatalf("ward audit read: %d %s", code, errb.String())
	}
	opened := out.String()
	for _, s := range raw {
		for name, text := range map[string]string{"audit files": disk.String(), "opened records": opened, "process output": g.Output()} {
			if strings.Contains(text, s) {
				t.Errorf("%s hold %q", name, s)
			}
		}
	}
	// The prompts are there, masked; the answers of allowed requests too.
	n, withPrompt, withAnswer := 0, 0, 0
	for _, l := range strings.Split(strings.TrimSpace(opened), "\n") {
		var r struct {
			RequestID *string `json:"request_id"`
			Prompt    *string
			Answer    *string
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		if r.RequestID == nil {
			continue
		}
		n++
		if r.Prompt != nil && strings.HasPrefix(*r.Prompt, "[user] ") {
			withPrompt++
		}
		if r.Answer != nil {
			withAnswer++
		}
	}
	if n != len(prompts)+1 || withPrompt != n || withAnswer == 0 {
		t.Errorf("%d request records, %d with a prompt, %d with an answer", n, withPrompt, withAnswer)
	}
	for _, want := range []string{"[SECRET]", "[EMAIL]", "[CREDIT_CARD]", "[IBAN]", "summarise our meeting notes"} {
		if !strings.Contains(opened, want) {
			t.Errorf("opened records lack %s", want)
		}
	}
	if strings.Contains(disk.String(), "summarise our meeting notes") {
		t.Error("the sealed files hold a prompt in clear")
	}

	// Verify, with the last checkpoint of the process log.
	heads := regexp.MustCompile(`"msg":"audit checkpoint","head":"([^"]+)"`).FindAllStringSubmatch(g.Output(), -1)
	if len(heads) == 0 {
		t.Fatalf("no checkpoint logged:\n%s", g.Output())
	}
	out.Reset()
	errb.Reset()
	// Files in reverse order: verify sorts them.
	rev := append([]string(nil), files...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if code := run(append([]string{"audit", "verify", "-head", heads[len(heads)-1][1]}, rev...), &out, &errb); code != 0 {
		t.Fatalf("ward audit verify: %d %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), "ok: ") {
		t.Errorf("verify said %s", out.String())
	}
	// The glob form, then a missing middle file.
	out.Reset()
	if code := run([]string{"audit", "verify", filepath.Join(g.dir, "audit", "audit.log*")}, &out, &errb); code != 0 {
		t.Errorf("verify glob: %d %s", code, errb.String())
	}
	errb.Reset()
	if len(files) >= 3 {
		if err := os.Remove(filepath.Join(g.dir, "audit", "audit.log.1")); err != nil {
			t.Fatal(err)
		}
		if code := run([]string{"audit", "verify", filepath.Join(g.dir, "audit", "audit.log*")}, &out, &errb); code != 1 ||
			!strings.Contains(errb.String(), "missing_file") {
			t.Errorf("verify without audit.log.1: %d %s", code, errb.String())
		}
		files, _ = filepath.Glob(filepath.Join(g.dir, "audit", "audit.log*"))
	}

	// A wrong key fails cleanly: a message, no records.
	wrong := filepath.Join(g.dir, "wrong.keys")
	os.WriteFile(wrong, []byte("k2026:"+base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))+"\n"), 0o600)
	out.Reset()
	errb.Reset()
	if code := run(append([]string{"audit", "read", "-key-file", wrong}, files[len(files)-1]), &out, &errb); code != 1 ||
		out.Len() != 0 || !strings.Contains(errb.String(), "wrong key") {
		t.Errorf("wrong key: %d %q %s", code, out.String(), errb.String())
	}

	// The report of the run (the newest file only: the missing middle
	// file would break the chain).
	out.Reset()
	errb.Reset()
	if code := run([]string{"report", "-since", "1h", "-format", "json", "-c", g.cfg, files[0]}, &out, &errb); code != 0 {
		t.Fatalf("ward report: %d %s", code, errb.String())
	}
	var rep struct {
		Requests, Denied int
		Chain            string
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Requests == 0 || !strings.HasPrefix(rep.Chain, "verified") {
		t.Errorf("report %+v %v: %s", rep, err, out.String())
	}
}

// TestAuditCLIErrors: usage errors exit 2, bad keys and broken logs exit 1
// with a message.
func TestAuditCLIErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ward.toml")
	os.WriteFile(cfg, []byte("[server]\nlisten = [\"127.0.0.1:0\"]\n[audit]\nsink = \"file\"\npath = \"a.log\"\nkey_file = \"none.keys\"\n"), 0o600)
	bad := filepath.Join(dir, "bad.keys")
	os.WriteFile(bad, []byte("k:c2hvcnQ=\n"), 0o600)
	broken := filepath.Join(dir, "broken.log")
	os.WriteFile(broken, []byte(`{"seq":0,"prev":"sha256:`+strings.Repeat("0", 64)+`","kind":"start"}`+"\n"+
		`{"seq":2,"prev":"sha256:`+strings.Repeat("1", 64)+`","request_id":"x"}`+"\n"), 0o600)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"audit"}, 2, "Usage:"},
		{[]string{"audit", "nope"}, 2, `unknown command "nope"`},
		{[]string{"audit", "verify"}, 2, "no files given"},
		{[]string{"audit", "verify", "-head", "x", broken}, 2, "want SEQ:sha256:HEX"},
		{[]string{"audit", "verify", broken}, 1, "broken.log:2: deleted: record seq 1 is missing before this one"},
		{[]string{"audit", "verify", filepath.Join(dir, "absent.log")}, 1, "no such file"},
		{[]string{"audit", "read", "-key-file", bad, broken}, 1, "key is 5 bytes, want 32"},
		{[]string{"audit", "read", "-c", cfg, broken}, 1, "none.keys"},
		{[]string{"report", "-format", "pdf", broken}, 2, `-format "pdf"`},
		{[]string{"report", "-since", "yesterday", broken}, 2, `-since "yesterday"`},
		{[]string{"report", broken}, 1, "the audit chain is broken"},
		{[]string{"validate", "-c", cfg}, 1, "ward validate: audit:"},
	} {
		var out, errb bytes.Buffer
		code := run(c.args, &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
}
