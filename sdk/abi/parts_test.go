package abi

import (
	"reflect"
	"testing"
)

func TestParseReads(t *testing.T) {
	for _, c := range []struct {
		names []string
		want  Parts
		err   bool
	}{
		{nil, ReadAll, false},
		{[]string{"headers"}, ReadHeaders, false},
		{[]string{"messages", "annotations", "response", "chunk"}, ReadMessages | ReadAnnotations | ReadResponse | ReadChunk, false},
		{[]string{"headers", "annotations", "messages", "tools", "response", "chunk"}, ReadAll, false},
		{[]string{}, 0, true},
		{[]string{"message"}, 0, true},
		{[]string{"Headers"}, 0, true},
		{[]string{"tools", "tools"}, 0, true},
	} {
		got, err := ParseReads(c.names)
		if (err != nil) != c.err || got != c.want {
			t.Errorf("ParseReads(%q) = %v, %v; want %v, error %v", c.names, got, err, c.want, c.err)
		}
	}
}

// TestPartsNames: every set of parts round-trips through its names, and
// the zero value and ReadAll have none (a description leaves reads out).
func TestPartsNames(t *testing.T) {
	if ReadAll.Names() != nil || Parts(0).Names() != nil {
		t.Fatalf("names of all parts: %q, %q", ReadAll.Names(), Parts(0).Names())
	}
	for p := Parts(1); p < ReadAll; p++ {
		got, err := ParseReads(p.Names())
		if err != nil || got != p {
			t.Fatalf("%06b: names %q parse to %06b, %v", p, p.Names(), got, err)
		}
	}
}

// TestAppendExchangeParts: for every set of parts, the encoding decodes to
// the exchange with the other parts emptied (what Keep leaves), the
// exchange encoded is not modified, and with every part it is
// AppendExchange.
func TestAppendExchangeParts(t *testing.T) {
	x := sampleExchange()
	x.Response.Messages = append(x.Response.Messages, Message{Role: "assistant", Kind: KindToolCall, Name: "f", Text: "{}"})
	orig := AppendExchange(nil, x)
	for p := Parts(0); p <= ReadAll; p++ {
		b := AppendExchangeParts(nil, x, p)
		var got Exchange
		if err := DecodeExchange(b, &got); err != nil {
			t.Fatalf("%06b: %v", p, err)
		}
		want := *sampleExchange()
		want.Response.Messages = append(want.Response.Messages, Message{Role: "assistant", Kind: KindToolCall, Name: "f", Text: "{}"})
		p.Keep(&want)
		if !reflect.DeepEqual(normExchange(&got), normExchange(&want)) {
			t.Fatalf("%06b:\n got %+v\nwant %+v", p, got, want)
		}
		if p.Effective() == ReadAll && string(b) != string(orig) {
			t.Fatalf("%06b: differs from AppendExchange", p)
		}
		if again := AppendExchange(nil, x); string(again) != string(orig) {
			t.Fatalf("%06b: the exchange was modified", p)
		}
	}
	// The scalars travel whatever the parts.
	var got Exchange
	if err := DecodeExchange(AppendExchangeParts(nil, x, ReadHeaders), &got); err != nil ||
		got.Phase != x.Phase || got.API != x.API || !got.Stream || !got.Chunk.Final || got.MaxTokens != x.MaxTokens ||
		got.RequestID != x.RequestID || got.Route != x.Route || got.Path != x.Path || got.Model != x.Model ||
		got.Response.Status != 200 || got.Response.PromptTokens != 10 || got.Response.CompletionTokens != 20 {
		t.Fatalf("scalars: %+v, %v", got, err)
	}
}
