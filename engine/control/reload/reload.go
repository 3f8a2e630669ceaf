// Package reload swaps Ward's pipeline while it serves.
//
// A reload builds the next snapshot on the side (proxy.Rebuild: guards
// whose module, settings and limits did not change are shared, the others
// are compiled through the host's cache, instantiated and described),
// self-tests every newly loaded guard with a canned exchange in each phase
// it handles, and only then publishes it with one atomic swap. Requests in
// flight finish on the snapshot they started with; the old snapshot is
// closed in the background once they have drained. A config that does not
// parse, a module that does not compile, fails its pin, rejects its config,
// faults or runs out of CPU in its self-test never replaces the running
// pipeline: the error is returned, logged and counted.
//
// The previous pipeline is kept (its config and module bytes, not its
// instances) as the last known good for Rollback.
package reload

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/control/metrics"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
)

// Options configure a Reloader.
type Options struct {
	// Load returns the configuration to build; called on every Reload.
	// Typically config.Load of the file the gateway was started with.
	Load func() (*config.Config, error)
	Host *wasmhost.Host
	// Resolve reads guard modules (files and builtin:NAME).
	Resolve proxy.Resolver
	Log     *slog.Logger
	// Metrics, when not nil, counts reloads and folds the instance
	// replacements of retired guards.
	Metrics *metrics.Metrics
	// DrainTimeout bounds how long a retired snapshot waits for its
	// requests before its guards are closed anyway (their calls in flight
	// are then stopped); default 60s.
	DrainTimeout time.Duration
	// Built, when not nil, is called after every pipeline build (the
	// first, reloads, rollbacks; successful or not), once the new pipeline
	// is live or refused, so that it does not delay a swap; reloads wait
	// for it. cmd/ward gives the pages of the built-in modules it read back
	// to the OS there.
	Built func()
	// Settled, when not nil, is called once reloads have settled: no
	// reload (successful or refused) for SettleDelay and every retired
	// pipeline closed. It runs with reloads held off, so that it never
	// slows a swap. cmd/ward hands the memory a swap left behind (the new
	// module's decoding and compiling garbage, the retired guards' heap)
	// back to the OS there, so that the resident size returns to where it
	// was instead of holding a swap's peak until the runtime's background
	// scavenger gets to it; right after each swap it would slow the next
	// one under load (the heap regrown page by page), hence the delay.
	Settled func()
	// SettleDelay is the quiet time before Settled; default 10s.
	SettleDelay time.Duration
}

// generation is one published pipeline and what rebuilds it.
type generation struct {
	id   int
	snap *proxy.Snapshot
	cfg  *config.Config // what was built: file with ov applied
	// file is the configuration as the file said; ov the run-time
	// overrides applied on top of it (kept across reloads, restored by a
	// rollback).
	file    *config.Config
	ov      []Override
	modules map[string][]byte // resolved path -> bytes, for Rollback
	at      time.Time
	trigger string
}

// swapInput is what a swap builds.
type swapInput struct {
	file, cfg *config.Config
	ov        []Override
	dropped   []Override
	target    string // the guard a promote, mode or upload changes
}

// Result describes one reload attempt.
type Result struct {
	Trigger    string        `json:"trigger"`            // start, file, sighup, admin, rollback, promote, mode, upload
	Operator   string        `json:"operator,omitempty"` // who asked (WithOperator)
	Target     string        `json:"target,omitempty"`   // the guard of a promote, mode or upload
	At         time.Time     `json:"at"`
	OK         bool          `json:"ok"`
	Error      string        `json:"error,omitempty"`
	Duration   time.Duration `json:"duration_ns"` // request to live (or to failure)
	Generation int           `json:"generation"`  // the live generation afterwards
	Loaded     []string      `json:"loaded,omitempty"`
	Reused     []string      `json:"reused,omitempty"`
	// Restart lists changed config sections that only take effect after a
	// restart (listeners, admin, audit, state, wasm, log).
	Restart []string `json:"restart,omitempty"`
	// Dropped are the overrides this reload dropped because the config
	// file's value of their key changed (or their guard is gone).
	Dropped []Override `json:"dropped_overrides,omitempty"`
}

