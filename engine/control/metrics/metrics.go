// Package metrics is Ward's Prometheus instrumentation: requests by route
// and status, upstream latency and tokens by route, guard latency and
// verdicts by guard and reason, guard pools and instance replacements,
// reloads, and the audit log's counters.
//
// The request path costs a few atomic adds and map reads: per-route and
// per-guard counters are created once (the first request of a route, the
// first verdict of a reason) and found again through copy-on-write maps
// read without a lock; latencies go to fixed-bucket atomic histograms
// (Hist) that also give the admin API its p50/p99. Everything is turned
// into Prometheus samples only when scraped.
package metrics

import (
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/wasmhost"
)

// maxReasons bounds the distinct reason labels kept per guard and outcome;
// past it, reasons are counted as "other" (guards choose their codes, and
// a label per distinct string would grow without bound).
const maxReasons = 64

// Bucket bounds (seconds) of the exported histograms.
var (
	guardBounds    = []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1}
	upstreamBounds = []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}
)

// Metrics collects Ward's metrics. It is safe for concurrent use and
// implements proxy.Observer.
type Metrics struct {
	mu     sync.Mutex // serialises copy-on-write updates
	routes atomic.Pointer[map[string]*routeStats]
	guards atomic.Pointer[map[string]*GuardStats]

	// live returns the guards of the current pipeline, for pool gauges
	// and replacements; set with SetLive.
	live atomic.Pointer[func() []proxy.GuardEntry]
	// replaced folds wasmhost's per-load replacement, recycle and shrink
	// counters into monotonic counters per guard name.
	replMu   sync.Mutex
	replLast map[*wasmhost.Guard]instanceCounts
	replTot  map[string]instanceCounts

	reloadsOK, reloadsFailed atomic.Uint64
	reloadDur                Hist
	loaded                   atomic.Bool
	auditLines, auditDropped atomic.Uint64
	auditErrors              atomic.Uint64
}

var _ proxy.Observer = (*Metrics)(nil)

type routeStats struct {
	status             [600]atomic.Uint64 // by HTTP status; 0 holds anything out of range
	upstream           Hist
	promptTok, complTo atomic.Uint64
}

// GuardStats are one guard's counters, kept by config name across reloads.
type GuardStats struct {
	Latency Hist
	calls   atomic.Uint64
	errors  atomic.Uint64
	// the guard's candidates (shadow versions): calls and disagreements
	candCalls, candDisagree atomic.Uint64
	mu                      sync.Mutex
	// verdicts by outcome (allow, deny, error) then reason (deny or error
	// code; "" for allow)
	verdicts [3]atomic.Pointer[map[string]*atomic.Uint64]
}

var outcomes = [3]string{pipeline.OutcomeAllow, pipeline.OutcomeDeny, pipeline.OutcomeError}

// New returns empty metrics.
func New() *Metrics {
	m := &Metrics{replLast: map[*wasmhost.Guard]instanceCounts{}, replTot: map[string]instanceCounts{}}
	r := map[string]*routeStats{}
	g := map[string]*GuardStats{}
	m.routes.Store(&r)
	m.guards.Store(&g)
	return m
}

// SetLive tells the metrics how to find the guards of the pipeline being
// served (for the pool gauges and instance replacements).
func (m *Metrics) SetLive(f func() []proxy.GuardEntry) { m.live.Store(&f) }

