package pipeline

import (
	"context"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/wardgate/ward/sdk/abi"
)

// ChunkState is what the response_chunk guards of a pipeline remember
// about one text channel of a streamed answer (a choice, a content block):
// per guard, the text it holds back and the window of text it consumed
// before. The zero value is ready; Reset empties it for another channel.
// Not safe for concurrent use.
type ChunkState struct {
	steps []chunkStep
	cands []chunkStep // the steps' candidates, apart from their guards
	out   []byte      // the text to send, between steps
}

type chunkStep struct {
	held   []byte
	window []byte
	in     []byte
}

// Reset forgets everything, keeping buffers.
func (c *ChunkState) Reset() {
	for i := range c.steps {
		s := &c.steps[i]
		s.held, s.window = s.held[:0], s.window[:0]
	}
	for i := range c.cands {
		s := &c.cands[i]
		s.held, s.window = s.held[:0], s.window[:0]
	}
}

// Held reports how many bytes the guards hold in total (for metrics and
// tests: the text the client has not seen yet).
func (c *ChunkState) Held() int {
	n := 0
	for i := range c.steps {
		n += len(c.steps[i].held)
	}
	return n
}

// RunChunk runs the response_chunk guards of p over delta, the new text of
// one channel of a streamed answer whose guard state is st, and returns the
// text to send to the client now (which may be shorter or longer than
// delta: guards hold back and release text). With final set it is the
// channel's last call: every guard releases what it holds and the result
// is the rest of the channel's text. Guards in o.Done (which o.Reset
// keeps: the caller copies it from the request phase's Outcome) are
// skipped, on every channel, once they hold nothing there; a guard that
// says done is added to it. x is the request's exchange (its
// annotations included); RunChunk sets x.Phase and x.Chunk for each guard.
//
// Each enforcing guard sees the output of the one before, prefixed by what
// it held at its previous call, and the window of what it consumed; its
// verdict sends (rewrite 0) and holds (rewrite 1, a suffix of its input).
// An observing guard sees the same text but changes nothing and holds
// nothing. A deny, or a fault of an enforcing fail-closed guard, sets
// o.Denied: the stream must end with an error event. The returned string
// is valid until the next RunChunk with st.
func (p *Pipeline) RunChunk(ctx context.Context, x *abi.Exchange, st *ChunkState, delta string, final bool, o *Outcome) string {
	o.Reset()
	if p == nil {
		return delta
	}
	x.Phase = abi.PhaseResponseChunk
	for len(st.steps) < len(p.steps) {
		st.steps = append(st.steps, chunkStep{})
		st.cands = append(st.cands, chunkStep{})
	}
	text := delta
	v := &o.v
	for i := range p.steps {
		s := &p.steps[i]
		if !s.Guard.Handles(abi.PhaseResponseChunk) {
			continue
		}
		cs := &st.steps[i]
		// A guard done with the exchange is skipped, unless this channel
		// still holds text of it from before it said so: it gets that
		// back, to release it.
		if o.Done.Has(i) && len(cs.held) == 0 {
			continue
		}
		observe := s.Mode == Observe
		in := text
		if !observe && len(cs.held) > 0 {
			cs.in = append(append(cs.in[:0], cs.held...), text...)
			in = b2s(cs.in)
		}
		if in == "" && !final {
			continue
		}
		x.Chunk = abi.Chunk{Delta: in, Window: b2s(cs.window), Final: final}
		shadows := p.shadows(i, x)
		start := time.Now()
		err := s.Guard.Check(ctx, x, v)
		rec := Record{Guard: s.Guard.Name(), Version: s.Guard.Version(), Phase: abi.PhaseResponseChunk, Mode: s.Mode, Latency: time.Since(start)}
		if err != nil {
			rec.Outcome, rec.Code, rec.Err = OutcomeError, ErrorCode(err), err
		} else {
			rec.verdict(v)
			o.noteDone(i, shadows, v, &rec)
		}
		o.Records = append(o.Records, rec)
		if shadows {
			st.cands[i].shadow(ctx, s.Candidate, x, text, final, &o.cv, &o.Records[len(o.Records)-1])
		}
		if err != nil {
			if !observe && !s.FailOpen {
				o.fault(&o.Records[len(o.Records)-1], "answer stopped by policy")
				return ""
			}
			// Fail open: the input passes as it is, nothing stays held.
			cs.window = appendWindow(cs.window, in)
			cs.held = cs.held[:0]
			text = in
			continue
		}
		if observe {
			cs.window = appendWindow(cs.window, in)
			continue
		}
		if v.Decision == abi.Deny {
			o.deny(v, s.Guard.Name(), "answer stopped by guard ")
			return ""
		}
		send, hold := in, ""
		for _, rw := range v.Rewrites {
			if rw.Index == 0 {
				send = rw.Text
			} else {
				hold = rw.Text
			}
		}
		if final {
			hold = "" // the host validated it; a final chunk holds nothing
		}
		cs.window = appendWindow(cs.window, in[:len(in)-len(hold)])
		cs.held = append(cs.held[:0], hold...)
		if send != in || len(v.Rewrites) > 0 {
			o.Rewritten = true
		}
		x.Annotations = append(x.Annotations, v.Annotations...)
		// send may alias v, which the next guard's verdict overwrites.
		st.out = append(st.out[:0], send...)
		text = b2s(st.out)
	}
	return text
}

// shadow runs the candidate c over text, the same new text its guard got,
// with the candidate's own state cs: what the candidate holds back and the
// window of what it consumed are its own, as if it were the enforced
// guard, so that a holding candidate sees the stream it would see live.
// What it would send is discarded.
func (cs *chunkStep) shadow(ctx context.Context, c *Candidate, x *abi.Exchange, text string, final bool, cv *abi.Verdict, rec *Record) {
	in := text
	if len(cs.held) > 0 {
		cs.in = append(append(cs.in[:0], cs.held...), text...)
		in = b2s(cs.in)
	}
	x.Chunk = abi.Chunk{Delta: in, Window: b2s(cs.window), Final: final}
	hold := ""
	if err := c.shadow(ctx, x, cv, rec); err == nil && cv.Decision != abi.Deny && !final {
		for _, rw := range cv.Rewrites {
			if rw.Index == 1 && len(rw.Text) <= len(in) {
				hold = rw.Text
			}
		}
	}
	cs.window = appendWindow(cs.window, in[:len(in)-len(hold)])
	cs.held = append(cs.held[:0], hold...)
}

// appendWindow appends s to the window w and keeps its last abi.MaxWindow
// bytes, starting on a UTF-8 character.
func appendWindow(w []byte, s string) []byte {
	if len(s) >= abi.MaxWindow {
		w = append(w[:0], s[len(s)-abi.MaxWindow:]...)
	} else {
		w = append(w, s...)
		if over := len(w) - abi.MaxWindow; over > 0 {
			w = w[:copy(w, w[over:])]
		}
	}
	cut := 0
	for cut < len(w) && cut < utf8.UTFMax && !utf8.RuneStart(w[cut]) {
		cut++
	}
	if cut > 0 {
		w = w[:copy(w, w[cut:])]
	}
	return w
}

func b2s(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
