package proxy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wardgate/ward/engine/exchange"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// guardedStream is the body of a streamed answer whose text the route's
// response_chunk guards check: it reads the upstream's server-sent events,
// runs the guards over every text delta of every channel (a choice, a
// content block, an output part) and gives the client each event once its
// text has been checked, rewritten where a guard rewrote it. Text a guard
// holds back (the start of a placeholder, a token that may become a
// secret) goes out in the same event as the text after it, or, when its
// channel ends, in a copy of the channel's last text event. Summary events
// that repeat a channel's text (the Responses API's *.done and
// response.completed) carry what the client was sent of it instead.
//
// On a deny or a fault of an enforcing guard, an upstream event the
// gateway cannot read, or an upstream that breaks off, the stream ends with
// the API's error event (and "[DONE]" for OpenAI chat), so that clients
// raise instead of hanging. fasthttp writes every Read as one chunk and
// flushes it, so an event leaves as soon as it is checked.
//
// Close (called by fasthttp when the answer is written, or the client
// went away) closes the upstream stream, cancelling the upstream request,
// and runs done.
type guardedStream struct {
	ctx  context.Context
	p    *pipeline.Pipeline
	x    *abi.Exchange
	up   *fasthttp.Response
	body io.Reader
	done func(*guardedStream)

	sse   exchange.SSE
	ev    exchange.Events
	chans map[uint32]*chanState
	order []uint32 // channels in order of first text
	o     pipeline.Outcome
	dirty []bool
	texts []string
	parts []exchange.Part

	rbuf  []byte
	out   []byte // bytes to give the client
	off   int
	ended bool // the stop or done event was queued: EOF after out
	err   error

	// Results for the request's record: usage, the code that stopped the
	// stream if any, and the first guard faults.
	prompt, completion uint32
	stopCode           string
	records            []pipeline.Record
	closeOnce          sync.Once
}

type chanState struct {
	cs     pipeline.ChunkState
	sent   strings.Builder // what the client got of the channel's text
	last   []byte          // the channel's last text event, as received
	closed bool
}

func newGuardedStream(ctx context.Context, p *pipeline.Pipeline, x *abi.Exchange, api abi.API, up *fasthttp.Response, done func(*guardedStream)) *guardedStream {
	g := &guardedStream{ctx: ctx, p: p, x: x, up: up, body: up.BodyStream(), done: done, chans: map[uint32]*chanState{}, rbuf: make([]byte, 16<<10)}
	g.ev.Reset(api)
	return g
}

// Read gives the client the next checked events.
func (g *guardedStream) Read(b []byte) (int, error) {
	for g.off == len(g.out) {
		g.out, g.off = g.out[:0], 0
		if g.ended {
			return 0, io.EOF
		}
		if g.events() {
			continue
		}
		n, err := g.body.Read(g.rbuf)
		if n > 0 {
			g.sse.Write(g.rbuf[:n])
		}
		if err != nil {
			g.events()
			switch {
			case g.ended:
			case err == io.EOF && len(g.sse.Pending()) == 0:
				// The upstream ended without its end event: what the
				// guards hold stays held (it was never released).
				g.stop(502, "upstream_stream_ended", "the upstream ended the stream before its end event")
			default:
				g.stop(502, "upstream_stream_broken", "the upstream stream broke off")
			}
		}
	}
	n := copy(b, g.out[g.off:])
	g.off += n
	return n, nil
}

// events handles the complete events buffered, appending their bytes to
// g.out; it reports whether it handled any.
func (g *guardedStream) events() bool {
	any := false
	for !g.ended {
		e, ok, err := g.sse.Next()
		if err != nil {
			g.stop(502, "upstream_bad_stream", "the upstream sent an event too large to check")
			return true
		}
		if !ok {
			return any
		}
		any = true
		g.event(e)
	}
	return any
}

