// Package incident is Ward's automated incident response: it counts the
// denials each identity (client address, API key id or subject) collects
// on the routes of a quarantine rule, quarantines an identity that reaches
// a rule's threshold within its window, refuses its requests through the
// proxy's Gate until the quarantine ends or an operator lifts it, and
// raises an alert for each quarantine (a log line, metrics, an audit
// record and, optionally, a signed webhook POST).
//
// Counters and quarantines live in the [state] backend (engine/state), so
// with Redis every replica counts the same denials and refuses the same
// identities. The request path never waits for the backend: denials are
// handed to a worker goroutine through a bounded queue, and the Gate reads
// an in-memory copy of the quarantine list, replaced when this replica
// quarantines or lifts and reloaded from the backend every sync interval.
package incident

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/sdk/abi"
)

// Set is the state.Records set holding quarantines; counters use keys
// beginning with CounterPrefix. Both begin with "@", which guard names
// cannot hold, so they never meet a guard's state keys.
const (
	Set           = "@quarantine"
	CounterPrefix = "@incident/"
)

// Auditor receives audit records of quarantines and lifts
// (engine/control/audit's Logger implements it).
type Auditor interface {
	Event(kind string, at time.Time, fields any) error
}

// Options configure a Manager.
type Options struct {
	// Store counts denials; Records keeps quarantines. Usually the same
	// value: the [state] backend.
	Store   state.Store
	Records state.Records
	// Config returns the live configuration (rules and routes follow
	// reloads); it is called off the request path.
	Config func() *config.Config
	// SyncInterval is how often the quarantine list is reloaded from
	// Records; default config.DefaultSyncInterval.
	SyncInterval time.Duration
	// Queue bounds the denials waiting to be counted; beyond, denials are
	// dropped and counted (ward_incident_denials_dropped_total). Default
	// 4096.
	Queue int
	// Timeout bounds the backend calls of one denial or sync; default 1s
	// (the store applies its own, shorter, per-operation timeout).
	Timeout time.Duration
	Log     *slog.Logger
	Audit   Auditor  // nil: no audit records
	Webhook *Webhook // nil: no webhook
	// Registerer receives the metrics; nil registers none.
	Registerer prometheus.Registerer
	// Now is the wall clock; nil = time.Now. Tests share a fake clock
	// with the state store (state.MemoryOptions.Now).
	Now func() time.Time
}

// Quarantine is one quarantined identity.
type Quarantine struct {
	// ID is "KIND:VALUE": "ip:203.0.113.9", "key:k-alice",
	// "subject:alice"; what operators lift.
	ID       string    `json:"id"`
	Identity string    `json:"identity"` // VALUE
	Kind     string    `json:"kind"`     // ip | key | subject
	Rule     string    `json:"rule"`
	Route    string    `json:"route"`
	Reason   string    `json:"reason"` // the code of the denial that triggered it
	Denials  int       `json:"denials"`
	Window   string    `json:"window"`
	Since    time.Time `json:"since"`
	Until    time.Time `json:"until"` // from the backend's remaining time, at listing
	// RequestID is the request of the triggering denial (audit log).
	RequestID string `json:"request_id,omitempty"`
}

// quarantineRecord is a Quarantine as its audit record holds it: the
// record's own "kind" is "quarantine", so the identity's kind is
// "identity_kind" (a second "kind" key made the record's kind the
// identity's for JSON readers, which keep the last duplicate).
type quarantineRecord struct {
	ID           string    `json:"id"`
	Identity     string    `json:"identity"`
	IdentityKind string    `json:"identity_kind"`
	Rule         string    `json:"rule"`
	Route        string    `json:"route"`
	Reason       string    `json:"reason"`
	Denials      int       `json:"denials"`
	Window       string    `json:"window"`
	Since        time.Time `json:"since"`
	Until        time.Time `json:"until"`
	RequestID    string    `json:"request_id,omitempty"`
}

func newQuarantineRecord(q Quarantine) quarantineRecord {
	return quarantineRecord{ID: q.ID, Identity: q.Identity, IdentityKind: q.Kind, Rule: q.Rule, Route: q.Route, Reason: q.Reason,
		Denials: q.Denials, Window: q.Window, Since: q.Since, Until: q.Until, RequestID: q.RequestID}
}

// Manager runs incident response. It implements proxy.Observer (denials
// in) and proxy.Gate (quarantined identities out) and is safe for
// concurrent use. Start its goroutines with Run.
type Manager struct {
	o   Options
	log *slog.Logger
	now func() time.Time

	q       chan denial
	cache   atomic.Pointer[qset]
	cacheMu sync.Mutex // serialises cache replacements

	rulesMu  sync.Mutex
	rulesFor *config.Config
	rules    map[string][]*config.QuarantineRule // route -> rules

	syncFailing bool // only touched by the sync loop

	met metricsSet
}

