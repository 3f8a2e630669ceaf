// Package console is Ward's web console, served by the admin API on its
// listener under /console/: a single page (plain HTML, CSS and JavaScript,
// embedded, no network at run time) with an overview of the traffic,
// the guards and their actions, the latest decisions and the history of
// swaps.
//
// The page reads and acts through the admin API itself (GET /guards,
// /status, /swaps; POST /reload, /rollback, /promote, /mode), so every
// action is authenticated and audited as any other admin call. What the
// admin API does not have, this package adds, fed by a Recorder (a
// proxy.Observer):
//
//	GET  /console/                 the page (no credentials: it only holds the login form until logged in)
//	POST /console/api/login        {"token": "..."}: a session cookie; 401 wrong token, 429 too many attempts
//	POST /console/api/logout       ends the session
//	GET  /console/api/session      200 with the session's expiry, 401 without one
//	GET  /console/api/overview     per-second counts and latencies, the last minute's totals, upstream health
//	GET  /console/api/decisions    the latest denials, faults and rewrites (?route= &guard= &reason= &identity= &limit=)
//	GET  /console/api/events       server-sent events: the overview of the last seconds, once a second
//
// Sessions: the login form takes the admin token; the console answers
// with a random session id in an HttpOnly, SameSite=Strict cookie (Secure
// on TLS) that expires (Options.SessionTTL) or ends at logout. The admin
// API accepts the session in place of the bearer token; every request that
// changes state must carry the header X-Ward-Console: 1 (CSRFHeader) and,
// when the browser sends an Origin, come from the console's own origin.
// Failed logins are limited per client address and in total.
package console

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/control/audit"
	"github.com/wardgate/ward/engine/control/operator"
)

//go:embed assets
var assets embed.FS

// Options configure a Console.
type Options struct {
	Recorder *Recorder
	// SessionTTL is how long a session lasts; default 8h.
	SessionTTL time.Duration
	// MaxStreams bounds the event streams open at once (one per
	// session); default 8.
	MaxStreams int
	// Tick is the event stream's period; default 1s.
	Tick time.Duration
	Log  *slog.Logger
	// Now is the clock (tests); default time.Now.
	Now func() time.Time

	// Operators, when set, lets operators log in with their name,
	// password and TOTP code (engine/control/operator: its rate limits
	// and replay rule), and enrol a new TOTP secret from the console.
	Operators *operator.Authenticator
	// NoTokenLogin refuses logins with the admin token ([admin]
	// console_token_login = false): only operators log in. The token
	// keeps working as a bearer token for the CLI and automation.
	NoTokenLogin bool
	// Audit, when set, records the console's own admin actions (TOTP
	// enrolments); the actions made through the admin API are audited
	// there.
	Audit admin.Auditor
	// Events, when set, receives an "admin_login" record of each login
	// attempt (audit.Logger implements it).
	Events EventLogger
	// Report, when set, summarises the audit log over [from, to) for the
	// Compliance view (the same summary as `ward report`).
	Report func(from, to time.Time) (*audit.Report, error)
}

// EventLogger records audit events (audit.Logger.Event).
type EventLogger interface {
	Event(kind string, at time.Time, fields any) error
}

// Console serves the web console. It implements admin.Console and is safe
// for concurrent use.
type Console struct {
	o        Options
	sess     *sessions
	tokenSet bool
	check    func(string) bool
	streams  atomic.Int32
	// reporting is held while a compliance report is made (one at a
	// time: it reads the whole audit log).
	reporting sync.Mutex
}

var _ admin.Console = (*Console)(nil)

