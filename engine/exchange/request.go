package exchange

import (
	"slices"

	"github.com/wardgate/ward/sdk/abi"
)

// DetectAPI maps a request line to the API it calls: POST to a path ending
// in /chat/completions, /completions, /embeddings, /responses (OpenAI) or
// /messages (Anthropic). Anything else, including other methods, is
// abi.APIUnknown. A query string, if path carries one, is ignored. It does
// not allocate.
func DetectAPI(method, path []byte) abi.API {
	if string(method) != "POST" {
		return abi.APIUnknown
	}
	for i, c := range path {
		if c == '?' {
			path = path[:i]
			break
		}
	}
	switch {
	case hasSuffix(path, "/chat/completions"):
		return abi.APIOpenAIChat
	case hasSuffix(path, "/completions"):
		return abi.APIOpenAICompletions
	case hasSuffix(path, "/embeddings"):
		return abi.APIOpenAIEmbeddings
	case hasSuffix(path, "/responses"):
		return abi.APIOpenAIResponses
	case hasSuffix(path, "/messages"):
		return abi.APIAnthropicMessages
	}
	return abi.APIUnknown
}

func hasSuffix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[len(b)-len(s):]) == s
}

// Request is a parsed request body.
//
// A Request is reusable (Parse resets it; pool it with sync.Pool) and not
// safe for concurrent use. After Parse, the strings in X alias the body
// passed to Parse and buffers owned by r: they stay valid only while that
// body is unmodified and until the next Parse or Reset of r. Copy
// (strings.Clone) whatever must outlive them.
type Request struct {
	// X holds what Parse found: API, Model, Stream, MaxTokens, Messages
	// and Tools; its other fields are zero after Parse. The caller fills
	// Phase, RequestID, Route, Path, Headers after Parse, and may set
	// Messages[i].Text before Rewrite.
	X abi.Exchange

	p parser
}

// Reset drops r's references to the last body (so a pooled Request does
// not keep it alive) and empties X, keeping capacity.
func (r *Request) Reset() {
	r.X.Reset()
	r.p.release()
}

// Top-level request keys.
const (
	tkModel = iota
	tkStream
	tkMaxTokens
	tkMaxCompletionTokens
	tkMaxOutputTokens
	tkMessages
	tkTools
	tkFunctions
	tkSystem
	tkInstructions
	tkInput
	tkPrompt
)

var topNames = [...]string{"model", "stream", "max_tokens", "max_completion_tokens", "max_output_tokens",
	"messages", "tools", "functions", "system", "instructions", "input", "prompt"}

// topKeys lists, per API, the top-level keys Parse interprets.
var topKeys = [...]uint16{
	abi.APIOpenAIChat:        1<<tkModel | 1<<tkStream | 1<<tkMaxTokens | 1<<tkMaxCompletionTokens | 1<<tkMessages | 1<<tkTools | 1<<tkFunctions,
	abi.APIOpenAICompletions: 1<<tkModel | 1<<tkStream | 1<<tkMaxTokens | 1<<tkPrompt,
	abi.APIOpenAIEmbeddings:  1<<tkModel | 1<<tkInput,
	abi.APIOpenAIResponses:   1<<tkModel | 1<<tkStream | 1<<tkMaxOutputTokens | 1<<tkInstructions | 1<<tkInput | 1<<tkTools,
	abi.APIAnthropicMessages: 1<<tkModel | 1<<tkStream | 1<<tkMaxTokens | 1<<tkSystem | 1<<tkMessages | 1<<tkTools,
}

