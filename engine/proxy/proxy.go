// Package proxy is Ward's data plane: a fasthttp reverse proxy that matches
// a route, parses the LLM exchange once, runs the route's guard pipeline on
// the request and the answer, and forwards to the upstream.
//
// A request acquires the current Snapshot once and uses it for all of its
// phases; a new snapshot is published atomically (see Server.Swap) and an
// old one is closed once no request uses it (Snapshot.Drain). The control
// plane (engine/control) builds snapshots (Rebuild) and sees each request
// through an Observer; this package knows nothing of it.
package proxy

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"iter"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/exchange"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// hopHeaders are hop-by-hop headers (RFC 9110 7.6.1) that a proxy must not
// forward, in either direction.
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// hasHopHeader reports whether any header is hop-by-hop, so that the
// common request, which has none, costs one pass instead of a Del per name.
// fasthttp keeps Connection: close and Transfer-Encoding as flags; the
// caller handles those separately.
func hasHopHeader(all iter.Seq2[[]byte, []byte]) bool {
	for k := range all {
		if len(k) < 2 || len(k) > 19 {
			continue
		}
		for _, h := range hopHeaders {
			if len(k) == len(h) && bytes.EqualFold(k, []byte(h)) {
				return true
			}
		}
	}
	return false
}

// Canonical header names, set with SetCanonical to skip fasthttp's
// per-call normalisation on the hot path.
var (
	hdrRequestID      = []byte("X-Request-Id")
	hdrForwardedFor   = []byte("X-Forwarded-For")
	hdrForwardedProto = []byte("X-Forwarded-Proto")
	protoHTTP         = []byte("http")
	protoHTTPS        = []byte("https")
)

// Server serves the routes of the current snapshot. It is goroutine-safe.
type Server struct {
	log   *slog.Logger
	snap  atomic.Pointer[Snapshot]
	state sync.Pool

	obs       Observer // nil: no per-request record
	gate      Gate     // nil: no quarantine checks
	obsTokens bool     // parse unguarded whole answers for token usage
	// refuseIdentity is gate.RefuseIdentity (nil without a gate), made
	// once: the request phase's pipeline.Outcome.Stop.
	refuseIdentity func(ann []abi.KV) bool

	idPrefix [8]byte
	idSeq    atomic.Uint64

	mu      sync.Mutex
	servers []*fasthttp.Server
}

// NewServer returns a server that serves snap.
func NewServer(snap *Snapshot, log *slog.Logger) *Server {
	if log == nil {
		log = slog.Default()
	}
	s := &Server{log: log}
	s.snap.Store(snap)
	s.state.New = func() any { return new(reqState) }
	if _, err := rand.Read(s.idPrefix[:]); err != nil {
		binary.LittleEndian.PutUint64(s.idPrefix[:], uint64(os.Getpid()))
	}
	return s
}

// Snapshot returns the snapshot new requests use.
func (s *Server) Snapshot() *Snapshot { return s.snap.Load() }

// Swap publishes next for new requests and returns the previous snapshot;
// requests in flight finish on the one they loaded. The caller closes the
// old snapshot once it has drained (Snapshot.Drain).
func (s *Server) Swap(next *Snapshot) *Snapshot { return s.snap.Swap(next) }

// acquire returns the current snapshot, counted as in use until release.
// A request that loaded a snapshot just as it was swapped out retries on
// the new one, so a drained snapshot never gains a request.
func (s *Server) acquire() *Snapshot {
	for {
		snap := s.snap.Load()
		snap.active.Add(1)
		if s.snap.Load() == snap {
			return snap
		}
		snap.active.Add(-1)
	}
}

// Observer receives one record per request handled, once its answer is
// decided; for a stream its guards check, once the stream has ended (with
// StreamEnd, its usage and the chunk guards' faults and denial; an
// unguarded stream is recorded when its headers are, before the body is
// relayed). ObserveRequest runs on the request's goroutine, so it must be
// quick and must not block; the record and everything it points to are
// only valid during the call.
type Observer interface {
	ObserveRequest(r *Record)
}

