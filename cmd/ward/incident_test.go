package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/control/operator"
)

// TestOperatorMFAEndToEnd enrols an operator with `ward operator add`,
// runs the real binary with operators and no admin token, and logs in
// with password and TOTP: wrong factors and replayed codes are refused,
// the session token works for the admin API and the CLI until logout,
// and the audit log names the operator without holding secrets.
func TestOperatorMFAEndToEnd(t *testing.T) {
	opsFile := filepath.Join(t.TempDir(), "operators.toml")
	const password = "carol-long-password-42"
	var out, errb bytes.Buffer
	stdin = strings.NewReader(password + "\n")
	defer func() { stdin = os.Stdin }()
	if rc := run([]string{"operator", "add", "-file", opsFile, "carol"}, &out, &errb); rc != 0 {
		t.Fatalf("operator add: %d %s", rc, errb.String())
	}
	m := regexp.MustCompile(`otpauth://totp/\S+`).FindString(out.String())
	u, err := url.Parse(m)
	if err != nil || u.Query().Get("secret") == "" || u.Query().Get("digits") != "6" || u.Query().Get("period") != "30" || u.Query().Get("algorithm") != "SHA1" {
		t.Fatalf("otpauth URI %q: %v\n%s", m, err, out.String())
	}
	key, err := operator.DecodeSecret(u.Query().Get("secret"))
	if err != nil {
		t.Fatal(err)
	}
	opsBytes, _ := os.ReadFile(opsFile)
	if bytes.Contains(opsBytes, []byte(password)) {
		t.Fatal("the password is stored in the clear")
	}

	up := startMock(t)
	g := startGateway(t, map[string][]byte{
		"operators.toml": opsBytes,
		"ward.toml": []byte(`[server]
listen = ["127.0.0.1:0"]
[log]
format = "json"
[admin]
listen = "127.0.0.1:0"
operators_file = "operators.toml"
[audit]
sink = "file"
path = "audit.log"
[reload]
watch = false
[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "http://` + up + `"
`),
	})
	adminURL := "http://" + g.admin
	post := func(path, tok, body string) (int, string) {
		req, _ := http.NewRequest("POST", adminURL+path, strings.NewReader(body))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	loginBody := func(pw, code string) string {
		b, _ := json.Marshal(map[string]string{"operator": "carol", "password": pw, "totp": code})
		return string(b)
	}
	// The admin token is off: nothing works without a session.
	if st, _ := g.adminGet("/status", ""); st != 401 {
		t.Fatalf("status without a session: %d, want 401", st)
	}
	now := time.Now()
	code := operator.TOTP(key, now, 6)
	if st, b := post("/login", "", loginBody("wrong password!", code)); st != 401 {
		t.Fatalf("wrong password: %d %s", st, b)
	}
	wrong := operator.HOTP(key, operator.Step(now)+7, 6)
	if st, b := post("/login", "", loginBody(password, wrong)); st != 401 {
		t.Fatalf("wrong code: %d %s", st, b)
	}
	st, b := post("/login", "", loginBody(password, code))
	var lr struct{ Token, Operator string }
	if st != 200 || json.Unmarshal([]byte(b), &lr) != nil || lr.Token == "" || lr.Operator != "carol" {
		t.Fatalf("login: %d %s", st, b)
	}
	if st, b := post("/login", "", loginBody(password, code)); st != 401 {
		t.Fatalf("replayed code: %d %s", st, b)
	}
	if st, b := g.adminGet("/quarantines", lr.Token); st != 200 || !strings.Contains(b, `"quarantines"`) {
		t.Fatalf("quarantines with the session: %d %s", st, b)
	}
	cli := exec.Command(buildWard(t), "quarantine", "list", "-addr", g.admin)
	cli.Env = append(os.Environ(), "WARD_ADMIN_TOKEN="+lr.Token)
	if o, err := cli.CombinedOutput(); err != nil || !strings.Contains(string(o), "no quarantined identities") {
		t.Fatalf("ward quarantine list with the session token: %v\n%s", err, o)
	}
	if st, b := post("/logout", lr.Token, ""); st != 200 {
		t.Fatalf("logout: %d %s", st, b)
	}
	if st, _ := g.adminGet("/quarantines", lr.Token); st != 401 {
		t.Fatalf("after logout: %d, want 401", st)
	}
	// The audit log records the logins by operator and result, never the
	// password or the session token (6-digit codes are not searched for:
	// timestamps hold such runs).
	var audit []byte
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		audit, _ = os.ReadFile(filepath.Join(g.dir, "audit.log"))
		if bytes.Count(audit, []byte(`"kind":"admin_login"`)) >= 4 || time.Now().After(deadline) {
			break
		}
	}
	if !bytes.Contains(audit, []byte(`"kind":"admin_login","client_ip":"127.0.0.1","operator":"carol","result":"ok"`)) ||
		!bytes.Contains(audit, []byte(`"result":"denied"`)) {
		t.Fatalf("audit log:\n%s", audit)
	}
	for _, s := range []string{password, "wrong password!", lr.Token} {
		if bytes.Contains(audit, []byte(s)) || strings.Contains(g.Output(), s) {
			t.Errorf("%q is in the audit log or the output", s)
		}
	}
}