var (
	_ proxy.Observer = (*Manager)(nil)
	_ proxy.Gate     = (*Manager)(nil)
)

// denial is a counted request's identities, copied off the request.
type denial struct {
	route, code, requestID string
	ip, key, subject       string
}

// qset is an immutable copy of the live quarantines, by identity kind.
type qset struct {
	n  int
	by [3]map[string]time.Time // kind index -> identity -> until
}

var kinds = [3]string{config.IdentityIP, config.IdentityKey, config.IdentitySubject}

func kindIndex(k string) int {
	for i, x := range kinds {
		if x == k {
			return i
		}
	}
	return -1
}

// New returns a Manager. It fails when a metric cannot be registered.
func New(o Options) (*Manager, error) {
	if o.SyncInterval <= 0 {
		o.SyncInterval = config.DefaultSyncInterval
	}
	if o.Queue <= 0 {
		o.Queue = 4096
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Store == nil || o.Records == nil || o.Config == nil {
		return nil, errors.New("incident: Store, Records and Config are required")
	}
	m := &Manager{o: o, log: o.Log, now: o.Now, q: make(chan denial, o.Queue)}
	m.cache.Store(&qset{})
	if err := m.met.register(o.Registerer, m); err != nil {
		return nil, err
	}
	return m, nil
}

// Run counts queued denials and reloads the quarantine list every sync
// interval until ctx ends (it first loads the list once). The webhook,
// when set, runs on its own (Webhook.Run).
func (m *Manager) Run(ctx context.Context) {
	m.Sync(ctx)
	t := time.NewTicker(m.o.SyncInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-m.q:
			m.count(ctx, d)
		case <-t.C:
			m.Sync(ctx)
		}
	}
}

// ObserveRequest implements proxy.Observer: a request Ward refused with a
// code is queued for counting (its identities copied); others cost a
// string comparison. It never blocks: a full queue drops the denial.
func (m *Manager) ObserveRequest(r *proxy.Record) {
	if r.Code == "" || r.Code == proxy.CodeQuarantined || r.Route == "" {
		return
	}
	d := denial{route: strings.Clone(r.Route), code: strings.Clone(r.Code), requestID: strings.Clone(r.RequestID)}
	for _, a := range r.Annotations {
		switch a.Key {
		case "client.ip":
			d.ip = strings.Clone(a.Value)
		case "identity.key_id":
			d.key = strings.Clone(a.Value)
		case "identity.subject":
			d.subject = strings.Clone(a.Value)
		}
	}
	select {
	case m.q <- d:
	default:
		m.met.dropped.Inc()
	}
}

// RefuseIP implements proxy.Gate.
func (m *Manager) RefuseIP(ip string) bool {
	qs := m.cache.Load()
	if qs.n == 0 {
		return false
	}
	return qs.refused(0, ip, m.now)
}

// RefuseIdentity implements proxy.Gate.
func (m *Manager) RefuseIdentity(ann []abi.KV) bool {
	qs := m.cache.Load()
	if qs.n == 0 {
		return false
	}
	for _, a := range ann {
		switch a.Key {
		case "identity.key_id":
			if qs.refused(1, a.Value, m.now) {
				return true
			}
		case "identity.subject":
			if qs.refused(2, a.Value, m.now) {
				return true
			}
		}
	}
	return false
}

func (qs *qset) refused(kind int, id string, now func() time.Time) bool {
	until, ok := qs.by[kind][id]
	return ok && now().Before(until)
}

// refused reports whether the identity id ("KIND:VALUE") is quarantined in
// this replica's view.
func (m *Manager) refused(id string) bool {
	kind, v, ok := strings.Cut(id, ":")
	k := kindIndex(kind)
	return ok && k >= 0 && m.cache.Load().refused(k, v, m.now)
}

// routeRules returns the rules counting on route, for the live config.
func (m *Manager) routeRules(route string) []*config.QuarantineRule {
	cfg := m.o.Config()
	m.rulesMu.Lock()
	defer m.rulesMu.Unlock()
	if cfg != m.rulesFor {
		m.rules = map[string][]*config.QuarantineRule{}
		for _, rt := range cfg.Routes {
			for _, name := range rt.Quarantine {
				if r := cfg.Incident.Rule(name); r != nil {
					m.rules[rt.Name] = append(m.rules[rt.Name], r)
				}
			}
		}
		m.rulesFor = cfg
	}
	return m.rules[route]
}

