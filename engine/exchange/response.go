package exchange

import (
	"github.com/wardgate/ward/sdk/abi"
)

// Response is a parsed, whole (non-streamed) answer from upstream.
//
// Like Request it is reusable, not safe for concurrent use, and the
// strings in R alias the parsed body and buffers owned by the Response:
// valid while that body is unmodified and until the next Parse or Reset.
type Response struct {
	// R holds what Parse found: Status, Messages (role as sent, or
	// "assistant"; Turn is the index of the choice or output item),
	// FinishReason and token counts.
	R abi.Response

	p parser
}

// Reset drops references to the last body and empties R.
func (rs *Response) Reset() {
	rs.R = abi.Response{Messages: rs.R.Messages[:0]}
	rs.p.release()
}

// Top-level response keys.
const (
	rkChoices = iota
	rkUsage
	rkOutput
	rkStatus
	rkContent
	rkStopReason
)

var respNames = [...]string{"choices", "usage", "output", "status", "content", "stop_reason"}

var respKeys = [...]uint8{
	abi.APIOpenAIChat:        1<<rkChoices | 1<<rkUsage,
	abi.APIOpenAICompletions: 1<<rkChoices | 1<<rkUsage,
	abi.APIOpenAIEmbeddings:  1 << rkUsage,
	abi.APIOpenAIResponses:   1<<rkOutput | 1<<rkStatus | 1<<rkUsage,
	abi.APIAnthropicMessages: 1<<rkContent | 1<<rkStopReason | 1<<rkUsage,
}

// Parse parses body, the answer upstream gave with HTTP status, for a
// request to api. body must stay unmodified while rs is in use.
//
// It reads OpenAI chat choices[].message (content, refusal, tool_calls),
// completions choices[].text, Responses output[] (message output_text and
// function_call items; FinishReason is the response status), Anthropic
// content[] (text, tool_use with the raw input JSON) and usage of every
// API; FinishReason is that of the first choice.
//
// Answers that are not 2xx (upstream errors), empty bodies and unknown
// APIs are not parsed: R holds the status only and Parse returns nil. A
// 2xx body that is not valid JSON of the expected shape gives an *Error
// with Status 502 and Code CodeBadUpstream.
func (rs *Response) Parse(api abi.API, status int, body []byte) error {
	rs.R = abi.Response{Status: uint16(min(max(status, 0), 0xffff)), Messages: rs.R.Messages[:0]}
	p := &rs.p
	p.up = true
	p.reset(body, &rs.R.Messages)
	if status < 200 || status > 299 || api == abi.APIUnknown || int(api) >= len(respKeys) || p.peek() == 0 {
		return nil
	}
	if !p.top() {
		return rs.failed()
	}
	allowed := respKeys[api]
	var seen uint8
	for first := true; p.more('}', &first); {
		key := p.readKey()
		if p.err != nil {
			break
		}
		k := -1
		for j, n := range respNames {
			if allowed&(1<<j) != 0 && string(key) == n {
				k = j
				break
			}
		}
		if k < 0 {
			p.skip()
			continue
		}
		if seen&(1<<k) != 0 {
			p.fail(CodeBadUpstream, "duplicate key %q", respNames[k])
			break
		}
		seen |= 1 << k
		switch k {
		case rkChoices:
			rs.choices(api)
		case rkUsage:
			rs.usage()
		case rkOutput:
			rs.output()
		case rkStatus, rkStopReason:
			if s, ok := p.readStr(respNames[k]); ok {
				rs.R.FinishReason = p.text(s)
			}
		case rkContent:
			switch p.peek() {
			case '[':
				p.anthropicBlocks(0, "assistant", modeMessage, "")
			case 'n':
				p.lit("null")
			default:
				p.skip()
				p.typeErr("content", "an array")
			}
		}
	}
	p.finish()
	if p.err != nil {
		return rs.failed()
	}
	return nil
}