// Parse parses body, a request for api, into r.X. body must stay
// unmodified while r (or any string taken from r.X) is in use.
//
// Messages follow the conversation: Turn is the index of the turn in the
// request's conversation array, counting a top-level system prompt
// (Anthropic system, Responses instructions) as turn 0 when present, so
// turns are numbered as in an OpenAI chat. A turn whose content is an
// array yields one Message per text part. Roles are verbatim.
//
// For abi.APIUnknown, Parse sets X.API and reads nothing. On invalid input
// it returns an *Error with Status 400 and a message safe to show the
// client, and r.X holds no messages.
func (r *Request) Parse(api abi.API, body []byte) error {
	r.X.Reset()
	r.X.API = api
	p := &r.p
	p.up = false
	p.reset(body, &r.X.Messages)
	if api == abi.APIUnknown || int(api) >= len(topKeys) {
		return nil
	}
	if !p.top() {
		return r.failed()
	}
	allowed := topKeys[api]
	var seen uint16
	sysFirst, sysN, hasSys := 0, 0, false
	var maxCompl uint32
	hasMaxCompl := false
	for first := true; p.more('}', &first); {
		key := p.readKey()
		if p.err != nil {
			break
		}
		k := -1
		for j, n := range topNames {
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
			p.fail(CodeDuplicateKey, "duplicate key %q", topNames[k])
			break
		}
		seen |= 1 << k
		switch k {
		case tkModel:
			if s, ok := p.readStr("model"); ok {
				r.X.Model = p.text(s)
			}
		case tkStream:
			r.X.Stream = p.readBool("stream")
		case tkMaxTokens, tkMaxOutputTokens:
			r.X.MaxTokens, _ = p.readUint(topNames[k])
		case tkMaxCompletionTokens:
			maxCompl, hasMaxCompl = p.readUint(topNames[k])
		case tkMessages:
			if api == abi.APIAnthropicMessages {
				r.anthropicMessages()
			} else {
				r.chatMessages()
			}
		case tkTools, tkFunctions:
			r.tools(topNames[k])
		case tkSystem, tkInstructions:
			sysFirst = len(r.X.Messages)
			hasSys = r.system(topNames[k])
			sysN = len(r.X.Messages) - sysFirst
		case tkInput:
			if api == abi.APIOpenAIResponses {
				r.responsesInput()
			} else {
				r.prompts("input")
			}
		case tkPrompt:
			r.prompts("prompt")
		}
	}
	p.finish()
	if p.err != nil {
		return r.failed()
	}
	if hasMaxCompl {
		r.X.MaxTokens = maxCompl
	}
	if hasSys {
		msgs := r.X.Messages
		if sysFirst > 0 && sysN > 0 {
			rotate(msgs[:sysFirst+sysN], sysN)
			rotate(p.segs[:sysFirst+sysN], sysN)
		}
		for i := sysN; i < len(msgs); i++ {
			msgs[i].Turn++
		}
	}
	return nil
}

func (r *Request) failed() error {
	err := r.p.err
	api := r.X.API
	r.X.Reset()
	r.X.API = api
	r.p.segs = r.p.segs[:0]
	return err
}

// rotate moves the last k elements of s to its front.
func rotate[T any](s []T, k int) {
	slices.Reverse(s)
	slices.Reverse(s[:k])
	slices.Reverse(s[k:])
}

// Rewrite appends to dst the body Parse read, with the text of every
// message i whose dirty[i] is true replaced by r.X.Messages[i].Text, and
// returns the extended slice. A replaced string literal is re-encoded as a
// JSON string (invalid UTF-8 becomes U+FFFD); an Anthropic tool input
// (raw JSON) must be replaced by a JSON object, spliced verbatim. Every
// other byte of body is copied unchanged, so with no dirty entry the
// result equals body.
//
// body must be the slice given to Parse, unmodified; dirty may be shorter
// than r.X.Messages (missing entries are false). On failure (a raw
// replacement that is not a JSON object, an index past the messages, a
// different body) it returns dst unchanged and an *Error with Status 500.
func (r *Request) Rewrite(dst, body []byte, dirty []bool) ([]byte, error) {
	return r.p.rewrite(dst, body, r.X.Messages, dirty)
}

// system reads Anthropic's system or Responses' instructions; it reports
// whether a (non-null) system prompt was present.
func (r *Request) system(field string) bool {
	p := &r.p
	switch p.peek() {
	case 'n':
		p.lit("null")
		return false
	case '"':
		p.emit(0, "system", abi.KindText, "", p.str())
		return true
	case '[':
		if field == "system" {
			p.arr = "system"
			p.anthropicBlocks(0, "system", modeSystem, "")
			p.arr = ""
			return true
		}
	}
	p.skip()
	if field == "system" {
		p.typeErr(field, "a string or an array of text blocks")
	} else {
		p.typeErr(field, "a string")
	}
	return false
}