func (g *guardedStream) event(e []byte) {
	name, data, at, one := g.sse.EventFields(e)
	kind, err := g.ev.Parse(name, data)
	if err != nil {
		g.stop(502, "upstream_bad_stream", "the upstream sent an event the gateway cannot read")
		return
	}
	g.prompt, g.completion = max(g.prompt, g.ev.PromptTokens), max(g.completion, g.ev.CompletionTokens)
	if kind == exchange.EventError {
		g.out = append(g.out, e...)
		g.ended = true
		return
	}
	texts := g.ev.Texts
	if len(texts) > 0 && !one {
		g.stop(502, "upstream_bad_stream", "the upstream sent a text event on several data lines")
		return
	}
	// The event's parts, kept: appendText parses other events with g.ev.
	g.parts = append(g.parts[:0], g.ev.Parts...)
	g.dirty = g.dirty[:0]
	g.texts = g.texts[:0]
	changed := false
	for i := range texts {
		pt := g.parts[i]
		c := g.chans[pt.Chan]
		if c == nil {
			c = &chanState{}
			g.chans[pt.Chan] = c
			g.order = append(g.order, pt.Chan)
		}
		in := texts[i].Text
		var out string
		if pt.Whole {
			switch {
			case in == "" && c.sent.Len() == 0:
				out = ""
			case c.sent.Len() == 0 && !c.closed:
				// A whole text never streamed as deltas: check it at once.
				out = g.run(c, in, true)
				c.closed = true
			default:
				out = c.sent.String()
			}
		} else {
			out = g.run(c, in, false)
			c.last = append(c.last[:0], e...)
		}
		if g.ended {
			return
		}
		g.texts = append(g.texts, out)
		g.dirty = append(g.dirty, out != in)
		changed = changed || out != in
	}
	// Channels this event closes: release what the guards hold, in this
	// event's own delta for the channel when it has one, else in a copy
	// of the channel's last text event sent just before.
	closing := g.ev.Closed
	if kind == exchange.EventDone {
		closing = g.order
	}
	var pre []byte
	for _, ch := range closing {
		c := g.chans[ch]
		if c == nil || c.closed {
			continue
		}
		rest := g.run(c, "", true)
		c.closed = true
		if g.ended {
			return
		}
		if rest == "" {
			continue
		}
		placed := false
		for i := range g.parts {
			if g.parts[i].Chan == ch && !g.parts[i].Whole {
				g.texts[i] += rest
				g.dirty[i], changed, placed = true, true, true
				break
			}
		}
		if !placed {
			pre = g.appendText(pre, c, ch, rest)
			if g.ended {
				return
			}
		}
		// Whole texts of a closing event repeat everything sent.
		for i := range g.parts {
			if g.parts[i].Chan == ch && g.parts[i].Whole {
				g.texts[i] = c.sent.String()
				g.dirty[i], changed = true, true
			}
		}
	}
	g.out = append(g.out, pre...)
	if !changed {
		g.out = append(g.out, e...)
	} else {
		// Parse again: appendText may have parsed a template event since.
		if _, err := g.ev.Parse(name, data); err != nil {
			g.stop(502, "upstream_bad_stream", "the upstream sent an event the gateway cannot read")
			return
		}
		for i := range g.ev.Texts {
			g.ev.Texts[i].Text = g.texts[i]
		}
		g.out = append(g.out, e[:at]...)
		if g.out, err = g.ev.Rewrite(g.out, data, g.dirty); err != nil {
			g.stop(502, "upstream_bad_stream", "an event could not be rewritten")
			return
		}
		g.out = append(g.out, e[at+len(data):]...)
	}
	if kind == exchange.EventDone {
		// OpenAI's [DONE] closes the stream; a Responses
		// response.completed or Anthropic message_stop is the last event.
		g.ended = true
	}
}

