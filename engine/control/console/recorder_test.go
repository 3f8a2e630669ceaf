package console

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/sdk/abi"
)

var t0 = time.Unix(1_800_000_000, 0)

func allow(name string) pipeline.Record {
	return pipeline.Record{Guard: name, Version: "1.0.0", Phase: abi.PhaseRequest, Outcome: "allow", Latency: 40 * time.Microsecond}
}

func deny(name, code string, mode pipeline.Mode) pipeline.Record {
	return pipeline.Record{Guard: name, Version: "2.0.0", Phase: abi.PhaseRequest, Mode: mode, Outcome: "deny", Code: code,
		Reasons: []string{"rule " + code}, Scores: []abi.Score{{Name: "risk", Value: 0.93}}, Latency: 120 * time.Microsecond}
}

// rec returns a record ending at t0+at with the given added latency.
func rec(at time.Duration, route string, status int, code string, added, upstream time.Duration, guards ...pipeline.Record) *proxy.Record {
	return &proxy.Record{
		Start: t0.Add(at - added - upstream), Duration: added + upstream, RequestID: fmt.Sprintf("req-%d-%s", at/time.Millisecond, code),
		Route: route, API: abi.APIOpenAIChat, Model: "gpt-4o-mini", Status: status, Code: code, Upstream: upstream, Guards: guards,
		Annotations: []abi.KV{{Key: "identity.subject", Value: "alice"}, {Key: "identity.key_id", Value: "k1"}, {Key: "pii.map", Value: "SEALED-SECRET"}},
	}
}

func TestHist(t *testing.T) {
	for _, d := range []time.Duration{0, 500, time.Microsecond, 1500, 37 * time.Microsecond, time.Millisecond, 7 * time.Millisecond, 3 * time.Second, 10 * time.Minute} {
		i := histIndex(d)
		up := histUpper(i)
		if d > up && i != histBuckets-1 {
			t.Errorf("%v: bucket %d ends at %v", d, i, up)
		}
		if i > 0 && i < histBuckets-1 && float64(up) > float64(d)*1.25+1 {
			t.Errorf("%v: bucket %d ends at %v, more than 25%% above", d, i, up)
		}
		if i > 0 && histUpper(i-1) >= d {
			t.Errorf("%v: the bucket below (%d) already holds it", d, i-1)
		}
	}
	var h hist
	for i := 1; i <= 100; i++ {
		h.observe(time.Duration(i) * time.Microsecond)
	}
	var c counts
	c.add(&h)
	if p50 := c.quantile(0.5); p50 < 50*time.Microsecond || p50 > 63*time.Microsecond {
		t.Errorf("p50 = %v, want 50us..63us", p50)
	}
	if p99 := c.quantile(0.99); p99 < 99*time.Microsecond || p99 > 124*time.Microsecond {
		t.Errorf("p99 = %v, want 99us..124us", p99)
	}
	if q := (&counts{}).quantile(0.5); q != 0 {
		t.Errorf("empty quantile = %v", q)
	}
}

