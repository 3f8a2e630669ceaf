package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/control/audit"
	"github.com/wardgate/ward/engine/control/console"
	"github.com/wardgate/ward/engine/control/operator"
)

const carolPassword = "carol's long password"

// opEnv is a console with one operator, carol, on an operators file, and
// a clock of its own for the operator's TOTP codes.
type opEnv struct {
	*env
	ops    *operator.Authenticator
	file   string
	key    []byte
	clk    *clock
	events *events
}

type events struct {
	mu sync.Mutex
	l  []string
}

func (e *events) Event(kind string, _ time.Time, fields any) error {
	b, _ := json.Marshal(fields)
	e.mu.Lock()
	e.l = append(e.l, kind+" "+string(b))
	e.mu.Unlock()
	return nil
}

func startOps(t *testing.T, tok string, o console.Options) *opEnv {
	t.Helper()
	file := filepath.Join(t.TempDir(), "operators.toml")
	secret, err := operator.Add(file, "carol", carolPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := operator.Add(file, "dave", "dave's long password"); err != nil {
		t.Fatal(err)
	}
	list, err := operator.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	ops, err := operator.NewAuthenticator(list, operator.Options{File: file, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	ev := &events{}
	o.Operators, o.Events = ops, ev
	key, _ := operator.DecodeSecret(secret)
	return &opEnv{env: start(t, tok, o), ops: ops, file: file, key: key, clk: clk, events: ev}
}

// code is carol's current TOTP code; next moves the clock one step on
// first (a code is accepted once).
func (e *opEnv) code() string { return operator.TOTP(e.key, e.clk.now(), operator.TOTPDigits) }
func (e *opEnv) next() string { e.clk.add(operator.TOTPStep); return e.code() }

func (e *opEnv) opLogin(t *testing.T, name, pw, code string) (*http.Response, string, *http.Cookie) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"operator": name, "password": pw, "totp": code})
	resp, body := e.do(t, req{method: "POST", path: "/console/api/login", body: string(b), csrf: true})
	for _, c := range resp.Cookies() {
		if c.Name == console.CookieName && c.Value != "" {
			return resp, body, c
		}
	}
	return resp, body, nil
}

func TestOperatorLogin(t *testing.T) {
	e := startOps(t, token, console.Options{})
	if _, body := e.do(t, req{method: "GET", path: "/console/api/auth"}); body != `{"token":true,"operators":true,"token_set":true}`+"\n" {
		t.Errorf("auth = %s", body)
	}
	for _, tc := range []struct{ name, op, pw, code string }{
		{"wrong code", "carol", carolPassword, operator.HOTP(e.key, operator.Step(e.clk.now())+5, 6)},
		{"wrong password", "carol", carolPassword + "x", e.code()},
		{"unknown operator", "mallory", carolPassword, e.code()},
		{"no code", "carol", carolPassword, ""},
	} {
		if resp, body, c := e.opLogin(t, tc.op, tc.pw, tc.code); resp.StatusCode != 401 || c != nil || !strings.Contains(body, "wrong operator, password or code") {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, body)
		}
	}
	// Token and operator at once, or neither: a bad request.
	for _, body := range []string{`{"token":"` + token + `","operator":"carol"}`, `{}`} {
		if resp, _ := e.do(t, req{method: "POST", path: "/console/api/login", body: body, csrf: true}); resp.StatusCode != 400 {
			t.Errorf("login %s: %d, want 400", body, resp.StatusCode)
		}
	}
	// The failures above were counted per address by the console too: a
	// wrong token makes five, and the next login is refused even with the
	// right credentials; a minute later it works.
	if resp, _ := e.login(t, "wrong"); resp.StatusCode != 401 {
		t.Fatalf("wrong token: %d", resp.StatusCode)
	}
	if resp, _, _ := e.opLogin(t, "carol", carolPassword, e.code()); resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("past the console's failure limit: %d", resp.StatusCode)
	}
	e.clock.add(61 * time.Second)
	code := e.code()
	resp, body, c := e.opLogin(t, "carol", carolPassword, code)
	if resp.StatusCode != 200 || c == nil || !strings.Contains(body, `"operator":"carol"`) || !strings.Contains(body, `"admin":false`) || !c.HttpOnly {
		t.Fatalf("login: %d %s %v", resp.StatusCode, body, c)
	}
	// The code is used up: a second login with it is refused.
	if resp, _, c2 := e.opLogin(t, "carol", carolPassword, code); resp.StatusCode != 401 || c2 != nil {
		t.Errorf("replayed code: %d", resp.StatusCode)
	}
	if _, body := e.do(t, req{method: "GET", path: "/console/api/session", cookie: c}); !strings.Contains(body, `"operator":"carol"`) {
		t.Errorf("session = %s", body)
	}
	// Her actions through the admin API are audited with her name.
	if resp, body := e.do(t, req{method: "POST", path: "/reload", cookie: c, csrf: true, origin: e.base}); resp.StatusCode != 200 {
		t.Fatalf("reload: %d %s", resp.StatusCode, body)
	}
	if got := e.audit.list(); !slices.Contains(got, "carol reload ok") {
		t.Errorf("audited %q, want carol's reload", got)
	}
	// A token login is still a session of its own, audited as the console.
	_, tc := e.login(t, token)
	e.do(t, req{method: "POST", path: "/reload", cookie: tc, csrf: true})
	if got := e.audit.list(); got[len(got)-1] != "console reload ok" {
		t.Errorf("token session audited as %q", got[len(got)-1])
	}
	// Logins were recorded, passwords and codes never.
	e.events.mu.Lock()
	all := strings.Join(e.events.l, "\n")
	e.events.mu.Unlock()
	for _, want := range []string{`"operator":"carol","result":"denied","via":"console"`, `"operator":"carol","result":"ok","via":"console"`, `"operator":"console","result":"ok"`} {
		if !strings.Contains(all, want) {
			t.Errorf("login events lack %s:\n%s", want, all)
		}
	}
	if strings.Contains(all, carolPassword) || strings.Contains(all, code) {
		t.Errorf("a login event holds a secret:\n%s", all)
	}
	// Logout ends carol's session.
	e.do(t, req{method: "POST", path: "/console/api/logout", cookie: c, csrf: true})
	if resp, _ := e.do(t, req{method: "GET", path: "/guards", cookie: c}); resp.StatusCode != 401 {
		t.Errorf("after logout: %d", resp.StatusCode)
	}
}

