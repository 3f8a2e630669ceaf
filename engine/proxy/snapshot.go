package proxy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/state"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
)

// Snapshot is an immutable routing table: routes with their pipelines and
// upstream clients. It is built on the side and published with
// Server.Swap; Close releases its guards.
//
// A snapshot built by Rebuild shares the guards whose module and settings
// did not change with the snapshot it was built from; a shared guard is
// closed when the last snapshot using it is closed.
type Snapshot struct {
	routes  []*route // longest prefix first
	guards  []*wasmhost.Guard
	entries []GuardEntry
	shared  []*sharedGuard
	cfg     *config.Config
	// trusted is cfg.Server.TrustedProxies (appendClientAddr).
	trusted []netip.Prefix
	// tls holds each listener's TLS settings with their files read (nil:
	// no TLS), served through Server.TLSConfig.
	tls [numListeners]*tls.Config

	// active counts the requests using the snapshot (Server.acquire).
	active atomic.Int64
}

// GuardEntry is one configured guard of a snapshot.
type GuardEntry struct {
	Name    string // the config's guard name
	Guard   *wasmhost.Guard
	Mode    string // enforce|observe
	OnError string // deny|allow
	// Reused is set when the guard was taken over, already loaded, from
	// the snapshot this one was rebuilt from.
	Reused bool
	// Candidate is the guard's shadow version (nil: none), loaded from
	// CandidatePath with the guard's settings and limits; Shadow is how
	// its pipeline steps run it (and count its calls and disagreements).
	Candidate       *wasmhost.Guard
	CandidatePath   string
	Shadow          *pipeline.Candidate
	CandidateReused bool
}

// sharedGuard is a loaded guard with the number of snapshots using it.
type sharedGuard struct {
	name string
	key  [sha256.Size]byte // what it was loaded from: module, settings, limits
	g    *wasmhost.Guard
	refs atomic.Int32
	// The module it was loaded from and its hash, so that a rebuild given
	// the very same bytes (a caching Resolver) does not hash them again.
	wasm    []byte
	wasmSum [sha256.Size]byte
	// cand is set for a candidate: the pipelines' view of it, shared with
	// the guard so that its counters last as long as it is loaded.
	cand *pipeline.Candidate
}

// candidateKey names a guard's candidate among the shared guards (a space
// is never part of a guard name).
func candidateKey(name string) string { return name + " candidate" }

func (sg *sharedGuard) release(ctx context.Context) error {
	if sg.refs.Add(-1) == 0 {
		return sg.g.Close(ctx)
	}
	return nil
}

type route struct {
	cfg             *config.Route
	name            string
	prefix          []byte
	pipeline        *pipeline.Pipeline
	client          *fasthttp.HostClient
	scheme          []byte
	hostHeader      []byte
	basePath        []byte
	identityHeaders []string
	refuseUnknown   bool
	noCompression   bool
	// authRequest: the route answers nginx auth_request subrequests
	// (authreq.go) and has no upstream client.
	authRequest bool
	limit       *limiter // nil: no max_concurrent
}

func (s *Snapshot) match(path []byte) *route {
	for _, r := range s.routes {
		if bytes.HasPrefix(path, r.prefix) {
			return r
		}
	}
	return nil
}

// limiter returns the limiter of s's route named like rc when its limits
// are rc's, so that requests still on s and new ones share it; nil when
// there is none (s may be nil).
func (s *Snapshot) limiter(rc *config.Route) *limiter {
	if s == nil {
		return nil
	}
	for _, r := range s.routes {
		if r.name == rc.Name && r.limit != nil && r.cfg.MaxConcurrent == rc.MaxConcurrent &&
			r.cfg.Queue == rc.Queue && r.cfg.QueueTimeout == rc.QueueTimeout {
			return r.limit
		}
	}
	return nil
}

// Guards returns the loaded guards in config order.
func (s *Snapshot) Guards() []*wasmhost.Guard { return s.guards }

// Entries returns the configured guards in config order; the caller must
// not modify the slice.
func (s *Snapshot) Entries() []GuardEntry { return s.entries }

// Config returns the configuration the snapshot was built from (nil for a
// snapshot not made by Build).
func (s *Snapshot) Config() *config.Config { return s.cfg }

// Active returns the number of requests using the snapshot now.
func (s *Snapshot) Active() int64 { return s.active.Load() }