// array starts reading the array at p.i for a known field; false (and the
// value skipped) for null, an error for other types.
func (p *parser) array(field, want string) bool {
	switch p.peek() {
	case '[':
		return p.enter()
	case 'n':
		p.lit("null")
		return false
	}
	p.skip()
	p.typeErr(field, want)
	return false
}

// object checks that the next value is an object, else reports an error
// naming what.
func (p *parser) object(what string) bool {
	if p.peek() == '{' {
		return true
	}
	p.skip()
	p.typeErr(what, "an object")
	return false
}

var chatMsgNames = []string{"role", "content", "name", "tool_calls", "tool_call_id", "function_call"}

func (r *Request) chatMessages() {
	p := &r.p
	if !p.array("messages", "an array") {
		return
	}
	p.arr = "messages"
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "messages") {
			return
		}
		p.item = n
		r.chatMessage(n)
	}
	p.arr, p.item = "", -1
}

func (r *Request) chatMessage(turn int) {
	p := &r.p
	if !p.object("message") {
		return
	}
	var f [6]fv
	if !p.fields(chatMsgNames, f[:]) {
		return
	}
	end := p.mark()
	rl, ok := p.fstr(&f[0], "role")
	if !ok {
		p.fail(CodeInvalidField, "%s: role is required", where(p.arr, p.item))
		return
	}
	role := p.role(rl)
	name := p.ftext(&f[2], "name")
	kind := abi.KindText
	switch role {
	case "tool":
		kind = abi.KindToolResult
		if n := p.lookup(p.ftext(&f[4], "tool_call_id")); n != "" {
			name = n
		}
	case "function":
		kind = abi.KindToolResult
	}
	p.content(&f[1], turn, role, kind, name, partsChat)
	if p.kind(&f[3]) != 0 {
		p.at(&f[3])
		p.chatToolCalls(turn, role)
	}
	if p.kind(&f[5]) != 0 {
		p.at(&f[5])
		p.chatFunction(turn, role, "function_call", "")
	}
	p.back(end)
}

const (
	partsChat      = iota // OpenAI chat content parts: type text
	partsResponses        // OpenAI responses content: input_text, output_text
)

// content reads a recorded content field: a string or an array of parts.
func (p *parser) content(f *fv, turn int, role string, kind abi.Kind, name string, style int) {
	switch p.kind(f) {
	case 0:
	case '"':
		p.emit(turn, role, kind, name, f.s)
	case '[':
		back := p.mark()
		p.at(f)
		p.parts(turn, role, kind, name, style)
		p.back(back)
	default:
		p.typeErr("content", "a string or an array")
	}
}

var partNames = []string{"type", "text"}

func (p *parser) parts(turn int, role string, kind abi.Kind, name string, style int) {
	if !p.enter() {
		return
	}
	var f [2]fv
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "content parts") || !p.object("content part") || !p.fields(partNames, f[:]) {
			return
		}
		t, _ := p.fstr(&f[0], "content part type")
		var take bool
		if style == partsChat {
			take = p.is(t, "text")
		} else {
			take = p.is(t, "input_text") || p.is(t, "output_text")
		}
		if take {
			if s, ok := p.fstr(&f[1], "text"); ok {
				p.emit(turn, role, kind, name, s)
			}
		}
	}
}

var toolCallNames = []string{"id", "function"}

func (p *parser) chatToolCalls(turn int, role string) {
	if !p.array("tool_calls", "an array") {
		return
	}
	var f [2]fv
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "tool calls") || !p.object("tool call") || !p.fields(toolCallNames, f[:]) {
			return
		}
		id := p.ftext(&f[0], "tool call id")
		if p.kind(&f[1]) == 0 {
			continue
		}
		end := p.mark()
		p.at(&f[1])
		p.chatFunction(turn, role, "function", id)
		p.back(end)
	}
}

var functionNames = []string{"name", "arguments"}

// chatFunction reads {name, arguments} at p.i: a tool call.
func (p *parser) chatFunction(turn int, role, field, id string) {
	if !p.object(field) {
		return
	}
	var f [2]fv
	if !p.fields(functionNames, f[:]) {
		return
	}
	name := p.ftext(&f[0], "function name")
	p.remember(id, name)
	if s, ok := p.fstr(&f[1], "function arguments"); ok {
		p.emit(turn, role, abi.KindToolCall, name, s)
	}
}

