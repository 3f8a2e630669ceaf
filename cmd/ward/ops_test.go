package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/mockllm"
)

const adminToken = "ops-test-admin-token-7f3a"

// opsGateway is a `ward serve` process of the operations tests.
type opsGateway struct {
	t      *testing.T
	dir    string
	cfg    string
	base   string // http://proxy
	admin  string // host:port of the admin API
	cmd    *exec.Cmd
	mu     sync.Mutex
	output bytes.Buffer // stdout and stderr of the process
}

func startMock(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mock := mockllm.New(mockllm.Options{})
	go mock.Serve(ln)
	t.Cleanup(func() { mock.Close() })
	return ln.Addr().String()
}

func fixture(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("..", "..", "engine", "control", "reload", "testdata", "fixtures", name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeAtomic(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+".tmp", b, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
}

// startGateway writes files into a temporary directory and runs
// `ward serve -c ward.toml` there.
func startGateway(t *testing.T, files map[string][]byte) *opsGateway {
	t.Helper()
	bin := buildWard(t)
	g := &opsGateway{t: t, dir: t.TempDir()}
	for name, b := range files {
		writeAtomic(t, filepath.Join(g.dir, name), b)
	}
	g.cfg = filepath.Join(g.dir, "ward.toml")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	g.cmd = exec.CommandContext(ctx, bin, "serve", "-c", g.cfg)
	g.cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir())
	pr, pw := io.Pipe()
	g.cmd.Stdout, g.cmd.Stderr = pw, pw
	if err := g.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = g.cmd.Process.Signal(os.Interrupt)
		_ = g.cmd.Wait()
		pw.Close()
		cancel()
	})
	listenRE := regexp.MustCompile(`"listen":\["([^"]+)"`)
	adminRE := regexp.MustCompile(`"admin":"([^"]*)"`)
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		found := false
		for sc.Scan() {
			line := sc.Text()
			g.mu.Lock()
			g.output.WriteString(line + "\n")
			g.mu.Unlock()
			if !found && strings.Contains(line, "ward serving") {
				found = true
				g.base = "http://" + listenRE.FindStringSubmatch(line)[1]
				if m := adminRE.FindStringSubmatch(line); m != nil {
					g.admin = m[1]
				}
				ready <- true
			}
		}
		if !found {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("ward serve exited:\n%s", g.Output())
		}
	case <-time.After(150 * time.Second):
		// Generous: the demo compiles eight guests on a cold cache, and
		// CI runs this beside the rest of go test ./... on 2 cores.
		t.Fatalf("ward serve did not start:\n%s", g.Output())
	}
	return g
}

func (g *opsGateway) Output() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.output.String()
}

