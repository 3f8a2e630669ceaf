package exchange

import (
	"strconv"

	"github.com/wardgate/ward/sdk/abi"
)

// EventKind classifies an event of a streamed answer.
type EventKind uint8

const (
	// EventOther carries no answer text (role announcements, pings,
	// metadata): it passes unchanged.
	EventOther EventKind = iota
	// EventText carries answer text: Parts lists it.
	EventText
	// EventDone ends the answer: OpenAI's "[DONE]", Anthropic's
	// message_stop, a Responses response.completed (which may also carry
	// Parts and usage).
	EventDone
	// EventError is an error the upstream sent in the stream.
	EventError
)

// Part is one text of an event. A delta is a new piece of a channel's
// text; a whole text repeats all of a channel's text so far (the summary
// events of the Responses API), and is replaced by what was sent of it.
type Part struct {
	Chan  uint32 // the text channel: choice, content block or output part
	Whole bool
}

// Events reads the events of one streamed answer (text/event-stream) of an
// API: which texts each carries, on which channel, which channels it
// closes, and the token usage; Rewrite replaces texts and copies every
// other byte. Reusable (Reset) and not safe for concurrent use. Strings in
// Texts alias the event data and Events' buffers until the next Parse.
type Events struct {
	api abi.API
	p   parser

	// Texts holds the texts of the last parsed event (abi.Message.Text),
	// Parts says what each is.
	Texts []abi.Message
	Parts []Part
	// Closed lists the channels the last event ends (a finish_reason, a
	// content_block_stop, an output_text.done).
	Closed []uint32
	// Usage of the stream so far (the last counts seen: OpenAI's usage
	// chunk, Anthropic's message_start and message_delta, the Responses
	// usage).
	PromptTokens, CompletionTokens uint32
	// Code and Message of an EventError.
	Code, Message string
	// seq is the highest Responses sequence_number seen.
	seq uint32
}

// Reset prepares e for a stream of api.
func (e *Events) Reset(api abi.API) {
	e.api = api
	e.p.up = true
	e.p.release()
	e.Texts, e.Parts, e.Closed = e.Texts[:0], e.Parts[:0], e.Closed[:0]
	e.PromptTokens, e.CompletionTokens = 0, 0
	e.Code, e.Message = "", ""
	e.seq = 0
}

// Chan keys. A Responses channel is output_index<<16 | content_index; a
// chat channel is the choice index, with chanRefusal set for its refusal
// text.
const chanRefusal = 1 << 31

func respChan(out, content uint32) uint32 { return min(out, 0x7fff)<<16 | min(content, 0xffff) }

// Parse reads the data of one event (name is its "event:" field, or
// empty). Upstream data that is not JSON of the API's shape gives an
// *Error (CodeBadUpstream): a stream guards cannot read must not pass.
func (e *Events) Parse(name, data []byte) (EventKind, error) {
	e.Texts, e.Parts, e.Closed = e.Texts[:0], e.Parts[:0], e.Closed[:0]
	e.Code, e.Message = "", ""
	p := &e.p
	p.reset(data, &e.Texts)
	if e.api == abi.APIOpenAIChat || e.api == abi.APIOpenAICompletions {
		if string(trimSpace(data)) == "[DONE]" {
			return EventDone, nil
		}
	}
	if p.peek() == 0 {
		return EventOther, nil // an event without data (a keep-alive)
	}
	if !p.top() {
		return EventOther, p.err
	}
	var kind EventKind
	switch e.api {
	case abi.APIOpenAIChat, abi.APIOpenAICompletions:
		kind = e.chatChunk()
	case abi.APIAnthropicMessages:
		kind = e.anthropicEvent()
	case abi.APIOpenAIResponses:
		kind = e.responsesEvent()
	default:
		p.skipRest()
	}
	p.finish()
	if p.err != nil {
		e.Texts, e.Parts, e.Closed = e.Texts[:0], e.Parts[:0], e.Closed[:0]
		return EventOther, p.err
	}
	if kind == EventOther && len(e.Texts) > 0 {
		kind = EventText
	}
	return kind, nil
}

// Rewrite appends data (the bytes given to Parse) to dst with the texts i
// of Texts that have dirty[i] set replaced.
func (e *Events) Rewrite(dst, data []byte, dirty []bool) ([]byte, error) {
	return e.p.rewrite(dst, data, e.Texts, dirty)
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\r' || b[len(b)-1] == '\n') {
		b = b[:len(b)-1]
	}
	return b
}

