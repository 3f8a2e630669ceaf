package console_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/control"
	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/control/console"
	"github.com/wardgate/ward/engine/control/internal/ctltest"
)

const token = "s3cret-admin-token"

// auditor keeps the admin API's audited actions.
type auditor struct {
	mu sync.Mutex
	a  []admin.Action
}

func (a *auditor) AdminAction(x *admin.Action) { a.mu.Lock(); a.a = append(a.a, *x); a.mu.Unlock() }

func (a *auditor) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, x := range a.a {
		out = append(out, x.Operator+" "+x.Action+" "+x.Result)
	}
	return out
}

type env struct {
	audit   *auditor
	gw      *ctltest.Env
	base    string
	rec     *console.Recorder
	con     *console.Console
	clock   *clock
	handler http.Handler
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// start runs a gateway (one allow-all guard) whose records feed a
// recorder, and the admin API with the console on a loopback port.
func start(t *testing.T, tok string, o console.Options) *env {
	t.Helper()
	rec := console.NewRecorder(0)
	gw := ctltest.Start(t, map[string][]byte{
		"swap.wasm": ctltest.Fixture(t, "swap_v1"),
		"ward.toml": []byte(ctltest.Config("{{UPSTREAM}}", "[guards.swap]\npath = \"swap.wasm\"\n", `"swap"`)),
	}, nil)
	gw.Server.SetObserver(control.Tee{gw.Metrics, rec}, false)
	clk := &clock{t: time.Now()}
	aud := &auditor{}
	o.Recorder, o.Now, o.Audit = rec, clk.now, aud
	con := console.New(o)
	srv := admin.New(admin.Options{Reloader: gw.Reloader, Metrics: gw.Metrics, Token: tok, Console: con, Audit: aud, Operators: o.Operators})
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return &env{audit: aud, gw: gw, base: "http://" + ln.Addr().String(), rec: rec, con: con, clock: clk, handler: srv.Handler()}
}

type req struct {
	method, path string
	body         string
	bearer       string
	cookie       *http.Cookie
	csrf         bool
	origin       string
}

func (e *env) do(t *testing.T, r req) (*http.Response, string) {
	t.Helper()
	hr, _ := http.NewRequest(r.method, e.base+r.path, strings.NewReader(r.body))
	if r.bearer != "" {
		hr.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.cookie != nil {
		hr.AddCookie(r.cookie)
	}
	if r.csrf {
		hr.Header.Set(console.CSRFHeader, "1")
	}
	if r.origin != "" {
		hr.Header.Set("Origin", r.origin)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (e *env) login(t *testing.T, tok string) (*http.Response, *http.Cookie) {
	t.Helper()
	resp, body := e.do(t, req{method: "POST", path: "/console/api/login", body: `{"token":"` + tok + `"}`, csrf: true})
	for _, c := range resp.Cookies() {
		if c.Name == console.CookieName {
			return resp, c
		}
	}
	if resp.StatusCode == 200 {
		t.Fatalf("login 200 without a cookie: %s", body)
	}
	return resp, nil
}

func TestAuth(t *testing.T) {
	e := start(t, token, console.Options{})

	// Without credentials: the page loads (login form), its API does not.
	for _, p := range []string{"/console/api/overview", "/console/api/decisions", "/console/api/events", "/console/api/session", "/guards", "/status"} {
		if resp, _ := e.do(t, req{method: "GET", path: p}); resp.StatusCode != 401 {
			t.Errorf("GET %s without credentials: %d, want 401", p, resp.StatusCode)
		}
	}
	if resp, body := e.do(t, req{method: "GET", path: "/console/"}); resp.StatusCode != 200 || !strings.Contains(body, `id="login-form"`) ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("GET /console/: %d %v", resp.StatusCode, resp.Header)
	}
	for _, p := range []string{"/console/app.js", "/console/app.css"} {
		if resp, _ := e.do(t, req{method: "GET", path: p}); resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := e.do(t, req{method: "GET", path: "/console/nope.js"}); resp.StatusCode != 404 {
		t.Errorf("unknown asset: %d", resp.StatusCode)
	}

	// The bearer token works for the console's API too.
	if resp, _ := e.do(t, req{method: "GET", path: "/console/api/overview", bearer: token}); resp.StatusCode != 200 {
		t.Errorf("overview with the token: %d", resp.StatusCode)
	}
	if resp, _ := e.do(t, req{method: "GET", path: "/console/api/overview", bearer: "wrong"}); resp.StatusCode != 401 {
		t.Errorf("overview with a wrong token: %d", resp.StatusCode)
	}

	// Login: wrong token, missing CSRF header, bad body, then right.
	if resp, c := e.login(t, "wrong"); resp.StatusCode != 401 || c != nil {
		t.Errorf("wrong token: %d %v", resp.StatusCode, c)
	}
	if resp, _ := e.do(t, req{method: "POST", path: "/console/api/login", body: `{"token":"` + token + `"}`}); resp.StatusCode != 403 {
		t.Errorf("login without %s: %d, want 403", console.CSRFHeader, resp.StatusCode)
	}
	if resp, _ := e.do(t, req{method: "POST", path: "/console/api/login", body: `{"token":"` + token + `"}`, csrf: true, origin: "https://evil.example"}); resp.StatusCode != 403 {
		t.Errorf("login from a foreign origin: %d, want 403", resp.StatusCode)
	}
	if resp, _ := e.do(t, req{method: "POST", path: "/console/api/login", body: `{"tokn":"x"}`, csrf: true}); resp.StatusCode != 400 {
		t.Errorf("login with an unknown field: %d, want 400", resp.StatusCode)
	}
	resp, c := e.login(t, token)
	if resp.StatusCode != 200 || c == nil {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	raw := resp.Header.Get("Set-Cookie")
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/" || c.MaxAge != 8*3600 || len(c.Value) < 40 ||
		!strings.Contains(raw, "HttpOnly") || !strings.Contains(raw, "SameSite=Strict") {
		t.Errorf("cookie %q", raw)
	}
	if _, c2 := e.login(t, token); c2 == nil || c2.Value == c.Value {
		t.Errorf("a second login got the same session id")
	}

	// The session works for the console's API and the admin API's GETs.
	for _, p := range []string{"/console/api/overview", "/console/api/decisions", "/console/api/session", "/guards", "/status"} {
		if resp, body := e.do(t, req{method: "GET", path: p, cookie: c}); resp.StatusCode != 200 {
			t.Errorf("GET %s with the session: %d %s", p, resp.StatusCode, body)
		}
	}
	// A forged or foreign cookie does not.
	if resp, _ := e.do(t, req{method: "GET", path: "/guards", cookie: &http.Cookie{Name: console.CookieName, Value: c.Value + "x"}}); resp.StatusCode != 401 {
		t.Errorf("forged session: %d", resp.StatusCode)
	}
	// A POST with the session needs the CSRF header and a same origin.
	if resp, _ := e.do(t, req{method: "POST", path: "/reload", cookie: c}); resp.StatusCode != 401 {
		t.Errorf("POST /reload with the cookie, no %s: %d, want 401", console.CSRFHeader, resp.StatusCode)
	}
	if resp, _ := e.do(t, req{method: "POST", path: "/reload", cookie: c, csrf: true, origin: "http://evil.example"}); resp.StatusCode != 401 {
		t.Errorf("POST /reload from a foreign origin: %d, want 401", resp.StatusCode)
	}
	if resp, body := e.do(t, req{method: "POST", path: "/reload", cookie: c, csrf: true, origin: e.base}); resp.StatusCode != 200 {
		t.Errorf("POST /reload with the session: %d %s", resp.StatusCode, body)
	}
	// Actions made with the session are audited as the console's.
	if got, want := e.audit.list(), []string{" reload refused", " reload refused", "console reload ok"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audited %q, want %q", got, want)
	}
	// A session does not stand in for a wrong bearer token.
	if resp, _ := e.do(t, req{method: "GET", path: "/guards", cookie: c, bearer: "wrong"}); resp.StatusCode != 401 {
		t.Errorf("wrong bearer with a session: %d, want 401", resp.StatusCode)
	}

	// Logout ends the session and clears the cookie.
	resp, _ = e.do(t, req{method: "POST", path: "/console/api/logout", cookie: c, csrf: true})
	if resp.StatusCode != 204 || !strings.Contains(resp.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("logout: %d %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
	if resp, _ := e.do(t, req{method: "GET", path: "/guards", cookie: c}); resp.StatusCode != 401 {
		t.Errorf("after logout: %d", resp.StatusCode)
	}
}

func TestSessionExpires(t *testing.T) {
	e := start(t, token, console.Options{SessionTTL: time.Hour})
	_, c := e.login(t, token)
	if c == nil || c.MaxAge != 3600 {
		t.Fatalf("cookie %+v", c)
	}
	e.clock.add(59 * time.Minute)
	if resp, _ := e.do(t, req{method: "GET", path: "/console/api/session", cookie: c}); resp.StatusCode != 200 {
		t.Errorf("before expiry: %d", resp.StatusCode)
	}
	e.clock.add(time.Minute)
	if resp, _ := e.do(t, req{method: "GET", path: "/console/api/session", cookie: c}); resp.StatusCode != 401 {
		t.Errorf("at expiry: %d, want 401", resp.StatusCode)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := start(t, token, console.Options{})
	for i := 0; i < 5; i++ {
		if resp, _ := e.login(t, "guess"); resp.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
	}
	// Past the limit even the right token waits.
	resp, c := e.login(t, token)
	if resp.StatusCode != 429 || c != nil || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("6th attempt: %d %v", resp.StatusCode, resp.Header)
	}
	e.clock.add(61 * time.Second)
	if resp, c := e.login(t, token); resp.StatusCode != 200 || c == nil {
		t.Errorf("after a minute: %d", resp.StatusCode)
	}
}

func TestSecureCookieOnTLS(t *testing.T) {
	gw := ctltest.Start(t, map[string][]byte{
		"swap.wasm": ctltest.Fixture(t, "swap_v1"),
		"ward.toml": []byte(ctltest.Config("{{UPSTREAM}}", "[guards.swap]\npath = \"swap.wasm\"\n", `"swap"`)),
	}, nil)
	srv := admin.New(admin.Options{Reloader: gw.Reloader, Token: token, Console: console.New(console.Options{})})
	ts := httptest.NewTLSServer(srv.Handler())
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	hr, _ := http.NewRequest("POST", ts.URL+"/console/api/login", strings.NewReader(`{"token":"`+token+`"}`))
	hr.Header.Set(console.CSRFHeader, "1")
	resp, err := client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if sc := resp.Header.Get("Set-Cookie"); resp.StatusCode != 200 || !strings.Contains(sc, "; Secure") {
		t.Errorf("TLS login: %d %q", resp.StatusCode, sc)
	}
}

func TestOverviewAndDecisionsAPI(t *testing.T) {
	e := start(t, token, console.Options{})
	for i := 0; i < 3; i++ {
		if code, _, err := e.gw.Chat("hello"); err != nil || code != 200 {
			t.Fatalf("chat: %d %v", code, err)
		}
	}
	e.clock.set(time.Now().Add(time.Second)) // the requests' second is complete
	resp, body := e.do(t, req{method: "GET", path: "/console/api/overview?seconds=5", bearer: token})
	var ov console.Overview
	if err := json.Unmarshal([]byte(body), &ov); err != nil || resp.StatusCode != 200 {
		t.Fatalf("overview: %d %v %s", resp.StatusCode, err, body)
	}
	if len(ov.Series) != 5 || ov.Minute.Requests != 3 || ov.Minute.Allowed != 3 || len(ov.Routes) != 1 || ov.Routes[0].Route != "llm" || ov.Routes[0].Health != "ok" {
		t.Errorf("overview = %s", body)
	}
	for _, q := range []string{"seconds=0", "seconds=x", "seconds=900"} {
		if resp, _ := e.do(t, req{method: "GET", path: "/console/api/overview?" + q, bearer: token}); resp.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", q, resp.StatusCode)
		}
	}
	for _, q := range []string{"limit=0", "limit=1001", "limit=x"} {
		if resp, _ := e.do(t, req{method: "GET", path: "/console/api/decisions?" + q, bearer: token}); resp.StatusCode != 400 {
			t.Errorf("%s: %d, want 400", q, resp.StatusCode)
		}
	}
	// The allow-all guard makes no decisions; the list is empty, not null.
	if _, body := e.do(t, req{method: "GET", path: "/console/api/decisions?route=llm&guard=swap&reason=x&identity=y&limit=10", bearer: token}); !strings.Contains(body, `"decisions":[]`) {
		t.Errorf("decisions = %s", body)
	}
}

func TestEvents(t *testing.T) {
	e := start(t, token, console.Options{MaxStreams: 2, Tick: 20 * time.Millisecond})
	_, c := e.login(t, token)
	open := func(cookie *http.Cookie) (*http.Response, *bufio.Reader) {
		hr, _ := http.NewRequest("GET", e.base+"/console/api/events", nil)
		if cookie != nil {
			hr.AddCookie(cookie)
		} else {
			hr.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp, bufio.NewReader(resp.Body)
	}
	event := func(r *bufio.Reader) (string, error) {
		var ev string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return ev, err
			}
			if line == "\n" {
				return ev, nil
			}
			ev += line
		}
	}
	resp, r1 := open(c)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("events: %d %v", resp.StatusCode, resp.Header)
	}
	for i := 0; i < 2; i++ {
		ev, err := event(r1)
		if err != nil || !strings.HasPrefix(ev, "event: overview\ndata: {\"now\":") {
			t.Fatalf("event %d: %q %v", i, ev, err)
		}
	}
	// A second stream of the same session ends the first, which is told.
	_, r2 := open(c)
	if _, err := event(r2); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	replaced := false
	for {
		ev, err := event(r1)
		replaced = replaced || strings.HasPrefix(ev, "event: replaced\n")
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		} else if time.Now().After(deadline) {
			t.Fatal("the first stream of the session did not end")
		}
	}
	if !replaced {
		t.Error("the replaced stream ended without its replaced event")
	}
	// Streams are capped: one more (bearer) fits, then 503.
	if resp, r3 := open(nil); resp.StatusCode != 200 {
		t.Fatalf("second stream: %d", resp.StatusCode)
	} else if _, err := event(r3); err != nil {
		t.Fatal(err)
	}
	if resp, _ := open(nil); resp.StatusCode != 503 {
		t.Errorf("third stream: %d, want 503", resp.StatusCode)
	}
	// Logout ends the session's stream, without a replaced event.
	e.do(t, req{method: "POST", path: "/console/api/logout", cookie: c, csrf: true})
	deadline = time.Now().Add(5 * time.Second)
	for {
		ev, err := event(r2)
		if strings.HasPrefix(ev, "event: replaced") {
			t.Error("logout sent replaced")
		}
		if err != nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatal("logout did not end the session's stream")
		}
	}
}

func TestNoToken(t *testing.T) {
	// Without a token (loopback only) the admin API and the console need
	// no login, as the rest of the admin API.
	e := start(t, "", console.Options{})
	if resp, _ := e.do(t, req{method: "GET", path: "/console/api/overview"}); resp.StatusCode != 200 {
		t.Errorf("overview: %d", resp.StatusCode)
	}
	if resp, body := e.do(t, req{method: "GET", path: "/console/api/session"}); resp.StatusCode != 200 || !strings.Contains(body, `"token_set":false`) {
		t.Errorf("session: %d %s", resp.StatusCode, body)
	}
}