func (g *opsGateway) chat(text string, headers ...string) (int, []byte) {
	g.t.Helper()
	body, _ := json.Marshal(map[string]any{"model": "gpt-4o-mini", "messages": []map[string]string{{"role": "user", "content": text}}})
	req, _ := http.NewRequest("POST", g.base+"/v1/chat/completions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// waitStatus polls until a request answers want.
func (g *opsGateway) waitStatus(want int) time.Duration {
	g.t.Helper()
	start := time.Now()
	for {
		st, b := g.chat("hi")
		if st == want {
			return time.Since(start)
		}
		if st != 200 && st != 403 {
			g.t.Fatalf("request failed during a swap: %d %s", st, b)
		}
		if time.Since(start) > 20*time.Second {
			g.t.Fatalf("status %d never came (last %d)\n%s", want, st, g.Output())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (g *opsGateway) adminGet(path, token string) (int, string) {
	g.t.Helper()
	req, _ := http.NewRequest("GET", "http://"+g.admin+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func opsConfig(upstream string, watch bool, extra string) string {
	w := "false"
	if watch {
		w = "true"
	}
	return `[server]
listen = ["127.0.0.1:0"]

[log]
format = "json"

[admin]
listen = "127.0.0.1:0"
token_file = "admin.token"

[audit]
sink = "file"
path = "audit/ward.log"

[reload]
watch = ` + w + `
debounce = "50ms"

[guards.swap]
path = "guards/swap.wasm"
pool_size = 2
` + extra + `
[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "http://` + upstream + `"
guards = ["swap"]
`
}

// TestOpsEndToEnd runs the real binary: a guard swapped by writing its
// file (watched), a broken module refused by `ward reload`, `ward guards`,
// `ward rollback`, the admin API's token, /metrics, /readyz and the audit
// file.
func TestOpsEndToEnd(t *testing.T) {
	up := startMock(t)
	g := startGateway(t, map[string][]byte{
		"ward.toml":        []byte(opsConfig(up, true, "")),
		"admin.token":      []byte(adminToken + "\n"),
		"guards/swap.wasm": fixture(t, "swap_v1"),
	})
	if g.admin == "" {
		t.Fatalf("no admin address logged:\n%s", g.Output())
	}
	requests := 0
	if st, b := g.chat("hello"); st != 200 {
		t.Fatalf("v1: %d %s", st, b)
	}
	requests++

	// ward guards, through the admin API with the config's token file:
	// one request at a time needs one of the pool's two instances.
	var out, errb bytes.Buffer
	if code := run([]string{"guards", "-c", g.cfg, "-addr", g.admin}, &out, &errb); code != 0 {
		t.Fatalf("ward guards: %d %s", code, errb.String())
	}
	if !regexp.MustCompile(`(?m)^swap\s+1\.0\.0\s+enforce\s+deny\s+1/2\s+2\s+0\s`).MatchString(out.String()) {
		t.Fatalf("ward guards:\n%s", out.String())
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"guards", "-addr", g.admin, "-token-file", os.DevNull}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "refused the token") {
		t.Fatalf("wrong token: %d %s", code, errb.String())
	}

	// A new module written over the watched file goes live.
	writeAtomic(t, filepath.Join(g.dir, "guards", "swap.wasm"), fixture(t, "swap_v2"))
	t.Logf("v2 live %v after the file was written", g.waitStatus(403))
	requests++

	// A broken module: `ward reload` says why and exits 1; v2 serves on.
	writeAtomic(t, filepath.Join(g.dir, "guards", "swap.wasm"), []byte("\x00asm\x01\x00\x00\x00junk"))
	time.Sleep(300 * time.Millisecond) // the watcher tries (and fails) first
	out.Reset()
	errb.Reset()
	if code := run([]string{"reload", "-c", g.cfg, "-addr", g.admin}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "refused; generation 2 keeps serving") ||
		!strings.Contains(errb.String(), "guards.swap") {
		t.Fatalf("ward reload of a broken module: %d\n%s%s", code, out.String(), errb.String())
	}
	if st, _ := g.chat("hi"); st != 403 {
		t.Fatalf("v2 must keep serving: %d", st)
	}
	// Rollback to v1 (from memory: the file is still broken).
	out.Reset()
	errb.Reset()
	if code := run([]string{"rollback", "-c", g.cfg, "-addr", g.admin}, &out, &errb); code != 0 || !strings.Contains(out.String(), "loaded swap@1.0.0") {
		t.Fatalf("ward rollback: %d %s %s", code, out.String(), errb.String())
	}
	if st, _ := g.chat("hi"); st != 200 {
		t.Fatalf("v1 after rollback: %d", st)
	}

	// Admin API: token, readiness, metrics.
	if st, _ := g.adminGet("/metrics", ""); st != 401 {
		t.Fatalf("metrics without token: %d", st)
	}
	if st, _ := g.adminGet("/readyz", ""); st != 200 {
		t.Fatalf("readyz: %d", st)
	}
	st, metrics := g.adminGet("/metrics", adminToken)
	if st != 200 {
		t.Fatalf("metrics: %d", st)
	}
	for _, want := range []string{`ward_requests_total{route="llm",status="200"}`, `ward_requests_total{route="llm",status="403"}`,
		`ward_guard_verdicts_total{guard="swap",outcome="deny",reason="nope"}`, `ward_reloads_total{result="failed"}`,
		`ward_guard_latency_seconds_bucket{guard="swap"`, `ward_upstream_latency_seconds_count{route="llm"}`, `go_goroutines`,
		`ward_state_`, `ward_pipeline_loaded 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// SIGHUP reloads too.
	writeAtomic(t, filepath.Join(g.dir, "guards", "swap.wasm"), fixture(t, "swap_v2"))
	g.waitStatus(403)
	if err := g.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if st, _ := g.chat("hi"); st != 403 {
		t.Fatalf("after SIGHUP: %d", st)
	}
	if !strings.Contains(g.Output(), `"trigger":"sighup"`) {
		t.Errorf("no SIGHUP reload logged:\n%s", g.Output())
	}

	// The audit file: one JSON line per request, after the start record.
	_ = g.cmd.Process.Signal(os.Interrupt)
	_ = g.cmd.Wait()
	audit := readFile(t, filepath.Join(g.dir, "audit", "ward.log"))
	lines := strings.Split(strings.TrimSpace(audit), "\n")
	if !strings.Contains(lines[0], `"kind":"start"`) {
		t.Fatalf("audit begins with %s", lines[0])
	}
	lines = lines[1:]
	denies := 0
	var admin []string
	for _, l := range lines {
		var rec struct {
			Kind, Action, Result, Operator string
			RequestID                      string `json:"request_id"`
			Route                          string `json:"route"`
			Status                         int    `json:"status"`
			Guards                         []struct {
				Guard, Verdict, Code string
			} `json:"guards"`
			PromptTokens int `json:"prompt_tokens"`
		}
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("audit line %q: %v", l, err)
		}
		if rec.Kind == "admin" {
			if rec.Operator != "token" {
				t.Fatalf("admin line %s", l)
			}
			admin = append(admin, rec.Action+":"+rec.Result)
			continue
		}
		if rec.RequestID == "" || rec.Route != "llm" || len(rec.Guards) == 0 || rec.Guards[0].Guard != "swap" {
			t.Fatalf("audit line %s", l)
		}
		if rec.Status == 403 {
			denies++
			if rec.Guards[0].Verdict != "deny" || rec.Guards[0].Code != "nope" {
				t.Fatalf("denial line %s", l)
			}
		} else if rec.PromptTokens == 0 {
			t.Fatalf("no token usage in %s", l)
		}
	}
	if len(lines)-len(admin) < requests || denies < 3 {
		t.Fatalf("%d audit lines, %d denials", len(lines), denies)
	}
	// The admin API's POSTs: the refused reload, the rollback.
	if strings.Join(admin, ",") != "reload:error,rollback:ok" {
		t.Fatalf("admin lines %v", admin)
	}
}

// TestAuditNeverHoldsSecrets runs the demo pipeline (auth, rbac,
// ratelimit, denylist, injection, secrets, pii) with the audit log on,
// sends requests full of credentials and personal data (in headers,
// prompts, answers echoed back), and scans the audit file and the
// process's output for every one of them, and for the prompts.
func TestAuditNeverHoldsSecrets(t *testing.T) {
	requireBuiltins(t)
	up := startMock(t)
	text := strings.ReplaceAll(demoConfig, "{{UPSTREAM}}", "http://"+up)
	text = regexp.MustCompile(`(?m)^listen = \[.*\]$`).ReplaceAllString(text, `listen = ["127.0.0.1:0"]`)
	text = regexp.MustCompile(`(?m)^format = ".*"$`).ReplaceAllString(text, `format = "json"`)
	text += "\n[audit]\nsink = \"file\"\npath = \"audit.log\"\n\n[reload]\nwatch = false\n"
	g := startGateway(t, map[string][]byte{"ward.toml": []byte(text)})

	const analyst = "ward-demo-analyst-key"
	secrets := []string{
		analyst,
		"AKIAIOSFODNN7EXAMPLE",
		"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"ghp_R2d9kLmQ7vXzT4bN8cW1yH6sJ3fP0aE5uG9i",
		"xoxb-2048151928-4096303856-Zk2b9QmP7xW4tY6uR8sV1nL3",
		"sk_live_4eC39HqLyjWDarjtT1zdp7dcTq9xQb2m",
		"Hunter2-SuperSecret-991",
		"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
		"jane.doe@example.com",
		"4111 1111 1111 1111",
		"PROMPT-MARKER-zebra-quartz",
		"Mock answer to", // the answers never go to the audit either
	}
	prompts := []string{
		"PROMPT-MARKER-zebra-quartz: say hello",
		"my AWS keys are AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, why does s3 fail?",
		"why does git push fail with ghp_R2d9kLmQ7vXzT4bN8cW1yH6sJ3fP0aE5uG9i",
		"slack bot token xoxb-2048151928-4096303856-Zk2b9QmP7xW4tY6uR8sV1nL3 and stripe sk_live_4eC39HqLyjWDarjtT1zdp7dcTq9xQb2m",
		"the db password = Hunter2-SuperSecret-991 please check",
		"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----",
		"Mail jane.doe@example.com the receipt for card 4111 1111 1111 1111",
	}
	statuses := map[int]int{}
	n := 0
	for _, p := range prompts {
		for _, h := range [][]string{
			{"Authorization", "Bearer " + analyst},
			{"x-api-key", analyst, "x-mock-echo-headers", "1"},
		} {
			st, _ := g.chat(p, h...)
			statuses[st]++
			n++
		}
	}
	// A wrong key is a credential too.
	st, _ := g.chat("hello", "Authorization", "Bearer Hunter2-SuperSecret-991")
	statuses[st]++
	n++
	if statuses[200] == 0 || statuses[400] == 0 || statuses[401] == 0 {
		t.Fatalf("statuses %v: the run should be allowed, blocked and refused", statuses)
	}
	_ = g.cmd.Process.Signal(os.Interrupt)
	_ = g.cmd.Wait()
	audit := readFile(t, filepath.Join(g.dir, "audit.log"))
	if got := strings.Count(audit, `"request_id"`); got != n {
		t.Fatalf("%d audit lines for %d requests", got, n)
	}
	for _, s := range secrets {
		if strings.Contains(audit, s) {
			t.Errorf("audit log holds %q", s)
		}
		if strings.Contains(g.Output(), s) {
			t.Errorf("process output holds %q", s)
		}
	}
	for _, want := range []string{`"identity":{"method":"api_key","subject":"alice"`, `"code":"secrets.blocked"`, `"guard":"pii"`} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit log lacks %s", want)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("audit:\n%s", audit)
	}
}

// TestValidateSelfTest: `ward validate` runs the reload self-test, so a
// guard that loops is refused before it is deployed.
func TestValidateSelfTest(t *testing.T) {
	dir := t.TempDir()
	writeAtomic(t, filepath.Join(dir, "guards", "swap.wasm"), fixture(t, "swap_loop"))
	cfg := filepath.Join(dir, "ward.toml")
	writeAtomic(t, cfg, []byte(opsConfig("127.0.0.1:1", false, "cpu_budget = \"5ms\"\n")))
	var out, errb bytes.Buffer
	if code := run([]string{"validate", "-c", cfg}, &out, &errb); code != 1 ||
		!regexp.MustCompile(`ward.toml:\d+: guards.swap: self-test \(request phase\) failed: .*guard_timeout`).MatchString(errb.String()) {
		t.Fatalf("validate a looping guard: %d\n%s%s", code, out.String(), errb.String())
	}
	writeAtomic(t, filepath.Join(dir, "guards", "swap.wasm"), fixture(t, "swap_v2"))
	out.Reset()
	errb.Reset()
	if code := run([]string{"validate", "-c", cfg}, &out, &errb); code != 0 {
		t.Fatalf("validate a denying guard: %d\n%s", code, errb.String())
	}
}

// TestWaitedColumn: ward guards' WAITED column is the share of calls that
// waited for an instance and their mean wait.
func TestWaitedColumn(t *testing.T) {
	for _, c := range []struct {
		waits   uint64
		seconds float64
		calls   uint64
		want    string
	}{
		{0, 0, 10, "-"},
		{3, 0, 0, "-"}, // no calls counted (metrics off): nothing to divide by
		{25, 0.005, 100, "25% 200µs"},
		{1, 0.0015, 3, "33% 1.5ms"},
	} {
		if got := waited(c.waits, c.seconds, c.calls); got != c.want {
			t.Errorf("waited(%d, %v, %d) = %q, want %q", c.waits, c.seconds, c.calls, got, c.want)
		}
	}
}