// skipRest skips the rest of the object being read.
func (p *parser) skipRest() {
	for first := true; p.more('}', &first); {
		p.readKey()
		p.skip()
	}
}

func (e *Events) text(s strLit, pt Part) {
	e.p.emit(int(pt.Chan), "assistant", abi.KindText, "", s)
	if len(e.Texts) > len(e.Parts) {
		e.Parts = append(e.Parts, pt)
	}
}

var chunkNames = []string{"choices", "usage", "error"}
var chunkChoiceNames = []string{"index", "delta", "finish_reason", "text"}
var chunkDeltaNames = []string{"content", "refusal"}

// chatChunk reads an OpenAI chat.completion.chunk (or a completions
// chunk): choices[].delta.content and .refusal (or choices[].text), a
// finish_reason closing its choice, usage, error.
func (e *Events) chatChunk() EventKind {
	p := &e.p
	var f [3]fv
	// p.top consumed '{': read the keys of the open object.
	if !p.fieldsOpen(chunkNames, f[:]) {
		return EventOther
	}
	end := p.mark() // the end of the event object, where Parse goes on
	defer p.back(end)
	if p.kind(&f[2]) == '{' {
		e.errorObject(&f[2])
		return EventError
	}
	e.usageAt(&f[1])
	if p.kind(&f[0]) != '[' {
		return EventOther
	}
	p.at(&f[0])
	p.enter()
	var c [4]fv
	var d [2]fv
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "choices") || !p.object("choice") || !p.fields(chunkChoiceNames, c[:]) {
			return EventOther
		}
		end := p.mark()
		idx := uint32(n)
		if v, ok := p.fuint(&c[0], "index"); ok {
			idx = min(v, 1<<20)
		}
		if s, ok := p.fstr(&c[3], "text"); ok {
			e.text(s, Part{Chan: idx})
		}
		if p.kind(&c[1]) == '{' {
			p.at(&c[1])
			if !p.fields(chunkDeltaNames, d[:]) {
				return EventOther
			}
			if s, ok := p.fstr(&d[0], "content"); ok {
				e.text(s, Part{Chan: idx})
			}
			if s, ok := p.fstr(&d[1], "refusal"); ok {
				e.text(s, Part{Chan: idx | chanRefusal})
			}
		}
		if _, ok := p.fstr(&c[2], "finish_reason"); ok {
			e.Closed = append(e.Closed, idx, idx|chanRefusal)
		}
		p.back(end)
	}
	return EventOther
}

var usageKeys = []string{"prompt_tokens", "completion_tokens", "input_tokens", "output_tokens"}

// usageAt records the token counts of a usage object (absent or null:
// nothing).
func (e *Events) usageAt(f *fv) {
	p := &e.p
	if p.kind(f) != '{' {
		return
	}
	end := p.mark()
	p.at(f)
	var u [4]fv
	if p.fields(usageKeys, u[:]) {
		if v, ok := p.fuint(&u[0], "prompt_tokens"); ok {
			e.PromptTokens = v
		} else if v, ok := p.fuint(&u[2], "input_tokens"); ok {
			e.PromptTokens = v
		}
		if v, ok := p.fuint(&u[1], "completion_tokens"); ok {
			e.CompletionTokens = v
		} else if v, ok := p.fuint(&u[3], "output_tokens"); ok {
			e.CompletionTokens = v
		}
	}
	p.back(end)
}

var errorNames = []string{"message", "type", "code"}

func (e *Events) errorObject(f *fv) {
	p := &e.p
	end := p.mark()
	p.at(f)
	var g [3]fv
	if p.fields(errorNames, g[:]) {
		e.Message = p.ftext(&g[0], "message")
		e.Code = p.ftext(&g[1], "type")
		if p.kind(&g[2]) == '"' {
			e.Code = p.ftext(&g[2], "code")
		}
	}
	p.back(end)
}

var anthropicNames = []string{"type", "index", "delta", "content_block", "message", "usage", "error"}
var anthropicDeltaNames = []string{"type", "text"}
var anthropicMessageNames = []string{"usage"}

