// Package admin is Ward's admin API, served on its own listener:
//
//	GET  /healthz   200 while the process serves (no token)
//	GET  /readyz    200 once a pipeline is loaded, 503 before and at shutdown (no token)
//	GET  /metrics   Prometheus metrics
//	GET  /guards    the live guards: name, version, sha256, ABI, mode, pool, calls, errors, p50/p99
//	GET  /status    the reloader's state: generation, last reload and last failure
//	POST /reload    reload the config and guards; 200 with the result, 422 when refused
//	POST /rollback  publish the previous pipeline again; 409 when there is none
//	POST /promote   {"guard":"NAME"}: the guard's candidate becomes the guard
//	POST /mode      {"guard":"NAME","mode":"enforce"|"observe"}
//	POST /modules   ?guard=NAME&sha256=HEX&as=candidate|guard, the module as body
//	GET  /swaps     the last 100 swap attempts and the last-known-good generation
//	GET  /quarantines            the quarantined identities (engine/control/incident)
//	POST /quarantines/lift       {"identity":"KIND:VALUE"}: lift a quarantine
//	DELETE /quarantines/{id}     the same
//	POST /login     {"operator","password","totp"}: an operator session token (no token needed)
//	POST /logout    revoke the session token of the request
//	/console/       the web console, when Options.Console is set
//
// Every endpoint but /healthz, /readyz and /login requires "Authorization:
// Bearer TOKEN" when a token or operators are set: the admin token
// (compared in constant time) or an operator's session token, or the console's session
// (Console.Session: the operator who logged in, or "console" for the admin token). Without
// either the API refuses to listen anywhere but on loopback. Every POST is
// written to the audit log (Options.Audit) with its operator (Operator).
package admin

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/control/incident"
	"github.com/wardgate/ward/engine/control/metrics"
	"github.com/wardgate/ward/engine/control/operator"
	"github.com/wardgate/ward/engine/control/reload"
)

// Options configure the admin API.
type Options struct {
	Reloader *reload.Reloader
	Metrics  *metrics.Metrics
	// Gatherer serves /metrics; nil serves no metrics.
	Gatherer prometheus.Gatherer
	// Token is the bearer token; "" means none (loopback only, unless
	// Operators is set).
	Token string
	// Operators, when not nil, enables POST /login and operator session
	// tokens; every endpoint but the health checks then needs a session
	// or Token.
	Operators *operator.Authenticator
	// Quarantines serves /quarantines; nil serves none.
	Quarantines Quarantines
	// Events, when not nil, receives an audit record of each login
	// attempt ("admin_login").
	Events incident.Auditor
	Log    *slog.Logger
	// ModuleDir is where POST /modules stores modules (absolute); ""
	// refuses uploads.
	ModuleDir string
	// MaxModuleSize bounds an uploaded module; default MaxModuleSize.
	MaxModuleSize int64
	// Audit, when not nil, records every POST.
	Audit Auditor
	// Console, when set, is mounted on the admin listener and its
	// sessions are accepted in place of the bearer token.
	Console Console
}

// Console is a web console served by the admin API
// (engine/control/console implements it).
type Console interface {
	// Mount adds the console's routes to mux.
	Mount(mux *http.ServeMux, a Auth)
	// Session returns the operator of the live console session r carries
	// (ConsoleOperator for a session opened with the admin token) and
	// whether there is one (for a request that changes state, with the
	// console's CSRF header).
	Session(r *http.Request) (operator string, ok bool)
}

// Auth is what the admin API lends a console.
type Auth struct {
	// TokenSet is false when the API has no token (loopback only).
	TokenSet bool
	// CheckToken reports whether token is the admin token, in constant
	// time.
	CheckToken func(token string) bool
	// Protect wraps h with the admin API's authentication.
	Protect func(h http.Handler) http.Handler
}

// Quarantines is what the admin API needs of incident response
// (*incident.Manager implements it).
type Quarantines interface {
	List(ctx context.Context) ([]incident.Quarantine, error)
	Lift(ctx context.Context, id, operator string) error
}

// Operator names who makes an admin request: the operator of its session
// token, TokenOperator for the admin token, "" without authentication.
// Handlers put it into the audit record of every admin action.
func Operator(ctx context.Context) string {
	s, _ := ctx.Value(operatorKey{}).(string)
	return s
}

// Operator's answers for a request made with the admin token
// (automation), and for any request when the API has neither a token nor
// operators (it then listens on loopback only).
const (
	TokenOperator    = "token"
	LoopbackOperator = "loopback"
	// ConsoleOperator is the operator of a console session logged in
	// with the admin token (an operator's console session is theirs).
	ConsoleOperator = "console"
)

type operatorKey struct{}

// WithOperator returns ctx carrying operator (for Operator).
func WithOperator(ctx context.Context, operator string) context.Context {
	return context.WithValue(ctx, operatorKey{}, operator)
}

