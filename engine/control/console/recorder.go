package console

import (
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/proxy"
)

// Window is how far back the overview reaches: one bucket per second.
const Window = 15 * 60

// routeWindow is how far back a route's upstream health reaches.
const routeWindow = 60

// maxRoutes bounds the routes tracked for upstream health; requests of
// further routes still count in the overview.
const maxRoutes = 256

// Recorder keeps what the console shows of the traffic: per-second counts
// and latency histograms for the last Window seconds, each route's
// upstream health for the last minute, and the latest decisions (denials,
// guard errors and rewrites). It implements proxy.Observer and is safe for
// concurrent use.
//
// Its memory is fixed when it is made (about 1 MB for the buckets plus the
// decision ring); recording a request copies into it with atomic adds and
// takes no lock but a bucket's, once per second when the bucket is reused,
// and a decision slot's, only for a request a guard denied or rewrote.
type Recorder struct {
	secs [Window]bucket

	mu     sync.Mutex // serialises copy-on-write updates of routes
	routes atomic.Pointer[map[string]*routeHealth]

	dec decisions
}

var _ proxy.Observer = (*Recorder)(nil)

// NewRecorder returns a recorder keeping the latest n decisions (n <= 0:
// 1000).
func NewRecorder(n int) *Recorder {
	r := &Recorder{}
	r.dec.init(n)
	m := map[string]*routeHealth{}
	r.routes.Store(&m)
	return r
}

// bucket counts one second. sec is the Unix second it holds; a bucket of
// an older second is zeroed before it is reused, under mu, so a reader
// that finds the second it wants reads that second's counts (an add racing
// with the read may or may not be in it).
type bucket struct {
	sec      atomic.Int64
	mu       sync.Mutex
	requests atomic.Uint32
	allowed  atomic.Uint32
	denied   atomic.Uint32
	errors   atomic.Uint32
	rewrites atomic.Uint32
	upErrors atomic.Uint32
	added    hist // Ward's own time: Duration - Upstream
	upstream hist // time to the upstream's answer headers, forwarded requests only
}

// at returns b ready to count second s, or nil when b already holds a
// later second (a record older than the window).
func (b *bucket) at(s int64) *bucket {
	if cur := b.sec.Load(); cur != s {
		if cur > s {
			return nil
		}
		b.mu.Lock()
		if cur = b.sec.Load(); cur < s {
			b.requests.Store(0)
			b.allowed.Store(0)
			b.denied.Store(0)
			b.errors.Store(0)
			b.rewrites.Store(0)
			b.upErrors.Store(0)
			b.added.reset()
			b.upstream.reset()
			b.sec.Store(s)
		}
		b.mu.Unlock()
		if cur > s {
			return nil
		}
	}
	return b
}

// hist is a small latency histogram: bucket 0 holds up to 1023 ns, then 4
// buckets per power of two up to 2^38 ns (275 s), so a quantile read from
// it is within 25% of the true value, plenty for a chart.
type hist [histBuckets]atomic.Uint32

const histBuckets = 1 + 28*4

func histIndex(d time.Duration) int {
	v := uint64(max(d, 0))
	e := bits.Len64(v)
	if e <= 10 {
		return 0
	}
	i := 1 + (e-11)*4 + int((v>>(e-3))&3)
	return min(i, histBuckets-1)
}

// histUpper returns the largest duration bucket i holds.
func histUpper(i int) time.Duration {
	if i == 0 {
		return 1<<10 - 1 // 1.023 us
	}
	p, sub := (i-1)/4, (i-1)%4
	shift := p + 11 - 3
	return time.Duration(uint64(5+sub)<<shift - 1)
}

func (h *hist) observe(d time.Duration) { h[histIndex(d)].Add(1) }

func (h *hist) reset() {
	for i := range h {
		h[i].Store(0)
	}
}

// counts is a plain copy of a hist, for merging and quantiles.
type counts [histBuckets]uint32

func (c *counts) add(h *hist) {
	for i := range h {
		c[i] += h[i].Load()
	}
}

// quantile returns the upper bound of the bucket holding the q-quantile;
// 0 when empty.
func (c *counts) quantile(q float64) time.Duration {
	var n uint64
	for _, v := range c {
		n += uint64(v)
	}
	if n == 0 {
		return 0
	}
	rank := min(max(uint64(q*float64(n)+0.5), 1), n)
	var cum uint64
	for i, v := range c {
		cum += uint64(v)
		if cum >= rank {
			return histUpper(i)
		}
	}
	return histUpper(histBuckets - 1)
}