// matches reports whether a rule counts code: an exact code, or a
// "GUARD.*" pattern matching every code that begins with "GUARD.".
func matches(r *config.QuarantineRule, code string) bool {
	for _, c := range r.Reasons {
		if p, ok := strings.CutSuffix(c, "*"); ok && strings.HasPrefix(code, p) || c == code {
			return true
		}
	}
	return false
}

// countNow counts one denial synchronously, as the worker does for queued
// ones (tests use it to step a fake clock between denials).
func (m *Manager) countNow(ctx context.Context, route, code, requestID string, ann []abi.KV) {
	d := denial{route: route, code: code, requestID: requestID}
	for _, a := range ann {
		switch a.Key {
		case "client.ip":
			d.ip = a.Value
		case "identity.key_id":
			d.key = a.Value
		case "identity.subject":
			d.subject = a.Value
		}
	}
	m.count(ctx, d)
}

func (m *Manager) count(ctx context.Context, d denial) {
	for _, r := range m.routeRules(d.route) {
		if !matches(r, d.code) {
			continue
		}
		var id string
		switch r.Identity {
		case config.IdentityIP:
			id = d.ip
		case config.IdentityKey:
			id = d.key
		case config.IdentitySubject:
			id = d.subject
		}
		if id == "" || id == "unknown" {
			continue
		}
		qid := r.Identity + ":" + id
		cctx, cancel := context.WithTimeout(ctx, m.o.Timeout)
		e, err := m.o.Store.Incr(cctx, CounterPrefix+r.Name+"/"+qid, 1, r.Window)
		cancel()
		if err != nil {
			m.met.countErrors.Inc()
			m.log.Warn("incident: denial not counted: state backend unavailable", "rule", r.Name, "err", err)
			continue
		}
		// Exactly the denial that reaches the threshold quarantines: the
		// counter is atomic across replicas, so one quarantine (and one
		// alert) per window, whichever replica saw it.
		if e.Value != int64(r.Denials) {
			continue
		}
		m.quarantine(ctx, r, d, id, qid)
	}
}

func (m *Manager) quarantine(ctx context.Context, r *config.QuarantineRule, d denial, id, qid string) {
	now := m.now()
	q := Quarantine{ID: qid, Identity: id, Kind: r.Identity, Rule: r.Name, Route: d.route, Reason: d.code,
		Denials: r.Denials, Window: r.Window.String(), Since: now, Until: now.Add(r.Period), RequestID: d.requestID}
	val, _ := json.Marshal(q)
	cctx, cancel := context.WithTimeout(ctx, m.o.Timeout)
	err := m.o.Records.Put(cctx, Set, qid, val, r.Period)
	cancel()
	if err != nil {
		m.met.countErrors.Inc()
		m.log.Error("incident: quarantine not stored: state backend unavailable; enforced on this replica only",
			"id", qid, "rule", r.Name, "err", err)
	}
	m.set(qid, q.Until)
	m.met.quarantines.WithLabelValues(d.route, d.code).Inc()
	m.log.Warn("identity quarantined", "id", qid, "rule", r.Name, "route", d.route, "reason", d.code,
		"denials", r.Denials, "window", r.Window.String(), "period", r.Period.String(), "until", q.Until, "request_id", d.requestID)
	if m.o.Audit != nil {
		_ = m.o.Audit.Event("quarantine", now, newQuarantineRecord(q))
	}
	if m.o.Webhook != nil {
		m.o.Webhook.Send(Alert{Event: "quarantine", Quarantine: q})
	}
}

// set records id as quarantined until in this replica's view.
func (m *Manager) set(qid string, until time.Time) {
	kind, v, _ := strings.Cut(qid, ":")
	k := kindIndex(kind)
	if k < 0 {
		return
	}
	m.cacheMu.Lock()
	defer m.cacheMu.Unlock()
	old := m.cache.Load()
	next := &qset{}
	for i := range old.by {
		next.by[i] = make(map[string]time.Time, len(old.by[i])+1)
		for id, u := range old.by[i] {
			next.by[i][id] = u
		}
	}
	if until.IsZero() {
		delete(next.by[k], v)
	} else {
		next.by[k][v] = until
	}
	for i := range next.by {
		next.n += len(next.by[i])
	}
	m.cache.Store(next)
}