// run passes text through the chunk guards of channel c and records what
// the client is sent; on a stop it queues the stop events.
func (g *guardedStream) run(c *chanState, text string, final bool) string {
	out := g.p.RunChunk(g.ctx, g.x, &c.cs, text, final, &g.o)
	for _, r := range g.o.Records {
		if r.Err != nil && len(g.records) < 16 {
			g.records = append(g.records, r) // faults, logged at the end
		}
	}
	if g.o.Denied {
		for _, r := range g.o.Records {
			if r.Err == nil && r.Outcome == pipeline.OutcomeDeny && len(g.records) < 16 {
				g.records = append(g.records, r) // the denial, for the record
			}
		}
		g.stopCode = g.o.Code
		g.stop(g.o.Status, g.o.Code, g.o.Message)
		return ""
	}
	c.sent.WriteString(out)
	return out
}

// appendText appends a copy of channel ch's last text event carrying text.
func (g *guardedStream) appendText(dst []byte, c *chanState, ch uint32, text string) []byte {
	if len(c.last) == 0 {
		return dst
	}
	out, err := g.ev.AppendText(dst, c.last, ch, text)
	if err != nil {
		g.stop(502, "upstream_bad_stream", "an event could not be rewritten")
		return dst
	}
	return out
}

// stop queues the API's error events and ends the stream. Text the guards
// still hold is dropped: it was not released by them.
func (g *guardedStream) stop(status int, code, message string) {
	if g.ended {
		return
	}
	if g.stopCode == "" {
		g.stopCode = code
	}
	g.out = g.ev.AppendStop(g.out, status, code, message)
	g.ended = true
}

// Close implements fasthttp's body stream closing: it ends the upstream
// request (closing its connection when the stream was not read to its
// end, which cancels the generation upstream) and releases the request.
func (g *guardedStream) Close() error { return g.CloseWithError(nil) }

// CloseWithError is Close, told why the client side stopped.
func (g *guardedStream) CloseWithError(err error) error {
	g.closeOnce.Do(func() {
		if err == nil && !g.ended {
			err = errClientGone
		}
		if rc, ok := g.body.(fasthttp.ReadCloserWithError); ok {
			rc.CloseWithError(err)
		} else {
			g.up.CloseBodyStream()
		}
		g.err = err
		fasthttp.ReleaseResponse(g.up)
		if g.done != nil {
			g.done(g)
		}
	})
	return nil
}

var errClientGone = errors.New("proxy: the client stopped reading the stream")

// streamGuarded forwards a request for a streamed answer that the route's
// response_chunk guards check. The upstream answer is read into its own
// Response (ctx.Response gets its status and headers, and the guarded
// stream as body); an answer that is not an event stream (an upstream
// error, a whole JSON answer to a stream request) is relayed whole,
// through the response guards when the route has any. The request state
// and the snapshot stay in use until the stream ends: one request, one
// snapshot, even across a swap.
func (s *Server) streamGuarded(ctx *fasthttp.RequestCtx, st *reqState, snap *Snapshot, rt *route, api abi.API, x *abi.Exchange) {
	// The guards read the events: a compressed stream could not be read.
	ctx.Request.Header.Del("Accept-Encoding")
	up := fasthttp.AcquireResponse()
	if !s.forward(ctx, st, rt, api, true, up) {
		fasthttp.ReleaseResponse(up)
		return
	}
	resp := &ctx.Response
	up.Header.CopyTo(&resp.Header)
	status := up.StatusCode()
	sse := bytes.HasPrefix(up.Header.ContentType(), []byte("text/event-stream"))
	if status < 200 || status > 299 || !sse {
		ok := s.readWhole(ctx, st, rt, api, resp, up)
		fasthttp.ReleaseResponse(up)
		if !ok {
			return
		}
		if sse || status < 200 || status > 299 || !rt.pipeline.Pending(abi.PhaseResponse, st.out.Done) {
			return
		}
		s.responsePhase(ctx, st, rt, api, x)
		return
	}
	if ce := up.Header.ContentEncoding(); len(ce) > 0 && !bytes.EqualFold(ce, []byte("identity")) {
		fasthttp.ReleaseResponse(up)
		s.fail(ctx, st, api, fasthttp.StatusBadGateway, "upstream_bad_stream", "the upstream compressed the event stream, which the gateway's guards cannot read")
		return
	}
	done := s.streamDone(st, snap, rt, x)
	if rt.pipeline.HoldsStreams(st.out.Done) {
		switch s.holdStream(ctx, st, rt, api, x, up, done) {
		case holdFailed:
			fasthttp.ReleaseResponse(up)
			return
		case holdLate:
			return // the held stream is the body (lateHold)
		}
	}
	resp.Header.Del("Content-Length")
	st.streaming = true
	g := newGuardedStream(ctx, rt.pipeline, x, api, up, done)
	g.o.Done = st.out.Done // guards done after the request phase skip the chunks
	resp.SetBodyStream(g, -1)
}