// Record is what happened to one request, for metrics and the audit log.
// Its strings and slices alias request memory: copy what must outlive
// ObserveRequest.
type Record struct {
	Start     time.Time
	Duration  time.Duration // until the answer was decided
	RequestID string
	Route     string // "" when no route matched
	API       abi.API
	Model     string
	Stream    bool
	// StreamEnd says how a stream the guards checked ended: "completed"
	// (the upstream's end event reached the client), "client_gone" (the
	// client stopped reading), or "stopped" (Ward ended it with the API's
	// error event; Code says why: a guard's denial or fault, a broken or
	// unreadable upstream stream). "" for other answers. StreamDuration is
	// the time from the request to the stream's end.
	StreamEnd      string
	StreamDuration time.Duration
	Status         int
	// Code is the error code when Ward answered with an error of its own
	// (a denial, a guard fault, a bad request, an upstream failure).
	Code string
	// Annotations are the exchange's annotations after the request phase
	// (identity.* from an authentication guard, for instance).
	Annotations []abi.KV
	// Guards are the guards' records, request phase then response phase.
	Guards []pipeline.Record
	// Upstream is the time to the upstream's answer headers; 0 when the
	// request was not forwarded.
	Upstream time.Duration
	// Token usage reported by the upstream (whole answers and streams the
	// guards checked).
	PromptTokens, CompletionTokens uint32
	// Prompt is the request's messages as they left the request-phase
	// guards (their rewrites applied); nil when the route parsed no
	// exchange. Answer is a whole answer's messages after the response
	// guards; nil for streams and when no response guard read the answer.
	// Both alias request memory, like the rest of the record.
	Prompt, Answer []abi.Message
}

// SetObserver installs o (nil: none); with tokens set, whole answers that
// no response guard read are parsed for their token usage. Call it before
// serving.
func (s *Server) SetObserver(o Observer, tokens bool) {
	s.obs, s.obsTokens = o, tokens
}

// Gate refuses requests from identities the control plane has quarantined
// (engine/control/incident implements it). Its methods run on the
// request's goroutine: they must be quick, must not block on I/O, and must
// not retain their arguments (they alias request memory).
type Gate interface {
	// RefuseIP reports whether requests from the client address ip (as
	// in the client.ip annotation) are refused. It is asked before any
	// guard runs, on every route.
	RefuseIP(ip string) bool
	// RefuseIdentity reports whether a request whose annotations
	// (identity.* from the authentication guard) name a refused identity
	// is refused. It is asked in the request phase after each enforcing
	// guard that adds annotations, with the annotations so far (a refusal
	// ends the phase there: no later guard runs; see
	// pipeline.Outcome.Stop), and once more after the phase, before its
	// verdict is applied and before the upstream is called.
	RefuseIdentity(ann []abi.KV) bool
}

// CodeQuarantined is the error code of a request refused by the Gate.
const CodeQuarantined = "quarantined"

const msgQuarantined = "requests from this identity are refused for now (quarantined after repeated policy violations)"

// identityRefused reports whether the request phase just run ends in a
// quarantine refusal: the gate stopped it at the guard that named a
// refused identity (the guards after it did not run, so the request must
// not go on even if the gate has changed its mind since), or refuses the
// identities the whole phase named.
func (s *Server) identityRefused(st *reqState, x *abi.Exchange) bool {
	return st.out.Stopped || s.gate != nil && s.gate.RefuseIdentity(x.Annotations)
}

// SetGate installs g (nil: none). Call it before serving.
func (s *Server) SetGate(g Gate) {
	s.gate, s.refuseIdentity = g, nil
	if g != nil {
		s.refuseIdentity = g.RefuseIdentity
	}
}

// reqState is the per-request scratch space, pooled.
type reqState struct {
	req  exchange.Request
	resp exchange.Response
	out  pipeline.Outcome
	buf  []byte
	id   [32]byte
	ip   []byte // client IP text, aliased by the exchange's client.ip annotation
	peer peerIdentity

	rec     Record
	recs    []pipeline.Record
	errCode string

	// streaming is set when a guarded stream took the request over: the
	// stream returns the state and releases the snapshot when it ends.
	streaming bool
	// slot is the route's limiter while the request holds one of its
	// slots; nil once released or handed to a stream.
	slot *limiter
}

