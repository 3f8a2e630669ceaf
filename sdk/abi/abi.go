// Package abi defines the data that crosses the "ward/v1" boundary between
// the Ward host and a guard: the exchange a guard reads and the verdict it
// returns, with their binary (native ABI) and JSON (Extism) encodings.
//
// The package is shared by the host and by guest SDKs so that both sides
// agree byte for byte; it depends only on the standard library and builds
// for every GOOS/GOARCH, including wasip1/wasm. See ../ABI.md for the
// normative description.
package abi

// Version is the ABI identifier a guard reports in its description.
const Version = "ward/v1"

// Phase says which part of an exchange a guard is asked to check.
type Phase uint8

const (
	PhaseRequest       Phase = 1 // the client's request, before it goes upstream
	PhaseResponse      Phase = 2 // the whole (non-streamed) answer
	PhaseResponseChunk Phase = 3 // one streamed delta (reserved for streaming)
)

var phaseNames = [...]string{"", "request", "response", "response_chunk"}

func (p Phase) String() string {
	if int(p) < len(phaseNames) && p != 0 {
		return phaseNames[p]
	}
	return "unknown"
}

// ParsePhase maps "request", "response" or "response_chunk" to a Phase.
func ParsePhase(s string) (Phase, bool) {
	for i := 1; i < len(phaseNames); i++ {
		if phaseNames[i] == s {
			return Phase(i), true
		}
	}
	return 0, false
}

// API is the kind of LLM API an exchange was made with.
type API uint8

const (
	APIUnknown           API = 0 // a path Ward does not parse (passed through)
	APIOpenAIChat        API = 1 // POST /v1/chat/completions
	APIOpenAICompletions API = 2 // POST /v1/completions
	APIOpenAIEmbeddings  API = 3 // POST /v1/embeddings
	APIOpenAIResponses   API = 4 // POST /v1/responses
	APIAnthropicMessages API = 5 // POST /v1/messages
)

var apiNames = [...]string{"unknown", "openai.chat", "openai.completions", "openai.embeddings", "openai.responses", "anthropic.messages"}

func (a API) String() string {
	if int(a) < len(apiNames) {
		return apiNames[a]
	}
	return "unknown"
}

// ParseAPI is the inverse of API.String.
func ParseAPI(s string) (API, bool) {
	for i, n := range apiNames {
		if n == s {
			return API(i), true
		}
	}
	return 0, false
}

// Anthropic reports whether errors for this API take Anthropic's shape.
func (a API) Anthropic() bool { return a == APIAnthropicMessages }

// Kind says what a message segment holds.
type Kind uint8

const (
	KindText       Kind = 0 // plain text of a turn (or one text part of it)
	KindToolResult Kind = 1 // output of a tool, sent back to the model (untrusted)
	KindToolCall   Kind = 2 // arguments of a tool call made by the model
	KindDocument   Kind = 3 // retrieved document / file text embedded in a turn
)

var kindNames = [...]string{"text", "tool_result", "tool_call", "document"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, bool) {
	for i, n := range kindNames {
		if n == s {
			return Kind(i), true
		}
	}
	return 0, false
}

// Message is one text segment of a conversation. A turn whose content is an
// array of parts yields one Message per text part, all with the same Turn.
// Guards address messages by their index in Exchange.Messages (request
// phase) or Response.Messages (response phase) when they rewrite them.
type Message struct {
	Turn uint32 `json:"turn"`           // index of the turn in the original request
	Role string `json:"role"`           // system, developer, user, assistant, tool
	Kind Kind   `json:"kind"`           // what the text is
	Name string `json:"name,omitempty"` // tool name for tool calls and results
	Text string `json:"text"`
}

// KV is a name/value pair (headers, annotations).
type KV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Tool is a tool the client offers the model.
type Tool struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Response is the part of an exchange that comes back from the model.
type Response struct {
	Status           uint16    `json:"status"`
	Messages         []Message `json:"messages,omitempty"`
	FinishReason     string    `json:"finish_reason,omitempty"`
	PromptTokens     uint32    `json:"prompt_tokens,omitempty"`
	CompletionTokens uint32    `json:"completion_tokens,omitempty"`
}

// Chunk is a streamed delta (phase response_chunk).
//
// Delta is the guard's input for this call: the text the guard held back
// at its previous call (see MaxHold) followed by the stream's new text.
// Window is at most MaxWindow bytes of the text the guard consumed before
// Delta (its earlier inputs minus what it held), for context. Final marks
// the last call of a stream, made after the upstream's last event: its
// Delta is whatever the guard still holds (possibly empty), and nothing
// may be held any more.
//
// A guard answers with a plain allow (Delta passes unchanged), a deny (the
// stream ends with an error event), or rewrites: index 0 is the text to
// send on now in place of Delta, index 1 the text to hold back, which must
// be a suffix of Delta of at most MaxHold bytes; the host hands it back
// as the start of the next Delta. A held suffix is raw input: the guard
// sees it again, and decides again, with more text after it.
type Chunk struct {
	Delta  string `json:"delta"`
	Window string `json:"window,omitempty"`
	Final  bool   `json:"final,omitempty"`
}