// streamDone returns what runs when the guarded stream of st ends: the
// request's record and the release of its state, its slot and the
// snapshot.
func (s *Server) streamDone(st *reqState, snap *Snapshot, rt *route, x *abi.Exchange) func(*guardedStream) {
	return func(g *guardedStream) {
		for i := range g.records {
			if r := &g.records[i]; r.Err != nil {
				s.log.Warn("guard fault", "route", rt.name, "guard", r.Guard, "version", r.Version,
					"phase", r.Phase.String(), "mode", r.Mode.String(), "code", r.Code, "err", r.Err)
			}
		}
		st.out.Done = g.o.Done // with the guards done during the stream
		if g.prompt > 0 || g.completion > 0 {
			s.streamUsage(st, rt, x, g.prompt, g.completion)
		}
		if s.obs != nil {
			r := &st.rec
			r.StreamDuration = time.Since(r.Start)
			switch {
			case g.err == errClientGone:
				r.StreamEnd = "client_gone"
			case g.stopCode != "":
				r.StreamEnd, r.Code = "stopped", g.stopCode
			default:
				r.StreamEnd = "completed"
			}
			r.PromptTokens, r.CompletionTokens = g.prompt, g.completion
			r.Guards = append(r.Guards, g.records...)
			s.obs.ObserveRequest(r)
			st.rec = Record{}
		}
		st.streaming = false
		st.releaseSlot()
		s.state.Put(st)
		snap.active.Add(-1)
	}
}

// What holdStream did with a held stream.
type holdResult int

const (
	holdReady  holdResult = iota // up's body is the checked events: stream them
	holdFailed                   // the error was answered; release up
	holdLate                     // the client has the headers; lateHold is the body and owns up
)

// holdStream holds a streamed answer for the route's guards that check
// whole answers but not chunks (pipeline.HoldsStreams): it reads the whole
// event stream (within max_response_body), puts the text of each channel
// together and runs those guards on it (pipeline.RunWhole) before any of
// it is sent. On a denial or a fault it answers the error, as for a whole
// answer (holdFailed). Otherwise up's body becomes the held events, a
// rewritten channel's text in its first text event and its later deltas
// emptied (rewriteHeld), which the chunk guards then check as they would
// the upstream's (holdReady).
//
// When the whole stream has not come within the route's hold_keepalive,
// the client gets the headers then and there and the rest is lateHold's
// (holdLate): SSE comments while the stream is read, then the checked
// events, or the API's error event in their place.
func (s *Server) holdStream(ctx *fasthttp.RequestCtx, st *reqState, rt *route, api abi.API, x *abi.Exchange, up *fasthttp.Response, done func(*guardedStream)) holdResult {
	var f *heldFailure
	if wait := rt.cfg.HoldKeepalive; wait > 0 && up.BodyStream() != nil {
		h := &lateHold{s: s, ctx: ctx, st: st, rt: rt, api: api, x: x, up: up, done: done,
			body: up.BodyStream(), res: make(chan heldRead, 1)}
		go h.read(rt.cfg.MaxResponseBody)
		t := time.NewTimer(wait)
		select {
		case r := <-h.res:
			t.Stop()
			up.CloseBodyStream()
			f = s.checkHeld(ctx, st, rt, api, x, up, r.held, r.err)
		case <-t.C:
			resp := &ctx.Response
			resp.Header.Del("Content-Length")
			st.streaming = true
			h.tick = time.NewTicker(wait)
			h.out = append(h.out[:0], keepaliveComment...)
			resp.SetBodyStream(h, -1)
			return holdLate
		}
	} else {
		held, err := readHeld(up, rt.cfg.MaxResponseBody)
		f = s.checkHeld(ctx, st, rt, api, x, up, held, err)
	}
	switch {
	case f == nil:
		return holdReady
	case f.deny:
		s.deny(ctx, st, api)
	default:
		s.fail(ctx, st, api, f.status, f.code, f.msg)
	}
	return holdFailed
}

