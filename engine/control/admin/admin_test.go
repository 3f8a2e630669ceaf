package admin_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/control/internal/ctltest"
)

const token = "s3cret-admin-token"

func start(t *testing.T, tok string) (*ctltest.Env, string) {
	t.Helper()
	e := ctltest.Start(t, map[string][]byte{
		"swap.wasm": ctltest.Fixture(t, "swap_v1"),
		"ward.toml": []byte(ctltest.Config("{{UPSTREAM}}", "[guards.swap]\npath = \"swap.wasm\"\npool_size = 2\n", `"swap"`)),
	}, nil)
	reg := prometheus.NewRegistry()
	if err := e.Metrics.Register(reg); err != nil {
		t.Fatal(err)
	}
	srv := admin.New(admin.Options{Reloader: e.Reloader, Metrics: e.Metrics, Gatherer: reg, Token: tok})
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return e, "http://" + ln.Addr().String()
}

func call(t *testing.T, method, url, tok string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
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

func TestToken(t *testing.T) {
	_, base := start(t, token)
	for _, c := range []struct {
		method, path, tok string
		want              int
	}{
		{"GET", "/healthz", "", 200},
		{"GET", "/readyz", "", 200},
		{"GET", "/guards", "", 401},
		{"GET", "/guards", "wrong", 401},
		{"GET", "/guards", token + "x", 401},
		{"GET", "/guards", token, 200},
		{"GET", "/metrics", "", 401},
		{"GET", "/metrics", token, 200},
		{"POST", "/reload", "", 401},
		{"POST", "/rollback", "nope", 401},
		{"GET", "/status", token, 200},
		{"GET", "/reload", token, 405},
	} {
		if got, body := call(t, c.method, base+c.path, c.tok); got != c.want {
			t.Errorf("%s %s (token %q): %d, want %d: %s", c.method, c.path, c.tok, got, c.want, body)
		}
	}
}

func TestListenRefusesOpenAddressWithoutToken(t *testing.T) {
	srv := admin.New(admin.Options{})
	if _, err := srv.Listen("0.0.0.0:0"); !errors.Is(err, admin.ErrNoToken) {
		t.Fatalf("got %v", err)
	}
	if _, err := srv.Listen(":0"); !errors.Is(err, admin.ErrNoToken) {
		t.Fatalf("got %v", err)
	}
	ln, err := admin.New(admin.Options{Token: "t"}).Listen("0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
}

func TestGuardsReloadRollback(t *testing.T) {
	e, base := start(t, "")
	for range 5 {
		if st, _, err := e.Chat("hi"); err != nil || st != 200 {
			t.Fatal(st, err)
		}
	}
	var list struct {
		Generation int
		Guards     []admin.Guard
	}
	st, body := call(t, "GET", base+"/guards", "")
	if err := json.Unmarshal([]byte(body), &list); st != 200 || err != nil {
		t.Fatal(st, err, body)
	}
	sum := sha256.Sum256(ctltest.Fixture(t, "swap_v1"))
	g := list.Guards
	if len(g) != 1 || g[0].Name != "swap" || g[0].Version != "1.0.0" || g[0].SHA256 != hex.EncodeToString(sum[:]) ||
		g[0].Mode != "enforce" || g[0].PoolSize != 2 || g[0].Instances != 1 || g[0].InUse != 0 || g[0].Calls != 10 || g[0].Errors != 0 || g[0].P50us <= 0 || g[0].P99us < g[0].P50us ||
		g[0].Waits != 0 || g[0].WaitSeconds != 0 { // one request at a time: no call waited
		t.Fatalf("guards %+v", g)
	}

	if st, body := call(t, "POST", base+"/rollback", ""); st != 409 {
		t.Fatalf("rollback without previous: %d %s", st, body)
	}
	e.Write("swap.wasm", ctltest.Fixture(t, "swap_v2"))
	if st, body := call(t, "POST", base+"/reload", ""); st != 200 || !strings.Contains(body, `"swap@2.0.0"`) {
		t.Fatalf("reload: %d %s", st, body)
	}
	if st, _, _ := e.Chat("hi"); st != 403 {
		t.Fatalf("v2 not live: %d", st)
	}
	e.Write("swap.wasm", []byte("broken"))
	st, body = call(t, "POST", base+"/reload", "")
	if st != 422 || !strings.Contains(body, `"ok": false`) || !strings.Contains(body, "guards.swap") {
		t.Fatalf("broken reload: %d %s", st, body)
	}
	_, body = call(t, "GET", base+"/status", "")
	if !strings.Contains(body, `"last_failure"`) || !strings.Contains(body, `"generation": 2`) {
		t.Fatalf("status %s", body)
	}
	if st, body := call(t, "POST", base+"/rollback", ""); st != 200 || !strings.Contains(body, `"swap@1.0.0"`) {
		t.Fatalf("rollback: %d %s", st, body)
	}
	if st, _, _ := e.Chat("hi"); st != 200 {
		t.Fatalf("v1 not live after rollback: %d", st)
	}
	_, body = call(t, "GET", base+"/metrics", "")
	for _, want := range []string{`ward_requests_total{route="llm",status="200"} 6`, `ward_requests_total{route="llm",status="403"} 1`,
		`ward_reloads_total{result="failed"} 1`, `ward_guard_latency_seconds_bucket{guard="swap",le="+Inf"} 13`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestReadyz(t *testing.T) {
	e, base := start(t, "")
	if st, _ := call(t, "GET", base+"/readyz", ""); st != 200 {
		t.Fatal(st)
	}
	_ = e.Reloader.Close(context.Background())
	if st, _ := call(t, "GET", base+"/readyz", ""); st != 503 {
		t.Fatalf("after close: %d", st)
	}
	if st, _ := call(t, "GET", base+"/healthz", ""); st != 200 {
		t.Fatalf("healthz: %d", st)
	}
}
