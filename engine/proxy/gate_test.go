package proxy

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// setGate refuses the addresses and subjects it holds.
type setGate struct {
	mu       sync.Mutex
	ips      map[string]bool
	subjects map[string]bool
}

func (g *setGate) RefuseIP(ip string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.ips[ip]
}

func (g *setGate) RefuseIdentity(ann []abi.KV) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, a := range ann {
		if a.Key == "identity.subject" && g.subjects[a.Value] {
			return true
		}
	}
	return false
}

// recordingObserver keeps the code of each record.
type recordingObserver struct {
	mu    sync.Mutex
	codes []string
}

func (o *recordingObserver) ObserveRequest(r *Record) {
	o.mu.Lock()
	o.codes = append(o.codes, r.Code)
	o.mu.Unlock()
}

func TestGateRefusesQuarantined(t *testing.T) {
	gate := &setGate{ips: map[string]bool{}, subjects: map[string]bool{}}
	obs := &recordingObserver{}
	// The guard names the caller after the Authorization header, as an
	// authentication guard would, and denies "forbidden".
	auth := &fakeGuard{name: "auth", phases: []abi.Phase{abi.PhaseRequest}, fn: func(x *abi.Exchange, v *abi.Verdict) error {
		for _, h := range x.Headers {
			if h.Key == "authorization" {
				v.Annotations = append(v.Annotations, abi.KV{Key: "identity.subject", Value: h.Value})
			}
		}
		return nil
	}}
	// A guard after auth counts its calls: a quarantined subject stops
	// the request phase at auth, so it is never called for one.
	var laterCalls atomic.Int64
	later := &fakeGuard{name: "later", phases: []abi.Phase{abi.PhaseRequest}, fn: func(*abi.Exchange, *abi.Verdict) error {
		laterCalls.Add(1)
		return nil
	}}
	e := startWith(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: auth}, {Guard: keywordGuard()}, {Guard: later}}}, mockllm.Options{},
		func(s *Server) { s.SetGate(gate); s.SetObserver(obs, false) })
	url := e.base + "/v1/chat/completions"

	if resp, b := post(t, url, chat("hello"), map[string]string{"Authorization": "mallory"}); resp.StatusCode != 200 {
		t.Fatalf("before quarantine: %d %s", resp.StatusCode, b)
	}
	before := e.mock.Requests()
	if n := laterCalls.Load(); n != 1 {
		t.Fatalf("later guard called %d times before the quarantine, want 1", n)
	}

	gate.mu.Lock()
	gate.subjects["mallory"] = true
	gate.mu.Unlock()
	for _, text := range []string{"hello", "this is forbidden"} { // the quarantine wins over a guard's denial
		resp, b := post(t, url, chat(text), map[string]string{"Authorization": "mallory"})
		var oa struct {
			Error struct{ Code string } `json:"error"`
		}
		if resp.StatusCode != 403 || json.Unmarshal(b, &oa) != nil || oa.Error.Code != CodeQuarantined {
			t.Fatalf("quarantined subject, %q: %d %s", text, resp.StatusCode, b)
		}
	}
	if n := laterCalls.Load(); n != 1 {
		t.Fatalf("later guard called %d times in all, want 1: it ran for a quarantined subject", n)
	}
	if resp, _ := post(t, url, chat("hello"), map[string]string{"Authorization": "alice"}); resp.StatusCode != 200 {
		t.Fatalf("another subject: %d", resp.StatusCode)
	}

	gate.mu.Lock()
	gate.ips["127.0.0.1"] = true
	gate.mu.Unlock()
	// Refused before any guard and before the body is read: also a
	// request no guard could parse, and a path of an unknown API.
	for _, body := range []string{chat("hello"), "{not json"} {
		if resp, b := post(t, url, body, map[string]string{"Authorization": "alice"}); resp.StatusCode != 403 {
			t.Fatalf("quarantined address: %d %s", resp.StatusCode, b)
		}
	}
	if e.mock.Requests() != before+1 {
		t.Fatalf("upstream saw %d requests after the quarantine, want 1", e.mock.Requests()-before)
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	want := []string{"", CodeQuarantined, CodeQuarantined, "", CodeQuarantined, CodeQuarantined}
	if len(obs.codes) != len(want) {
		t.Fatalf("records %q, want %q", obs.codes, want)
	}
	for i := range want {
		if obs.codes[i] != want[i] {
			t.Fatalf("records %q, want %q", obs.codes, want)
		}
	}
}

// TestGateAuthRequest: quarantines hold for auth_request subrequests
// (nginx's mode b) too: a quarantined subject is refused with 403 and
// code quarantined as soon as the guard names it (the guards after it do
// not run), a quarantined address before any guard.
func TestGateAuthRequest(t *testing.T) {
	gate := &setGate{ips: map[string]bool{}, subjects: map[string]bool{}}
	var laterCalls atomic.Int64
	later := &fakeGuard{name: "later", phases: []abi.Phase{abi.PhaseRequest}, fn: func(*abi.Exchange, *abi.Verdict) error {
		laterCalls.Add(1)
		return nil
	}}
	e := startWith(t, authRoutes, map[string][]pipeline.Step{
		"auth":      {{Guard: authGuard()}, {Guard: later}},
		"auth-open": {{Guard: authGuard()}},
	}, mockllm.Options{}, func(s *Server) { s.SetGate(gate) })
	ask := func() (status int, code string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.base+"/_ward/auth", strings.NewReader(""))
		req.Header.Set("Authorization", "Bearer good") // alice
		req.Header.Set("X-Original-URI", "/v1/chat/completions")
		req.Header.Set("X-Original-Method", "POST")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("X-Ward-Code")
	}
	if st, code := ask(); st != 200 || laterCalls.Load() != 1 {
		t.Fatalf("before quarantine: %d %q, later guard called %d times", st, code, laterCalls.Load())
	}
	gate.mu.Lock()
	gate.subjects["alice"] = true
	gate.mu.Unlock()
	if st, code := ask(); st != 403 || code != CodeQuarantined || laterCalls.Load() != 1 {
		t.Fatalf("quarantined subject: %d %q, later guard called %d times (want 403 %q, 1)", st, code, laterCalls.Load(), CodeQuarantined)
	}
	gate.mu.Lock()
	gate.subjects["alice"] = false
	gate.ips["127.0.0.1"] = true
	gate.mu.Unlock()
	if st, code := ask(); st != 403 || code != CodeQuarantined || laterCalls.Load() != 1 {
		t.Fatalf("quarantined address: %d %q, later guard called %d times", st, code, laterCalls.Load())
	}
	gate.mu.Lock()
	gate.ips["127.0.0.1"] = false
	gate.mu.Unlock()
	if st, code := ask(); st != 200 || laterCalls.Load() != 2 {
		t.Fatalf("after the quarantines: %d %q, later guard called %d times", st, code, laterCalls.Load())
	}
}
