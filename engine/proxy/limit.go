package proxy

import (
	"io"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/sdk/abi"
)

// limiter bounds a route's requests in flight (max_concurrent) with a
// bounded waiting list (queue, queue_timeout). A request that finds every
// slot taken waits in the queue for up to queue_timeout; one that finds the
// queue full, or whose wait times out, is refused at once, so that load
// above capacity turns into quick 503s instead of latency for everyone.
//
// A slot is a value in the slots channel. Admission is one non-blocking
// channel send; a queued request blocks in a send with a pooled timer.
// The runtime hands a freed slot to the longest-waiting sender first, so
// the queue is FIFO and a new arrival never overtakes a waiting request.
// Nothing allocates per request. It is goroutine-safe.
type limiter struct {
	slots   chan struct{}
	queue   int32
	waiting atomic.Int32
	timeout time.Duration
	// retryAfter is the Retry-After value sent with a refusal: the queue
	// timeout rounded up to whole seconds, at least 1.
	retryAfter []byte
}

// newLimiter returns nil when maxConcurrent is 0 (no limit).
func newLimiter(maxConcurrent, queue int, timeout time.Duration) *limiter {
	if maxConcurrent <= 0 {
		return nil
	}
	secs := max(int64(1), int64((timeout+time.Second-1)/time.Second))
	return &limiter{
		slots:      make(chan struct{}, maxConcurrent),
		queue:      int32(queue),
		timeout:    timeout,
		retryAfter: strconv.AppendInt(nil, secs, 10),
	}
}

var timers = sync.Pool{New: func() any {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}}

// acquire takes a slot, waiting in the queue when there is room in it. It
// reports false when the request must be refused; a true must be matched
// by one release.
func (l *limiter) acquire() bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
	}
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		return false
	}
	t := timers.Get().(*time.Timer)
	t.Reset(l.timeout)
	ok := false
	select {
	case l.slots <- struct{}{}:
		ok = true
	case <-t.C:
	}
	// Since Go 1.23 a stopped timer delivers no stale value: it can be
	// pooled right away.
	t.Stop()
	timers.Put(t)
	l.waiting.Add(-1)
	return ok
}

func (l *limiter) release() { <-l.slots }

// inFlight and queued are for tests and metrics.
func (l *limiter) inFlight() int { return len(l.slots) }
func (l *limiter) queued() int   { return int(l.waiting.Load()) }

var hdrRetryAfter = []byte("Retry-After")

// heldStream is the body of an unguarded streamed answer on a limited
// route: it relays the upstream's body stream and frees the route's slot
// when fasthttp closes it (the answer was written, or the client went
// away), so that a stream holds its slot until it ends. The upstream
// response is released with it.
type heldStream struct {
	up   *fasthttp.Response
	body io.Reader
	lim  *limiter
	once atomic.Bool
}

func (h *heldStream) Read(p []byte) (int, error) { return h.body.Read(p) }

func (h *heldStream) Close() error { return h.CloseWithError(nil) }

// CloseWithError passes why the client side stopped to the upstream
// stream (closing its connection when it was not read to its end), then
// frees the slot.
func (h *heldStream) CloseWithError(err error) error {
	if !h.once.CompareAndSwap(false, true) {
		return nil
	}
	if rc, ok := h.body.(fasthttp.ReadCloserWithError); ok {
		rc.CloseWithError(err)
	} else {
		h.up.CloseBodyStream()
	}
	fasthttp.ReleaseResponse(h.up)
	h.lim.release()
	return nil
}

// forwardHeld forwards a request for a streamed answer on a limited route
// whose stream no guard reads: the answer's body stream is wrapped in a
// heldStream, which takes over the request's slot. An answer read whole
// instead (see wholeFirst) keeps the slot with the request, like any
// whole answer; forwardHeld reports whether it was, and false as well
// when it has already written an error answer (ok false).
func (s *Server) forwardHeld(ctx *fasthttp.RequestCtx, st *reqState, rt *route, api abi.API) (whole, ok bool) {
	up := fasthttp.AcquireResponse()
	if !s.forward(ctx, st, rt, api, true, up) {
		fasthttp.ReleaseResponse(up)
		return false, false
	}
	resp := &ctx.Response
	up.Header.CopyTo(&resp.Header)
	if wholeFirst(api, up) {
		ok := s.readWhole(ctx, st, rt, api, resp, up)
		fasthttp.ReleaseResponse(up)
		return true, ok
	}
	body := up.BodyStream()
	if body == nil {
		resp.SetBody(up.Body())
		fasthttp.ReleaseResponse(up)
		return false, true
	}
	h := &heldStream{up: up, body: body, lim: st.slot}
	st.slot = nil
	resp.SetBodyStream(h, max(up.Header.ContentLength(), -1))
	resp.ImmediateHeaderFlush = true // headers first: see wholeFirst
	return false, true
}

// overloaded refuses a request the route's limiter did not admit.
func (s *Server) overloaded(ctx *fasthttp.RequestCtx, st *reqState, api abi.API, rt *route) {
	s.fail(ctx, st, api, fasthttp.StatusServiceUnavailable, "overloaded", "the gateway route is at capacity, retry later")
	ctx.Response.Header.SetCanonical(hdrRetryAfter, rt.limit.retryAfter)
}