// keepaliveComment is what a late hold sends the client while it waits:
// an SSE comment, which clients skip.
const keepaliveComment = ": ward is checking the answer\n\n"

// heldFailure is why a held stream is not sent: a denial (the pipeline's
// outcome in st.out) or an error to answer.
type heldFailure struct {
	deny      bool
	status    int
	code, msg string
}

// checkHeld runs the whole-answer guards on held, the stream read whole
// (readErr: what stopped the reading), as holdStream says. It returns nil
// when up's body is now the events to stream, else why not (logged).
func (s *Server) checkHeld(ctx context.Context, st *reqState, rt *route, api abi.API, x *abi.Exchange, up *fasthttp.Response, held []byte, readErr error) *heldFailure {
	if readErr != nil {
		status, code, msg := upstreamError(readErr)
		s.log.Warn("upstream answer failed", "route", rt.name, "upstream", rt.cfg.Upstream.String(),
			"request_id", x.RequestID, "code", code, "err", readErr)
		return &heldFailure{status: status, code: code, msg: msg}
	}
	var (
		texts              []strings.Builder
		chans              []uint32
		prompt, completion uint32 // the stream's usage so far
	)
	_, err := eachEvent(held, api, func(ev *exchange.Events, _ heldEvent) error {
		prompt, completion = ev.PromptTokens, ev.CompletionTokens
		for i, pt := range ev.Parts {
			if pt.Whole {
				continue // repeats the channel's deltas
			}
			c := slices.Index(chans, pt.Chan)
			if c < 0 {
				c = len(chans)
				chans = append(chans, pt.Chan)
				texts = append(texts, strings.Builder{})
			}
			texts[c].WriteString(ev.Texts[i].Text)
		}
		return nil
	})
	if err != nil {
		s.log.Warn("unreadable upstream event", "route", rt.name, "request_id", x.RequestID, "err", err)
		status, code, msg := errorAnswer(err)
		return &heldFailure{status: status, code: code, msg: msg}
	}
	msgs := make([]abi.Message, 0, len(chans))
	msgChan := make([]uint32, 0, len(chans))
	for c := range chans {
		if texts[c].Len() > 0 {
			msgs = append(msgs, abi.Message{Turn: uint32(len(msgs)), Role: "assistant", Kind: abi.KindText, Text: texts[c].String()})
			msgChan = append(msgChan, chans[c])
		}
	}
	x.Phase = abi.PhaseResponse
	x.Chunk = abi.Chunk{}
	x.Response = abi.Response{Status: 200, Messages: msgs, PromptTokens: prompt, CompletionTokens: completion}
	rt.pipeline.RunWhole(ctx, x, &st.out)
	s.keepRecords(st)
	s.logFaults(st, rt)
	if st.out.Denied {
		return &heldFailure{deny: true, status: st.out.Status, code: st.out.Code, msg: st.out.Message}
	}
	if st.out.Rewritten {
		texts := map[uint32]string{}
		for i, d := range st.out.Dirty {
			if d && i < len(msgChan) {
				texts[msgChan[i]] = x.Response.Messages[i].Text
			}
		}
		if held, err = rewriteHeld(held, api, texts); err != nil {
			s.log.Warn("held stream not rewritten", "route", rt.name, "request_id", x.RequestID, "err", err)
			return &heldFailure{status: fasthttp.StatusBadGateway, code: "upstream_bad_stream", msg: "a held stream could not be rewritten"}
		}
	}
	x.Response = abi.Response{} // the chunk guards see the stream as it comes
	up.SetBodyStream(bytes.NewReader(held), len(held))
	return nil
}

