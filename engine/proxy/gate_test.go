package proxy

import (
	"encoding/json"
	"sync"
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
	e := startWith(t, oneRoute, map[string][]pipeline.Step{"llm": {{Guard: auth}, {Guard: keywordGuard()}}}, mockllm.Options{},
		func(s *Server) { s.SetGate(gate); s.SetObserver(obs, false) })
	url := e.base + "/v1/chat/completions"

	if resp, b := post(t, url, chat("hello"), map[string]string{"Authorization": "mallory"}); resp.StatusCode != 200 {
		t.Fatalf("before quarantine: %d %s", resp.StatusCode, b)
	}
	before := e.mock.Requests()

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