func TestTokenLoginOff(t *testing.T) {
	e := startOps(t, token, console.Options{NoTokenLogin: true})
	if _, body := e.do(t, req{method: "GET", path: "/console/api/auth"}); !strings.Contains(body, `"token":false,"operators":true`) {
		t.Errorf("auth = %s", body)
	}
	if resp, c := e.login(t, token); resp.StatusCode != 403 || c != nil {
		t.Errorf("token login when turned off: %d", resp.StatusCode)
	}
	// The token still works as a bearer token (CLI, automation).
	if resp, _ := e.do(t, req{method: "GET", path: "/guards", bearer: token}); resp.StatusCode != 200 {
		t.Errorf("bearer token: %d", resp.StatusCode)
	}
	if resp, _, c := e.opLogin(t, "carol", carolPassword, e.code()); resp.StatusCode != 200 || c == nil {
		t.Errorf("operator login: %d", resp.StatusCode)
	}
	// Without a token at all (operators only) the token form is off too.
	o := startOps(t, "", console.Options{})
	if _, body := o.do(t, req{method: "GET", path: "/console/api/auth"}); !strings.Contains(body, `"token":false,"operators":true,"token_set":true`) {
		t.Errorf("operators only: auth = %s", body)
	}
	if resp, _ := o.login(t, "anything"); resp.StatusCode != 403 {
		t.Errorf("token login without a token: %d", resp.StatusCode)
	}
}

type enrolAnswer struct {
	Operator, Secret, URI string
	QRSVG                 string `json:"qr_svg"`
}

func (e *opEnv) enrol(t *testing.T, c *http.Cookie, body string) (*http.Response, enrolAnswer, string) {
	t.Helper()
	resp, raw := e.do(t, req{method: "POST", path: "/console/api/enrol", cookie: c, csrf: true, body: body})
	var a enrolAnswer
	if resp.StatusCode == 200 {
		if err := json.Unmarshal([]byte(raw), &a); err != nil {
			t.Fatal(err)
		}
	}
	return resp, a, raw
}