func (rs *Response) failed() error {
	err := rs.p.err
	rs.R.Messages = rs.R.Messages[:0]
	rs.R.FinishReason = ""
	rs.R.PromptTokens, rs.R.CompletionTokens = 0, 0
	rs.p.segs = rs.p.segs[:0]
	return err
}

// Rewrite is Request.Rewrite for the answer: it replaces the texts of the
// messages i of R.Messages with dirty[i] set and copies every other byte
// of body (the slice given to Parse) unchanged.
func (rs *Response) Rewrite(dst, body []byte, dirty []bool) ([]byte, error) {
	return rs.p.rewrite(dst, body, rs.R.Messages, dirty)
}

var choiceNames = []string{"message", "finish_reason", "text"}
var answerNames = []string{"role", "content", "tool_calls", "refusal"}

func (rs *Response) choices(api abi.API) {
	p := &rs.p
	if !p.array("choices", "an array") {
		return
	}
	p.arr = "choices"
	var f [3]fv
	var g [4]fv
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "choices") {
			return
		}
		p.item = n
		if !p.object("choice") || !p.fields(choiceNames, f[:]) {
			return
		}
		end := p.mark()
		if n == 0 {
			rs.R.FinishReason = p.ftext(&f[1], "finish_reason")
		}
		if api == abi.APIOpenAICompletions {
			if s, ok := p.fstr(&f[2], "text"); ok {
				p.emit(n, "assistant", abi.KindText, "", s)
			}
			continue
		}
		switch p.kind(&f[0]) {
		case 0:
			continue
		case '{':
		default:
			p.typeErr("message", "an object")
			return
		}
		p.at(&f[0])
		if !p.fields(answerNames, g[:]) {
			return
		}
		role := "assistant"
		if s, ok := p.fstr(&g[0], "role"); ok {
			role = p.role(s)
		}
		p.content(&g[1], n, role, abi.KindText, "", partsChat)
		if s, ok := p.fstr(&g[3], "refusal"); ok {
			p.emit(n, role, abi.KindText, "", s)
		}
		if p.kind(&g[2]) != 0 {
			p.at(&g[2])
			p.chatToolCalls(n, role)
		}
		p.back(end)
	}
	p.arr, p.item = "", -1
}

var outputNames = []string{"type", "role", "content", "name", "arguments"}

func (rs *Response) output() {
	p := &rs.p
	if !p.array("output", "an array") {
		return
	}
	p.arr = "output"
	var f [5]fv
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "items") {
			return
		}
		p.item = n
		if !p.object("item") || !p.fields(outputNames, f[:]) {
			return
		}
		end := p.mark()
		t, _ := p.fstr(&f[0], "type")
		switch {
		case p.is(t, "message"):
			role := "assistant"
			if s, ok := p.fstr(&f[1], "role"); ok {
				role = p.role(s)
			}
			p.content(&f[2], n, role, abi.KindText, "", partsResponses)
		case p.is(t, "function_call"):
			if s, ok := p.fstr(&f[4], "arguments"); ok {
				p.emit(n, "assistant", abi.KindToolCall, p.ftext(&f[3], "name"), s)
			}
		}
		p.back(end)
	}
	p.arr, p.item = "", -1
}

var usageNames = []string{"prompt_tokens", "completion_tokens", "input_tokens", "output_tokens"}

func (rs *Response) usage() {
	p := &rs.p
	switch p.peek() {
	case 'n':
		p.lit("null")
		return
	case '{':
	default:
		p.skip()
		p.typeErr("usage", "an object")
		return
	}
	var f [4]fv
	if !p.fields(usageNames, f[:]) {
		return
	}
	if v, ok := p.fuint(&f[0], "prompt_tokens"); ok {
		rs.R.PromptTokens = v
	} else if v, ok := p.fuint(&f[2], "input_tokens"); ok {
		rs.R.PromptTokens = v
	}
	if v, ok := p.fuint(&f[1], "completion_tokens"); ok {
		rs.R.CompletionTokens = v
	} else if v, ok := p.fuint(&f[3], "output_tokens"); ok {
		rs.R.CompletionTokens = v
	}
}
