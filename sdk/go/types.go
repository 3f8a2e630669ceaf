package ward

import "github.com/wardgate/ward/sdk/abi"

// The data types of the ABI, re-exported so that a guard imports only this
// package. They are aliases: a ward.Exchange is an abi.Exchange.
type (
	Exchange    = abi.Exchange
	Message     = abi.Message
	KV          = abi.KV
	Tool        = abi.Tool
	Response    = abi.Response
	Chunk       = abi.Chunk
	Phase       = abi.Phase
	API         = abi.API
	Kind        = abi.Kind
	Decision    = abi.Decision
	Rewrite     = abi.Rewrite
	Score       = abi.Score
	Description = abi.Description
	Parts       = abi.Parts
)

// ABIVersion is the ABI this SDK implements.
const ABIVersion = abi.Version

// Phases, APIs, message kinds and decisions (see the abi package).
const (
	PhaseRequest       = abi.PhaseRequest
	PhaseResponse      = abi.PhaseResponse
	PhaseResponseChunk = abi.PhaseResponseChunk

	// MaxHold is the most text a response_chunk handler may hold back.
	MaxHold = abi.MaxHold

	APIUnknown           = abi.APIUnknown
	APIOpenAIChat        = abi.APIOpenAIChat
	APIOpenAICompletions = abi.APIOpenAICompletions
	APIOpenAIEmbeddings  = abi.APIOpenAIEmbeddings
	APIOpenAIResponses   = abi.APIOpenAIResponses
	APIAnthropicMessages = abi.APIAnthropicMessages

	KindText       = abi.KindText
	KindToolResult = abi.KindToolResult
	KindToolCall   = abi.KindToolCall
	KindDocument   = abi.KindDocument

	// Parts of an exchange a guard reads (Guard.Reads).
	ReadHeaders     = abi.ReadHeaders
	ReadAnnotations = abi.ReadAnnotations
	ReadMessages    = abi.ReadMessages
	ReadTools       = abi.ReadTools
	ReadResponse    = abi.ReadResponse
	ReadChunk       = abi.ReadChunk
	ReadAll         = abi.ReadAll

	Allowed = abi.Allow // Decision of a verdict that lets the exchange pass
	Denied  = abi.Deny  // Decision of a verdict that stops the exchange
)

// Verdict is what a handler fills in. It embeds abi.Verdict, so its fields
// (Decision, Status, Code, ...) are set directly or through the helper
// methods below. A handler receives a Verdict that is a plain allow; leaving
// it untouched allows the exchange at no encoding cost.
//
// The *Verdict passed to a handler, and the slices in it, belong to the SDK
// and are reused by the next call: do not keep them after the handler
// returns. Strings stored in it may alias the exchange's strings.
type Verdict struct {
	abi.Verdict
}

// Deny returns a verdict that stops the exchange with the given HTTP status
// (4xx or 5xx; the host uses 403 when 0), a stable machine-readable code
// such as "denylist.match", and a message for the client. Inside a handler
// prefer v.Deny, which keeps the reused verdict's capacity.
func Deny(status uint16, code, msg string) Verdict {
	return Verdict{abi.Verdict{Decision: abi.Deny, Status: status, Code: code, Message: msg}}
}

// Deny turns v into a denial; reasons, annotations and scores already added
// are kept and travel with it.
func (v *Verdict) Deny(status uint16, code, msg string) {
	v.Decision = abi.Deny
	v.Status = status
	v.Code = code
	v.Message = msg
}

// Done tells the host that the guard is done with this exchange: its
// handlers would allow the exchange's later phases and stream chunks
// without changing anything, so the host may skip calling them (a guard
// whose request phase found nothing its response phase would act on).
// What the verdict says otherwise (rewrites, annotations, headers,
// reasons, scores) applies as usual. It is a hint, not a promise of the
// host: an older host, or a pipeline that runs a candidate beside the
// guard, calls the later phases anyway, and they must still be answered
// correctly. Done on a denial does nothing (a later Deny replaces it).
// In a response_chunk handler, a done verdict must hold nothing.
//
// On the wire it is the allow's code abi.CodeDone (sdk/ABI.md "Done").
func (v *Verdict) Done() {
	if v.Decision == abi.Allow {
		v.Code = abi.CodeDone
	}
}

// AddReason appends a short human-readable reason (for the audit record).
func (v *Verdict) AddReason(reason string) { v.Reasons = append(v.Reasons, reason) }

// Rewrite replaces the text of message i of the current phase
// (Exchange.Messages for the request phase, Exchange.Response.Messages for
// the response phase). The host rejects an index out of range as a bad
// verdict.
func (v *Verdict) Rewrite(i int, text string) {
	v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: uint32(i), Text: text})
}

// Stream is the response_chunk answer that sends send in place of the
// chunk's delta and holds hold, a suffix of the delta (at most
// abi.MaxHold bytes), until the next chunk, whose delta starts with it
// (see ward.Chunk). With hold empty it is Rewrite(0, send).
func (v *Verdict) Stream(send, hold string) {
	v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 0, Text: send})
	if hold != "" {
		v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 1, Text: hold})
	}
}

// Annotate records key=value for later guards and the audit record.
func (v *Verdict) Annotate(key, value string) {
	v.Annotations = append(v.Annotations, abi.KV{Key: key, Value: value})
}

// SetHeader sets a request header (request phase) or response header
// (response phase); an empty value removes it.
func (v *Verdict) SetHeader(name, value string) {
	v.SetHeaders = append(v.SetHeaders, abi.KV{Key: name, Value: value})
}

// Score records a named number in [0,1] for later guards and the audit.
func (v *Verdict) Score(name string, value float64) {
	v.Scores = append(v.Scores, abi.Score{Name: name, Value: value})
}