// New returns a console showing o.Recorder.
func New(o Options) *Console {
	if o.SessionTTL <= 0 {
		o.SessionTTL = 8 * time.Hour
	}
	if o.MaxStreams <= 0 {
		o.MaxStreams = 8
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Recorder == nil {
		o.Recorder = NewRecorder(0)
	}
	return &Console{o: o, sess: newSessions(o.SessionTTL, o.Now)}
}

// Mount implements admin.Console.
func (c *Console) Mount(mux *http.ServeMux, a admin.Auth) {
	c.tokenSet, c.check = a.TokenSet, a.CheckToken
	mux.HandleFunc("GET /console", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/console/", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /console/", c.static)
	mux.HandleFunc("GET /console/api/auth", c.authMethods)
	mux.HandleFunc("POST /console/api/login", c.login)
	mux.HandleFunc("POST /console/api/logout", c.logout)
	mux.Handle("GET /console/api/session", a.Protect(http.HandlerFunc(c.session)))
	mux.Handle("POST /console/api/enrol", a.Protect(http.HandlerFunc(c.enrol)))
	mux.Handle("POST /console/api/enrol/confirm", a.Protect(http.HandlerFunc(c.enrolConfirm)))
	mux.Handle("GET /console/api/report", a.Protect(http.HandlerFunc(c.report)))
	mux.Handle("GET /console/api/overview", a.Protect(http.HandlerFunc(c.overview)))
	mux.Handle("GET /console/api/decisions", a.Protect(http.HandlerFunc(c.decisions)))
	mux.Handle("GET /console/api/events", a.Protect(http.HandlerFunc(c.events)))
}

// Session implements admin.Console: the operator of r's session, or
// admin.ConsoleOperator for a session opened with the admin token.
func (c *Console) Session(r *http.Request) (string, bool) {
	v, _, ok := c.sess.get(r)
	if !ok {
		return "", false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		return v.operator, true
	}
	return v.operator, sameOrigin(r)
}

// securityHeaders keeps the page to itself: no script, style or
// connection but its own, no framing, no sniffing, no referrer.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

func (c *Console) static(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/console/")
	if name == "" {
		name = "index.html"
	}
	name = path.Clean(name)
	b, err := fs.ReadFile(assets, "assets/"+name)
	if err != nil || strings.HasPrefix(name, "api/") {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	securityHeaders(h)
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

type apiError struct {
	Error string `json:"error"`
}

func (c *Console) overview(w http.ResponseWriter, r *http.Request) {
	n := Window - 1
	if v := r.URL.Query().Get("seconds"); v != "" {
		i, err := strconv.Atoi(v)
		if err != nil || i < 1 || i >= Window {
			writeJSON(w, http.StatusBadRequest, apiError{fmt.Sprintf("seconds: want 1..%d", Window-1)})
			return
		}
		n = i
	}
	writeJSON(w, http.StatusOK, c.o.Recorder.Overview(c.o.Now(), n))
}

func (c *Console) decisions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := Filter{Route: q.Get("route"), Guard: q.Get("guard"), Reason: q.Get("reason"), Identity: q.Get("identity")}
	if v := q.Get("limit"); v != "" {
		i, err := strconv.Atoi(v)
		if err != nil || i < 1 || i > len(c.o.Recorder.dec.slots) {
			writeJSON(w, http.StatusBadRequest, apiError{fmt.Sprintf("limit: want 1..%d", len(c.o.Recorder.dec.slots))})
			return
		}
		f.Limit = i
	}
	ds, last := c.o.Recorder.Decisions(f)
	writeJSON(w, http.StatusOK, struct {
		Latest    uint64     `json:"latest"`
		Decisions []Decision `json:"decisions"`
	}{last, ds})
}

// errTooManyStreams is the answer past Options.MaxStreams.
var errTooManyStreams = errors.New("too many console event streams open")

// events streams the overview of the last few seconds once a tick (the
// page loads the whole window once from /console/api/overview and merges
// these by second). A session has one stream: opening another ends the
// first with an event "replaced" (the page then waits until it is shown
// again before it reconnects). The stream ends with the session, the
// request or the server.
func (c *Console) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		writeJSON(w, http.StatusInternalServerError, apiError{"streaming unsupported"})
		return
	}
	if int(c.streams.Add(1)) > c.o.MaxStreams {
		c.streams.Add(-1)
		writeJSON(w, http.StatusServiceUnavailable, apiError{errTooManyStreams.Error()})
		return
	}
	defer c.streams.Add(-1)
	var ended chan struct{}
	if k, ok := c.sess.lookup(r); ok {
		ended, _ = c.sess.openStream(k)
		defer c.sess.closeStream(k, ended)
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	t := time.NewTicker(c.o.Tick)
	defer t.Stop()
	for {
		ov := c.o.Recorder.Overview(c.o.Now(), 5)
		b, _ := json.Marshal(ov)
		if _, err := fmt.Fprintf(w, "event: overview\ndata: %s\n\n", b); err != nil {
			return
		}
		fl.Flush()
		select {
		case <-t.C:
		case <-ended:
			// Replaced by a newer stream of the session (another tab):
			// tell the page, so that it does not reconnect and take the
			// stream back. A session that ended just closes.
			if _, live := c.sess.lookup(r); live {
				fmt.Fprint(w, "event: replaced\ndata: {}\n\n")
				fl.Flush()
			}
			return
		case <-r.Context().Done():
			return
		}
	}
}

func sortRoutes(rs []RouteHealth) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Route < rs[j].Route })
}