// routeHealth is one route's upstream health, per second for the last
// minute.
type routeHealth struct {
	secs      [routeWindow + 1]bucket // +1: the second being counted
	lastErrAt atomic.Int64            // Unix ms of the last upstream error
	lastErrSt atomic.Int32            // its status
}

// Outcome classes of a request.
const (
	classAllowed = iota
	classDenied
	classError
)

// classify says what happened to r: denied when an enforcing guard denied
// it; an error when a guard faulted, Ward answered with an error code of
// its own or the status is 5xx; allowed otherwise. rewrote reports a
// guard rewrite (enforced or not); noted reports any guard saying deny or
// faulting, in any mode (observe guards' denials are decisions worth
// seeing too).
func classify(r *proxy.Record) (class int, rewrote, noted bool) {
	denied, faulted := false, false
	for i := range r.Guards {
		g := &r.Guards[i]
		switch g.Outcome {
		case "deny":
			noted = true
			if g.Mode == pipeline.Enforce {
				denied = true
			}
		case "error":
			noted = true
			faulted = true
		}
		if g.Rewrites > 0 {
			rewrote = true
		}
	}
	switch {
	case denied:
		return classDenied, rewrote, noted
	case faulted || r.Code != "" || r.Status >= 500:
		return classError, rewrote, noted
	}
	return classAllowed, rewrote, noted
}

// ObserveRequest implements proxy.Observer.
func (rc *Recorder) ObserveRequest(r *proxy.Record) {
	end := r.Start.Add(r.Duration)
	s := end.Unix()
	class, rewrote, noted := classify(r)
	upErr := strings.HasPrefix(r.Code, "upstream_")
	added := r.Duration - r.Upstream
	if b := rc.secs[s%Window].at(s); b != nil {
		count(b, class, rewrote, upErr, added, r.Upstream)
	}
	if r.Route != "" {
		if h := rc.route(r.Route); h != nil {
			if b := h.secs[s%(routeWindow+1)].at(s); b != nil {
				count(b, class, rewrote, upErr, added, r.Upstream)
			}
			if upErr {
				h.lastErrAt.Store(end.UnixMilli())
				h.lastErrSt.Store(int32(r.Status))
			}
		}
	}
	if noted || rewrote {
		rc.dec.add(r)
	}
}

func count(b *bucket, class int, rewrote, upErr bool, added, upstream time.Duration) {
	b.requests.Add(1)
	switch class {
	case classDenied:
		b.denied.Add(1)
	case classError:
		b.errors.Add(1)
	default:
		b.allowed.Add(1)
	}
	if rewrote {
		b.rewrites.Add(1)
	}
	if upErr {
		b.upErrors.Add(1)
	}
	b.added.observe(added)
	if upstream > 0 {
		b.upstream.observe(upstream)
	}
}