func TestOverview(t *testing.T) {
	r := NewRecorder(16)
	ms := time.Millisecond
	for _, x := range []*proxy.Record{
		rec(100*ms, "llm", 200, "", 50*time.Microsecond, 10*ms, allow("auth")),
		rec(200*ms, "llm", 200, "", 60*time.Microsecond, 20*ms, allow("auth")),
		rec(300*ms, "llm", 403, "denylist.match", 70*time.Microsecond, 0, allow("auth"), deny("denylist", "denylist.match", pipeline.Enforce)),
		// An observe guard's denial lets the request through: allowed, but a decision.
		rec(1100*ms, "llm", 200, "", 80*time.Microsecond, 10*ms, deny("injection", "injection.detected", pipeline.Observe)),
		rec(1200*ms, "llm", 504, "upstream_timeout", 90*time.Microsecond, 60*ms),
		rec(1300*ms, "other", 502, "guard_trap", 40*time.Microsecond, 0, pipeline.Record{Guard: "pii", Outcome: "error", Code: "guard_trap"}),
		rec(1400*ms, "", 404, "route_not_found", 10*time.Microsecond, 0),
		rec(2100*ms, "llm", 200, "", 40*time.Microsecond, 5*ms, pipeline.Record{Guard: "pii", Outcome: "allow", Rewrites: 2}),
	} {
		r.ObserveRequest(x)
	}
	o := r.Overview(t0.Add(3*time.Second), 4)
	if o.Now != t0.Unix()+2 || len(o.Series) != 4 {
		t.Fatalf("now %d, %d seconds", o.Now, len(o.Series))
	}
	type row struct{ req, allowed, denied, errors, rewrites, upErr uint32 }
	want := []row{{0, 0, 0, 0, 0, 0}, {3, 2, 1, 0, 0, 0}, {4, 1, 0, 3, 0, 1}, {1, 1, 0, 0, 1, 0}}
	for i, s := range o.Series {
		got := row{s.Requests, s.Allowed, s.Denied, s.Errors, s.Rewrites, s.UpErrors}
		if got != want[i] || s.T != t0.Unix()-1+int64(i) {
			t.Errorf("second %d (%d): %+v, want %+v", i, s.T, got, want[i])
		}
	}
	if p := o.Series[1].P50us; p < 60 || p > 75 {
		t.Errorf("added p50 in second 0 = %vus, want 60..75", p)
	}
	if p := o.Series[1].UpP50ms; p < 10 || p > 12.5 {
		t.Errorf("upstream p50 in second 0 = %vms, want 10..12.5", p)
	}
	m := o.Minute
	if m.Requests != 8 || m.Allowed != 4 || m.Denied != 1 || m.Errors != 3 || m.Rewrites != 1 || m.UpErrors != 1 || m.Forwarded != 5 {
		t.Errorf("minute = %+v", m)
	}
	if len(o.Routes) != 2 || o.Routes[0].Route != "llm" || o.Routes[1].Route != "other" {
		t.Fatalf("routes = %+v", o.Routes)
	}
	llm := o.Routes[0]
	if llm.Requests != 6 || llm.UpErrors != 1 || llm.Health != "degraded" || llm.LastErrorStatus != 504 || llm.LastError != t0.Add(1200*ms).UnixMilli() {
		t.Errorf("llm = %+v", llm)
	}
	if o.Routes[1].Health != "ok" {
		t.Errorf("other = %+v", o.Routes[1])
	}
	if o.Decisions != 4 {
		t.Errorf("decisions = %d, want 4 (deny, observe deny, fault, rewrite)", o.Decisions)
	}

	// A bucket is reused a window later: the old second is gone, and a
	// record older than the window does not count.
	r.ObserveRequest(rec(Window*time.Second+100*ms, "llm", 200, "", time.Microsecond, ms))
	r.ObserveRequest(rec(300*ms, "llm", 200, "", time.Microsecond, ms))
	o = r.Overview(t0.Add((Window+1)*time.Second), 1)
	if s := o.Series[0]; s.Requests != 1 || s.Denied != 0 {
		t.Errorf("reused bucket = %+v", s)
	}
	if got := r.Overview(t0.Add(Window*time.Second+time.Second), Window+10); len(got.Series) != Window-1 {
		t.Errorf("series capped at %d, got %d", Window-1, len(got.Series))
	}
}

func TestRouteHealth(t *testing.T) {
	for _, tc := range []struct {
		ok, failed int
		want       string
	}{{0, 0, "idle"}, {4, 0, "ok"}, {3, 1, "degraded"}, {1, 1, "failing"}, {0, 3, "failing"}} {
		r := NewRecorder(4)
		for i := 0; i < tc.ok; i++ {
			r.ObserveRequest(rec(time.Duration(i)*time.Millisecond, "llm", 200, "", time.Microsecond, time.Millisecond))
		}
		for i := 0; i < tc.failed; i++ {
			r.ObserveRequest(rec(time.Duration(i)*time.Millisecond, "llm", 502, "upstream_unreachable", time.Microsecond, 0))
		}
		if tc.ok+tc.failed == 0 {
			r.route("llm")
		}
		o := r.Overview(t0.Add(2*time.Second), 1)
		if len(o.Routes) != 1 || o.Routes[0].Health != tc.want {
			t.Errorf("%d ok, %d failed: %+v, want %s", tc.ok, tc.failed, o.Routes, tc.want)
		}
	}
}

