package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/control/operator"
	"github.com/wardgate/ward/engine/mockllm"
)

// consoleE2E is the console's browser test directory (package.json pins
// playwright-core; `npm ci` there installs it).
const consoleE2E = "../../engine/control/console/e2e"

// requireBrowser returns node and Chromium, or skips without them; in CI
// (CI=true) their absence is a failure.
func requireBrowser(t *testing.T) (node, chromium string) {
	t.Helper()
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	node, err := exec.LookPath("node")
	missing := ""
	switch {
	case err != nil:
		missing = "node"
	case func() bool { _, err := os.Stat(chromium); return err != nil }():
		missing = chromium + " (apt-get install chromium)"
	case func() bool {
		_, err := os.Stat(filepath.Join(consoleE2E, "node_modules", "playwright-core", "package.json"))
		return err != nil
	}():
		missing = "playwright-core (npm ci in engine/control/console/e2e)"
	}
	if missing != "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("the console's browser test needs %s", missing)
		}
		t.Skipf("the console's browser test needs %s", missing)
	}
	return node, chromium
}

// TestConsoleBrowser runs the real binary with the demo's pipeline, the
// admin API and its console, and drives the console in headless Chromium
// (engine/control/console/e2e/console.e2e.mjs): 401 without a session, a
// wrong token refused, login with the token, the demo's guards, a denied
// request through the gateway shown in Decisions with its reason and
// verdict chain; the admin resets operator carol's authenticator (QR code,
// confirmed with a code of the new secret); carol logs in with password
// and TOTP (the old secret's code and the used one refused), reloads
// through the confirmation dialog, promotes a candidate, switches it to
// observe mode, lifts a quarantine, reads the Compliance view; logout.
// Then the audit log holds these actions with carol as their operator. Screenshots of each
// view go to $WARD_CONSOLE_SCREENSHOTS (go tool task console:e2e: docs/console),
// else to the test's temporary directory: a test run never rewrites the
// committed screenshots.
func TestConsoleBrowser(t *testing.T) {
	requireBuiltins(t)
	node, chromium := requireBrowser(t)
	bin := buildWard(t)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mock := mockllm.New(mockllm.Options{})
	go func() { _ = mock.Serve(ln) }()
	defer mock.Close()

	dir := t.TempDir()
	const token = "console-e2e-admin-token"
	text := strings.ReplaceAll(demoConfig, "{{UPSTREAM}}", "http://"+ln.Addr().String())
	text = strings.Replace(text, `listen = ["127.0.0.1:8080"]`, `listen = ["127.0.0.1:0"]`, 1)
	// One more guard at the end of the route, "swap" 1.0.0 (allows
	// everything) with the candidate 2.0.0 (denies everything): the
	// console shows the disagreements and promotes it.
	fixtures := "../../engine/control/reload/testdata/fixtures/"
	files := map[string]string{"admin.token": token + "\n", "swap_v1.wasm": readFile(t, fixtures+"swap_v1.wasm"), "swap_v2.wasm": readFile(t, fixtures+"swap_v2.wasm")}
	text = strings.Replace(text, `"secrets", "pii"]`, `"secrets", "pii", "swap"]`, 1)
	text += "\n[guards.swap]\npath = \"swap_v1.wasm\"\ncandidate = \"swap_v2.wasm\"\n"
	text += "\n[admin]\nlisten = \"127.0.0.1:0\"\ntoken_file = \"admin.token\"\noperators_file = \"operators.toml\"\n"
	text += "\n[audit]\nsink = \"file\"\npath = \"audit.log\"\n"
	files["ward.toml"] = text
	// An operator, carol: the admin resets her authenticator from the
	// console, and she logs in with the new one.
	const opPassword = "carol's console password"
	opSecret, err := operator.Add(filepath.Join(dir, "operators.toml"), "carol", opPassword)
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// Generous: the demo pipeline compiles eight guests on a cold cache,
	// on a machine that may be busy.
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "-c", filepath.Join(dir, "ward.toml"))
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+t.TempDir())
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			_ = cmd.Process.Signal(os.Interrupt)
			_ = cmd.Wait()
		}
	}
	defer stop()
	sc := bufio.NewScanner(stdout)
	listenRE := regexp.MustCompile(`listen="?\[(\S+?)\]`)
	consoleRE := regexp.MustCompile(`console=(http://\S+/console/)`)
	var gateway, consoleURL string
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, "ward serving") {
			continue
		}
		if m := listenRE.FindStringSubmatch(line); m != nil {
			gateway = "http://" + m[1]
		}
		if m := consoleRE.FindStringSubmatch(line); m != nil {
			consoleURL = m[1]
		}
		break
	}
	if gateway == "" || consoleURL == "" {
		t.Fatalf("ward did not log its gateway and console addresses (%q, %q)", gateway, consoleURL)
	}
	go io.Copy(io.Discard, stdout)

	shots := os.Getenv("WARD_CONSOLE_SCREENSHOTS")
	switch {
	case shots != "":
		shots, _ = filepath.Abs(shots)
	default:
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	bctx, bcancel := context.WithTimeout(ctx, 2*time.Minute)
	defer bcancel()
	began := time.Now()
	e2e := exec.CommandContext(bctx, node, "console.e2e.mjs")
	e2e.Dir = consoleE2E
	e2e.Env = append(os.Environ(), "WARD_CONSOLE="+consoleURL, "WARD_TOKEN="+token, "WARD_GATEWAY="+gateway,
		"WARD_SCREENSHOTS="+shots, "CHROMIUM="+chromium, "WARD_PROMOTE=swap:2.0.0",
		"WARD_OPERATOR=carol", "WARD_PASSWORD="+opPassword, "WARD_TOTP_SECRET="+opSecret, "WARD_QUARANTINE_KEY=ward-demo-mallory-key")
	out, err := e2e.CombinedOutput()
	t.Logf("console.e2e.mjs (%.1fs):\n%s", time.Since(began).Seconds(), out)
	if err != nil {
		t.Fatalf("browser test failed: %v", err)
	}
	t.Logf("screenshots in %s", shots)

	// The console's actions went through the admin API: audited with the
	// operator's name (the reset of her authenticator with the console's,
	// the admin token's), her lift by incident response; her logins too.
	stop()
	var actions []string
	for _, line := range strings.Split(readFile(t, filepath.Join(dir, "audit.log")), "\n") {
		var a struct{ Kind, Operator, Action, Target, Result, ID, Via string }
		if json.Unmarshal([]byte(line), &a) != nil {
			continue
		}
		switch a.Kind {
		case "admin":
			actions = append(actions, a.Operator+" "+a.Action+" "+a.Target+" "+a.Result)
		case "quarantine_lift":
			actions = append(actions, a.Operator+" lift "+a.ID)
		case "admin_login":
			actions = append(actions, a.Operator+" login "+a.Result+" "+a.Via)
		}
	}
	for _, want := range []string{"carol reload  ok", "carol promote swap ok", "carol mode swap ok", "carol lift subject:mallory",
		"console totp_reset carol ok", "console totp_confirm carol ok", "carol login denied console", "carol login ok console"} {
		if !slices.Contains(actions, want) {
			t.Errorf("audit log: no %q among the admin actions %q", want, actions)
		}
	}
	if slices.ContainsFunc(actions, func(a string) bool { return strings.HasPrefix(a, "console reload") }) {
		t.Errorf("an action of the operator's session audited as the console's: %q", actions)
	}
}
