package conformance

import (
	"strconv"
	"strings"

	"github.com/wardgate/ward/sdk/abi"
)

// Case is one exchange of the corpus. Phases lists the phases it is checked
// in: the exchange is sent to each of them with Exchange.Phase set
// accordingly (the other fields unchanged), so every handler sees every
// shape.
type Case struct {
	Name     string
	Exchange abi.Exchange
	Phases   []abi.Phase
}

var allPhases = []abi.Phase{abi.PhaseRequest, abi.PhaseResponse, abi.PhaseResponseChunk}

// Sizes of the large cases. HugeText is well above what a guard sees in a
// typical request and below Ward's default request body limit.
const (
	HugeText     = 2 << 20 // bytes in the huge message
	ManyMessages = 20000   // messages in the many-messages case
)

// Corpus returns the exchanges every guard must survive: a fresh copy on
// each call, built deterministically (no randomness), so a failure names a
// case that reproduces.
func Corpus() []Case {
	var cases []Case
	add := func(name string, x abi.Exchange) {
		cases = append(cases, Case{Name: name, Exchange: x, Phases: allPhases})
	}
	chat := func(msgs ...abi.Message) abi.Exchange {
		return abi.Exchange{API: abi.APIOpenAIChat, RequestID: "req-1", Route: "chat", Path: "/v1/chat/completions", Model: "gpt-test", Messages: msgs}
	}
	user := func(text string) abi.Message { return abi.Message{Role: "user", Text: text} }

	add("empty", abi.Exchange{})
	add("typical chat", chat(
		abi.Message{Turn: 0, Role: "system", Text: "You are a helpful assistant."},
		abi.Message{Turn: 1, Role: "user", Text: "What is the capital of France?"},
		abi.Message{Turn: 2, Role: "assistant", Text: "Paris."},
		abi.Message{Turn: 3, Role: "user", Text: "And of Italy?"},
	))
	add("empty texts", chat(user(""), abi.Message{Role: "assistant"}, user("")))

	huge := strings.Repeat("All work and no play makes a dull guard. ", HugeText/41+1)[:HugeText]
	add("huge message", chat(abi.Message{Role: "system", Text: "Summarise."}, user(huge)))
	add("huge everything", abi.Exchange{
		API: abi.APIOpenAIResponses, RequestID: strings.Repeat("r", 64<<10), Route: strings.Repeat("route/", 1<<10),
		Path: "/" + strings.Repeat("p", 8<<10), Model: strings.Repeat("m", 4<<10),
		Headers:     []abi.KV{{Key: "authorization", Value: "Bearer " + strings.Repeat("t", 32<<10)}},
		Annotations: []abi.KV{{Key: strings.Repeat("k", 4<<10), Value: strings.Repeat("v", 64<<10)}},
		Messages:    []abi.Message{{Role: "user", Name: strings.Repeat("n", 4<<10), Text: huge[:256<<10]}},
		Tools:       []abi.Tool{{Name: "t", Description: huge[:128<<10]}},
	})

	many := make([]abi.Message, ManyMessages)
	for i := range many {
		role := "user"
		if i%2 == 1 {
			role = "assistant"
		}
		many[i] = abi.Message{Turn: uint32(i), Role: role, Text: "message " + strconv.Itoa(i)}
	}
	add("many messages", chat(many...))

	add("multi-part content", chat(
		abi.Message{Turn: 0, Role: "user", Kind: abi.KindText, Text: "Look at this document:"},
		abi.Message{Turn: 0, Role: "user", Kind: abi.KindDocument, Text: "%PDF-1.7 quarterly report"},
		abi.Message{Turn: 0, Role: "user", Kind: abi.KindText, Text: "and summarise it."},
		abi.Message{Turn: 1, Role: "assistant", Kind: abi.KindToolCall, Name: "search", Text: `{"q":"report"}`},
		abi.Message{Turn: 2, Role: "tool", Kind: abi.KindToolResult, Name: "search", Text: "no results"},
		abi.Message{Turn: 2, Role: "tool", Kind: abi.KindToolResult, Name: "", Text: ""},
	))
	add("unknown kind", chat(abi.Message{Role: "user", Kind: 200, Text: "kind from the future"}))

	bad := "\xff\xfe\x00\xc3\x28\xa0\xa1\xe2\x28\xa1\xed\xa0\x80\xf0\x28\x8c\xbc\xf8\xa1\xa1\xa1\xa1\xc0\xaf"
	add("non-UTF-8 bytes", abi.Exchange{
		API: abi.APIAnthropicMessages, RequestID: bad, Route: bad, Path: bad, Model: bad,
		Headers:     []abi.KV{{Key: bad, Value: bad}},
		Annotations: []abi.KV{{Key: "client.ip", Value: bad}},
		Messages:    []abi.Message{{Role: bad, Name: bad, Text: bad}, {Role: "user", Text: "truncated \xe2\x82"}, user("nul\x00inside")},
		Tools:       []abi.Tool{{Name: bad, Description: bad}},
		Response:    abi.Response{FinishReason: bad, Messages: []abi.Message{{Role: "assistant", Text: bad}}},
		Chunk:       abi.Chunk{Delta: bad, Window: bad},
	})

	roles := []string{"", "USER", "User", "function", "tool", "developer", "system", "model", "human", "user ", " user", "us\x00er", strings.Repeat("role", 256)}
	var unusual []abi.Message
	for i, r := range roles {
		unusual = append(unusual, abi.Message{Turn: uint32(i), Role: r, Text: "role " + strconv.Itoa(i)})
	}
	add("unusual roles", chat(unusual...))

	var headers, anns []abi.KV
	var tools []abi.Tool
	for i := range 500 {
		s := strconv.Itoa(i)
		headers = append(headers, abi.KV{Key: "x-h-" + s, Value: s})
		anns = append(anns, abi.KV{Key: "a." + s, Value: ""})
		tools = append(tools, abi.Tool{Name: "tool_" + s})
	}
	x := chat(user("hello"))
	x.Headers, x.Annotations, x.Tools = headers, anns, tools
	add("many headers, annotations and tools", x)

	for api := abi.APIUnknown; api <= abi.APIAnthropicMessages+1; api++ {
		x := chat(user("which api?"))
		x.API = api
		add("api "+strconv.Itoa(int(api)), x)
	}

	add("extreme numbers", abi.Exchange{
		API: abi.APIOpenAIChat, Stream: true, MaxTokens: ^uint32(0),
		Messages: []abi.Message{{Turn: ^uint32(0), Role: "user", Text: "x"}},
		Response: abi.Response{Status: 65535, PromptTokens: ^uint32(0), CompletionTokens: ^uint32(0)},
	})

	resp := chat(user("Tell me a story."))
	resp.Response = abi.Response{
		Status: 200, FinishReason: "stop", PromptTokens: 12, CompletionTokens: 400,
		Messages: []abi.Message{
			{Role: "assistant", Text: "Once upon a time"},
			{Role: "assistant", Kind: abi.KindToolCall, Name: "lookup", Text: `{"id":1}`},
		},
	}
	add("response with messages", resp)
	errResp := chat(user("hi"))
	errResp.Response = abi.Response{Status: 500, FinishReason: "error"}
	add("upstream error response", errResp)

	stream := func(name, delta, window string, final bool) {
		x := chat(user("Stream a story."))
		x.Stream = true
		x.Annotations = []abi.KV{{Key: "client.ip", Value: "127.0.0.1"}}
		x.Chunk = abi.Chunk{Delta: delta, Window: window, Final: final}
		cases = append(cases, Case{Name: name, Exchange: x, Phases: []abi.Phase{abi.PhaseResponseChunk}})
	}
	stream("chunk first delta", "Once", "", false)
	stream("chunk with window", " upon a time", strings.Repeat("w", abi.MaxWindow), false)
	stream("chunk split multi-byte rune", "caf\xc3", "", false)
	stream("chunk empty delta", "", "Once upon", false)
	stream("chunk final empty", "", "the end", true)
	stream("chunk final with text", "The end.", "", true)
	stream("chunk huge delta", huge[:64<<10], "", false)
	return cases
}
