package incident

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/sdk/abi"
)

// fakeClock drives both the Manager's wall clock and the memory store's
// monotonic clock.
type fakeClock struct {
	mu     sync.Mutex
	origin time.Time
	t      time.Time
}

func newClock() *fakeClock {
	o := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	return &fakeClock{origin: o, t: o}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Mono() time.Duration { return c.Now().Sub(c.origin) }

func (c *fakeClock) Set(d time.Duration) {
	c.mu.Lock()
	c.t = c.origin.Add(d)
	c.mu.Unlock()
}

const testConfig = `
[server]
listen = ["127.0.0.1:0"]
[incident.rules.inj]
identity = "subject"
reasons = ["injection.detected", "denylist.*"]
denials = 3
window = "1m"
period = "10m"
[incident.rules.auth]
identity = "ip"
reasons = ["auth.unauthenticated"]
denials = 2
window = "10s"
period = "1m"
[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "http://127.0.0.1:9"
quarantine = ["inj", "auth"]
[[routes]]
name = "other"
prefix = "/other/"
upstream = "http://127.0.0.1:9"
`

func mustConfig(t testing.TB) *config.Config {
	t.Helper()
	cfg, err := config.Parse("ward.toml", []byte(testConfig))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// auditRecorder keeps audit events.
type auditRecorder struct {
	mu     sync.Mutex
	events []string
}

func (a *auditRecorder) Event(kind string, _ time.Time, fields any) error {
	b, _ := json.Marshal(fields)
	a.mu.Lock()
	a.events = append(a.events, kind+" "+string(b))
	a.mu.Unlock()
	return nil
}

func newManager(t testing.TB, st interface {
	state.Store
	state.Records
}, clk *fakeClock, reg prometheus.Registerer, au Auditor) *Manager {
	t.Helper()
	cfg := mustConfig(t)
	o := Options{Store: st, Records: st, Config: func() *config.Config { return cfg }, Registerer: reg}
	if clk != nil {
		o.Now = clk.Now
	}
	if au != nil {
		o.Audit = au
	}
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func subject(s string) []abi.KV {
	return []abi.KV{{Key: "client.ip", Value: "198.51.100.7"}, {Key: "identity.subject", Value: s}, {Key: "identity.key_id", Value: "k-" + s}}
}

// TestThresholds checks that a quarantine triggers and ends exactly at the
// rule's thresholds (inj: 3 denials within 1m quarantine for 10m).
func TestThresholds(t *testing.T) {
	type step struct {
		at   time.Duration
		deny string // a denial code; "" = only check
		// refused is whether subject:mallory is refused after the step.
		refused bool
	}
	s := time.Second
	tests := []struct {
		name  string
		route string
		steps []step
	}{
		{"N-1 denials", "llm", []step{{0, "injection.detected", false}, {10 * s, "injection.detected", false}, {20 * s, "", false}}},
		{"N within the window", "llm", []step{{0, "injection.detected", false}, {30 * s, "denylist.match", false}, {59 * s, "injection.detected", true}}},
		{"N spread beyond the window", "llm", []step{{0, "injection.detected", false}, {30 * s, "injection.detected", false}, {60 * s, "injection.detected", false}, {61 * s, "", false}}},
		{"window restarts after expiry", "llm", []step{{0, "injection.detected", false}, {60 * s, "injection.detected", false}, {70 * s, "injection.detected", false}, {119 * s, "injection.detected", true}}},
		{"expiry at period end", "llm", []step{{0, "injection.detected", false}, {0, "injection.detected", false}, {5 * s, "injection.detected", true},
			{5*s + 10*time.Minute - time.Millisecond, "", true}, {5*s + 10*time.Minute, "", false}}},
		{"codes not counted", "llm", []step{{0, "secrets.blocked", false}, {1, "ratelimit.exceeded", false}, {2, "injection.blocked", false}, {3, "denylistx.match", false}}},
		{"route without the rule", "other", []step{{0, "injection.detected", false}, {1, "injection.detected", false}, {2, "injection.detected", false}}},
		{"a fourth denial does not extend", "llm", []step{{0, "injection.detected", false}, {1, "injection.detected", false}, {2, "injection.detected", true},
			{30 * s, "injection.detected", true}, {2 + 10*time.Minute, "", false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := newClock()
			st := state.NewMemory(state.MemoryOptions{Now: clk.Mono})
			defer st.Close()
			m := newManager(t, st, clk, nil, nil)
			ctx := context.Background()
			for i, sp := range tc.steps {
				clk.Set(sp.at)
				if sp.deny != "" {
					m.countNow(ctx, tc.route, sp.deny, "req", subject("mallory"))
				}
				if got := m.RefuseIdentity(subject("mallory")); got != sp.refused {
					t.Fatalf("step %d (t=%v): refused = %v, want %v", i, sp.at, got, sp.refused)
				}
				// The backend agrees with the local view.
				m.Sync(ctx)
				if got := m.RefuseIdentity(subject("mallory")); got != sp.refused {
					t.Fatalf("step %d (t=%v) after sync: refused = %v, want %v", i, sp.at, got, sp.refused)
				}
				if m.RefuseIdentity(subject("alice")) {
					t.Fatalf("step %d: another subject is refused", i)
				}
			}
		})
	}
}

func TestIPRuleAndLift(t *testing.T) {
	clk := newClock()
	st := state.NewMemory(state.MemoryOptions{Now: clk.Mono})
	defer st.Close()
	reg := prometheus.NewRegistry()
	au := &auditRecorder{}
	m := newManager(t, st, clk, reg, au)
	ctx := context.Background()
	ann := []abi.KV{{Key: "client.ip", Value: "203.0.113.9"}} // no identity: authentication failed
	m.countNow(ctx, "llm", "auth.unauthenticated", "r1", ann)
	if m.RefuseIP("203.0.113.9") {
		t.Fatal("refused after 1 of 2 denials")
	}
	m.countNow(ctx, "llm", "auth.unauthenticated", "r2", ann)
	if !m.RefuseIP("203.0.113.9") || m.RefuseIP("203.0.113.10") {
		t.Fatal("ip rule: want exactly 203.0.113.9 refused")
	}
	if m.RefuseIdentity(subject("x")) {
		t.Fatal("an ip quarantine refused a subject")
	}
	list, err := m.List(ctx)
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %+v, %v", list, err)
	}
	q := list[0]
	if q.ID != "ip:203.0.113.9" || q.Rule != "auth" || q.Route != "llm" || q.Reason != "auth.unauthenticated" || q.Denials != 2 ||
		!q.Until.Equal(clk.Now().Add(time.Minute)) || q.RequestID != "r2" {
		t.Errorf("quarantine = %+v", q)
	}
	if got := testutil.ToFloat64(m.met.quarantines.WithLabelValues("llm", "auth.unauthenticated")); got != 1 {
		t.Errorf("ward_quarantines_total = %v, want 1", got)
	}
	if got := m.active(); got != 1 {
		t.Errorf("active = %d", got)
	}

	if err := m.Lift(ctx, "ip:203.0.113.9", "carol"); err != nil {
		t.Fatal(err)
	}
	if m.RefuseIP("203.0.113.9") {
		t.Fatal("still refused after the lift")
	}
	if list, _ := m.List(ctx); len(list) != 0 {
		t.Fatalf("listed after the lift: %+v", list)
	}
	if err := m.Lift(ctx, "ip:203.0.113.9", "carol"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second lift: %v, want ErrNotFound", err)
	}
	if err := m.Lift(ctx, "mac:1", "carol"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("bad id: %v", err)
	}
	if err := m.Lift(ctx, "mac:1", "carol"); !errors.Is(err, ErrInvalidID) {
		t.Errorf("bad id: %v, want ErrInvalidID", err)
	}
	au.mu.Lock()
	defer au.mu.Unlock()
	if len(au.events) != 2 || !bytes.HasPrefix([]byte(au.events[0]), []byte(`quarantine {"id":"ip:203.0.113.9","identity":"203.0.113.9","identity_kind":"ip",`)) ||
		au.events[1] != `quarantine_lift {"id":"ip:203.0.113.9","operator":"carol"}` {
		t.Errorf("audit events: %q", au.events)
	}
}

// TestObserveQueue runs denials through ObserveRequest and the worker, as
// the proxy does.
func TestObserveQueue(t *testing.T) {
	st := state.NewMemory(state.MemoryOptions{})
	defer st.Close()
	m := newManager(t, st, nil, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	rec := &proxy.Record{Route: "llm", Code: "injection.detected", Annotations: subject("eve")}
	for range 3 {
		m.ObserveRequest(rec)
	}
	m.ObserveRequest(&proxy.Record{Route: "llm", Code: proxy.CodeQuarantined, Annotations: subject("eve2")})
	deadline := time.Now().Add(5 * time.Second)
	for !m.RefuseIdentity(subject("eve")) {
		if time.Now().After(deadline) {
			t.Fatal("not quarantined after 3 observed denials")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestObserveNeverBlocks(t *testing.T) {
	st := state.NewMemory(state.MemoryOptions{})
	defer st.Close()
	cfg := mustConfig(t)
	m, err := New(Options{Store: st, Records: st, Config: func() *config.Config { return cfg }, Queue: 2})
	if err != nil {
		t.Fatal(err)
	}
	rec := &proxy.Record{Route: "llm", Code: "injection.detected", Annotations: subject("eve")}
	for range 5 { // no worker runs: 2 queued, 3 dropped
		m.ObserveRequest(rec)
	}
	if got := testutil.ToFloat64(m.met.dropped); got != 3 {
		t.Errorf("dropped = %v, want 3", got)
	}
}

// TestReplicasAgree runs two managers, as two replicas, on one Redis.
func TestReplicasAgree(t *testing.T) {
	url := startRedis(t)
	open := func() *state.Redis {
		r, err := state.NewRedis(state.RedisOptions{URL: url, Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		return r
	}
	a, b := newManager(t, open(), nil, nil, nil), newManager(t, open(), nil, nil, nil)
	ctx := context.Background()
	// Denials seen by different replicas add up.
	a.countNow(ctx, "llm", "injection.detected", "r1", subject("mallory"))
	b.countNow(ctx, "llm", "injection.detected", "r2", subject("mallory"))
	if a.RefuseIdentity(subject("mallory")) || b.RefuseIdentity(subject("mallory")) {
		t.Fatal("refused after 2 of 3 denials")
	}
	a.countNow(ctx, "llm", "injection.detected", "r3", subject("mallory"))
	if !a.RefuseIdentity(subject("mallory")) {
		t.Fatal("replica a: not refused after the third denial")
	}
	b.Sync(ctx)
	if !b.RefuseIdentity(subject("mallory")) {
		t.Fatal("replica b: not refused after a sync")
	}
	lb, err := b.List(ctx)
	if err != nil || len(lb) != 1 || lb[0].ID != "subject:mallory" || lb[0].Until.Sub(time.Now()) < 9*time.Minute {
		t.Fatalf("replica b List = %+v, %v", lb, err)
	}
	if err := b.Lift(ctx, "subject:mallory", "carol"); err != nil {
		t.Fatal(err)
	}
	if b.RefuseIdentity(subject("mallory")) {
		t.Fatal("replica b: refused after its lift")
	}
	a.Sync(ctx)
	if a.RefuseIdentity(subject("mallory")) {
		t.Fatal("replica a: refused after b lifted and a synced")
	}
}
