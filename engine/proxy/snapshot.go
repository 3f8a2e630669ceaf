package proxy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sort"
	"strings"
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
type Snapshot struct {
	routes []*route // longest prefix first
	guards []*wasmhost.Guard
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
}

func (s *Snapshot) match(path []byte) *route {
	for _, r := range s.routes {
		if bytes.HasPrefix(path, r.prefix) {
			return r
		}
	}
	return nil
}

// Guards returns the loaded guards in config order.
func (s *Snapshot) Guards() []*wasmhost.Guard { return s.guards }

// Close closes every guard of the snapshot, waiting for in-flight calls up
// to ctx. It is safe to call on a partially built snapshot.
func (s *Snapshot) Close(ctx context.Context) error {
	var errs []error
	for _, g := range s.guards {
		if err := g.Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	for _, r := range s.routes {
		r.client.CloseIdleConnections()
	}
	return errors.Join(errs...)
}

// Resolver reads the bytes of a guard module from a config path: a file
// path (already resolved against the config's directory) or "builtin:NAME".
type Resolver func(path string) ([]byte, error)

// Build loads every guard of cfg and builds the routes. On error nothing
// is left running. Errors in a guard's config table are reported at the
// config file line of the offending key.
func Build(ctx context.Context, cfg *config.Config, host *wasmhost.Host, resolve Resolver, log *slog.Logger) (_ *Snapshot, err error) {
	if log == nil {
		log = slog.Default()
	}
	snap := &Snapshot{}
	defer func() {
		if err != nil {
			_ = snap.Close(context.Background())
		}
	}()
	byName := map[string]*wasmhost.Guard{}
	var errs []error
	for _, gc := range cfg.Guards {
		g, err := loadGuard(ctx, cfg, gc, host, resolve)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		snap.guards = append(snap.guards, g)
		byName[gc.Name] = g
		log.Info("guard loaded", "guard", gc.Name, "name", g.Name(), "version", g.Version(),
			"abi", g.ABI(), "sha256", g.SHA256(), "mode", gc.Mode, "on_error", gc.OnError)
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
			g := byName[name]
			if gc == nil || g == nil {
				return nil, cfg.Errorf([]string{"routes", rc.Name, "guards"}, "unknown guard %q", name)
			}
			mode, _ := pipeline.ParseMode(gc.Mode)
			steps = append(steps, pipeline.Step{Guard: g, Mode: mode, FailOpen: gc.OnError == "allow"})
		}
		r, err := newRoute(rc, pipeline.New(steps))
		if err != nil {
			return nil, err
		}
		snap.routes = append(snap.routes, r)
	}
	sort.SliceStable(snap.routes, func(i, j int) bool { return len(snap.routes[i].prefix) > len(snap.routes[j].prefix) })
	return snap, nil
}

func loadGuard(ctx context.Context, cfg *config.Config, gc *config.Guard, host *wasmhost.Host, resolve Resolver) (*wasmhost.Guard, error) {
	path := cfg.ResolvePath(gc.Path)
	wasm, err := resolve(path)
	if err != nil {
		return nil, cfg.Errorf([]string{"guards", gc.Name, "path"}, "%v", err)
	}
	if gc.SHA256 != "" {
		sum := sha256.Sum256(wasm)
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, gc.SHA256) {
			return nil, cfg.Errorf([]string{"guards", gc.Name, "sha256"}, "module %s has sha256 %s, config pins %s", gc.Path, got, gc.SHA256)
		}
	}
	// The guard's files are read on every Build, so a reload sees rotated
	// keys; a guard is never loaded with a partial config.
	settings, err := cfg.LoadGuardConfig(gc, config.ReadGuardFile)
	if err != nil {
		return nil, err
	}
	var st state.Store
	if gc.Granted(config.GrantState) {
		if st = host.State(); st == nil {
			return nil, cfg.Errorf([]string{"guards", gc.Name, "grants"}, "granted %q but the gateway has no state store", config.GrantState)
		}
	}
	g, err := host.Load(ctx, wasmhost.Spec{
		Name:        gc.Name,
		Wasm:        wasm,
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
		return nil, cfg.Errorf([]string{"guards", gc.Name}, "%v", err)
	}
	return g, nil
}

func newRoute(rc *config.Route, p *pipeline.Pipeline) (*route, error) {
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
		Addr:                          addr,
		Name:                          "ward",
		NoDefaultUserAgentHeader:      true,
		IsTLS:                         isTLS,
		MaxConns:                      rc.MaxConns,
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
		v := rv{Name: r.name, Prefix: string(r.prefix), Upstream: r.cfg.Upstream.String()}
		for _, st := range r.pipeline.Steps() {
			v.Guards = append(v.Guards, fmt.Sprintf("%s@%s(%s)", st.Guard.Name(), st.Guard.Version(), st.Mode))
		}
		out.Routes = append(out.Routes, v)
	}
	b, _ := json.Marshal(out)
	return b
}