// List returns the live quarantines from the backend (sorted by id) and
// refreshes this replica's view with them.
func (m *Manager) List(ctx context.Context) ([]Quarantine, error) {
	cctx, cancel := context.WithTimeout(ctx, m.o.Timeout)
	recs, err := m.o.Records.List(cctx, Set)
	cancel()
	if err != nil {
		return nil, fmt.Errorf("incident: listing quarantines: %w", err)
	}
	now := m.now()
	out := make([]Quarantine, 0, len(recs))
	next := &qset{}
	for i := range next.by {
		next.by[i] = map[string]time.Time{}
	}
	for _, rec := range recs {
		var q Quarantine
		if json.Unmarshal(rec.Value, &q) != nil {
			q = Quarantine{ID: rec.Key}
			q.Kind, q.Identity, _ = strings.Cut(rec.Key, ":")
		}
		q.ID = rec.Key
		q.Until = now.Add(rec.TTL)
		if k := kindIndex(q.Kind); k >= 0 {
			next.by[k][q.Identity] = q.Until
			next.n++
		}
		out = append(out, q)
	}
	m.cacheMu.Lock()
	m.cache.Store(next)
	m.cacheMu.Unlock()
	return out, nil
}

// Sync reloads this replica's view from the backend; on failure the view
// is kept (its entries still end at their time) and the failure is logged
// once until a sync succeeds again.
func (m *Manager) Sync(ctx context.Context) {
	_, err := m.List(ctx)
	switch {
	case err != nil && !m.syncFailing:
		m.syncFailing = true
		m.log.Warn("incident: quarantine list not reloaded; keeping the last one", "err", err)
	case err == nil && m.syncFailing:
		m.syncFailing = false
		m.log.Info("incident: quarantine list reloaded again")
	}
}

// Errors of Lift.
var (
	ErrNotFound  = errors.New("incident: not quarantined")
	ErrInvalidID = errors.New("incident: invalid identity (want ip:ADDRESS, key:KEY_ID or subject:SUBJECT)")
)

// Lift ends the quarantine of id ("KIND:VALUE") at once on this replica
// (other replicas within their sync interval), logged and audited with the
// operator who lifted it. It returns ErrNotFound when id is not
// quarantined. The identity's open counting windows are not reset: the
// quarantine triggers on the denial that reaches a rule's threshold.
func (m *Manager) Lift(ctx context.Context, id, operator string) error {
	kind, v, ok := strings.Cut(id, ":")
	if !ok || kindIndex(kind) < 0 || v == "" {
		return fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	cctx, cancel := context.WithTimeout(ctx, m.o.Timeout)
	found, err := m.o.Records.Delete(cctx, Set, id)
	cancel()
	local := m.refused(id)
	m.set(id, time.Time{})
	if err != nil {
		return fmt.Errorf("incident: lifting %s: %w", id, err)
	}
	if !found && !local {
		return ErrNotFound
	}
	m.met.lifts.Inc()
	m.log.Warn("quarantine lifted", "id", id, "operator", operator)
	if m.o.Audit != nil {
		_ = m.o.Audit.Event("quarantine_lift", m.now(), map[string]string{"id": id, "operator": operator})
	}
	if m.o.Webhook != nil {
		m.o.Webhook.Send(Alert{Event: "quarantine_lift", Quarantine: Quarantine{ID: id, Kind: kind, Identity: v}, Operator: operator})
	}
	return nil
}

// active counts the quarantines of this replica's view that have not ended.
func (m *Manager) active() int {
	qs := m.cache.Load()
	now := m.now()
	n := 0
	for i := range qs.by {
		for _, u := range qs.by[i] {
			if now.Before(u) {
				n++
			}
		}
	}
	return n
}

type metricsSet struct {
	quarantines *prometheus.CounterVec
	lifts       prometheus.Counter
	dropped     prometheus.Counter
	countErrors prometheus.Counter
}

func (s *metricsSet) register(reg prometheus.Registerer, m *Manager) error {
	s.quarantines = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ward_quarantines_total",
		Help: "Identities quarantined by this replica, by the route and the denial code that triggered it.",
	}, []string{"route", "reason"})
	s.lifts = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ward_quarantine_lifts_total", Help: "Quarantines lifted by an operator through this replica."})
	s.dropped = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ward_incident_denials_dropped_total", Help: "Denials not counted because the incident queue was full."})
	s.countErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ward_incident_state_errors_total", Help: "Denials not counted or quarantines not stored because the state backend was unavailable."})
	active := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "ward_quarantines_active", Help: "Quarantined identities in this replica's view."},
		func() float64 { return float64(m.active()) })
	if reg == nil {
		return nil
	}
	for _, c := range []prometheus.Collector{s.quarantines, s.lifts, s.dropped, s.countErrors, active} {
		if err := reg.Register(c); err != nil {
			return fmt.Errorf("incident: registering metrics: %w", err)
		}
	}
	return nil
}