// Status is the reloader's state for the admin API.
type Status struct {
	Generation   int       `json:"generation"`
	LoadedAt     time.Time `json:"loaded_at"`
	Trigger      string    `json:"trigger"`
	CanRollback  bool      `json:"can_rollback"`
	Last         *Result   `json:"last,omitempty"`
	LastFailure  *Result   `json:"last_failure,omitempty"`
	Reloads      uint64    `json:"reloads"`
	FailedReload uint64    `json:"failed_reloads"`
	Draining     int64     `json:"draining"` // retired snapshots not yet closed
	// LastKnownGood is the generation Rollback returns to (0: none).
	LastKnownGood int `json:"last_known_good"`
	// Overrides are the run-time overrides of the live pipeline (they do
	// not survive a restart); DroppedOverrides those the last reload that
	// dropped any dropped.
	Overrides        []Override `json:"overrides"`
	DroppedOverrides []Override `json:"dropped_overrides,omitempty"`
}

// HistorySize is the number of swap attempts History keeps.
const HistorySize = 100

// ErrNoRollback is returned by Rollback when there is no previous pipeline.
var ErrNoRollback = errors.New("reload: no previous pipeline to roll back to")

// Reloader builds, tests and publishes pipelines. It is safe for
// concurrent use; reloads run one at a time.
type Reloader struct {
	o Options

	mu      sync.Mutex // held for a whole reload
	modules moduleCache
	srv     *proxy.Server
	nextID  int

	// The state below is written with both mu and stMu held, so readers
	// (admin API, watcher) take stMu only and never wait for a reload.
	stMu     sync.RWMutex
	cur, lkg *generation
	last     *Result
	lastFail *Result
	ok, fail uint64
	history  []*Result // ring of the last HistorySize attempts
	histNext int
	dropped  []Override

	ready    atomic.Bool
	draining atomic.Int64
	retiring sync.WaitGroup

	settleMu sync.Mutex
	settle   *time.Timer // armed by every reload and retired close (Options.Settled)

	watching func() // tests: called once Watch watches the live config's directories
}

// New builds and self-tests the first pipeline; serve it with
// proxy.NewServer(r.Current()) and hand the server to Attach.
func New(ctx context.Context, o Options) (*Reloader, *Result, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.DrainTimeout <= 0 {
		o.DrainTimeout = 60 * time.Second
	}
	if o.SettleDelay <= 0 {
		o.SettleDelay = 10 * time.Second
	}
	r := &Reloader{o: o}
	start := time.Now()
	cfg, err := o.Load()
	if err != nil {
		return nil, nil, err
	}
	g, res, err := r.build(ctx, nil, swapInput{file: cfg, cfg: cfg}, r.modules.wrap(o.Resolve), "start", start)
	if o.Built != nil {
		o.Built()
	}
	if err != nil {
		return nil, res, err
	}
	r.cur = g
	r.last = res
	r.remember(res)
	r.ready.Store(true)
	if o.Metrics != nil {
		o.Metrics.Reloaded(true, res.Duration)
	}
	return r, res, nil
}

// Attach makes reloads publish to srv (which serves Current()).
func (r *Reloader) Attach(srv *proxy.Server) {
	r.mu.Lock()
	r.srv = srv
	r.mu.Unlock()
}

// Current returns the live snapshot.
func (r *Reloader) Current() *proxy.Snapshot {
	r.stMu.RLock()
	defer r.stMu.RUnlock()
	return r.cur.snap
}

// Config returns the live configuration.
func (r *Reloader) Config() *config.Config {
	r.stMu.RLock()
	defer r.stMu.RUnlock()
	return r.cur.cfg
}

// Ready reports whether a pipeline is loaded and not shut down.
func (r *Reloader) Ready() bool { return r.ready.Load() }

// Status returns the reloader's state.
func (r *Reloader) Status() Status {
	r.stMu.RLock()
	defer r.stMu.RUnlock()
	st := Status{
		Generation: r.cur.id, LoadedAt: r.cur.at, Trigger: r.cur.trigger, CanRollback: r.lkg != nil,
		Last: r.last, LastFailure: r.lastFail, Reloads: r.ok, FailedReload: r.fail, Draining: r.draining.Load(),
		Overrides: append([]Override{}, r.cur.ov...), DroppedOverrides: r.dropped,
	}
	if r.lkg != nil {
		st.LastKnownGood = r.lkg.id
	}
	return st
}

// History returns the last HistorySize swap attempts (reloads, rollbacks,
// promotes, mode changes, uploads; failed ones included), newest first,
// and the last-known-good generation (0: none).
func (r *Reloader) History() (swaps []*Result, lastKnownGood int) {
	r.stMu.RLock()
	defer r.stMu.RUnlock()
	n := len(r.history)
	for i := 1; i <= n; i++ {
		swaps = append(swaps, r.history[(r.histNext-i+n)%n])
	}
	if r.lkg != nil {
		lastKnownGood = r.lkg.id
	}
	return swaps, lastKnownGood
}