// Drain waits until no request uses the snapshot, polling every poll, or
// until ctx ends. Only a snapshot that is no longer published can drain:
// requests keep arriving on the current one.
func (s *Snapshot) Drain(ctx context.Context, poll time.Duration) error {
	if s.active.Load() == 0 {
		return nil
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if s.active.Load() == 0 {
				return nil
			}
		case <-ctx.Done():
			return fmt.Errorf("proxy: snapshot still has %d requests in flight: %w", s.active.Load(), context.Cause(ctx))
		}
	}
}

// Close releases the snapshot's guards (closing those no other snapshot
// shares, waiting for their in-flight calls up to ctx) and closes idle
// upstream connections. It is safe to call on a partially built snapshot.
// Close a published snapshot only after it was swapped out and drained.
func (s *Snapshot) Close(ctx context.Context) error {
	var errs []error
	if s.shared != nil {
		for _, sg := range s.shared {
			if err := sg.release(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	} else {
		for _, g := range s.guards {
			if err := g.Close(ctx); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, r := range s.routes {
		if r.client != nil {
			r.client.CloseIdleConnections()
		}
	}
	return errors.Join(errs...)
}

// Resolver reads the bytes of a guard module from a config path: a file
// path (already resolved against the config's directory) or "builtin:NAME".
// The bytes returned must not be modified afterwards: a Resolver may
// return the same slice again for an unchanged module (Rebuild then skips
// hashing it).
type Resolver func(path string) ([]byte, error)

// Build loads every guard of cfg and builds the routes. On error nothing
// is left running. Errors in a guard's config table are reported at the
// config file line of the offending key.
func Build(ctx context.Context, cfg *config.Config, host *wasmhost.Host, resolve Resolver, log *slog.Logger) (*Snapshot, error) {
	return Rebuild(ctx, nil, cfg, host, resolve, log)
}

// Rebuild is Build for the snapshot that follows prev (nil: none). A guard
// of prev with the same name, module bytes, settings (after its config
// files are read again) and limits is shared instead of loaded again, so a
// reload that changes one guard loads only that one. prev must stay open
// while Rebuild runs; it is not modified. Guard files are read again either
// way, so an unchanged module with rotated config files is reloaded.
func Rebuild(ctx context.Context, prev *Snapshot, cfg *config.Config, host *wasmhost.Host, resolve Resolver, log *slog.Logger) (_ *Snapshot, err error) {
	if log == nil {
		log = slog.Default()
	}
	snap := &Snapshot{cfg: cfg, trusted: cfg.Server.TrustedProxies, shared: []*sharedGuard{}}
	defer func() {
		if err != nil {
			_ = snap.Close(context.Background())
		}
	}()
	old := map[string]*sharedGuard{}
	if prev != nil {
		// By role (guard or candidate).
		byGuard := map[*wasmhost.Guard]*sharedGuard{}
		for _, sg := range prev.shared {
			byGuard[sg.g] = sg
		}
		for _, e := range prev.entries {
			old[e.Name] = byGuard[e.Guard]
			if e.Candidate != nil {
				old[candidateKey(e.Name)] = byGuard[e.Candidate]
			}
		}
	}
	byName := map[string]int{} // index in snap.entries
	var errs []error
	for _, gc := range cfg.Guards {
		settings, err := cfg.LoadGuardConfig(gc, config.ReadGuardFile)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// A promoted candidate is loaded again, not taken over: the
		// candidate runs under its own name (NAME.candidate: its faults and
		// state keys are its own), the guard under the guard's.
		sg, reused, err := shareOrLoad(ctx, cfg, gc, guardModule, host, resolve, settings, log, old[gc.Name])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		snap.shared = append(snap.shared, sg)
		e := GuardEntry{Name: gc.Name, Guard: sg.g, Mode: gc.Mode, OnError: gc.OnError, Reused: reused}
		if gc.Candidate != "" {
			cg, creused, err := shareOrLoad(ctx, cfg, gc, candidateModule, host, resolve, settings, log, old[candidateKey(gc.Name)])
			if err != nil {
				errs = append(errs, err)
				continue
			}
			snap.shared = append(snap.shared, cg)
			e.Candidate, e.CandidatePath, e.Shadow, e.CandidateReused = cg.g, gc.Candidate, cg.cand, creused
		}
		snap.guards = append(snap.guards, sg.g)
		snap.entries = append(snap.entries, e)
		byName[gc.Name] = len(snap.entries) - 1
	}
	now := time.Now()
	for l, c := range [numListeners]*config.TLS{ListenerServer: &cfg.Server.TLS, ListenerAdmin: &cfg.Admin.TLS} {
		tc, err := buildTLS(cfg, Listener(l), c, now)
		if err != nil {
			errs = append(errs, err)
		}
		snap.tls[l] = tc
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	guardCfg := map[string]*config.Guard{}
	for _, gc := range cfg.Guards {
		guardCfg[gc.Name] = gc
	}
	for _, rc := range cfg.Routes {
		var steps []pipeline.Step
		for _, name := range rc.Guards {
			gc := guardCfg[name]
			i, ok := byName[name]
			if gc == nil || !ok {
				return nil, cfg.Errorf([]string{"routes", rc.Name, "guards"}, "unknown guard %q", name)
			}
			mode, _ := pipeline.ParseMode(gc.Mode)
			e := &snap.entries[i]
			steps = append(steps, pipeline.Step{Guard: e.Guard, Mode: mode, FailOpen: gc.OnError == "allow", Candidate: e.Shadow, CandidateSample: gc.CandidateSample})
		}
		r, err := newRoute(rc, pipeline.New(steps))
		if err != nil {
			return nil, err
		}
		for _, g := range r.pipeline.WholeAnswerOnly() {
			log.Warn("the guard checks whole answers only: streamed answers on the route are held until the upstream has sent the whole answer and the guard has checked it, so no event reaches the client before (after hold_keepalive only the headers and keep-alive comments); give the guard the response_chunk phase (sdk/ABI.md, Streams) to stream them",
				"route", rc.Name, "guard", g)
		}
		if l := prev.limiter(rc); l != nil {
			r.limit = l // one limit across a swap, not one per snapshot
		}
		snap.routes = append(snap.routes, r)
	}
	sort.SliceStable(snap.routes, func(i, j int) bool { return len(snap.routes[i].prefix) > len(snap.routes[j].prefix) })
	return snap, nil
}

// guardInput is what a guard is loaded from: its module and its settings
// with the config files merged in.
type guardInput struct {
	wasm     []byte
	sum      [sha256.Size]byte // of wasm
	selects  string            // the built-in guard of a builtin: path (wasmhost.Spec.Select), else ""
	settings *config.GuardConfig
}

// moduleKeys are the config keys a guard's module is named and pinned by.
type moduleKeys struct{ path, pin string }

var (
	guardModule     = moduleKeys{"path", "sha256"}
	candidateModule = moduleKeys{"candidate", "candidate_sha256"}
)

// shareOrLoad returns the guard (or, for candidateModule, the candidate)
// of gc: prev (the one being replaced, or nil) when it was loaded from the
// same module, settings and limits, else a newly loaded one. settings are
// the guard's, read once for both.
func shareOrLoad(ctx context.Context, cfg *config.Config, gc *config.Guard, mk moduleKeys, host *wasmhost.Host, resolve Resolver,
	settings *config.GuardConfig, log *slog.Logger, prev *sharedGuard) (*sharedGuard, bool, error) {
	path, pin, name := gc.Path, gc.SHA256, gc.Name
	if mk == candidateModule {
		path, pin, name = gc.Candidate, gc.CandidateSHA256, candidateKey(gc.Name)
	}
	in, err := readModule(cfg, gc.Name, path, pin, mk, resolve, prev)
	if err != nil {
		return nil, false, err
	}
	in.settings = settings
	key := guardKey(gc, in)
	if prev != nil && prev.key == key && prev.refs.Load() > 0 {
		prev.refs.Add(1)
		return prev, true, nil
	}
	g, err := loadGuard(ctx, cfg, gc, mk, host, in)
	if err != nil {
		return nil, false, err
	}
	sg := &sharedGuard{name: name, key: key, g: g, wasm: in.wasm, wasmSum: in.sum}
	sg.refs.Store(1)
	what := "guard loaded"
	if mk == candidateModule {
		what = "candidate loaded"
		sg.cand = &pipeline.Candidate{Guard: g, Log: disagreementLog(log, gc.Name)}
	}
	log.Info(what, "guard", gc.Name, "name", g.Name(), "version", g.Version(),
		"abi", g.ABI(), "sha256", g.SHA256(), "mode", gc.Mode, "on_error", gc.OnError)
	return sg, false, nil
}

// disagreementLog logs a candidate's disagreement with guard, both
// verdicts (the pipeline rate-limits it).
func disagreementLog(log *slog.Logger, guard string) func(*pipeline.Record) {
	return func(r *pipeline.Record) {
		c := &r.Candidate
		log.Warn("candidate disagrees with the guard", "guard", guard, "phase", r.Phase.String(),
			"version", r.Version, "verdict", pipeline.Action(r.Outcome, r.Rewrites), "code", r.Code,
			"candidate_version", c.Version, "candidate_verdict", pipeline.Action(c.Outcome, c.Rewrites), "candidate_code", c.Code)
	}
}

// readModule reads the module at path (written at key mk.path of guard
// name) and checks its pin. prev, when not nil, is what is being replaced.
func readModule(cfg *config.Config, name, path, pin string, mk moduleKeys, resolve Resolver, prev *sharedGuard) (*guardInput, error) {
	// Checked on every read, not only when the config was loaded: a
	// symlink swapped since then is refused too.
	checked, err := cfg.CheckModulePath(cfg.ResolvePath(path))
	if err != nil {
		return nil, cfg.Errorf([]string{"guards", name, mk.path}, "%v", err)
	}
	wasm, err := resolve(checked)
	if err != nil {
		return nil, cfg.Errorf([]string{"guards", name, mk.path}, "%v", err)
	}
	var sum [sha256.Size]byte
	if prev != nil && len(wasm) > 0 && len(prev.wasm) == len(wasm) && &prev.wasm[0] == &wasm[0] {
		sum = prev.wasmSum // the same immutable bytes (see Resolver)
	} else {
		sum = sha256.Sum256(wasm)
	}
	if pin != "" {
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, pin) {
			return nil, cfg.Errorf([]string{"guards", name, mk.pin}, "module %s has sha256 %s, config pins %s", path, got, pin)
		}
	}
	// The built-in guards are one module (plugins/builtin): the path names
	// the one to load.
	selects, ok := strings.CutPrefix(path, config.BuiltinPrefix)
	if !ok {
		selects = ""
	}
	return &guardInput{wasm: wasm, sum: sum, selects: selects}, nil
}

// guardKey identifies what a guard instance was loaded from; equal keys
// load equal guards. Mode and on_error are not part of it: they belong to
// the pipeline, not to the loaded guard.
func guardKey(gc *config.Guard, in *guardInput) [sha256.Size]byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field(in.sum[:])
	field([]byte(in.selects))
	field(in.settings.JSON)
	field(fmt.Appendf(nil, "%d/%d/%d/%d/%q", gc.PoolSize, gc.MemoryLimit, gc.CPUBudget, gc.MaxOutput, gc.Grants))
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

func loadGuard(ctx context.Context, cfg *config.Config, gc *config.Guard, mk moduleKeys, host *wasmhost.Host, in *guardInput) (*wasmhost.Guard, error) {
	wasm, settings := in.wasm, in.settings
	var st state.Store
	if gc.Granted(config.GrantState) {
		if st = host.State(); st == nil {
			return nil, cfg.Errorf([]string{"guards", gc.Name, "grants"}, "granted %q but the gateway has no state store", config.GrantState)
		}
	}
	name := gc.Name
	if mk == candidateModule {
		// Its own name: its errors say what faulted, and its state keys
		// (prefixed with the name) never move the guard's counters.
		name += ".candidate"
	}
	g, err := host.Load(ctx, wasmhost.Spec{
		Name:        name,
		Wasm:        wasm,
		SHA256:      in.sum, // hashed once, here, for the pin
		Select:      in.selects,
		ConfigJSON:  settings.JSON,
		PoolSize:    gc.PoolSize,
		MemoryLimit: gc.MemoryLimit,
		CPUBudget:   gc.CPUBudget,
		MaxOutput:   int(gc.MaxOutput),
		Walltime:    gc.Granted(config.GrantClock),
		State:       st,
	})
	if err != nil {
		var ce *wasmhost.ConfigError
		if errors.As(err, &ce) {
			return nil, settings.Errorf(config.SplitKey(ce.Key), "%s", ce.Msg)
		}
		at := []string{"guards", gc.Name}
		if mk == candidateModule {
			at = append(at, mk.path)
		}
		return nil, cfg.Errorf(at, "%v", err)
	}
	return g, nil
}

func newRoute(rc *config.Route, p *pipeline.Pipeline) (*route, error) {
	if rc.Mode == config.RouteAuthRequest {
		return &route{
			cfg:             rc,
			name:            rc.Name,
			prefix:          []byte(rc.Prefix),
			pipeline:        p,
			identityHeaders: rc.IdentityHeaders,
			refuseUnknown:   rc.UnknownPaths == config.UnknownRefuse,
			authRequest:     true,
		}, nil
	}
	u := rc.Upstream
	isTLS := u.Scheme == "https"
	addr := u.Host
	if u.Port() == "" {
		if isTLS {
			addr = net.JoinHostPort(u.Hostname(), "443")
		} else {
			addr = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	hostHeader := u.Host
	if rc.HostHeader != "" {
		hostHeader = rc.HostHeader
	}
	client := &fasthttp.HostClient{
		Addr:                     addr,
		Name:                     "ward",
		NoDefaultUserAgentHeader: true,
		IsTLS:                    isTLS,
		MaxConns:                 rc.MaxConns,
		// With every connection busy, a request waits up to the connect
		// timeout for one to come free (part of getting a connection)
		// instead of failing at once: a burst above max_conns queues
		// briefly rather than answering 503 upstream_busy.
		MaxConnWaitTimeout:            rc.ConnectTimeout,
		MaxIdleConnDuration:           rc.MaxIdleConnDuration,
		MaxResponseBodySize:           int(rc.MaxResponseBody),
		DisableHeaderNamesNormalizing: false,
		DisablePathNormalizing:        true,
		MaxIdemponentCallAttempts:     1,
		DialTimeout: func(addr string, timeout time.Duration) (net.Conn, error) {
			if rc.ConnectTimeout > 0 && (timeout <= 0 || rc.ConnectTimeout < timeout) {
				timeout = rc.ConnectTimeout
			}
			conn, err := fasthttp.DialTimeout(addr, timeout)
			if err != nil {
				return nil, err
			}
			return &idleConn{Conn: conn, idle: rc.Timeout}, nil
		},
		WriteTimeout: rc.Timeout,
	}
	if isTLS {
		client.TLSConfig = &tls.Config{ServerName: u.Hostname(), MinVersion: tls.VersionTLS12}
	}
	basePath := strings.TrimSuffix(u.EscapedPath(), "/")
	r := &route{
		cfg:             rc,
		name:            rc.Name,
		prefix:          []byte(rc.Prefix),
		pipeline:        p,
		client:          client,
		scheme:          []byte(u.Scheme),
		hostHeader:      []byte(hostHeader),
		basePath:        []byte(basePath),
		identityHeaders: rc.IdentityHeaders,
		refuseUnknown:   rc.UnknownPaths == "refuse",
		noCompression:   p.Handles(abi.PhaseResponse),
		limit:           newLimiter(rc.MaxConcurrent, rc.Queue, rc.QueueTimeout),
	}
	return r, nil
}

// Describe returns a JSON-friendly view of the snapshot for logs and CLI.
func (s *Snapshot) Describe() []byte {
	type gv struct {
		Name, Version, ABI, SHA256 string
	}
	type rv struct {
		Name, Prefix, Upstream string
		Guards                 []string
	}
	var out struct {
		Guards []gv
		Routes []rv
	}
	for _, g := range s.guards {
		out.Guards = append(out.Guards, gv{g.Name(), g.Version(), g.ABI(), g.SHA256()})
	}
	for _, r := range s.routes {
		v := rv{Name: r.name, Prefix: string(r.prefix)}
		if r.cfg.Upstream != nil {
			v.Upstream = r.cfg.Upstream.String()
		}
		for _, st := range r.pipeline.Steps() {
			v.Guards = append(v.Guards, fmt.Sprintf("%s@%s(%s)", st.Guard.Name(), st.Guard.Version(), st.Mode))
		}
		out.Routes = append(out.Routes, v)
	}
	b, _ := json.Marshal(out)
	return b
}
