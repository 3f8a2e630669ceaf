package admin_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/control/internal/ctltest"
)

type auditRec struct {
	mu sync.Mutex
	a  []admin.Action
}

func (r *auditRec) AdminAction(a *admin.Action) { r.mu.Lock(); r.a = append(r.a, *a); r.mu.Unlock() }

func (r *auditRec) last(t *testing.T) admin.Action {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.a) == 0 {
		t.Fatal("no admin action audited")
	}
	return r.a[len(r.a)-1]
}

// startOps serves a gateway whose guard swap (v1, allows) has candidate
// v2 (denies), with the admin API (token tok, modules in moduleDir).
func startOps(t *testing.T, tok, moduleDir string) (*ctltest.Env, string, *auditRec) {
	return startOpsMax(t, tok, moduleDir, 0)
}

func startOpsMax(t *testing.T, tok, moduleDir string, maxModule int64) (*ctltest.Env, string, *auditRec) {
	t.Helper()
	e := ctltest.Start(t, map[string][]byte{
		"swap.wasm": ctltest.Fixture(t, "swap_v1"),
		"cand.wasm": ctltest.Fixture(t, "swap_v2"),
		"ward.toml": []byte(ctltest.Config("{{UPSTREAM}}", "[guards.swap]\npath = \"swap.wasm\"\ncandidate = \"cand.wasm\"\npool_size = 2\n", `"swap"`)),
	}, nil)
	reg := prometheus.NewRegistry()
	if err := e.Metrics.Register(reg); err != nil {
		t.Fatal(err)
	}
	rec := &auditRec{}
	srv := admin.New(admin.Options{Reloader: e.Reloader, Metrics: e.Metrics, Gatherer: reg, Token: tok, ModuleDir: moduleDir, MaxModuleSize: maxModule, Audit: rec})
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = srv.Serve(ctx, ln); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return e, "http://" + ln.Addr().String(), rec
}