func TestEnrol(t *testing.T) {
	e := startOps(t, token, console.Options{})
	loginCode := e.code()
	_, _, c := e.opLogin(t, "carol", carolPassword, loginCode)
	if c == nil {
		t.Fatal("no login")
	}
	cred := func(pw, code string) string {
		b, _ := json.Marshal(map[string]string{"password": pw, "totp": code})
		return string(b)
	}
	// The current credentials are required: password and a fresh code
	// (the one of the login is used up).
	for _, tc := range []struct{ name, body string }{
		{"used code", cred(carolPassword, loginCode)},
		{"wrong password", cred("nope", e.next())},
		{"no code", cred(carolPassword, "")},
	} {
		if resp, _, raw := e.enrol(t, c, tc.body); resp.StatusCode != 401 {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, raw)
		}
	}
	// Not for another operator, nor without a console session (bearer),
	// nor without the CSRF header.
	if resp, _, _ := e.enrol(t, c, `{"operator":"dave","password":"x","totp":"123456"}`); resp.StatusCode != 403 {
		t.Errorf("enrolling dave as carol: %d", resp.StatusCode)
	}
	if resp, _ := e.do(t, req{method: "POST", path: "/console/api/enrol", bearer: token, body: cred(carolPassword, e.next())}); resp.StatusCode != 401 {
		t.Errorf("enrol with a bearer token: %d", resp.StatusCode)
	}
	if resp, _ := e.do(t, req{method: "POST", path: "/console/api/enrol", cookie: c, body: cred(carolPassword, e.next())}); resp.StatusCode != 401 {
		t.Errorf("enrol without %s: %d", console.CSRFHeader, resp.StatusCode)
	}
	e.clk.add(5 * time.Minute) // past the operator's failure window
	oldKey := e.key
	resp, a, raw := e.enrol(t, c, cred(carolPassword, e.next()))
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("enrol: %d %s", resp.StatusCode, raw)
	}
	if a.Operator != "carol" || !strings.HasPrefix(a.URI, "otpauth://totp/Ward:carol?") || !strings.Contains(a.URI, "secret="+a.Secret) {
		t.Fatalf("enrolment %+v", a)
	}
	// The QR code is the URI.
	if got := console.DecodeQRSVG(t, a.QRSVG); got != a.URI {
		t.Fatalf("QR code decodes to %q, want %q", got, a.URI)
	}
	newKey, _ := operator.DecodeSecret(a.Secret)
	confirm := func(code string) (*http.Response, string) {
		return e.do(t, req{method: "POST", path: "/console/api/enrol/confirm", cookie: c, csrf: true, body: `{"totp":"` + code + `"}`})
	}
	e.clk.add(operator.TOTPStep)
	if resp, raw := confirm(operator.TOTP(oldKey, e.clk.now(), 6)); resp.StatusCode != 401 {
		t.Fatalf("confirm with the old secret's code: %d %s", resp.StatusCode, raw)
	}
	// Only the session that began the enrolment confirms it.
	_, tc := e.login(t, token)
	if resp, _ := e.do(t, req{method: "POST", path: "/console/api/enrol/confirm", cookie: tc, csrf: true, body: `{"totp":"` + operator.TOTP(newKey, e.clk.now(), 6) + `"}`}); resp.StatusCode != 404 {
		t.Errorf("confirm from another session: %d", resp.StatusCode)
	}
	if resp, raw := confirm(operator.TOTP(newKey, e.clk.now(), 6)); resp.StatusCode != 200 {
		t.Fatalf("confirm: %d %s", resp.StatusCode, raw)
	}
	if resp, _ := confirm(operator.TOTP(newKey, e.clk.now(), 6)); resp.StatusCode != 404 {
		t.Errorf("second confirm: %d", resp.StatusCode)
	}
	// The file has the new secret; the old one no longer logs in.
	if list, _ := operator.Load(e.file); list[0].TOTPSecret != a.Secret {
		t.Errorf("the file keeps %s", list[0].TOTPSecret)
	}
	e.clk.add(operator.TOTPStep)
	if resp, _, _ := e.opLogin(t, "carol", carolPassword, operator.TOTP(oldKey, e.clk.now(), 6)); resp.StatusCode != 401 {
		t.Errorf("login with the old secret: %d", resp.StatusCode)
	}
	if resp, _, _ := e.opLogin(t, "carol", carolPassword, operator.TOTP(newKey, e.clk.now(), 6)); resp.StatusCode != 200 {
		t.Errorf("login with the new secret: %d", resp.StatusCode)
	}
	var mine []string
	for _, a := range e.audit.list() {
		if strings.HasPrefix(a, "carol totp_") {
			mine = append(mine, a)
		}
	}
	if want := []string{"carol totp_enrol refused", "carol totp_enrol refused", "carol totp_enrol refused", "carol totp_enrol refused",
		"carol totp_enrol ok", "carol totp_confirm refused", "carol totp_confirm ok"}; fmt.Sprint(mine) != fmt.Sprint(want) {
		t.Errorf("audited %q\nwant     %q", mine, want)
	}
}