// lateHold is the body of a held stream whose client got the headers
// before the stream was whole (holdStream, holdLate). While a goroutine
// reads the upstream's stream (read), Read gives the client an SSE comment
// every hold_keepalive. Once the stream is read it is checked (checkHeld)
// and the rest is a guardedStream's: the checked events through the chunk
// guards, or, on a denial or a failure, the API's error event (the status
// was sent already).
//
// Close before then (the client went away) interrupts the upstream read
// (fasthttp's body stream lets Close run while a Read blocks), waits for
// the goroutine and ends the request as a stream the client left.
type lateHold struct {
	s    *Server
	ctx  *fasthttp.RequestCtx
	st   *reqState
	rt   *route
	api  abi.API
	x    *abi.Exchange
	up   *fasthttp.Response
	done func(*guardedStream)

	body io.Reader     // up's body stream, read by read alone until it sends on res
	res  chan heldRead // the read's result, sent once
	tick *time.Ticker

	out       []byte
	off       int
	g         *guardedStream // once the stream was checked
	closeOnce sync.Once
}

// heldRead is what lateHold.read got: the whole stream, or what stopped it.
type heldRead struct {
	held []byte
	err  error
}

// read reads the upstream's stream to its end, at most limit bytes, and
// sends the result on h.res. It touches nothing but h.body.
func (h *lateHold) read(limit int64) {
	b, err := readLimited(h.body, limit)
	h.res <- heldRead{b, err}
}

// Read gives the client comments until the stream is checked, then the
// guarded stream.
func (h *lateHold) Read(b []byte) (int, error) {
	for h.g == nil && h.off == len(h.out) {
		select {
		case r := <-h.res:
			h.check(r)
		case <-h.tick.C:
			h.out, h.off = append(h.out[:0], keepaliveComment...), 0
		}
	}
	if h.g != nil && h.off == len(h.out) {
		return h.g.Read(b)
	}
	n := copy(b, h.out[h.off:])
	h.off += n
	return n, nil
}

// check runs the whole-answer guards on the stream read and sets h.g up to
// send the events or the error.
func (h *lateHold) check(r heldRead) {
	h.tick.Stop()
	h.up.CloseBodyStream() // the connection is kept only when the body was read to its end
	f := h.s.checkHeld(h.ctx, h.st, h.rt, h.api, h.x, h.up, r.held, r.err)
	if f != nil {
		h.up.SetBodyStream(bytes.NewReader(nil), 0)
	}
	h.g = newGuardedStream(h.ctx, h.rt.pipeline, h.x, h.api, h.up, h.done)
	h.g.o.Done = h.st.out.Done
	if f != nil {
		h.g.stop(f.status, f.code, f.msg)
	}
}

// Close implements fasthttp's body stream closing.
func (h *lateHold) Close() error { return h.CloseWithError(nil) }

// CloseWithError ends the held stream: the guarded stream's close once
// the stream was checked; before, the upstream read is interrupted and
// waited for, and the request ends as one the client left.
func (h *lateHold) CloseWithError(err error) error {
	h.closeOnce.Do(func() {
		if h.g == nil {
			h.tick.Stop()
			if rc, ok := h.body.(fasthttp.ReadCloserWithError); ok {
				rc.CloseWithError(errClientGone)
			} else {
				h.up.CloseBodyStream()
			}
			<-h.res
			h.up.CloseBodyStream()
			h.up.SetBodyStream(bytes.NewReader(nil), 0)
			h.g = newGuardedStream(h.ctx, h.rt.pipeline, h.x, h.api, h.up, h.done)
			if err == nil {
				err = errClientGone
			}
		}
		h.g.CloseWithError(err)
	})
	return nil
}

// heldEvent is one whole event of a held stream: its bytes, its data and
// where the data starts in them (at), and whether the data is one line.
type heldEvent struct {
	e, name, data []byte
	at            int
	one           bool
}