// route returns the health of the named route, made on its first request;
// nil past maxRoutes.
func (rc *Recorder) route(name string) *routeHealth {
	if h, ok := (*rc.routes.Load())[name]; ok {
		return h
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	old := *rc.routes.Load()
	if h, ok := old[name]; ok {
		return h
	}
	if len(old) >= maxRoutes {
		return nil
	}
	next := make(map[string]*routeHealth, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	h := &routeHealth{}
	next[strings.Clone(name)] = h
	rc.routes.Store(&next)
	return h
}

// Second is one second of the overview.
type Second struct {
	T         int64   `json:"t"` // Unix second
	Requests  uint32  `json:"requests"`
	Allowed   uint32  `json:"allowed"`
	Denied    uint32  `json:"denied"`
	Errors    uint32  `json:"errors"`
	Rewrites  uint32  `json:"rewrites"`
	P50us     float64 `json:"p50_us"` // added latency
	P99us     float64 `json:"p99_us"`
	UpErrors  uint32  `json:"upstream_errors"`
	UpP50ms   float64 `json:"upstream_p50_ms"`
	UpstreamN uint32  `json:"-"`
}

// Totals sum a span of seconds.
type Totals struct {
	Seconds   int     `json:"seconds"`
	Requests  uint64  `json:"requests"`
	Allowed   uint64  `json:"allowed"`
	Denied    uint64  `json:"denied"`
	Errors    uint64  `json:"errors"`
	Rewrites  uint64  `json:"rewrites"`
	RPS       float64 `json:"rps"`
	P50us     float64 `json:"p50_us"`
	P99us     float64 `json:"p99_us"`
	UpErrors  uint64  `json:"upstream_errors"`
	UpP50ms   float64 `json:"upstream_p50_ms"`
	UpP99ms   float64 `json:"upstream_p99_ms"`
	Forwarded uint64  `json:"forwarded"`
}

// RouteHealth is one route's upstream health over the last minute.
type RouteHealth struct {
	Route string `json:"route"`
	Totals
	// LastError is when the route's upstream last failed (Unix ms; 0:
	// not since start) and LastErrorStatus the status Ward answered.
	LastError       int64 `json:"last_error_ms,omitempty"`
	LastErrorStatus int   `json:"last_error_status,omitempty"`
	// Health is "ok", "degraded" (some upstream errors), "failing" (at
	// least half of the forwarded requests failed) or "idle".
	Health string `json:"health"`
}

// Overview is the console's live summary.
type Overview struct {
	Now    int64         `json:"now"` // the last complete second
	Series []Second      `json:"series"`
	Minute Totals        `json:"minute"` // the last 60 complete seconds
	Routes []RouteHealth `json:"routes"`
	// Decisions is the sequence number of the latest decision (it grows
	// by one with each; a client refetches when it changed).
	Decisions uint64 `json:"decisions"`
}

// Overview returns the last n complete seconds before now (n is capped to
// Window-1: the current second is still being counted) with the totals of
// the last minute and each route's health.
func (rc *Recorder) Overview(now time.Time, n int) Overview {
	n = min(max(n, 0), Window-1)
	last := now.Unix() - 1
	o := Overview{Now: last, Series: make([]Second, 0, n), Decisions: rc.dec.next.Load()}
	for t := last - int64(n) + 1; t <= last; t++ {
		var c, u counts
		sec := second(&rc.secs[t%Window], t, &c, &u)
		o.Series = append(o.Series, sec)
	}
	o.Minute = totals(rc.secs[:], Window, last, 60)
	routes := *rc.routes.Load()
	for name, h := range routes {
		rh := RouteHealth{Route: name, Totals: totals(h.secs[:], routeWindow+1, last, routeWindow)}
		rh.LastError, rh.LastErrorStatus = h.lastErrAt.Load(), int(h.lastErrSt.Load())
		switch {
		case rh.Requests == 0:
			rh.Health = "idle"
		case rh.UpErrors == 0:
			rh.Health = "ok"
		case rh.Forwarded+rh.UpErrors > 0 && rh.UpErrors*2 >= rh.Forwarded+rh.UpErrors:
			rh.Health = "failing"
		default:
			rh.Health = "degraded"
		}
		o.Routes = append(o.Routes, rh)
	}
	sortRoutes(o.Routes)
	return o
}

// second reads bucket b if it holds second t; its histograms are added to
// c (added latency) and u (upstream).
func second(b *bucket, t int64, c, u *counts) Second {
	s := Second{T: t}
	if b.sec.Load() != t {
		return s
	}
	s.Requests, s.Allowed, s.Denied = b.requests.Load(), b.allowed.Load(), b.denied.Load()
	s.Errors, s.Rewrites, s.UpErrors = b.errors.Load(), b.rewrites.Load(), b.upErrors.Load()
	var lc, lu counts
	lc.add(&b.added)
	lu.add(&b.upstream)
	for i := range lc {
		c[i] += lc[i]
		u[i] += lu[i]
		s.UpstreamN += lu[i]
	}
	s.P50us = us(lc.quantile(0.50))
	s.P99us = us(lc.quantile(0.99))
	s.UpP50ms = ms(lu.quantile(0.50))
	return s
}

func totals(secs []bucket, size int, last int64, n int) Totals {
	var c, u counts
	t := Totals{Seconds: n}
	for s := last - int64(n) + 1; s <= last; s++ {
		sec := second(&secs[s%int64(size)], s, &c, &u)
		t.Requests += uint64(sec.Requests)
		t.Allowed += uint64(sec.Allowed)
		t.Denied += uint64(sec.Denied)
		t.Errors += uint64(sec.Errors)
		t.Rewrites += uint64(sec.Rewrites)
		t.UpErrors += uint64(sec.UpErrors)
		t.Forwarded += uint64(sec.UpstreamN)
	}
	t.RPS = float64(t.Requests) / float64(n)
	t.P50us, t.P99us = us(c.quantile(0.50)), us(c.quantile(0.99))
	t.UpP50ms, t.UpP99ms = ms(u.quantile(0.50)), ms(u.quantile(0.99))
	return t
}

func us(d time.Duration) float64 { return float64(d) / 1e3 }
func ms(d time.Duration) float64 { return float64(d) / 1e6 }
