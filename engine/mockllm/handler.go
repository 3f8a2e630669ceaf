package mockllm

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net"
	"strconv"

	"github.com/valyala/fasthttp"
)

// Request and response headers understood or produced by the mock.
const (
	// HeaderFault selects a fault for one request; see the Fault* constants.
	HeaderFault = "x-mock-fault"
	// HeaderDelay is the duration slept by FaultSlow (time.ParseDuration
	// syntax, default 1s, at most 5m).
	HeaderDelay = "x-mock-delay"
	// HeaderEchoHeaders set to "1" adds "received_headers", "received_method",
	// "received_uri" and "received_body" to the answer: top-level fields of the JSON object,
	// or of the first SSE event's JSON object.
	HeaderEchoHeaders = "x-mock-echo-headers"
	// HeaderLeakSystem set to "1" makes the answer leak the request's
	// system prompt, as a model tricked into repeating its instructions
	// does: the generated text is followed by LeakPrefix and the system
	// prompt (chat system and developer messages, Anthropic system,
	// Responses instructions and system/developer input items, joined
	// with "\n"), before any max-tokens cut. A request without a system
	// prompt gets the plain answer.
	HeaderLeakSystem = "x-mock-leak-system-prompt"
	// HeaderAppend adds its value (at most 4 KiB, after a space) to the
	// generated answer, after any leaked system prompt and before any
	// max-tokens cut: a way to make the model "say" something, such as a
	// credential a gateway should catch in the answer.
	HeaderAppend = "x-mock-append"
	// HeaderNoStream set to "1" answers a request that asks for a stream
	// with the whole JSON answer, as an upstream that ignores "stream"
	// does.
	HeaderNoStream = "x-mock-no-stream"
	// HeaderBodySHA256 is set on every answer to the lowercase hex SHA-256 of
	// the request body exactly as received.
	HeaderBodySHA256 = "x-mock-body-sha256"
)

// endpoint is one API operation the mock serves.
type endpoint int

const (
	epUnknown endpoint = iota
	epChat
	epCompletions
	epEmbeddings
	epResponses
	epMessages
	epModels
)

// flavor is the error shape of an API family.
type flavor int

const (
	flavorOpenAI flavor = iota
	flavorAnthropic
)

func routeOf(path []byte) endpoint {
	switch string(path) {
	case "/v1/chat/completions":
		return epChat
	case "/v1/completions":
		return epCompletions
	case "/v1/embeddings":
		return epEmbeddings
	case "/v1/responses":
		return epResponses
	case "/v1/messages":
		return epMessages
	case "/v1/models":
		return epModels
	}
	return epUnknown
}

func (e endpoint) flavor() flavor {
	if e == epMessages {
		return flavorAnthropic
	}
	return flavorOpenAI
}

// answer is a fully rendered response, produced before anything is written
// so that faults can cut it anywhere.
type answer struct {
	status      int
	contentType string
	body        []byte   // JSON answers; nil when events is set
	events      [][]byte // complete SSE frames, when streaming
	retryAfter  bool     // add retry-after: 1 (429 answers)
}

const (
	contentJSON = "application/json"
	contentSSE  = "text/event-stream; charset=utf-8"
)

// reqInfo is what the builders need to know about a request besides its body.
type reqInfo struct {
	sum      [32]byte // SHA-256 of the body
	echo     *echoInfo
	leak     bool   // HeaderLeakSystem
	append   string // HeaderAppend
	noStream bool   // HeaderNoStream
}

// tail is what follows the generated answer: LeakPrefix and system, the
// request's system prompt, when the request asked for a leak, then the
// HeaderAppend text.
func (ri reqInfo) tail(system string) string {
	t := ""
	if ri.leak && system != "" {
		t = LeakPrefix + system
	}
	if ri.append != "" {
		t += " " + ri.append
	}
	return t
}

func (s *Server) handle(ctx *fasthttp.RequestCtx) {
	s.requests.Add(1)
	body := ctx.PostBody()
	ri := reqInfo{sum: sha256.Sum256(body)}
	ctx.Response.Header.Set(HeaderBodySHA256, hex.EncodeToString(ri.sum[:]))

	ep := routeOf(ctx.Path())
	fl := ep.flavor()
	f, ferr := parseFault(ctx.Request.Header.Peek(HeaderFault), ctx.Request.Header.Peek(HeaderDelay))

	s.sleep(s.opts.Latency)

	var a answer
	switch {
	case ferr != nil:
		a = errorAnswer(fl, fasthttp.StatusBadRequest, ferr.Error())
		f = fault{}
	case f.kind == faultSlow:
		s.sleep(f.delay)
	case f.kind == faultReset:
		s.reset(ctx)
		s.logRequest(ctx, f, 0)
		return
	case f.kind == faultStatus:
		a = errorAnswer(fl, f.status, "mock fault: injected HTTP "+strconv.Itoa(f.status))
	}
	if a.status == 0 {
		if string(ctx.Request.Header.Peek(HeaderEchoHeaders)) == "1" {
			ri.echo = receivedEcho(ctx)
		}
		ri.leak = string(ctx.Request.Header.Peek(HeaderLeakSystem)) == "1"
		ri.noStream = string(ctx.Request.Header.Peek(HeaderNoStream)) == "1"
		if v := ctx.Request.Header.Peek(HeaderAppend); len(v) > 0 && len(v) <= 4096 {
			ri.append = string(v)
		}
		a = s.build(ep, ctx.Method(), body, ri)
	}
	switch f.kind {
	case faultTruncate:
		s.truncate(ctx, a)
	case faultStreamCut:
		s.streamCut(ctx, a)
	default:
		s.write(ctx, a)
	}
	s.logRequest(ctx, f, a.status)
}