// eachEvent parses the whole events of held, a stream of api, in order,
// and calls fn with each (ev holds its texts and parts); it returns the
// bytes after the last whole event. The first error of the stream, of a
// parse or of fn ends the walk.
func eachEvent(held []byte, api abi.API, fn func(ev *exchange.Events, he heldEvent) error) (rest []byte, err error) {
	var (
		sse exchange.SSE
		ev  exchange.Events
	)
	ev.Reset(api)
	sse.Write(held)
	for {
		e, ok, err := sse.Next()
		if err != nil || !ok {
			return sse.Pending(), err
		}
		he := heldEvent{e: e}
		he.name, he.data, he.at, he.one = sse.EventFields(e)
		if _, err := ev.Parse(he.name, he.data); err != nil {
			return nil, err
		}
		if err := fn(&ev, he); err != nil {
			return nil, err
		}
	}
}

// rewriteHeld returns the events of held (a stream of api) with the text
// of each channel in texts put in place of the channel's: its first text
// delta carries all of it, its later deltas none, and the texts that
// repeat the channel whole (the Responses API's summaries) carry it too.
// Other events, and bytes after the last whole event, are copied.
func rewriteHeld(held []byte, api abi.API, texts map[uint32]string) ([]byte, error) {
	var dirty []bool
	first := map[uint32]bool{}
	out := make([]byte, 0, len(held))
	rest, err := eachEvent(held, api, func(ev *exchange.Events, he heldEvent) error {
		dirty = dirty[:0]
		changed := false
		for i, pt := range ev.Parts {
			text, ok := texts[pt.Chan]
			switch {
			case !ok:
			case pt.Whole:
			case !first[pt.Chan]:
				first[pt.Chan] = true
			default:
				text = ""
			}
			if ok {
				ev.Texts[i].Text = text
			}
			dirty = append(dirty, ok)
			changed = changed || ok
		}
		if !changed {
			out = append(out, he.e...)
			return nil
		}
		if !he.one {
			return errors.New("a text event on several data lines")
		}
		out = append(out, he.e[:he.at]...)
		var err error
		if out, err = ev.Rewrite(out, he.data, dirty); err != nil {
			return err
		}
		out = append(out, he.e[he.at+len(he.data):]...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return append(out, rest...), nil
}

// readHeld reads up's body to its end, at most limit bytes (limit > 0;
// more is fasthttp.ErrBodyTooLarge), into a slice of its own.
func readHeld(up *fasthttp.Response, limit int64) ([]byte, error) {
	r := up.BodyStream()
	if r == nil {
		return bytes.Clone(up.Body()), nil
	}
	b, err := readLimited(r, limit)
	up.CloseBodyStream() // the connection is kept only when the body was read to its end
	return b, err
}

// readLimited reads r to its end, at most limit bytes when limit > 0
// (more is fasthttp.ErrBodyTooLarge), into a slice of its own.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	if limit > 0 {
		r = io.LimitReader(r, limit+1)
	}
	var b bytes.Buffer
	_, err := b.ReadFrom(r)
	if err == nil && limit > 0 && int64(b.Len()) > limit {
		err = fasthttp.ErrBodyTooLarge
	}
	return b.Bytes(), err
}

// streamUsage runs the response phase once after a stream ended, on its
// token usage alone (no messages): guards that account for tokens (rate
// limits, quotas) reconcile what they reserved. The answer was already
// sent, so the verdicts change nothing; faults are logged.
func (s *Server) streamUsage(st *reqState, rt *route, x *abi.Exchange, prompt, completion uint32) {
	if !rt.pipeline.Pending(abi.PhaseResponse, st.out.Done) {
		return
	}
	x.Phase = abi.PhaseResponse
	x.Chunk = abi.Chunk{}
	x.Response = abi.Response{Status: 200, PromptTokens: prompt, CompletionTokens: completion}
	rt.pipeline.Run(context.Background(), x, &st.out)
	s.logFaults(st, rt)
}