func TestDecisions(t *testing.T) {
	r := NewRecorder(4)
	ms := time.Millisecond
	r.ObserveRequest(rec(1*ms, "llm", 200, "", time.Microsecond, ms, allow("auth"))) // not a decision
	recs := []*proxy.Record{
		rec(2*ms, "llm", 403, "denylist.match", time.Microsecond, 0, allow("auth"), deny("denylist", "denylist.match", pipeline.Enforce)),
		rec(3*ms, "llm", 403, "rbac.forbidden", time.Microsecond, 0, allow("auth"), deny("rbac", "rbac.forbidden", pipeline.Enforce)),
		rec(4*ms, "b2b", 400, "secrets.blocked", time.Microsecond, 0, deny("secrets", "secrets.blocked", pipeline.Enforce)),
		rec(5*ms, "llm", 200, "", time.Microsecond, ms, allow("auth"), pipeline.Record{Guard: "pii", Outcome: "allow", Rewrites: 1}),
		rec(6*ms, "llm", 200, "", time.Microsecond, ms, deny("injection", "injection.detected", pipeline.Observe)),
	}
	recs[2].Annotations = []abi.KV{{Key: "identity.subject", Value: "bob"}, {Key: "identity.roles", Value: "intern"}}
	for _, x := range recs {
		r.ObserveRequest(x)
	}
	all, last := r.Decisions(Filter{})
	if last != 5 || len(all) != 4 {
		t.Fatalf("latest %d, %d decisions; want 5 and the ring's 4", last, len(all))
	}
	if all[0].Seq != 5 || all[0].Guards[0].Guard != "injection" || all[3].Seq != 2 || all[3].Code != "rbac.forbidden" {
		t.Errorf("not newest first / oldest not dropped: %+v", all)
	}
	d := all[1] // the rewrite
	if d.Route != "llm" || d.Identity["subject"] != "alice" || d.Identity["key_id"] != "k1" || len(d.Guards) != 2 || d.Guards[1].Rewrites != 1 {
		t.Errorf("decision = %+v", d)
	}
	sec := all[2]
	if g := sec.Guards[0]; g.Verdict != "deny" || g.Mode != "enforce" || g.Code != "secrets.blocked" || g.Reasons[0] != "rule secrets.blocked" ||
		g.Scores["risk"] != 0.93 || g.LatencyUS != 120 || g.Phase != "request" || g.Version != "2.0.0" {
		t.Errorf("verdict chain entry = %+v", g)
	}
	for name, tc := range map[string]struct {
		f    Filter
		want []uint64
	}{
		"route":             {Filter{Route: "b2b"}, []uint64{3}},
		"route exact":       {Filter{Route: "ll"}, nil},
		"guard denied":      {Filter{Guard: "rbac"}, []uint64{2}},
		"guard rewrote":     {Filter{Guard: "pii"}, []uint64{4}},
		"guard allowed":     {Filter{Guard: "auth"}, nil},
		"guard observe":     {Filter{Guard: "injection"}, []uint64{5}},
		"reason code":       {Filter{Reason: "FORBIDDEN"}, []uint64{2}},
		"reason text":       {Filter{Reason: "rule secrets"}, []uint64{3}},
		"identity subject":  {Filter{Identity: "bob"}, []uint64{3}},
		"identity role":     {Filter{Identity: "intern"}, []uint64{3}},
		"identity key":      {Filter{Identity: "k1"}, []uint64{5, 4, 2}},
		"combined":          {Filter{Route: "llm", Identity: "alice", Reason: "rbac"}, []uint64{2}},
		"limit":             {Filter{Limit: 2}, []uint64{5, 4}},
		"nothing":           {Filter{Reason: "nope"}, nil},
		"annotation hidden": {Filter{Identity: "SEALED"}, nil},
	} {
		got, _ := r.Decisions(tc.f)
		var seqs []uint64
		for _, d := range got {
			seqs = append(seqs, d.Seq)
		}
		if fmt.Sprint(seqs) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", name, seqs, tc.want)
		}
	}
	// Masked: the sealed annotation is not kept, only identity.*.
	for i := range r.dec.slots {
		if line := r.dec.slots[i].line; strings.Contains(string(line), "SEALED-SECRET") {
			t.Errorf("decision keeps a non-identity annotation: %s", line)
		}
	}
}