// anthropicEvent reads an Anthropic messages stream event: text of
// content_block_start and text_delta content_block_delta events, the
// content_block_stop closing its block, usage of message_start and
// message_delta, message_stop, error. Tool input JSON deltas
// (input_json_delta) pass unread.
func (e *Events) anthropicEvent() EventKind {
	p := &e.p
	var f [7]fv
	if !p.fieldsOpen(anthropicNames, f[:]) {
		return EventOther
	}
	end := p.mark() // the end of the event object, where Parse goes on
	defer p.back(end)
	t, _ := p.fstr(&f[0], "type")
	idx := uint32(0)
	if v, ok := p.fuint(&f[1], "index"); ok {
		idx = min(v, 1<<20)
	}
	switch {
	case p.is(t, "content_block_delta"), p.is(t, "content_block_start"):
		g := &f[2]
		if p.is(t, "content_block_start") {
			g = &f[3]
		}
		if p.kind(g) != '{' {
			return EventOther
		}
		p.at(g)
		var d [2]fv
		if !p.fields(anthropicDeltaNames, d[:]) {
			return EventOther
		}
		dt, _ := p.fstr(&d[0], "type")
		if p.is(dt, "text_delta") || p.is(dt, "text") {
			if s, ok := p.fstr(&d[1], "text"); ok {
				e.text(s, Part{Chan: idx})
			}
		}
	case p.is(t, "content_block_stop"):
		e.Closed = append(e.Closed, idx)
	case p.is(t, "message_start"):
		if p.kind(&f[4]) == '{' {
			p.at(&f[4])
			var m [1]fv
			if p.fields(anthropicMessageNames, m[:]) {
				e.usageAt(&m[0])
			}
		}
	case p.is(t, "message_delta"):
		e.usageAt(&f[5])
	case p.is(t, "message_stop"):
		return EventDone
	case p.is(t, "error"):
		if p.kind(&f[6]) == '{' {
			e.errorObject(&f[6])
		}
		return EventError
	}
	return EventOther
}

var responsesNames = []string{"type", "output_index", "content_index", "delta", "text", "refusal", "part", "item", "response", "code", "message", "sequence_number"}

// responsesEvent reads a Responses API stream event: output_text and
// refusal deltas, and the texts the summary events repeat
// (output_text.done, refusal.done, content_part.done, output_item.done,
// and the response object of response.created/in_progress/completed/
// incomplete/failed, whose usage is recorded), error.
func (e *Events) responsesEvent() EventKind {
	p := &e.p
	var f [12]fv
	if !p.fieldsOpen(responsesNames, f[:]) {
		return EventOther
	}
	if n, ok := p.fuint(&f[11], "sequence_number"); ok {
		e.seq = max(e.seq, n)
	}
	end := p.mark() // the end of the event object, where Parse goes on
	defer p.back(end)
	t, _ := p.fstr(&f[0], "type")
	oi, _ := p.fuint(&f[1], "output_index")
	ci, _ := p.fuint(&f[2], "content_index")
	ch := respChan(oi, ci)
	switch {
	case p.is(t, "response.output_text.delta"), p.is(t, "response.refusal.delta"):
		if s, ok := p.fstr(&f[3], "delta"); ok {
			e.text(s, Part{Chan: ch})
		}
	case p.is(t, "response.output_text.done"):
		if s, ok := p.fstr(&f[4], "text"); ok {
			e.text(s, Part{Chan: ch, Whole: true})
		}
		e.Closed = append(e.Closed, ch)
	case p.is(t, "response.refusal.done"):
		if s, ok := p.fstr(&f[5], "refusal"); ok {
			e.text(s, Part{Chan: ch, Whole: true})
		}
		e.Closed = append(e.Closed, ch)
	case p.is(t, "response.content_part.done"), p.is(t, "response.content_part.added"):
		if p.kind(&f[6]) == '{' {
			e.contentPart(&f[6], ch)
		}
	case p.is(t, "response.output_item.done"), p.is(t, "response.output_item.added"):
		if p.kind(&f[7]) == '{' {
			e.outputItem(&f[7], oi)
		}
	case p.is(t, "error"):
		e.Code = p.ftext(&f[9], "code")
		e.Message = p.ftext(&f[10], "message")
		return EventError
	default:
		// response.created, .in_progress, .completed, .incomplete,
		// .failed carry the response object.
		if p.kind(&f[8]) == '{' {
			e.responseObject(&f[8])
		}
		if p.is(t, "response.completed") || p.is(t, "response.incomplete") || p.is(t, "response.failed") {
			return EventDone
		}
	}
	return EventOther
}

var respPartNames = []string{"type", "text", "refusal"}

func (e *Events) contentPart(f *fv, ch uint32) {
	p := &e.p
	end := p.mark()
	p.at(f)
	var g [3]fv
	if p.fields(respPartNames, g[:]) {
		if s, ok := p.fstr(&g[1], "text"); ok {
			e.text(s, Part{Chan: ch, Whole: true})
		}
		if s, ok := p.fstr(&g[2], "refusal"); ok {
			e.text(s, Part{Chan: ch, Whole: true})
		}
	}
	p.back(end)
}