// remember adds res to the history; stMu is held (or the reloader not yet
// shared).
func (r *Reloader) remember(res *Result) {
	if len(r.history) < HistorySize {
		r.history = append(r.history, res)
		r.histNext = len(r.history) % HistorySize
		return
	}
	r.history[r.histNext] = res
	r.histNext = (r.histNext + 1) % HistorySize
}

// Reload loads the configuration again and, when it builds and passes its
// self-test, publishes it. trigger names the cause in logs and results.
// On failure the running pipeline is kept and the error returned.
func (r *Reloader) Reload(ctx context.Context, trigger string) (*Result, error) {
	start := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	cfg, err := r.o.Load()
	if err != nil {
		return r.failed(trigger, operator(ctx), start, err), err
	}
	eff, kept, dropped := applyOverrides(cfg, r.cur.ov)
	return r.swap(ctx, swapInput{file: cfg, cfg: eff, ov: kept, dropped: dropped}, r.modules.wrap(r.o.Resolve), trigger, start)
}

// Rollback publishes the previous pipeline again (its config and module
// bytes; guard config files are read again). The pipeline it replaces
// becomes the one a second Rollback returns to.
func (r *Reloader) Rollback(ctx context.Context) (*Result, error) {
	start := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lkg == nil {
		// Nothing was attempted: not a failed swap.
		return &Result{Trigger: "rollback", Operator: operator(ctx), At: start, Error: ErrNoRollback.Error(), Generation: r.cur.id}, ErrNoRollback
	}
	lkg := r.lkg
	mods := lkg.modules
	resolve := func(path string) ([]byte, error) {
		if b, ok := mods[path]; ok {
			return b, nil
		}
		return r.modules.wrap(r.o.Resolve)(path)
	}
	// The overrides go back with the pipeline they were part of.
	return r.swap(ctx, swapInput{file: lkg.file, cfg: lkg.cfg, ov: lkg.ov}, resolve, "rollback", start)
}

// swap builds, tests and publishes in; r.mu is held.
func (r *Reloader) swap(ctx context.Context, in swapInput, resolve proxy.Resolver, trigger string, start time.Time) (*Result, error) {
	if r.o.Built != nil {
		defer r.o.Built()
	}
	defer r.armSettle()
	cfg := in.cfg
	g, res, err := r.build(ctx, r.cur.snap, in, resolve, trigger, start)
	res.Operator, res.Target = operator(ctx), in.target
	if err != nil {
		r.stMu.Lock()
		r.fail++
		r.lastFail = res
		r.remember(res)
		r.stMu.Unlock()
		if r.o.Metrics != nil {
			r.o.Metrics.Reloaded(false, 0)
		}
		r.o.Log.Error("reload failed; the running pipeline is kept", "trigger", trigger, "generation", r.cur.id, "err", err)
		return res, err
	}
	res.Restart = restartOnly(r.cur.cfg, cfg)
	res.Dropped = in.dropped
	var old *proxy.Snapshot
	if r.srv != nil {
		old = r.srv.Swap(g.snap)
	} else {
		old = r.cur.snap
	}
	res.Duration = time.Since(start)
	r.stMu.Lock()
	r.lkg, r.cur = r.cur, g
	r.ok++
	r.last = res
	r.remember(res)
	if len(in.dropped) > 0 {
		r.dropped = in.dropped
	}
	r.stMu.Unlock()
	for _, o := range in.dropped {
		r.o.Log.Warn("run-time override dropped: the config file changed the key", "guard", o.Guard, "key", o.Key,
			"override", o.Value, "was", o.File, "action", o.Action)
	}
	if r.o.Metrics != nil {
		r.o.Metrics.Reloaded(true, res.Duration)
	}
	r.o.Log.Info("pipeline reloaded", "trigger", trigger, "generation", g.id, "loaded", res.Loaded,
		"reused", len(res.Reused), "duration", res.Duration.String())
	if len(res.Restart) > 0 {
		r.o.Log.Warn("config changes that need a restart were not applied", "sections", res.Restart)
	}
	r.retire(old)
	return res, nil
}

func (r *Reloader) failed(trigger, operator string, start time.Time, err error) *Result {
	res := &Result{Trigger: trigger, Operator: operator, At: start, Error: err.Error(), Duration: time.Since(start)}
	if r.cur != nil {
		res.Generation = r.cur.id
	}
	r.stMu.Lock()
	r.fail++
	r.lastFail = res
	r.remember(res)
	r.stMu.Unlock()
	if r.o.Metrics != nil {
		r.o.Metrics.Reloaded(false, 0)
	}
	r.o.Log.Error("reload failed; the running pipeline is kept", "trigger", trigger, "err", err)
	return res
}

