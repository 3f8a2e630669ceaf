package proxy

import (
	"bytes"
	"strconv"
	"strings"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/exchange"
	"github.com/wardgate/ward/sdk/abi"
)

// auth_request mode: a route with mode = "auth_request" answers nginx's
// auth_request subrequests. nginx sends the original request's headers
// (Authorization, x-api-key, ...) and describes the request with
// X-Original-URI and X-Original-Method; it does not send the body (nginx
// has not read it when the access phase runs; docs/nginx.md). Ward runs
// the route's request-phase guards on that description and answers with
// an empty body:
//
//   - allowed: 200, with the exchange's identity.* annotations as
//     X-Ward-Identity-* headers (identity.subject -> X-Ward-Identity-Subject)
//     for nginx's auth_request_set;
//   - denied: 401 or 403 as the guard said; any other status (429 from a
//     rate limit, 503 from a fail-closed guard fault) is answered as 403,
//     because nginx turns every status but 2xx/401/403 into a bare 500 and
//     drops the answer's headers. The real status is in X-Ward-Status and
//     the code in X-Ward-Code either way, with the denying guard's headers
//     (Retry-After, WWW-Authenticate), so nginx can answer the client with
//     the status Ward meant (docs/nginx.md shows how).
//
// A request that cannot be checked (no X-Original-URI, a body nginx was
// told to send that is not JSON) is answered 403 with X-Ward-Status 400:
// failing closed is what an access check must do.

var (
	hdrOriginalURI    = []byte("X-Original-URI")
	hdrOriginalMethod = []byte("X-Original-Method")
	hdrWardStatus     = []byte("X-Ward-Status")
	hdrWardCode       = []byte("X-Ward-Code")
	identityPrefix    = "identity."
	identityHdrPrefix = "X-Ward-Identity-"
)

// authRequest answers an auth_request subrequest on route rt.
func (s *Server) authRequest(ctx *fasthttp.RequestCtx, st *reqState, rt *route, reqID []byte) {
	st.rec.Route = rt.name
	uri := ctx.Request.Header.PeekBytes(hdrOriginalURI)
	if len(uri) == 0 || uri[0] != '/' {
		s.authDeny(ctx, st, fasthttp.StatusBadRequest, "missing_original_uri", nil)
		return
	}
	path := uri
	if i := bytes.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	method := ctx.Request.Header.PeekBytes(hdrOriginalMethod)
	if len(method) == 0 {
		method = ctx.Method()
	}
	api := exchange.DetectAPI(method, path)
	st.rec.API = api
	if api == abi.APIUnknown && rt.refuseUnknown {
		s.authDeny(ctx, st, fasthttp.StatusNotFound, "unknown_path", nil)
		return
	}
	// Quarantines hold in this mode too: the client's address (from
	// nginx's X-Forwarded-For when nginx is a trusted proxy) before any
	// guard, the identity a guard names as soon as it names it.
	if s.gate != nil && s.gate.RefuseIP(b2s(st.ip)) {
		s.authDeny(ctx, st, fasthttp.StatusForbidden, CodeQuarantined, nil)
		return
	}
	// nginx sends no body to auth_request; one that arrives anyway (a
	// caller of its own) is read like a proxied request's.
	body := ctx.PostBody()
	if int64(len(body)) > rt.cfg.MaxBody {
		s.authDeny(ctx, st, fasthttp.StatusRequestEntityTooLarge, "request_too_large", nil)
		return
	}
	if len(body) > 0 && api != abi.APIUnknown {
		if !isJSON(ctx.Request.Header.ContentType()) {
			s.authDeny(ctx, st, fasthttp.StatusUnsupportedMediaType, "unsupported_content_type", nil)
			return
		}
		if err := st.req.Parse(api, body); err != nil {
			status, code := fasthttp.StatusBadRequest, "invalid_request"
			if e, ok := err.(*exchange.Error); ok {
				status, code = e.Status, e.Code
			}
			s.authDeny(ctx, st, status, code, nil)
			return
		}
	} else {
		_ = st.req.Parse(abi.APIUnknown, nil) // resets the exchange
		st.req.X.API = api
	}
	x := &st.req.X
	x.Phase = abi.PhaseRequest
	x.RequestID = b2s(reqID)
	x.Route = rt.name
	x.Path = b2s(path)
	s.describe(ctx, st, rt, x)
	st.rec.Model = x.Model
	st.out.Stop = s.refuseIdentity
	rt.pipeline.Run(ctx, x, &st.out)
	s.keepRecords(st)
	st.rec.Annotations = x.Annotations
	s.logFaults(st, rt)
	if s.identityRefused(st, x) {
		s.authDeny(ctx, st, fasthttp.StatusForbidden, CodeQuarantined, nil)
		return
	}
	if st.out.Denied {
		s.authDeny(ctx, st, st.out.Status, st.out.Code, st.out.SetHeaders)
		return
	}
	resp := &ctx.Response
	resp.SetStatusCode(fasthttp.StatusOK)
	resp.Header.SetCanonical(hdrRequestID, reqID)
	for _, a := range x.Annotations {
		name, ok := strings.CutPrefix(a.Key, identityPrefix)
		if !ok || name == "" || !headerSafe(a.Value) {
			continue
		}
		st.buf = append(st.buf[:0], identityHdrPrefix...)
		for i := 0; i < len(name); i++ {
			c := name[i]
			switch {
			case c == '.' || c == '_':
				c = '-'
			case !isTokenByte(c):
				c = '-'
			}
			st.buf = append(st.buf, c)
		}
		resp.Header.SetBytesKV(st.buf, unsafeBytes(a.Value))
	}
	// Headers the guards set for the upstream: nginx can pass them on with
	// auth_request_set (docs/nginx.md); removals cannot be expressed here.
	setAnswerHeaders(resp, st.out.SetHeaders)
}

// authDeny answers a denied or unreadable auth_request with an empty body
// (nginx discards it), 401/403 and the real status in X-Ward-Status.
func (s *Server) authDeny(ctx *fasthttp.RequestCtx, st *reqState, status int, code string, hdrs []abi.KV) {
	st.errCode = code
	resp := &ctx.Response
	answer := status
	if answer != fasthttp.StatusUnauthorized && answer != fasthttp.StatusForbidden {
		answer = fasthttp.StatusForbidden
	}
	resp.SetStatusCode(answer)
	st.buf = strconv.AppendInt(st.buf[:0], int64(status), 10)
	resp.Header.SetCanonical(hdrWardStatus, st.buf)
	resp.Header.SetCanonical(hdrWardCode, unsafeBytes(code))
	if id := ctx.Request.Header.Peek("X-Request-Id"); len(id) > 0 {
		resp.Header.SetCanonical(hdrRequestID, id)
	}
	setAnswerHeaders(resp, hdrs)
}

// setAnswerHeaders puts guard-set headers on an auth_request answer, except
// removals (empty values), framing headers and unsafe values.
func setAnswerHeaders(resp *fasthttp.Response, hdrs []abi.KV) {
	for _, h := range hdrs {
		if h.Value != "" && !protectedHeader(h.Key) && headerSafe(h.Value) {
			resp.Header.Set(h.Key, h.Value)
		}
	}
}

// headerSafe reports whether v can be a header value as is: visible ASCII,
// space, tab, or UTF-8 bytes; no CR, LF or other control bytes.
func headerSafe(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func isTokenByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

func unsafeBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