var itemNames = []string{"type", "content"}

// outputItem reads the content parts of an output item (message items;
// function calls pass unread).
func (e *Events) outputItem(f *fv, oi uint32) {
	p := &e.p
	end := p.mark()
	p.at(f)
	var g [2]fv
	if p.fields(itemNames, g[:]) && p.kind(&g[1]) == '[' {
		p.at(&g[1])
		p.eachObject("content parts", func(n int, f *fv) { e.contentPart(f, respChan(oi, uint32(n))) })
	}
	p.back(end)
}

// eachObject calls fn with each object element of the array at p.i (which
// must be '['), skipping other elements; fn may move the cursor.
func (p *parser) eachObject(what string, fn func(n int, f *fv)) {
	p.enter()
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, what) {
			return
		}
		if p.peek() != '{' {
			p.skip()
			continue
		}
		m := p.mark()
		f := fv{at: p.i, d: p.depth}
		p.skip()
		after := p.mark()
		p.back(m)
		fn(n, &f)
		p.back(after)
	}
}

var responseObjNames = []string{"output", "usage"}

func (e *Events) responseObject(f *fv) {
	p := &e.p
	end := p.mark()
	p.at(f)
	var g [2]fv
	if p.fields(responseObjNames, g[:]) {
		e.usageAt(&g[1])
		if p.kind(&g[0]) == '[' {
			p.at(&g[0])
			p.eachObject("items", func(n int, f *fv) { e.outputItem(f, uint32(n)) })
		}
	}
	p.back(end)
}

// fieldsOpen is fields for an object whose '{' was already consumed (by
// top).
func (p *parser) fieldsOpen(names []string, out []fv) bool {
	p.depth--
	p.i--
	return p.fields(names, out)
}

// AppendStop appends the events that end a stream the gateway stops (a
// guard denied or failed on the answer, or the upstream broke off), in the
// API's own format, so that official clients raise an error instead of
// waiting: OpenAI chat and completions get a chunk holding an "error"
// object then "data: [DONE]"; Anthropic an "error" event then
// message_stop; the Responses API an "error" event (with the next
// sequence_number), after which the stream ends. status picks the error type as for
// whole answers (AppendErrorBody).
func (e *Events) AppendStop(dst []byte, status int, code, message string) []byte {
	switch e.api {
	case abi.APIAnthropicMessages:
		dst = append(dst, "event: error\ndata: "...)
		dst = AppendErrorBody(dst, e.api, status, code, message)
		return append(dst, "\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"...)
	case abi.APIOpenAIResponses:
		e.seq++
		dst = append(dst, "event: error\ndata: {\"type\":\"error\",\"code\":"...)
		dst = appendJSONString(dst, code)
		dst = append(dst, `,"message":`...)
		dst = appendJSONString(dst, message)
		dst = append(dst, `,"param":null,"sequence_number":`...)
		dst = strconv.AppendUint(dst, uint64(e.seq), 10)
		return append(dst, "}\n\n"...)
	default:
		dst = append(dst, "data: "...)
		dst = AppendErrorBody(dst, e.api, status, code, message)
		return append(dst, "\n\ndata: [DONE]\n\n"...)
	}
}

// AppendText appends a copy of the text event ev (as received, holding
// text of channel ch) whose texts are replaced: ch's by text, any other
// by "". The gateway uses it to send text its guards released after the
// channel's last delta (a held placeholder start, a token held until the
// end). ev must be a single-data-line event whose data Parse accepted.
func (e *Events) AppendText(dst, ev []byte, ch uint32, text string) ([]byte, error) {
	var s SSE
	name, data, at, one := s.EventFields(ev)
	if !one {
		return dst, upstreamError("event stream: a text event with several data lines")
	}
	if _, err := e.Parse(name, data); err != nil {
		return dst, err
	}
	dirty := make([]bool, len(e.Texts))
	for i := range e.Texts {
		dirty[i] = true
		if e.Parts[i].Chan == ch && !e.Parts[i].Whole {
			e.Texts[i].Text = text
		} else {
			e.Texts[i].Text = ""
		}
	}
	dst = append(dst, ev[:at]...)
	dst, err := e.Rewrite(dst, data, dirty)
	if err != nil {
		return dst, err
	}
	return append(dst, ev[at+len(data):]...), nil
}