func TestAdminResetsOperator(t *testing.T) {
	e := startOps(t, token, console.Options{})
	_, _, carol := e.opLogin(t, "carol", carolPassword, e.code())
	_, adm := e.login(t, token)
	if resp, _, _ := e.enrol(t, adm, `{"operator":"carol","admin_token":"wrong"}`); resp.StatusCode != 401 {
		t.Errorf("reset with a wrong token: %d", resp.StatusCode)
	}
	if resp, _, _ := e.enrol(t, adm, `{"operator":"mallory","admin_token":"`+token+`"}`); resp.StatusCode != 404 {
		t.Errorf("reset of an unknown operator: %d", resp.StatusCode)
	}
	resp, a, raw := e.enrol(t, adm, `{"operator":"carol","admin_token":"`+token+`"}`)
	if resp.StatusCode != 200 || a.Operator != "carol" {
		t.Fatalf("reset: %d %s", resp.StatusCode, raw)
	}
	if got := console.DecodeQRSVG(t, a.QRSVG); got != a.URI {
		t.Fatalf("QR code decodes to %q", got)
	}
	key, _ := operator.DecodeSecret(a.Secret)
	if resp, raw := e.do(t, req{method: "POST", path: "/console/api/enrol/confirm", cookie: adm, csrf: true, body: `{"totp":"` + operator.TOTP(key, e.clk.now(), 6) + `"}`}); resp.StatusCode != 200 {
		t.Fatalf("confirm: %d %s", resp.StatusCode, raw)
	}
	// Carol's console session (on the old device, perhaps) ended.
	if resp, _ := e.do(t, req{method: "GET", path: "/console/api/session", cookie: carol}); resp.StatusCode != 401 {
		t.Errorf("carol's session after the reset: %d", resp.StatusCode)
	}
	if got := e.audit.list(); !slices.Contains(got, "console totp_reset ok") || !slices.Contains(got, "console totp_confirm ok") {
		t.Errorf("audited %q", got)
	}
}

func TestReport(t *testing.T) {
	var from, to time.Time
	e := start(t, token, console.Options{Report: func(f, tt time.Time) (*audit.Report, error) {
		from, to = f, tt
		return &audit.Report{Requests: 7, Denied: 2, Chain: "verified", Admin: []audit.OperatorCounts{{Operator: "carol", Total: 1}}}, nil
	}})
	for _, tc := range []struct {
		q    string
		span time.Duration
	}{{"", 24 * time.Hour}, {"?window=1h", time.Hour}, {"?window=7d", 7 * 24 * time.Hour}} {
		resp, body := e.do(t, req{method: "GET", path: "/console/api/report" + tc.q, bearer: token})
		if resp.StatusCode != 200 || !strings.Contains(body, `"requests": 7`) && !strings.Contains(body, `"requests":7`) || !strings.Contains(body, `"carol"`) {
			t.Errorf("report%s: %d %s", tc.q, resp.StatusCode, body)
		}
		if to.Sub(from) != tc.span || !to.Equal(e.clock.now()) {
			t.Errorf("report%s: from %v to %v", tc.q, from, to)
		}
	}
	for _, q := range []string{"?window=2h", "?window=24"} {
		if resp, _ := e.do(t, req{method: "GET", path: "/console/api/report" + q, bearer: token}); resp.StatusCode != 400 {
			t.Errorf("report%s: %d, want 400", q, resp.StatusCode)
		}
	}
	if resp, _ := e.do(t, req{method: "GET", path: "/console/api/report"}); resp.StatusCode != 401 {
		t.Errorf("report without credentials: %d", resp.StatusCode)
	}
	// Without an audit file there is nothing to report on.
	n := start(t, token, console.Options{})
	if resp, _ := n.do(t, req{method: "GET", path: "/console/api/report", bearer: token}); resp.StatusCode != 404 {
		t.Errorf("no report function: %d", resp.StatusCode)
	}
}