func post(t *testing.T, url, tok string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
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

func TestGuardsCandidateRoutes(t *testing.T) {
	e, base, _ := startOps(t, token, "")
	for range 2 {
		if st, _, _ := e.Chat("hi"); st != 200 {
			t.Fatalf("status %d", st)
		}
	}
	var list struct {
		Guards []admin.Guard
		Routes []admin.Route
	}
	st, body := call(t, "GET", base+"/guards", token)
	if err := json.Unmarshal([]byte(body), &list); st != 200 || err != nil {
		t.Fatal(st, err, body)
	}
	sum := sha256.Sum256(ctltest.Fixture(t, "swap_v2"))
	c := list.Guards[0].Candidate
	if c == nil || c.Path != "cand.wasm" || c.Version != "2.0.0" || c.SHA256 != hex.EncodeToString(sum[:]) ||
		c.Calls != 4 || c.Disagreements != 2 || c.DisagreementRate != 0.5 {
		t.Fatalf("candidate %+v", c)
	}
	if list.Guards[0].Overridden == nil || len(list.Guards[0].Overridden) != 0 || !strings.Contains(body, `"overridden": []`) {
		t.Fatalf("overridden %v", list.Guards[0].Overridden)
	}
	if len(list.Routes) != 1 || list.Routes[0].Name != "llm" || list.Routes[0].Prefix != "/v1/" || strings.Join(list.Routes[0].Guards, ",") != "swap" {
		t.Fatalf("routes %+v", list.Routes)
	}
	_, metrics := call(t, "GET", base+"/metrics", token)
	for _, want := range []string{`ward_guard_candidate_calls_total{guard="swap"} 4`, `ward_guard_candidate_disagreements_total{guard="swap"} 2`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestPromoteModeEndpoints(t *testing.T) {
	e, base, rec := startOps(t, token, "")
	for _, c := range []struct {
		path, body string
		tok        string
		want       int
		result     string
	}{
		{"/promote", `{"guard":"swap"}`, "", 401, "refused"},
		{"/mode", `{"guard":"swap","mode":"observe"}`, "bad", 401, "refused"},
		{"/promote", `{"guard":"nope"}`, token, 404, "refused"},
		{"/promote", `{"name":"swap"}`, token, 400, "refused"},
		{"/promote", `not json`, token, 400, "refused"},
		{"/mode", `{"guard":"swap","mode":"shadow"}`, token, 400, "refused"},
		{"/mode", `{"guard":"nope","mode":"observe"}`, token, 404, "refused"},
		{"/promote", `{"guard":"swap"}`, token, 200, "ok"},
		{"/promote", `{"guard":"swap"}`, token, 409, "refused"},
	} {
		st, body := post(t, base+c.path, c.tok, []byte(c.body))
		if st != c.want {
			t.Fatalf("%s %s: %d, want %d: %s", c.path, c.body, st, c.want, body)
		}
		a := rec.last(t)
		wantOp := "token"
		if c.want == 401 {
			wantOp = ""
		}
		if a.Result != c.result || a.Operator != wantOp || a.Action != strings.TrimPrefix(c.path, "/") || a.Remote == "" {
			t.Fatalf("%s %s: audited %+v", c.path, c.body, a)
		}
	}
	if st, _, _ := e.Chat("hi"); st != 403 {
		t.Fatalf("promoted v2 not live: %d", st)
	}
	a := rec.last(t)
	if a.Target != "swap" || a.Error == "" {
		t.Fatalf("409 audit %+v", a)
	}
	if st, body := post(t, base+"/mode", token, []byte(`{"guard":"swap","mode":"observe"}`)); st != 200 || !strings.Contains(body, `"trigger": "mode"`) {
		t.Fatalf("mode: %d %s", st, body)
	}
	if st, _, _ := e.Chat("hi"); st != 200 {
		t.Fatalf("observe mode denies: %d", st)
	}
	if a := rec.last(t); a.Result != "ok" || a.Generation != 3 || a.Target != "swap" {
		t.Fatalf("mode audit %+v", a)
	}
	_, body := call(t, "GET", base+"/guards", token)
	if !strings.Contains(body, `"overridden": [
        "path",
        "candidate",
        "mode"
      ]`) || !strings.Contains(body, `"candidate": null`) {
		t.Fatalf("guards after promote and mode: %s", body)
	}
	_, body = call(t, "GET", base+"/status", token)
	if !strings.Contains(body, `"overrides": [`) || !strings.Contains(body, `"operator": "token"`) {
		t.Fatalf("status %s", body)
	}

	var sw admin.Swaps
	st, body := call(t, "GET", base+"/swaps", token)
	if err := json.Unmarshal([]byte(body), &sw); st != 200 || err != nil {
		t.Fatal(st, err)
	}
	if len(sw.Swaps) != 3 || sw.Swaps[0].Trigger != "mode" || sw.Swaps[1].Trigger != "promote" || sw.Swaps[2].Trigger != "start" ||
		sw.LastKnownGood != 2 || sw.Swaps[0].Operator != "token" || sw.Swaps[0].Duration <= 0 || !sw.Swaps[0].OK {
		t.Fatalf("swaps %s", body)
	}
	if st, _ := call(t, "GET", base+"/swaps", ""); st != 401 {
		t.Fatalf("swaps without token: %d", st)
	}
}

func TestUpload(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "modules")
	e, base, rec := startOps(t, "", dir)
	v2 := ctltest.Fixture(t, "swap_v2")
	sum := sha256.Sum256(v2)
	hexSum := hex.EncodeToString(sum[:])
	loop := ctltest.Fixture(t, "swap_loop")
	lsum := sha256.Sum256(loop)
	lhex := hex.EncodeToString(lsum[:])
	for _, c := range []struct {
		query string
		body  []byte
		want  int
	}{
		{"guard=swap&sha256=" + hexSum, v2[:len(v2)-1], 400}, // mismatch
		{"guard=swap&sha256=abc", v2, 400},
		{"guard=swap&sha256=" + hexSum + "&as=both", v2, 400},
		{"guard=nope&sha256=" + hexSum, v2, 404},
		{"guard=swap&sha256=" + lhex + "&as=guard", loop, 422},
		{"guard=swap&sha256=" + strings.ToUpper(hexSum), v2, 200},
	} {
		st, body := post(t, base+"/modules?"+c.query, "", c.body)
		if st != c.want {
			t.Fatalf("%s: %d, want %d: %s", c.query, st, c.want, body)
		}
		if a := rec.last(t); a.Action != "upload" || a.Operator != "loopback" {
			t.Fatalf("audit %+v", a)
		}
	}
	if a := rec.last(t); a.Result != "ok" {
		t.Fatalf("audit %+v", a)
	}
	stored := filepath.Join(dir, hexSum+".wasm")
	if b, err := os.ReadFile(stored); err != nil || !bytes.Equal(b, v2) {
		t.Fatalf("stored module: %v", err)
	}
	en := e.Reloader.Current().Entries()[0]
	if en.CandidatePath != stored || en.Candidate.Version() != "2.0.0" || en.Guard.Version() != "1.0.0" {
		t.Fatalf("entry %+v", en)
	}
	if st, _, _ := e.Chat("hi"); st != 200 {
		t.Fatalf("candidate applied: %d", st)
	}
	if st, body := post(t, base+"/modules?as=guard&guard=swap&sha256="+hexSum, "", v2); st != 200 {
		t.Fatalf("as guard: %d %s", st, body)
	}
	if st, _, _ := e.Chat("hi"); st != 403 {
		t.Fatalf("uploaded guard not live: %d", st)
	}
	entries, _ := os.ReadDir(dir)
	for _, de := range entries {
		if strings.HasPrefix(de.Name(), ".upload-") {
			t.Errorf("temporary file left: %s", de.Name())
		}
	}
}

func TestUploadTooLarge(t *testing.T) {
	dir := t.TempDir()
	_, base, rec := startOpsMax(t, "", dir, 100)
	big := bytes.Repeat([]byte{1}, 101)
	sum := sha256.Sum256(big)
	if st, body := post(t, base+"/modules?guard=swap&sha256="+hex.EncodeToString(sum[:]), "", big); st != 413 {
		t.Fatalf("too large: %d %s", st, body)
	}
	if a := rec.last(t); a.Result != "refused" {
		t.Fatalf("audit %+v", a)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("stored %d files", len(entries))
	}
}

func TestUploadOff(t *testing.T) {
	_, base, rec := startOps(t, token, "")
	if st, body := post(t, base+"/modules?guard=swap&sha256="+strings.Repeat("a", 64), token, []byte("x")); st != 403 {
		t.Fatalf("uploads without module_dir: %d %s", st, body)
	}
	if a := rec.last(t); a.Result != "refused" || a.Action != "upload" {
		t.Fatalf("audit %+v", a)
	}
}