// releaseSlot frees the request's limiter slot, if it holds one.
func (st *reqState) releaseSlot() {
	if st.slot != nil {
		st.slot.release()
		st.slot = nil
	}
}

func b2s(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Handler returns the fasthttp handler.
func (s *Server) Handler() fasthttp.RequestHandler { return s.handle }

func (s *Server) handle(ctx *fasthttp.RequestCtx) {
	snap := s.acquire()
	st := s.state.Get().(*reqState)
	if s.obs == nil {
		s.serve(ctx, st, snap)
	} else {
		start := time.Now()
		clear(st.recs)
		st.recs = st.recs[:0]
		st.rec = Record{Start: start}
		st.errCode = ""
		s.serve(ctx, st, snap)
		r := &st.rec
		r.Duration = time.Since(start)
		r.Status = ctx.Response.StatusCode()
		r.Code = st.errCode
		r.Guards = st.recs
		if r.RequestID == "" {
			r.RequestID = b2s(ctx.Request.Header.Peek("X-Request-Id"))
		}
		if !st.streaming {
			s.obs.ObserveRequest(r)
			st.rec = Record{}
		} // else the guarded stream completes the record when it ends
	}
	if st.streaming {
		return // the guarded stream releases st and snap when it ends
	}
	st.releaseSlot()
	s.state.Put(st)
	snap.active.Add(-1)
}

// keepRecords saves the guards' records of the phase just run.
func (s *Server) keepRecords(st *reqState) {
	if s.obs != nil {
		st.recs = append(st.recs, st.out.Records...)
	}
}

func (s *Server) serve(ctx *fasthttp.RequestCtx, st *reqState, snap *Snapshot) {
	path := ctx.Path()
	method := ctx.Method()
	api := exchange.DetectAPI(method, path)

	reqID := ctx.Request.Header.Peek("X-Request-Id")
	if !validRequestID(reqID) {
		reqID = s.newRequestID(st.id[:])
		ctx.Request.Header.SetCanonical(hdrRequestID, reqID)
	}
	st.rec.RequestID = b2s(reqID)
	st.rec.API = api
	if s.refuseAmbiguousFraming(ctx, st) {
		return
	}

	rt := snap.match(path)
	if rt == nil {
		s.fail(ctx, st, api, fasthttp.StatusNotFound, "route_not_found", "no route for this path")
		return
	}
	st.ip = appendClientAddr(st.ip[:0], ctx, snap.trusted)
	if rt.authRequest {
		s.authRequest(ctx, st, rt, reqID)
		return
	}
	if api == abi.APIUnknown && rt.refuseUnknown {
		s.fail(ctx, st, api, fasthttp.StatusNotFound, "unknown_path", "this gateway route only serves LLM API paths")
		return
	}
	st.rec.Route = rt.name
	if s.gate != nil {
		if s.gate.RefuseIP(b2s(st.ip)) {
			s.fail(ctx, st, api, fasthttp.StatusForbidden, CodeQuarantined, msgQuarantined)
			return
		}
	}
	body := ctx.PostBody()
	if int64(len(body)) > rt.cfg.MaxBody {
		s.fail(ctx, st, api, fasthttp.StatusRequestEntityTooLarge, "request_too_large", "request body exceeds the route's limit")
		return
	}
	if rt.limit != nil {
		if !rt.limit.acquire() {
			s.overloaded(ctx, st, api, rt)
			return
		}
		st.slot = rt.limit
	}

	var x *abi.Exchange
	// Answers are forwarded as a stream (event by event) when they may be
	// SSE or of unknown shape; a known API's non-streamed answer is read
	// whole, which is cheaper and lets response guards read it. Without a
	// parse, a body that never mentions "stream" cannot ask for SSE.
	streamAnswer := api == abi.APIUnknown || bytes.Contains(body, []byte(`"stream"`))
	if api != abi.APIUnknown && (rt.pipeline.Handles(abi.PhaseRequest) || rt.pipeline.Handles(abi.PhaseResponse) || rt.pipeline.Handles(abi.PhaseResponseChunk)) {
		if !isJSON(ctx.Request.Header.ContentType()) {
			s.fail(ctx, st, api, fasthttp.StatusUnsupportedMediaType, "unsupported_content_type", "Content-Type must be application/json")
			return
		}
		if err := st.req.Parse(api, body); err != nil {
			s.failErr(ctx, st, api, err)
			return
		}
		x = &st.req.X
		x.Phase = abi.PhaseRequest
		// A new exchange: no guard is done with it yet (st is pooled).
		st.out.Done = 0
		x.RequestID = b2s(reqID)
		x.Route = rt.name
		x.Path = b2s(path)
		s.describe(ctx, st, rt, x)
		st.rec.Model = x.Model
		st.rec.Prompt = x.Messages
		if rt.pipeline.Handles(abi.PhaseRequest) {
			st.out.Stop = s.refuseIdentity
			rt.pipeline.Run(ctx, x, &st.out)
			s.keepRecords(st)
			st.rec.Annotations = x.Annotations
			s.logFaults(st, rt)
			if s.identityRefused(st, x) {
				s.fail(ctx, st, api, fasthttp.StatusForbidden, CodeQuarantined, msgQuarantined)
				return
			}
			if st.out.Denied {
				s.deny(ctx, st, api)
				return
			}
			if st.out.Rewritten {
				nb, err := st.req.Rewrite(st.buf[:0], body, st.out.Dirty)
				if err != nil {
					s.failErr(ctx, st, api, err)
					return
				}
				st.buf = nb
				ctx.Request.SetBody(nb)
			}
			for _, h := range st.out.SetHeaders {
				setGuardHeader(&ctx.Request.Header, h)
			}
		}
		// A stream passes event by event, through the response_chunk
		// guards when the route has any (streamGuarded).
		streamAnswer = x.Stream
	}
	st.rec.Stream = streamAnswer

	// Guards done with the exchange after the request phase
	// (st.out.Done) are not called again: when every response and
	// response_chunk guard is, the answer is forwarded without being read.
	// A stream is read event by event when a guard is still to see it: a
	// chunk guard, a guard that checks whole answers only (which holds the
	// stream: holdStream) or one that reads only the usage (a rate limit
	// reconciling tokens: the response phase after the stream, streamUsage).
	if streamAnswer && x != nil && (rt.pipeline.Pending(abi.PhaseResponseChunk, st.out.Done) || rt.pipeline.Pending(abi.PhaseResponse, st.out.Done)) {
		s.streamGuarded(ctx, st, snap, rt, api, x)
		return
	}
	if streamAnswer && st.slot != nil {
		// The stream holds the slot until it ends.
		whole, ok := s.forwardHeld(ctx, st, rt, api)
		if !ok || !whole {
			return
		}
		streamAnswer = false // read whole: it goes on as a whole answer
	} else {
		if !s.forward(ctx, st, rt, api, streamAnswer, &ctx.Response) {
			return
		}
		if streamAnswer {
			if !wholeFirst(api, &ctx.Response) {
				ctx.Response.ImmediateHeaderFlush = true // headers first: see wholeFirst
				return
			}
			if !s.readWhole(ctx, st, rt, api, &ctx.Response, &ctx.Response) {
				return
			}
			streamAnswer = false
		}
	}

	if !streamAnswer && x != nil && rt.pipeline.Pending(abi.PhaseResponse, st.out.Done) {
		s.responsePhase(ctx, st, rt, api, x)
		return
	}
	if s.obsTokens && !streamAnswer && api != abi.APIUnknown {
		s.readUsage(ctx, st, api)
	}
}

// An answer to a request that asked for a stream (or to a request of an
// unknown API, which may be one) is relayed as it comes, headers first:
// the client learns the answer's status while the model is still
// thinking, and an upstream that ends the stream short of the
// Content-Length it announced, or resets it, leaves the client a 200 with
// a broken body, as any cut stream does, rather than a connection closed
// with no answer at all. That is the fate of event streams, NDJSON and
// whatever else an unknown API sends. An answer that cannot be used
// before its end is read whole first (wholeFirst): a JSON document
// answering a chat request that asked for a stream (an upstream that
// ignored "stream", an API's error) or any answer that is not a success.
// Such an answer cut short ends as a whole answer cut short does (502 or
// 504 with the API's error body), one larger than the route's
// max_response_body in a 502 upstream_too_large (fasthttp's client does
// not bound a streamed body), and a whole answer passes the response
// guards like the answer to a request that did not ask for a stream.

// wholeFirst reports whether a streamed request's answer is read whole
// before it is relayed (see above). The successful answers of an unknown
// API stream whatever their type: no guard reads them, and they may be
// larger than any buffer (a file's content).
func wholeFirst(api abi.API, up *fasthttp.Response) bool {
	status := up.StatusCode()
	return status < 200 || status > 299 || (api != abi.APIUnknown && isJSON(up.Header.ContentType()))
}

// readWhole reads up's body to its end into resp (up itself or another
// Response), at most the route's max_response_body bytes. On an upstream
// error it closes up's body stream (its connection is not reused), writes
// the error answer and reports false.
func (s *Server) readWhole(ctx *fasthttp.RequestCtx, st *reqState, rt *route, api abi.API, resp, up *fasthttp.Response) bool {
	err := readBody(resp, up, rt.cfg.MaxResponseBody)
	if err == nil {
		return true
	}
	s.answerFailed(ctx, st, rt, api, err)
	return false
}

// answerFailed answers err, met while reading the upstream's answer, as
// forward answers an upstream error.
func (s *Server) answerFailed(ctx *fasthttp.RequestCtx, st *reqState, rt *route, api abi.API, err error) {
	status, code, msg := upstreamError(err)
	s.log.Warn("upstream answer failed", "route", rt.name, "upstream", rt.cfg.Upstream.String(),
		"request_id", string(ctx.Request.Header.Peek("X-Request-Id")), "code", code, "err", err)
	s.fail(ctx, st, api, status, code, msg)
}

// readBody moves up's body, streamed or not, into resp; a body of more
// than limit bytes (limit > 0) is fasthttp.ErrBodyTooLarge.
func readBody(resp, up *fasthttp.Response, limit int64) error {
	if up.BodyStream() == nil {
		if resp != up {
			resp.SetBody(up.Body())
		}
		return nil
	}
	b, err := readHeld(up, limit)
	if err != nil {
		return err
	}
	resp.SetBody(b)
	return nil
}

// readUsage parses a whole answer no guard read, for its token usage. A
// compressed answer is left alone (decompressing it only to count would
// cost more than the count is worth).
func (s *Server) readUsage(ctx *fasthttp.RequestCtx, st *reqState, api abi.API) {
	resp := &ctx.Response
	if ce := resp.Header.ContentEncoding(); len(ce) > 0 && !bytes.EqualFold(ce, []byte("identity")) {
		return
	}
	if st.resp.Parse(api, resp.StatusCode(), resp.Body()) == nil {
		st.rec.PromptTokens, st.rec.CompletionTokens = st.resp.R.PromptTokens, st.resp.R.CompletionTokens
	}
}

// forward sends ctx.Request upstream and leaves the answer in ctx.Response.
// It reports false when it has already written an error answer.
func (s *Server) forward(ctx *fasthttp.RequestCtx, st *reqState, rt *route, api abi.API, stream bool, resp *fasthttp.Response) bool {
	req := &ctx.Request
	clientClose := req.Header.ConnectionClose()
	// Headers named in Connection are hop-by-hop too.
	if conn := req.Header.Peek("Connection"); len(conn) > 0 {
		for tok := range bytes.SplitSeq(conn, []byte{','}) {
			tok = bytes.TrimSpace(tok)
			if len(tok) > 0 && !bytes.EqualFold(tok, []byte("close")) && !bytes.EqualFold(tok, []byte("keep-alive")) {
				req.Header.DelBytes(tok)
			}
		}
	}
	if hasHopHeader(req.Header.All()) {
		for _, h := range hopHeaders {
			req.Header.Del(h)
		}
	}

	st.buf = appendClientIP(st.buf[:0], ctx.RemoteIP())
	if prior := req.Header.Peek("X-Forwarded-For"); len(prior) > 0 {
		n := len(st.buf)
		st.buf = append(st.buf, prior...)
		st.buf = append(st.buf, ", "...)
		st.buf = append(st.buf, st.buf[:n]...)
		st.buf = st.buf[n:]
	}
	req.Header.SetCanonical(hdrForwardedFor, st.buf)
	if ctx.IsTLS() {
		req.Header.SetCanonical(hdrForwardedProto, protoHTTPS)
	} else {
		req.Header.SetCanonical(hdrForwardedProto, protoHTTP)
	}
	if rt.noCompression {
		req.Header.Del("Accept-Encoding")
	}

	// Upstream URI: scheme://host + upstream path + (path minus prefix) + query.
	uri := req.URI()
	st.buf = append(st.buf[:0], rt.basePath...)
	p := uri.PathOriginal()
	if rt.cfg.StripPrefix {
		p = p[len(rt.prefix)-1:] // keep the leading slash
		if rt.prefix[len(rt.prefix)-1] != '/' {
			p = uri.PathOriginal()[len(rt.prefix):]
		}
	}
	if len(rt.basePath) > 0 && len(p) > 0 && p[0] == '/' && rt.basePath[len(rt.basePath)-1] == '/' {
		p = p[1:]
	}
	st.buf = append(st.buf, p...)
	if q := uri.QueryString(); len(q) > 0 {
		st.buf = append(st.buf, '?')
		st.buf = append(st.buf, q...)
	}
	req.SetRequestURIBytes(st.buf)
	uri = req.URI()
	uri.SetSchemeBytes(rt.scheme)
	uri.SetHostBytes(rt.hostHeader)
	req.Header.SetHostBytes(rt.hostHeader)

	resp.StreamBody = stream
	var start time.Time
	if s.obs != nil {
		start = time.Now()
	}
	err := rt.client.Do(req, resp)
	if s.obs != nil {
		st.rec.Upstream = time.Since(start)
	}
	if clientClose {
		ctx.SetConnectionClose()
	}
	// The upstream's answer replaced resp, headers included.
	resp.Header.SetCanonical(hdrRequestID, req.Header.Peek("X-Request-Id"))
	if err != nil {
		status, code, msg := upstreamError(err)
		s.log.Warn("upstream request failed", "route", rt.name, "upstream", rt.cfg.Upstream.String(),
			"request_id", string(req.Header.Peek("X-Request-Id")), "code", code, "err", err)
		s.fail(ctx, st, api, status, code, msg)
		return false
	}
	// Hop-by-hop headers of the answer.
	if conn := resp.Header.Peek("Connection"); len(conn) > 0 {
		for tok := range bytes.SplitSeq(conn, []byte{','}) {
			tok = bytes.TrimSpace(tok)
			if len(tok) > 0 && !bytes.EqualFold(tok, []byte("close")) && !bytes.EqualFold(tok, []byte("keep-alive")) {
				resp.Header.DelBytes(tok)
			}
		}
	}
	if hasHopHeader(resp.Header.All()) {
		for _, h := range hopHeaders {
			if h != "Transfer-Encoding" { // fasthttp re-frames the body itself
				resp.Header.Del(h)
			}
		}
	}
	return true
}

func (s *Server) responsePhase(ctx *fasthttp.RequestCtx, st *reqState, rt *route, api abi.API, x *abi.Exchange) {
	resp := &ctx.Response
	body := resp.Body()
	if ce := resp.Header.ContentEncoding(); len(ce) > 0 && !bytes.EqualFold(ce, []byte("identity")) {
		b, err := resp.BodyUncompressed()
		if err != nil {
			s.fail(ctx, st, api, fasthttp.StatusBadGateway, "upstream_bad_body", "upstream answer could not be decoded")
			return
		}
		resp.Header.Del("Content-Encoding")
		resp.SetBody(b)
		body = resp.Body()
	}
	if err := st.resp.Parse(api, resp.StatusCode(), body); err != nil {
		// An answer a response guard cannot read is not passed on unchecked.
		s.log.Warn("unparseable upstream answer", "route", rt.name, "request_id", x.RequestID, "err", err)
		s.fail(ctx, st, api, fasthttp.StatusBadGateway, "upstream_bad_body", "upstream answer could not be parsed")
		return
	}
	x.Phase = abi.PhaseResponse
	x.Response = st.resp.R
	st.rec.PromptTokens, st.rec.CompletionTokens = st.resp.R.PromptTokens, st.resp.R.CompletionTokens
	rt.pipeline.Run(ctx, x, &st.out)
	s.keepRecords(st)
	s.logFaults(st, rt)
	if st.out.Denied {
		s.deny(ctx, st, api)
		return
	}
	st.rec.Answer = x.Response.Messages
	if st.out.Rewritten {
		nb, err := st.resp.Rewrite(st.buf[:0], body, st.out.Dirty)
		if err != nil {
			s.failErr(ctx, st, api, err)
			return
		}
		st.buf = nb
		resp.SetBody(nb)
	}
	for _, h := range st.out.SetHeaders {
		if h.Value == "" {
			resp.Header.Del(h.Key)
		} else if !protectedHeader(h.Key) {
			resp.Header.Set(h.Key, h.Value)
		}
	}
}

func (s *Server) logFaults(st *reqState, rt *route) {
	for i := range st.out.Records {
		r := &st.out.Records[i]
		if r.Err != nil {
			s.log.Warn("guard fault", "route", rt.name, "guard", r.Guard, "version", r.Version,
				"phase", r.Phase.String(), "mode", r.Mode.String(), "code", r.Code, "err", r.Err)
		}
	}
}

// fail answers with a JSON error in the shape of the called API.
func (s *Server) fail(ctx *fasthttp.RequestCtx, st *reqState, api abi.API, status int, code, msg string) {
	st.errCode = code
	resp := &ctx.Response
	if resp.StreamBody {
		resp.StreamBody = false
	}
	resp.ResetBody()
	resp.Header.Del("Content-Length")
	resp.SetStatusCode(status)
	resp.Header.SetContentType("application/json")
	resp.Header.Del("Content-Encoding")
	if id := ctx.Request.Header.Peek("X-Request-Id"); len(id) > 0 {
		resp.Header.SetCanonical(hdrRequestID, id)
	}
	st.buf = exchange.AppendErrorBody(st.buf[:0], api, status, code, msg)
	resp.SetBody(st.buf)
}

// deny answers a pipeline denial: the API-shaped error, with the headers
// the denying guard set (WWW-Authenticate, Retry-After, ...).
func (s *Server) deny(ctx *fasthttp.RequestCtx, st *reqState, api abi.API) {
	s.fail(ctx, st, api, st.out.Status, st.out.Code, st.out.Message)
	for _, h := range st.out.SetHeaders {
		if h.Value != "" && !protectedHeader(h.Key) {
			ctx.Response.Header.Set(h.Key, h.Value)
		}
	}
}

func (s *Server) failErr(ctx *fasthttp.RequestCtx, st *reqState, api abi.API, err error) {
	status, code, msg := errorAnswer(err)
	s.fail(ctx, st, api, status, code, msg)
}

// errorAnswer is the status, code and message failErr answers err with.
func errorAnswer(err error) (int, string, string) {
	var e *exchange.Error
	if errors.As(err, &e) {
		return e.Status, e.Code, e.Message
	}
	return fasthttp.StatusBadRequest, "invalid_request", "request could not be processed"
}

// upstreamError maps a client error to the status the caller sees: 504
// when the upstream did not answer in time, 503 when the route's connection
// pool is exhausted, 502 otherwise.
func upstreamError(err error) (int, string, string) {
	var ne net.Error
	switch {
	case errors.Is(err, fasthttp.ErrTimeout), errors.Is(err, fasthttp.ErrDialTimeout),
		errors.As(err, &ne) && ne.Timeout():
		return fasthttp.StatusGatewayTimeout, "upstream_timeout", "upstream did not answer in time"
	case errors.Is(err, fasthttp.ErrNoFreeConns):
		return fasthttp.StatusServiceUnavailable, "upstream_busy", "upstream connection limit reached"
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		return fasthttp.StatusBadGateway, "upstream_too_large", "upstream answer exceeds the route's limit"
	}
	return fasthttp.StatusBadGateway, "upstream_unreachable", "upstream could not be reached or closed the connection"
}

func isJSON(ct []byte) bool {
	if i := bytes.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = bytes.TrimSpace(ct)
	return bytes.EqualFold(ct, []byte("application/json")) ||
		(bytes.HasPrefix(ct, []byte("application/")) && bytes.HasSuffix(ct, []byte("+json")))
}

// validRequestID accepts client request ids of 1..128 visible ASCII bytes.
func validRequestID(b []byte) bool {
	if len(b) == 0 || len(b) > 128 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

func (s *Server) newRequestID(dst []byte) []byte {
	var raw [16]byte
	copy(raw[:8], s.idPrefix[:])
	binary.BigEndian.PutUint64(raw[8:], s.idSeq.Add(1))
	hex.Encode(dst[:32], raw[:])
	return dst[:32]
}

func appendClientIP(dst []byte, ip net.IP) []byte {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return append(dst, "unknown"...)
	}
	return a.Unmap().AppendTo(dst)
}

// protectedHeader lists headers guards may not set: framing and routing
// belong to the proxy.
func protectedHeader(k string) bool {
	switch http1Canonical(k) {
	case "Host", "Content-Length", "Transfer-Encoding", "Connection", "Te", "Upgrade", "Trailer":
		return true
	}
	return false
}

func http1Canonical(k string) string {
	b := []byte(k)
	upper := true
	for i, c := range b {
		if upper && 'a' <= c && c <= 'z' {
			b[i] = c - 32
		} else if !upper && 'A' <= c && c <= 'Z' {
			b[i] = c + 32
		}
		upper = c == '-'
	}
	return string(b)
}

func setGuardHeader(h *fasthttp.RequestHeader, kv abi.KV) {
	if protectedHeader(kv.Key) {
		return
	}
	if kv.Value == "" {
		h.Del(kv.Key)
		return
	}
	h.Set(kv.Key, kv.Value)
}

// ErrorHandler answers requests fasthttp could not read (too large, bad
// framing) with a JSON error instead of fasthttp's plain text.
func (s *Server) ErrorHandler(ctx *fasthttp.RequestCtx, err error) {
	st := s.state.Get().(*reqState)
	defer s.state.Put(st)
	api := exchange.DetectAPI([]byte("POST"), ctx.Path())
	ctx.SetConnectionClose()
	if errors.Is(err, fasthttp.ErrBodyTooLarge) {
		s.fail(ctx, st, api, fasthttp.StatusRequestEntityTooLarge, "request_too_large", "request body exceeds the gateway's limit")
		return
	}
	if isHeaderTooLarge(err) {
		s.fail(ctx, st, api, fasthttp.StatusRequestHeaderFieldsTooLarge, "request_headers_too_large", "request headers exceed the gateway's limit")
		return
	}
	var he interface{ Timeout() bool }
	if errors.As(err, &he) && he.Timeout() {
		s.fail(ctx, st, api, fasthttp.StatusRequestTimeout, "request_timeout", "request was not received in time")
		return
	}
	s.fail(ctx, st, api, fasthttp.StatusBadRequest, "bad_request", "malformed HTTP request")
}

// Close stops every listener started by Serve.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.servers = nil
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		if err := srv.ShutdownWithContext(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