// Bounds of the response_chunk phase.
const (
	// MaxWindow is the most context text a chunk carries before Delta.
	MaxWindow = 1024
	// MaxHold is the most text a guard may hold back between chunks.
	MaxHold = 1024
)

// Exchange is what a guard sees: one LLM call, parsed once by the host.
//
// Headers holds only the identity-bearing headers a route names (lower-case
// names). Annotations are what earlier guards in the pipeline said.
type Exchange struct {
	Phase       Phase     `json:"phase"`
	API         API       `json:"api"`
	Stream      bool      `json:"stream"`
	MaxTokens   uint32    `json:"max_tokens,omitempty"`
	RequestID   string    `json:"request_id"`
	Route       string    `json:"route"`
	Path        string    `json:"path"`
	Model       string    `json:"model"`
	Headers     []KV      `json:"headers,omitempty"`
	Annotations []KV      `json:"annotations,omitempty"`
	Messages    []Message `json:"messages"`
	Tools       []Tool    `json:"tools,omitempty"`
	Response    Response  `json:"response"`
	Chunk       Chunk     `json:"chunk"`
}

// Reset empties x for reuse, keeping the capacity of its slices.
func (x *Exchange) Reset() {
	*x = Exchange{
		Headers:     x.Headers[:0],
		Annotations: x.Annotations[:0],
		Messages:    x.Messages[:0],
		Tools:       x.Tools[:0],
		Response:    Response{Messages: x.Response.Messages[:0]},
	}
}

// Decision is the outcome of a guard.
type Decision uint8

const (
	Allow Decision = 0
	Deny  Decision = 1
)

func (d Decision) String() string {
	if d == Deny {
		return "deny"
	}
	if d == Allow {
		return "allow"
	}
	return "unknown"
}

// Rewrite replaces the text of one message of the current phase.
type Rewrite struct {
	Index uint32 `json:"index"`
	Text  string `json:"text"`
}

// Score is a named number in [0,1] that later guards and the audit see.
type Score struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// Verdict is what a guard returns. Allow with nothing else set is the
// common case and costs nothing to encode or decode.
//
// A Deny carries Status (4xx/5xx; 403 when zero), a stable Code and a
// Message for the client. Rewrites change message texts of the current
// phase; SetHeaders sets request headers (phase request) or response
// headers (phase response), an empty Value removes the header.
type Verdict struct {
	Decision    Decision  `json:"decision"`
	Status      uint16    `json:"status,omitempty"`
	Code        string    `json:"code,omitempty"`
	Message     string    `json:"message,omitempty"`
	Reasons     []string  `json:"reasons,omitempty"`
	Rewrites    []Rewrite `json:"rewrites,omitempty"`
	SetHeaders  []KV      `json:"set_headers,omitempty"`
	Annotations []KV      `json:"annotations,omitempty"`
	Scores      []Score   `json:"scores,omitempty"`
}

// CodeDone is the code of an allow that says "done with this exchange":
// the guard's later phases and stream chunks of the same exchange would
// all be plain allows, so the host may skip calling them (sdk/ABI.md
// "Done"). On an allow, code had no meaning before, and hosts older than
// CodeDone ignore it: they call the guard as always. A guard must answer
// correctly whenever it is called anyway.
const CodeDone = "ward.done"

// IsDone reports whether v is an allow that says done (CodeDone).
func (v *Verdict) IsDone() bool { return v.Decision == Allow && v.Code == CodeDone }

// Reset empties v for reuse, keeping the capacity of its slices. It sets
// field by field: assigning a whole Verdict (a composite literal) copies
// it through a temporary, which inside Wasm costs calls to the runtime's
// typed copy and write barriers on every guard call. The strings are cut
// to length 0, like the slices: only their lengths are stored, with no
// write barrier (whose test is a jump in Go's Wasm).
func (v *Verdict) Reset() {
	v.Decision = Allow
	v.Status = 0
	v.Code = v.Code[:0]
	v.Message = v.Message[:0]
	v.Reasons = v.Reasons[:0]
	v.Rewrites = v.Rewrites[:0]
	v.SetHeaders = v.SetHeaders[:0]
	v.Annotations = v.Annotations[:0]
	v.Scores = v.Scores[:0]
}

// IsPlainAllow reports whether v allows, changes nothing and does not say
// done (a code other than CodeDone on an allow means nothing).
func (v *Verdict) IsPlainAllow() bool {
	// The lengths ORed: one test for five (each test is a branch).
	return v.Decision == Allow && len(v.Rewrites)|len(v.SetHeaders)|len(v.Annotations)|len(v.Scores)|len(v.Reasons) == 0 &&
		v.Code != CodeDone
}

// Description is what a guard's describe export returns (JSON).
type Description struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	ABI     string   `json:"abi"`
	Phases  []string `json:"phases"`
	// ConfigSchema documents the guard's config table: key -> short
	// description of type and meaning. Validation itself is done by the
	// guard's configure export.
	ConfigSchema map[string]string `json:"config_schema,omitempty"`
	// Reads lists the parts of the exchange the guard reads ("headers",
	// "annotations", "messages", "tools", "response", "chunk"; see
	// Parts). The host sends the others empty. Left out: every part.
	Reads []string `json:"reads,omitempty"`
}