// build makes and self-tests a generation.
func (r *Reloader) build(ctx context.Context, prev *proxy.Snapshot, in swapInput, resolve proxy.Resolver, trigger string, start time.Time) (*generation, *Result, error) {
	cfg := in.cfg
	res := &Result{Trigger: trigger, At: start}
	if r.cur != nil {
		res.Generation = r.cur.id
	}
	var mu sync.Mutex
	mods := map[string][]byte{}
	record := func(path string) ([]byte, error) {
		b, err := resolve(path)
		if err == nil {
			mu.Lock()
			mods[path] = b
			mu.Unlock()
		}
		return b, err
	}
	snap, err := proxy.Rebuild(ctx, prev, cfg, r.o.Host, record, r.o.Log)
	if err != nil {
		res.Error, res.Duration = err.Error(), time.Since(start)
		return nil, res, err
	}
	for _, e := range snap.Entries() {
		if e.Reused {
			res.Reused = append(res.Reused, e.Name)
		} else {
			res.Loaded = append(res.Loaded, e.Name+"@"+e.Guard.Version())
			if err := SelfTest(ctx, e.Guard); err != nil {
				err = cfg.Errorf([]string{"guards", e.Name}, "%v", err)
				_ = snap.Close(context.Background())
				res.Error, res.Duration = err.Error(), time.Since(start)
				return nil, res, err
			}
		}
		if e.Candidate != nil && !e.CandidateReused {
			// A candidate is tested like any module: one that faults
			// refuses the reload.
			res.Loaded = append(res.Loaded, e.Name+" candidate@"+e.Candidate.Version())
			if err := SelfTest(ctx, e.Candidate); err != nil {
				err = cfg.Errorf([]string{"guards", e.Name, "candidate"}, "%v", err)
				_ = snap.Close(context.Background())
				res.Error, res.Duration = err.Error(), time.Since(start)
				return nil, res, err
			}
		}
	}
	r.nextID++
	res.OK, res.Generation, res.Duration = true, r.nextID, time.Since(start)
	return &generation{id: r.nextID, snap: snap, cfg: cfg, file: in.file, ov: in.ov, modules: mods, at: time.Now(), trigger: trigger}, res, nil
}

// retire drains old in the background and closes it.
func (r *Reloader) retire(old *proxy.Snapshot) {
	if old == nil {
		return
	}
	// Guards the new snapshot shares stay live: only the others' counters
	// are final.
	live := map[*wasmhost.Guard]bool{}
	for _, e := range r.cur.snap.Entries() {
		live[e.Guard] = true
	}
	var gone []proxy.GuardEntry
	for _, e := range old.Entries() {
		if !live[e.Guard] {
			gone = append(gone, e)
		}
	}
	r.draining.Add(1)
	r.retiring.Add(1)
	go func() {
		defer r.armSettle() // last: after draining counts this one out
		defer r.retiring.Done()
		defer r.draining.Add(-1)
		ctx, cancel := context.WithTimeout(context.Background(), r.o.DrainTimeout)
		defer cancel()
		if err := old.Drain(ctx, 2*time.Millisecond); err != nil {
			r.o.Log.Warn("retired pipeline did not drain; closing it", "err", err)
		}
		if r.o.Metrics != nil {
			r.o.Metrics.FoldReplacements(old.Entries())
			r.o.Metrics.Forget(gone)
		}
		cctx, ccancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer ccancel()
		if err := old.Close(cctx); err != nil {
			r.o.Log.Warn("closing the retired pipeline", "err", err)
		}
	}()
}

// armSettle (re)starts the quiet time after which Options.Settled runs.
func (r *Reloader) armSettle() {
	if r.o.Settled == nil {
		return
	}
	r.settleMu.Lock()
	defer r.settleMu.Unlock()
	if r.settle == nil {
		r.settle = time.AfterFunc(r.o.SettleDelay, r.settled)
		return
	}
	r.settle.Reset(r.o.SettleDelay)
}

// settled runs Options.Settled unless a reload is under way or a retired
// pipeline is still draining: those arm the quiet time again when they
// end.
func (r *Reloader) settled() {
	if !r.mu.TryLock() {
		return
	}
	defer r.mu.Unlock()
	if r.draining.Load() > 0 || !r.ready.Load() {
		return
	}
	r.o.Settled()
}