var toolNames = []string{"type", "function", "custom", "name", "description"}
var toolDefNames = []string{"name", "description"}

// tools reads tools[] (OpenAI chat {type, function:{name, description}} or
// {type:"custom", custom:{...}}, legacy functions[], Responses and
// Anthropic {name, description}). A tool with no name is named by its type
// (built-in tools such as web_search).
func (r *Request) tools(field string) {
	p := &r.p
	if !p.array(field, "an array") {
		return
	}
	p.arr = field
	var f [5]fv
	var g [2]fv
	for n, first := 0, true; p.more(']', &first); n++ {
		p.item = n
		if n >= MaxTools {
			p.fail(CodeTooManyTools, "more than %d %s", MaxTools, field)
			return
		}
		if !p.object("tool") || !p.fields(toolNames, f[:]) {
			return
		}
		name, desc := &f[3], &f[4]
		for _, k := range [2]int{1, 2} {
			if c := p.kind(&f[k]); c != 0 {
				if c != '{' {
					p.typeErr(toolNames[k], "an object")
					return
				}
				end := p.mark()
				p.at(&f[k])
				p.fields(toolDefNames, g[:])
				p.back(end)
				name, desc = &g[0], &g[1]
				break
			}
		}
		t := abi.Tool{Name: p.ftext(name, "name"), Description: p.ftext(desc, "description")}
		if t.Name == "" {
			t.Name = p.ftext(&f[0], "type")
		}
		if p.err != nil {
			return
		}
		if t.Name != "" || t.Description != "" {
			r.X.Tools = append(r.X.Tools, t)
		}
	}
	p.arr, p.item = "", -1
}

// prompts reads completions' prompt or embeddings' input: a string or an
// array of strings (user turns). Token arrays are validated and skipped.
func (r *Request) prompts(field string) {
	p := &r.p
	switch p.peek() {
	case '"':
		p.emit(0, "user", abi.KindText, "", p.str())
		return
	case 'n':
		p.lit("null")
		return
	case '[':
	default:
		p.skip()
		p.typeErr(field, "a string or an array")
		return
	}
	p.enter()
	p.arr = field
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "items") {
			return
		}
		p.item = n
		switch c := p.peek(); {
		case c == '"':
			p.emit(n, "user", abi.KindText, "", p.str())
		case c == '-' || (c >= '0' && c <= '9'):
			p.num() // a token id
		case c == '[':
			p.tokens()
		default:
			p.skip()
			p.typeErr("item", "a string, a token id or an array of token ids")
		}
	}
	p.arr, p.item = "", -1
}

// tokens skips an array of token ids.
func (p *parser) tokens() {
	if !p.enter() {
		return
	}
	for first := true; p.more(']', &first); {
		if c := p.peek(); c != '-' && (c < '0' || c > '9') {
			p.skip()
			p.typeErr("item", "an array of token ids")
			return
		}
		p.num()
	}
}

var responsesItemNames = []string{"type", "role", "content", "name", "arguments", "call_id", "output"}

// responsesInput reads the Responses API input: a string or an array of
// items (messages, function calls and their outputs; other item types are
// validated and skipped).
func (r *Request) responsesInput() {
	p := &r.p
	switch p.peek() {
	case '"':
		p.emit(0, "user", abi.KindText, "", p.str())
		return
	case 'n':
		p.lit("null")
		return
	case '[':
	default:
		p.skip()
		p.typeErr("input", "a string or an array")
		return
	}
	p.enter()
	p.arr = "input"
	var f [7]fv
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "items") {
			return
		}
		p.item = n
		if !p.object("item") || !p.fields(responsesItemNames, f[:]) {
			return
		}
		end := p.mark()
		t, _ := p.fstr(&f[0], "type")
		switch {
		case t.end == 0 || p.is(t, "message"):
			rl, ok := p.fstr(&f[1], "role")
			if !ok {
				p.fail(CodeInvalidField, "%s: role is required", where(p.arr, p.item))
				return
			}
			p.content(&f[2], n, p.role(rl), abi.KindText, "", partsResponses)
		case p.is(t, "function_call"):
			name := p.ftext(&f[3], "name")
			p.remember(p.ftext(&f[5], "call_id"), name)
			if s, ok := p.fstr(&f[4], "arguments"); ok {
				p.emit(n, "assistant", abi.KindToolCall, name, s)
			}
		case p.is(t, "function_call_output"):
			name := p.lookup(p.ftext(&f[5], "call_id"))
			p.content(&f[6], n, "tool", abi.KindToolResult, name, partsResponses)
		}
		p.back(end)
	}
	p.arr, p.item = "", -1
}

