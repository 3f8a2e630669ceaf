package abi

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func sampleExchange() *Exchange {
	return &Exchange{
		Phase: PhaseRequest, API: APIAnthropicMessages, Stream: true, MaxTokens: 512,
		RequestID: "req-1", Route: "llm", Path: "/v1/messages", Model: "claude",
		Headers:     []KV{{"authorization", "Bearer x"}},
		Annotations: []KV{{"identity.subject", "alice"}},
		Messages: []Message{
			{Turn: 0, Role: "system", Text: "be nice"},
			{Turn: 1, Role: "user", Text: "héllo \x00 wörld"},
			{Turn: 2, Role: "assistant", Kind: KindToolCall, Name: "search", Text: `{"q":"x"}`},
			{Turn: 3, Role: "user", Kind: KindToolResult, Name: "search", Text: "result"},
		},
		Tools:    []Tool{{Name: "search", Description: "web search"}},
		Response: Response{Status: 200, FinishReason: "stop", PromptTokens: 10, CompletionTokens: 20, Messages: []Message{{Role: "assistant", Text: "hi"}}},
		Chunk:    Chunk{Delta: "d", Window: "w", Final: true},
	}
}

func sampleVerdict() *Verdict {
	return &Verdict{
		Decision: Deny, Status: 403, Code: "x.y", Message: "no",
		Reasons:     []string{"a", "b"},
		Rewrites:    []Rewrite{{Index: 1, Text: "[EMAIL]"}},
		SetHeaders:  []KV{{"x-ward", "1"}},
		Annotations: []KV{{"label.pii", "email"}},
		Scores:      []Score{{Name: "injection", Value: 0.75}},
	}
}

func TestExchangeRoundTrip(t *testing.T) {
	x := sampleExchange()
	b := AppendExchange(nil, x)
	if len(b) != ExchangeSize(x) {
		t.Fatalf("size %d, ExchangeSize %d", len(b), ExchangeSize(x))
	}
	for _, alias := range []bool{false, true} {
		var got Exchange
		var err error
		if alias {
			err = DecodeExchangeAlias(b, &got)
		} else {
			err = DecodeExchange(b, &got)
		}
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(&got, x) {
			t.Fatalf("alias=%v round trip:\n got %+v\nwant %+v", alias, got, *x)
		}
	}
}

func TestVerdictRoundTrip(t *testing.T) {
	v := sampleVerdict()
	b := AppendVerdict(nil, v)
	var got Verdict
	if err := DecodeVerdict(b, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&got, v) {
		t.Fatalf("got %+v want %+v", got, *v)
	}
	// Empty buffer is a plain allow.
	if err := DecodeVerdict(nil, &got); err != nil || !got.IsPlainAllow() {
		t.Fatalf("empty verdict: %v %+v", err, got)
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	good := AppendVerdict(nil, sampleVerdict())
	cases := map[string][]byte{
		"short":         good[:3],
		"bad magic":     append([]byte("XX\x01\x00"), good[4:]...),
		"truncated":     good[:len(good)-1],
		"trailing":      append(append([]byte{}, good...), 0),
		"bad decision":  func() []byte { b := append([]byte{}, good...); b[4] = 7; return b }(),
		"huge count":    append(append([]byte{}, good[:8]...), 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff),
		"huge str":      append(append([]byte{}, good[:8]...), 0xff, 0xff, 0xff, 0x7f),
		"exchange junk": []byte("WX\x01\x00garbage"),
	}
	for name, b := range cases {
		var v Verdict
		if err := DecodeVerdict(b, &v); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: verdict err = %v", name, err)
		}
		var x Exchange
		if err := DecodeExchange(b, &x); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: exchange err = %v", name, err)
		}
	}
}

func TestJSONUsesNames(t *testing.T) {
	b, err := json.Marshal(sampleVerdict())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"decision":"deny"`)) {
		t.Fatalf("decision not a name: %s", b)
	}
	xb, _ := json.Marshal(sampleExchange())
	for _, want := range []string{`"phase":"request"`, `"api":"anthropic.messages"`, `"kind":"tool_call"`} {
		if !strings.Contains(string(xb), want) {
			t.Errorf("missing %s in %s", want, xb)
		}
	}
	var x Exchange
	if err := json.Unmarshal(xb, &x); err != nil || !reflect.DeepEqual(&x, sampleExchange()) {
		t.Fatalf("json round trip: %v %+v", err, x)
	}
	if err := json.Unmarshal([]byte(`{"decision":"maybe"}`), new(Verdict)); err == nil {
		t.Fatal("unknown decision accepted")
	}
}

func TestAppendExchangeNoAlloc(t *testing.T) {
	x := sampleExchange()
	buf := make([]byte, 0, ExchangeSize(x))
	n := testing.AllocsPerRun(100, func() { buf = AppendExchange(buf[:0], x) })
	if n != 0 {
		t.Fatalf("AppendExchange allocs = %v", n)
	}
	var v Verdict
	allow := AppendVerdict(nil, &Verdict{})
	n = testing.AllocsPerRun(100, func() { _ = DecodeVerdict(allow, &v) })
	if n != 0 {
		t.Fatalf("DecodeVerdict(allow) allocs = %v", n)
	}
}

func FuzzDecodeVerdict(f *testing.F) {
	f.Add(AppendVerdict(nil, sampleVerdict()))
	f.Add(AppendVerdict(nil, &Verdict{}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		var v Verdict
		if err := DecodeVerdict(b, &v); err != nil {
			return
		}
		// What decodes re-encodes to the same bytes (or to the canonical
		// allow for the empty buffer).
		if len(b) == 0 {
			return
		}
		if again := AppendVerdict(nil, &v); !bytes.Equal(again, b) {
			t.Fatalf("re-encode differs:\n%x\n%x", b, again)
		}
	})
}

func FuzzDecodeExchange(f *testing.F) {
	f.Add(AppendExchange(nil, sampleExchange()))
	f.Add(AppendExchange(nil, &Exchange{}))
	f.Fuzz(func(t *testing.T, b []byte) {
		var x Exchange
		if err := DecodeExchange(b, &x); err != nil {
			return
		}
		if again := AppendExchange(nil, &x); !bytes.Equal(again, b) {
			t.Fatalf("re-encode differs:\n%x\n%x", b, again)
		}
	})
}

func BenchmarkAppendExchange1KB(b *testing.B) {
	x := sampleExchange()
	x.Messages[1].Text = strings.Repeat("a", 1024)
	buf := make([]byte, 0, 4096)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendExchange(buf[:0], x)
	}
}

// TestExchangeFlags checks the flags byte: bit0 stream and bit1 final
// chunk round-trip, any other bit is malformed.
func TestExchangeFlags(t *testing.T) {
	for _, c := range []struct{ stream, final bool }{{false, false}, {true, false}, {true, true}, {false, true}} {
		x := Exchange{Phase: PhaseResponseChunk, Stream: c.stream, Chunk: Chunk{Delta: "d", Final: c.final}}
		b := AppendExchange(nil, &x)
		var y Exchange
		if err := DecodeExchange(b, &y); err != nil || y.Stream != c.stream || y.Chunk.Final != c.final {
			t.Errorf("%+v: decoded stream=%v final=%v err=%v", c, y.Stream, y.Chunk.Final, err)
		}
		b[6] |= 4 // a reserved flag bit
		if err := DecodeExchange(b, &y); err == nil {
			t.Errorf("%+v: reserved flag bit accepted", c)
		}
	}
}