// Close marks the reloader not ready and waits for retired pipelines to be
// closed (bounded by ctx). It does not close the live pipeline.
func (r *Reloader) Close(ctx context.Context) error {
	r.ready.Store(false)
	r.settleMu.Lock()
	if r.settle != nil {
		r.settle.Stop()
	}
	r.settleMu.Unlock()
	done := make(chan struct{})
	go func() { r.retiring.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// restartOnly lists the sections of next that differ from cur but are only
// read at start-up.
func restartOnly(cur, next *config.Config) []string {
	var out []string
	a, b := cur.Server, next.Server
	a.Line, b.Line = 0, 0
	// TLS files and settings are reloaded with the snapshot (proxy's
	// Server.TLSConfig); only turning TLS on or off needs a restart.
	a.TLS, b.TLS = tlsOnOnly(a.TLS), tlsOnOnly(b.TLS)
	// Trusted proxies are read from the snapshot per request.
	a.TrustedProxies, b.TrustedProxies = nil, nil
	if !reflect.DeepEqual(a, b) {
		out = append(out, "server")
	}
	ca, na := cur.Admin, next.Admin
	ca.TLS, na.TLS = tlsOnOnly(ca.TLS), tlsOnOnly(na.TLS)
	for _, s := range []struct {
		name string
		x, y any
	}{{"log", cur.Log, next.Log}, {"wasm", cur.Wasm, next.Wasm}, {"state", cur.State, next.State},
		{"admin", ca, na}, {"audit", cur.Audit, next.Audit}, {"reload", cur.Reload, next.Reload}} {
		if !reflect.DeepEqual(s.x, s.y) {
			out = append(out, s.name)
		}
	}
	// Quarantine rules are read per denial from the live config; the sync
	// interval and the webhook are set up at start.
	if cur.Incident.SyncInterval != next.Incident.SyncInterval {
		out = append(out, "incident.sync_interval")
	}
	if !reflect.DeepEqual(cur.Incident.Webhook, next.Incident.Webhook) {
		out = append(out, "incident.webhook")
	}
	// A route body limit above what the listeners were started with is
	// refused by the listener before routing.
	maxBody := int64(0)
	for _, rt := range cur.Routes {
		maxBody = max(maxBody, rt.MaxBody)
	}
	for _, rt := range next.Routes {
		if rt.MaxBody > maxBody {
			out = append(out, fmt.Sprintf("routes.%s.max_body", rt.Name))
		}
	}
	return out
}

func tlsOnOnly(t config.TLS) config.TLS {
	if t.Enabled() {
		return config.TLS{Cert: "on"}
	}
	return config.TLS{}
}

// selfTestTimeout bounds the wait for a free instance during a self-test;
// the guest's own run is bounded by its CPU budget.
const selfTestTimeout = 5 * time.Second

// SelfTest runs g on a canned exchange in each phase it handles. A verdict
// of any kind passes; a fault (trap, timeout, out of memory, bad verdict)
// fails. Guards see request id "ward-selftest" and model "ward-selftest".
func SelfTest(ctx context.Context, g *wasmhost.Guard) error {
	ctx, cancel := context.WithTimeout(ctx, selfTestTimeout)
	defer cancel()
	x := &abi.Exchange{
		API:       abi.APIOpenAIChat,
		MaxTokens: 16,
		RequestID: "ward-selftest",
		Route:     "ward-selftest",
		Path:      "/v1/chat/completions",
		Model:     "ward-selftest",
		Messages: []abi.Message{
			{Turn: 0, Role: "system", Kind: abi.KindText, Text: "You are a helpful assistant."},
			{Turn: 1, Role: "user", Kind: abi.KindText, Text: "Ward self-test: say hello."},
		},
	}
	var v abi.Verdict
	for _, ph := range []abi.Phase{abi.PhaseRequest, abi.PhaseResponse} {
		if !g.Handles(ph) {
			continue
		}
		x.Phase = ph
		if ph == abi.PhaseResponse {
			x.Response = abi.Response{Status: 200, FinishReason: "stop", PromptTokens: 12, CompletionTokens: 3,
				Messages: []abi.Message{{Turn: 0, Role: "assistant", Kind: abi.KindText, Text: "Hello from the self-test."}}}
		}
		if err := g.Check(ctx, x, &v); err != nil {
			return fmt.Errorf("self-test (%s phase) failed: %w", ph, err)
		}
	}
	return nil
}

// FileLoader returns an Options.Load that reads path.
func FileLoader(path string) func() (*config.Config, error) {
	return func() (*config.Config, error) { return config.Load(path) }
}