// build renders the answer for ep; it never writes to the connection.
func (s *Server) build(ep endpoint, method, body []byte, ri reqInfo) answer {
	if ep == epUnknown {
		return errorAnswerCode(flavorOpenAI, fasthttp.StatusNotFound, "Unknown request URL. The mock serves /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses, /v1/messages and /v1/models.", "unknown_url")
	}
	want := fasthttp.MethodPost
	if ep == epModels {
		want = fasthttp.MethodGet
	}
	if string(method) != want {
		return errorAnswerCode(ep.flavor(), fasthttp.StatusMethodNotAllowed, "Method "+string(method)+" not allowed; use "+want+".", "method_not_allowed")
	}
	switch ep {
	case epChat:
		return s.chat(body, ri)
	case epCompletions:
		return s.completions(body, ri)
	case epEmbeddings:
		return s.embeddings(body, ri)
	case epResponses:
		return s.responses(body, ri)
	case epMessages:
		return s.messages(body, ri)
	default:
		return s.models(ri)
	}
}

// write sends a normally, streaming SSE events one flush each.
func (s *Server) write(ctx *fasthttp.RequestCtx, a answer) {
	s.setHead(ctx, a)
	if a.events == nil {
		ctx.SetBody(a.body)
		return
	}
	events := a.events
	delay := s.opts.ChunkDelay
	// The writer runs on a goroutine of fasthttp's after the handler returns;
	// it only touches its own captured values, never ctx.
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		for i, ev := range events {
			if i > 0 && delay > 0 {
				s.sleep(delay)
			}
			if _, err := w.Write(ev); err != nil {
				return
			}
			if err := w.Flush(); err != nil {
				return // client gone
			}
		}
	})
}

func (s *Server) setHead(ctx *fasthttp.RequestCtx, a answer) {
	ctx.SetStatusCode(a.status)
	ctx.SetContentType(a.contentType)
	if a.retryAfter {
		ctx.Response.Header.Set("retry-after", "1")
	}
	if a.events != nil {
		ctx.Response.Header.Set("cache-control", "no-cache")
	}
}

// reset closes the connection without writing anything. On TCP it sets
// SO_LINGER to 0 so that the peer sees a RST rather than an orderly FIN.
func (s *Server) reset(ctx *fasthttp.RequestCtx) {
	if tc, ok := ctx.Conn().(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(net.Conn) {}) // fasthttp closes the connection afterwards
}

// truncate sends a's headers with a Content-Length of the whole answer (the
// concatenated events for a stream), then half of it, then closes.
func (s *Server) truncate(ctx *fasthttp.RequestCtx, a answer) {
	full := a.body
	if a.events != nil {
		full = bytes.Join(a.events, nil)
	}
	s.setHead(ctx, a)
	ctx.Response.Header.SetContentLength(len(full))
	head := append([]byte(nil), ctx.Response.Header.Header()...)
	part := full[:len(full)/2]
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(c net.Conn) {
		_, _ = c.Write(append(head, part...))
	})
}

// streamCut sends a's headers with chunked framing, then the first half of
// its events (at least one) with ChunkDelay between them, then closes
// without the terminating chunk. A JSON answer is cut after half its bytes.
func (s *Server) streamCut(ctx *fasthttp.RequestCtx, a answer) {
	parts := a.events
	if parts == nil {
		parts = [][]byte{a.body[:len(a.body)/2]}
	} else {
		parts = parts[:max(1, len(parts)/2)]
	}
	s.setHead(ctx, a)
	ctx.Response.Header.SetContentLength(-1) // chunked
	head := append([]byte(nil), ctx.Response.Header.Header()...)
	delay := s.opts.ChunkDelay
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(c net.Conn) {
		if _, err := c.Write(head); err != nil {
			return
		}
		for i, p := range parts {
			if i > 0 && delay > 0 {
				s.sleep(delay)
			}
			chunk := strconv.AppendInt(nil, int64(len(p)), 16)
			chunk = append(chunk, "\r\n"...)
			chunk = append(chunk, p...)
			chunk = append(chunk, "\r\n"...)
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	})
}

func (s *Server) logRequest(ctx *fasthttp.RequestCtx, f fault, status int) {
	if !s.log.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	s.log.Debug("mockllm: request",
		"method", string(ctx.Method()),
		"path", string(ctx.Path()),
		"fault", f.String(),
		"status", status,
		"bytes_in", len(ctx.PostBody()))
}