// ErrNoToken is returned by Listen for a non-loopback address without a
// token.
var ErrNoToken = errors.New("admin: a token is required to listen on a non-loopback address")

// Server is the admin API.
type Server struct {
	o     Options
	token [sha256.Size]byte
	srv   *http.Server
}

// New returns the admin API's server.
func New(o Options) *Server {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.MaxModuleSize <= 0 {
		o.MaxModuleSize = MaxModuleSize
	}
	s := &Server{o: o}
	if o.Token != "" {
		s.token = sha256.Sum256([]byte(o.Token))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", s.readyz)
	if o.Gatherer != nil {
		mux.Handle("GET /metrics", s.auth(promhttp.HandlerFor(o.Gatherer, promhttp.HandlerOpts{})))
	}
	mux.Handle("GET /guards", s.auth(http.HandlerFunc(s.guards)))
	mux.Handle("GET /status", s.auth(http.HandlerFunc(s.status)))
	mux.Handle("POST /reload", s.auth(http.HandlerFunc(s.reload)))
	mux.Handle("POST /rollback", s.auth(http.HandlerFunc(s.rollback)))
	mux.Handle("POST /promote", s.auth(http.HandlerFunc(s.promote)))
	mux.Handle("POST /mode", s.auth(http.HandlerFunc(s.mode)))
	mux.Handle("POST /modules", s.auth(http.HandlerFunc(s.modules)))
	mux.Handle("GET /swaps", s.auth(http.HandlerFunc(s.swaps)))
	if o.Quarantines != nil {
		mux.Handle("GET /quarantines", s.auth(http.HandlerFunc(s.quarantines)))
		mux.Handle("POST /quarantines/lift", s.auth(http.HandlerFunc(s.liftJSON)))
		mux.Handle("DELETE /quarantines/{id}", s.auth(http.HandlerFunc(s.liftPath)))
	}
	if o.Operators != nil {
		mux.HandleFunc("POST /login", s.login)
		mux.Handle("POST /logout", s.auth(http.HandlerFunc(s.logout)))
	}
	if o.Console != nil {
		o.Console.Mount(mux, Auth{TokenSet: o.Token != "", CheckToken: s.checkToken, Protect: s.auth})
	}
	s.srv = &http.Server{Handler: canonicalPaths(mux), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		DisableGeneralOptionsHandler: true}
	return s
}

// Handler returns the API's handler (for tests).
func (s *Server) Handler() http.Handler { return s.srv.Handler }

// Listen opens the admin listener at addr; it refuses a non-loopback
// address without a token.
func (s *Server) Listen(addr string) (net.Listener, error) {
	if s.o.Token == "" && s.o.Operators == nil && !config.IsLoopback(addr) {
		return nil, fmt.Errorf("%w (%s)", ErrNoToken, addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	return ln, nil
}

// Serve serves on ln until ctx ends.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// Requests' contexts end with ctx, so that long-lived ones (the
	// console's event stream) do not hold up Shutdown.
	s.srv.BaseContext = func(net.Listener) context.Context { return ctx }
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return s.srv.Shutdown(sctx)
	}
}

// auth lets through requests of an operator (see operator) with the
// operator's name in their context; a refused POST is audited.
func (s *Server) auth(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, ok := s.operator(r)
		if !ok {
			s.audit(r, "", http.StatusUnauthorized, 0, "missing, wrong or expired admin or session token")
			w.Header().Set("WWW-Authenticate", `Bearer realm="ward-admin"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing, wrong or expired admin or session token"})
			return
		}
		h.ServeHTTP(w, r.WithContext(WithOperator(r.Context(), op)))
	})
}

// checkToken reports whether got is the admin token (any string when the
// API has neither a token nor operators: loopback only, unauthenticated;
// none when only operators are set: their sessions come from POST /login).
// Hashing first makes the comparison constant-time in the length too.
func (s *Server) checkToken(got string) bool {
	if s.o.Token == "" {
		return s.o.Operators == nil
	}
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], s.token[:]) == 1
}

// operator names who sends r: the operator of a live session token,
// TokenOperator for the admin token, LoopbackOperator when the API has
// neither a token nor operators; false when the token is missing, wrong or
// expired.
func (s *Server) operator(r *http.Request) (string, bool) {
	if s.o.Token == "" && s.o.Operators == nil {
		return LoopbackOperator, true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		// A console session (with its CSRF header on a POST) stands in
		// for a token, never for a wrong one.
		if s.o.Console != nil && r.Header.Get("Authorization") == "" {
			if op, ok := s.o.Console.Session(r); ok && op != "" {
				return op, true
			}
		}
		return "", false
	}
	if s.o.Token != "" {
		// Hashing first makes the comparison constant-time in the
		// length too.
		if s.checkToken(got) {
			return TokenOperator, true
		}
	}
	if s.o.Operators != nil {
		if name, live := s.o.Operators.Session(got); live {
			return name, true
		}
	}
	return "", false
}

func (s *Server) readyz(w http.ResponseWriter, _ *http.Request) {
	if s.o.Reloader == nil || !s.o.Reloader.Ready() {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// Guard is one row of GET /guards.
type Guard struct {
	Name      string  `json:"name"`  // config name
	Guard     string  `json:"guard"` // described name
	Version   string  `json:"version"`
	SHA256    string  `json:"sha256"`
	ABI       string  `json:"abi"`
	Mode      string  `json:"mode"`
	OnError   string  `json:"on_error"`
	PoolSize  int     `json:"pool_size"` // the most instances the pool may have
	Instances int     `json:"instances"` // instances made so far (or being made): 1 to PoolSize
	InUse     int     `json:"in_use"`
	Calls     uint64  `json:"calls"`  // since start, across reloads
	Errors    uint64  `json:"errors"` // since start, across reloads
	P50us     float64 `json:"p50_us"` // of the calls' latency, the wait for an instance included
	P99us     float64 `json:"p99_us"`
	// Waits counts the calls that found every instance busy and waited
	// for one, WaitSeconds the time they waited in all (since start,
	// across reloads): WaitSeconds/Waits is the mean wait.
	Waits       uint64  `json:"waits"`
	WaitSeconds float64 `json:"wait_seconds"`
	Replaced    uint64  `json:"instances_replaced"` // this load of the guard
	// Candidate is the guard's shadow version, nil when none.
	Candidate *Candidate `json:"candidate"`
	// Overridden lists the keys set at run time (promote, mode, upload)
	// over the config file's.
	Overridden []string `json:"overridden"`
}

// Candidate describes a guard's candidate in GET /guards. Calls and
// disagreements count since the candidate was loaded.
type Candidate struct {
	Path             string  `json:"path"`
	Version          string  `json:"version"`
	SHA256           string  `json:"sha256"`
	Calls            uint64  `json:"calls"`
	Disagreements    uint64  `json:"disagreements"`
	DisagreementRate float64 `json:"disagreement_rate"` // disagreements / calls, 0 without calls
}

// Guards lists the live guards.
func (s *Server) Guards() []Guard {
	snap := s.o.Reloader.Current()
	overridden := map[string][]string{}
	for _, o := range s.o.Reloader.Overrides() {
		overridden[o.Guard] = append(overridden[o.Guard], o.Key)
	}
	var out []Guard
	if s.o.Metrics != nil {
		s.o.Metrics.FoldReplacements(snap.Entries()) // the live guards' waits
	}
	for _, e := range snap.Entries() {
		st := e.Guard.Stats()
		g := Guard{
			Name: e.Name, Guard: e.Guard.Description().Name, Version: e.Guard.Version(), SHA256: e.Guard.SHA256(),
			ABI: e.Guard.ABI(), Mode: e.Mode, OnError: e.OnError, PoolSize: st.PoolSize, Instances: st.Instances, InUse: st.InUse, Replaced: st.Replaced,
			Overridden: append([]string{}, overridden[e.Name]...),
		}
		if e.Candidate != nil {
			c := &Candidate{Path: e.CandidatePath, Version: e.Candidate.Version(), SHA256: e.Candidate.SHA256(),
				Calls: e.Shadow.Calls(), Disagreements: e.Shadow.Disagreements()}
			if c.Calls > 0 {
				c.DisagreementRate = float64(c.Disagreements) / float64(c.Calls)
			}
			g.Candidate = c
		}
		if s.o.Metrics != nil {
			gs := s.o.Metrics.Guard(e.Name)
			h := gs.Latency.Snapshot()
			g.Calls, g.Errors = gs.Calls(), gs.Errors()
			g.P50us = float64(h.Quantile(0.50)) / 1e3
			g.P99us = float64(h.Quantile(0.99)) / 1e3
			n, d := s.o.Metrics.Waits(e.Name)
			g.Waits, g.WaitSeconds = n, d.Seconds()
		}
		out = append(out, g)
	}
	return out
}

// Route is one route of GET /guards: its guards in pipeline order.
type Route struct {
	Name   string   `json:"name"`
	Prefix string   `json:"prefix"`
	Guards []string `json:"guards"`
}

func (s *Server) guards(w http.ResponseWriter, _ *http.Request) {
	var routes []Route
	for _, rc := range s.o.Reloader.Current().Config().Routes {
		routes = append(routes, Route{Name: rc.Name, Prefix: rc.Prefix, Guards: append([]string{}, rc.Guards...)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"generation": s.o.Reloader.Status().Generation, "guards": s.Guards(), "routes": routes})
}

func (s *Server) status(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.o.Reloader.Status())
}

func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	res, err := s.o.Reloader.Reload(s.reloadCtx(r), "admin")
	s.answer(w, r, "", res, err)
}

func (s *Server) rollback(w http.ResponseWriter, r *http.Request) {
	res, err := s.o.Reloader.Rollback(s.reloadCtx(r))
	s.answer(w, r, "", res, err)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