func (m *Metrics) route(name string) *routeStats {
	if rs := (*m.routes.Load())[name]; rs != nil {
		return rs
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.routes.Load()
	if rs := old[name]; rs != nil {
		return rs
	}
	next := make(map[string]*routeStats, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	rs := &routeStats{}
	next[name] = rs
	m.routes.Store(&next)
	return rs
}

// Guard returns the stats of the guard configured under name, creating
// them on first use.
func (m *Metrics) Guard(name string) *GuardStats {
	if gs := (*m.guards.Load())[name]; gs != nil {
		return gs
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old := *m.guards.Load()
	if gs := old[name]; gs != nil {
		return gs
	}
	next := make(map[string]*GuardStats, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	gs := &GuardStats{}
	for i := range gs.verdicts {
		empty := map[string]*atomic.Uint64{}
		gs.verdicts[i].Store(&empty)
	}
	next[name] = gs
	m.guards.Store(&next)
	return gs
}

// Calls is the number of guard calls recorded (all phases, all outcomes).
func (gs *GuardStats) Calls() uint64 { return gs.calls.Load() }

// Errors is the number of guard faults recorded.
func (gs *GuardStats) Errors() uint64 { return gs.errors.Load() }

func (gs *GuardStats) verdict(outcome int, reason string) *atomic.Uint64 {
	if c := (*gs.verdicts[outcome].Load())[reason]; c != nil {
		return c
	}
	gs.mu.Lock()
	defer gs.mu.Unlock()
	old := *gs.verdicts[outcome].Load()
	if c := old[reason]; c != nil {
		return c
	}
	if len(old) >= maxReasons {
		reason = "other"
		if c := old[reason]; c != nil {
			return c
		}
	}
	next := make(map[string]*atomic.Uint64, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	c := new(atomic.Uint64)
	next[reason] = c
	gs.verdicts[outcome].Store(&next)
	return c
}

// ObserveRequest implements proxy.Observer.
func (m *Metrics) ObserveRequest(r *proxy.Record) {
	rs := m.route(r.Route)
	st := r.Status
	if st < 100 || st >= len(rs.status) {
		st = 0
	}
	rs.status[st].Add(1)
	if r.Upstream > 0 {
		rs.upstream.Observe(r.Upstream)
	}
	if r.PromptTokens > 0 || r.CompletionTokens > 0 {
		rs.promptTok.Add(uint64(r.PromptTokens))
		rs.complTo.Add(uint64(r.CompletionTokens))
	}
	for i := range r.Guards {
		m.ObserveGuard(&r.Guards[i])
	}
}

// ObserveGuard records one guard call.
func (m *Metrics) ObserveGuard(rec *pipeline.Record) {
	gs := m.Guard(rec.Guard)
	gs.calls.Add(1)
	gs.Latency.Observe(rec.Latency)
	o := 0
	switch rec.Outcome {
	case pipeline.OutcomeDeny:
		o = 1
	case pipeline.OutcomeError:
		o = 2
		gs.errors.Add(1)
	}
	reason := ""
	if o > 0 {
		reason = rec.Code
	}
	gs.verdict(o, reason).Add(1)
	if rec.Candidate.Ran {
		gs.candCalls.Add(1)
		if rec.Candidate.Disagree {
			gs.candDisagree.Add(1)
		}
	}
}

// CandidateCalls and CandidateDisagreements count the calls of the
// guard's candidates and their disagreements, since start.
func (gs *GuardStats) CandidateCalls() uint64         { return gs.candCalls.Load() }
func (gs *GuardStats) CandidateDisagreements() uint64 { return gs.candDisagree.Load() }

// Reloaded records a reload: its duration from request to publication
// when it succeeded.
func (m *Metrics) Reloaded(ok bool, d time.Duration) {
	if ok {
		m.reloadsOK.Add(1)
		m.reloadDur.Observe(d)
		m.loaded.Store(true)
	} else {
		m.reloadsFailed.Add(1)
	}
}

// Reloads returns the numbers of successful and failed reloads.
func (m *Metrics) Reloads() (ok, failed uint64) { return m.reloadsOK.Load(), m.reloadsFailed.Load() }

// AuditWritten, AuditDropped and AuditError count audit log lines.
func (m *Metrics) AuditWritten()        { m.auditLines.Add(1) }
func (m *Metrics) AuditDropped()        { m.auditDropped.Add(1) }
func (m *Metrics) AuditError()          { m.auditErrors.Add(1) }
func (m *Metrics) DroppedAudit() uint64 { return m.auditDropped.Load() }

// instanceCounts are a guard's instances replaced after a fault
// (wasmhost.Stats.Replaced) and recycled after their memory grew
// (Stats.Recycled), idle instances closed when the pool shrank
// (Stats.Shrunk), and the calls that waited for an instance and how long
// (Stats.Waits, Stats.WaitTime in ns).
type instanceCounts struct{ replaced, recycled, shrunk, waits, waitNs uint64 }

// Waits returns the calls of the guards named name that waited for a free
// instance and the time they waited, over every pipeline folded so far
// (FoldReplacements; scrapes fold the live one).
func (m *Metrics) Waits(name string) (uint64, time.Duration) {
	m.replMu.Lock()
	defer m.replMu.Unlock()
	t := m.replTot[name]
	return t.waits, time.Duration(t.waitNs)
}

// FoldReplacements adds the instance replacements, recycles, shrinks and
// waits of entries' guards made since the last fold to the per-name totals.
// Call it with the guards of a pipeline about to be closed, so their last
// counts are not lost; scrapes call it with the live pipeline.
func (m *Metrics) FoldReplacements(entries []proxy.GuardEntry) {
	m.replMu.Lock()
	defer m.replMu.Unlock()
	m.foldLocked(entries)
}

func (m *Metrics) foldLocked(entries []proxy.GuardEntry) {
	for _, e := range entries {
		s := e.Guard.Stats()
		last, tot := m.replLast[e.Guard], m.replTot[e.Name]
		tot.replaced += s.Replaced - last.replaced
		tot.recycled += s.Recycled - last.recycled
		tot.shrunk += s.Shrunk - last.shrunk
		tot.waits += s.Waits - last.waits
		tot.waitNs += uint64(s.WaitTime) - last.waitNs
		m.replTot[e.Name] = tot
		m.replLast[e.Guard] = instanceCounts{s.Replaced, s.Recycled, s.Shrunk, s.Waits, uint64(s.WaitTime)}
	}
}

// Forget drops the replacement bookkeeping of guards no longer loaded by
// any snapshot (their totals stay); a guard still live must not be given.
func (m *Metrics) Forget(entries []proxy.GuardEntry) {
	m.replMu.Lock()
	defer m.replMu.Unlock()
	m.foldLocked(entries)
	for _, e := range entries {
		delete(m.replLast, e.Guard)
	}
}

// Register registers the collector with reg.
func (m *Metrics) Register(reg prometheus.Registerer) error {
	return reg.Register(collector{m})
}

type collector struct{ m *Metrics }

var (
	descRequests = prometheus.NewDesc("ward_requests_total",
		"Requests answered, by route (\"\" when no route matched) and HTTP status.", []string{"route", "status"}, nil)
	descUpstream = prometheus.NewDesc("ward_upstream_latency_seconds",
		"Time to the upstream's answer headers, by route.", []string{"route"}, nil)
	descTokens = prometheus.NewDesc("ward_tokens_total",
		"Tokens reported by upstream answers (whole answers), by route and direction (in = prompt, out = completion).", []string{"route", "direction"}, nil)
	descGuardLatency = prometheus.NewDesc("ward_guard_latency_seconds",
		"Latency of guard calls, by guard (config name).", []string{"guard"}, nil)
	descVerdicts = prometheus.NewDesc("ward_guard_verdicts_total",
		"Guard verdicts by guard, outcome (allow, deny, error) and reason (the denial or error code; \"\" for allow).", []string{"guard", "outcome", "reason"}, nil)
	descCandCalls = prometheus.NewDesc("ward_guard_candidate_calls_total",
		"Calls of guards' candidates (shadow versions run beside the guard), by guard.", []string{"guard"}, nil)
	descCandDisagree = prometheus.NewDesc("ward_guard_candidate_disagreements_total",
		"Candidate verdicts that differed from the guard's (action allow/rewrite/deny/error or code), by guard.", []string{"guard"}, nil)
	descPool = prometheus.NewDesc("ward_guard_pool_instances",
		"Instances of the live guards' pools, by state: size (the most the pool may have, pool_size), live (made so far, or being made), in_use (running a call), idle (ready).", []string{"guard", "state"}, nil)
	descReplaced = prometheus.NewDesc("ward_guard_instance_replacements_total",
		"Guard instances discarded after a trap, timeout or out-of-memory and replaced.", []string{"guard"}, nil)
	descRecycled = prometheus.NewDesc("ward_guard_instance_recycles_total",
		"Guard instances closed after a call because their memory had grown (past 16 MiB and twice their starting size) and replaced.", []string{"guard"}, nil)
	descShrunk = prometheus.NewDesc("ward_guard_instance_shrinks_total",
		"Idle guard instances closed without replacement because no call had found the pool empty for a minute (the pool shrinking back after a burst).", []string{"guard"}, nil)
	descWaits = prometheus.NewDesc("ward_guard_waits_total",
		"Guard calls that found every instance of the pool busy and waited for one (the queue in front of the guard; ward_guard_latency_seconds includes the wait).", []string{"guard"}, nil)
	descWaitTime = prometheus.NewDesc("ward_guard_wait_seconds_total",
		"Time guard calls waited for a free instance, in all (divided by ward_guard_waits_total: the mean wait).", []string{"guard"}, nil)
	descReloads = prometheus.NewDesc("ward_reloads_total",
		"Pipeline reloads (swaps) by result: ok = published, failed = the running pipeline was kept.", []string{"result"}, nil)
	descReloadDur = prometheus.NewDesc("ward_reload_duration_seconds",
		"Time from a reload request to the new pipeline being live.", nil, nil)
	descLoaded = prometheus.NewDesc("ward_pipeline_loaded",
		"1 when a pipeline is loaded and serving.", nil, nil)
	descAudit = prometheus.NewDesc("ward_audit_lines_total",
		"Audit log lines by result: written, dropped (the queue was full), error (the sink failed).", []string{"result"}, nil)
)

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descRequests, descUpstream, descTokens, descGuardLatency, descVerdicts,
		descCandCalls, descCandDisagree, descPool, descReplaced, descRecycled, descShrunk, descWaits, descWaitTime, descReloads, descReloadDur, descLoaded, descAudit} {
		ch <- d
	}
}

func constHist(d *prometheus.Desc, s *HistSnapshot, bounds []float64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstHistogram(d, s.Count, s.Sum.Seconds(), s.Cumulative(bounds), labels...)
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for name, rs := range *m.routes.Load() {
		for st := range rs.status {
			if n := rs.status[st].Load(); n > 0 {
				label := strconv.Itoa(st)
				if st == 0 {
					label = "other"
				}
				counter(descRequests, n, name, label)
			}
		}
		ch <- constHist(descUpstream, rs.upstream.Snapshot(), upstreamBounds, name)
		counter(descTokens, rs.promptTok.Load(), name, "in")
		counter(descTokens, rs.complTo.Load(), name, "out")
	}
	for name, gs := range *m.guards.Load() {
		ch <- constHist(descGuardLatency, gs.Latency.Snapshot(), guardBounds, name)
		for o := range gs.verdicts {
			for reason, n := range *gs.verdicts[o].Load() {
				counter(descVerdicts, n.Load(), name, outcomes[o], reason)
			}
		}
		if n := gs.candCalls.Load(); n > 0 {
			counter(descCandCalls, n, name)
			counter(descCandDisagree, gs.candDisagree.Load(), name)
		}
	}
	if f := m.live.Load(); f != nil {
		entries := (*f)()
		m.replMu.Lock()
		m.foldLocked(entries)
		names := make([]string, 0, len(m.replTot))
		for n := range m.replTot {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			counter(descReplaced, m.replTot[n].replaced, n)
			counter(descRecycled, m.replTot[n].recycled, n)
			counter(descShrunk, m.replTot[n].shrunk, n)
			counter(descWaits, m.replTot[n].waits, n)
			ch <- prometheus.MustNewConstMetric(descWaitTime, prometheus.CounterValue, float64(m.replTot[n].waitNs)/1e9, n)
		}
		m.replMu.Unlock()
		for _, e := range entries {
			s := e.Guard.Stats()
			gauge(descPool, float64(s.PoolSize), e.Name, "size")
			gauge(descPool, float64(s.Instances), e.Name, "live")
			gauge(descPool, float64(s.InUse), e.Name, "in_use")
			gauge(descPool, float64(s.Idle), e.Name, "idle")
		}
	}
	counter(descReloads, m.reloadsOK.Load(), "ok")
	counter(descReloads, m.reloadsFailed.Load(), "failed")
	ch <- constHist(descReloadDur, m.reloadDur.Snapshot(), upstreamBounds)
	loaded := 0.0
	if m.loaded.Load() {
		loaded = 1
	}
	gauge(descLoaded, loaded)
	counter(descAudit, m.auditLines.Load(), "written")
	counter(descAudit, m.auditDropped.Load(), "dropped")
	counter(descAudit, m.auditErrors.Load(), "error")
}