var anthropicMsgNames = []string{"role", "content"}

func (r *Request) anthropicMessages() {
	p := &r.p
	if !p.array("messages", "an array") {
		return
	}
	p.arr = "messages"
	var f [2]fv
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "messages") {
			return
		}
		p.item = n
		if !p.object("message") || !p.fields(anthropicMsgNames, f[:]) {
			return
		}
		end := p.mark()
		rl, ok := p.fstr(&f[0], "role")
		if !ok {
			p.fail(CodeInvalidField, "%s: role is required", where(p.arr, p.item))
			return
		}
		role := p.role(rl)
		switch p.kind(&f[1]) {
		case 0:
		case '"':
			p.emit(n, role, abi.KindText, "", f[1].s)
		case '[':
			p.at(&f[1])
			p.anthropicBlocks(n, role, modeMessage, "")
		default:
			p.typeErr("content", "a string or an array of blocks")
		}
		p.back(end)
	}
	p.arr, p.item = "", -1
}

// Where anthropicBlocks reads blocks from.
const (
	modeMessage    = iota // a message's content: all block types
	modeToolResult        // a tool_result's content: text and document
	modeSystem            // the system prompt: text
)

var blockNames = []string{"type", "text", "id", "name", "input", "tool_use_id", "content", "source"}
var sourceNames = []string{"type", "data"}

// anthropicBlocks reads an array of Anthropic content blocks at p.i. name
// is the tool name for modeToolResult.
func (p *parser) anthropicBlocks(turn int, role string, mode int, name string) {
	if !p.enter() {
		return
	}
	kind := abi.KindText
	if mode == modeToolResult {
		kind = abi.KindToolResult
	}
	var f [8]fv
	for n, first := 0, true; p.more(']', &first); n++ {
		if !p.checkCount(n, "content blocks") || !p.object("content block") || !p.fields(blockNames, f[:]) {
			return
		}
		end := p.mark()
		t, _ := p.fstr(&f[0], "type")
		switch {
		case p.is(t, "text"):
			if s, ok := p.fstr(&f[1], "text"); ok {
				p.emit(turn, role, kind, name, s)
			}
		case mode == modeMessage && p.is(t, "tool_use"):
			tool := p.ftext(&f[3], "name")
			p.remember(p.ftext(&f[2], "id"), tool)
			switch p.kind(&f[4]) {
			case 0:
			case '{':
				p.emitRaw(turn, role, abi.KindToolCall, tool, &f[4])
			default:
				p.typeErr("input", "an object")
			}
		case mode == modeMessage && p.is(t, "tool_result"):
			tool := p.lookup(p.ftext(&f[5], "tool_use_id"))
			switch p.kind(&f[6]) {
			case 0:
			case '"':
				p.emit(turn, role, abi.KindToolResult, tool, f[6].s)
			case '[':
				p.at(&f[6])
				p.anthropicBlocks(turn, role, modeToolResult, tool)
			default:
				p.typeErr("content", "a string or an array of blocks")
			}
		case mode != modeSystem && p.is(t, "document"):
			if p.kind(&f[7]) == 0 {
				break
			}
			if p.kind(&f[7]) != '{' {
				p.typeErr("source", "an object")
				break
			}
			var g [2]fv
			p.at(&f[7])
			if p.fields(sourceNames, g[:]) {
				st, _ := p.fstr(&g[0], "source type")
				if p.is(st, "text") {
					if s, ok := p.fstr(&g[1], "data"); ok {
						p.emit(turn, role, abi.KindDocument, "", s)
					}
				}
			}
		}
		p.back(end)
	}
}
