package ward

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

func testGuard(configure func(c *Config) error) Guard {
	return Guard{
		Name: "t", Version: "0.1.0",
		ConfigSchema: map[string]string{"word": "string"},
		Configure:    configure,
		Request: func(x *Exchange, v *Verdict) {
			for i := range x.Messages {
				if x.Messages[i].Text == "deny" {
					v.Deny(451, "t.deny", "no")
					v.AddReason("message " + x.Messages[i].Role)
					return
				}
				if x.Messages[i].Text == "rewrite" {
					v.Rewrite(i, "REWRITTEN")
					v.Annotate("k", "v")
					v.SetHeader("x-t", "1")
					v.Score("risk", 0.25)
				}
			}
		},
	}
}

func TestNewInstanceValidates(t *testing.T) {
	h := func(*Exchange, *Verdict) {}
	tests := []struct {
		name string
		g    Guard
		ok   bool
	}{
		{"ok", Guard{Name: "a", Version: "1", Request: h}, true},
		{"response only", Guard{Name: "a", Version: "1", Response: h}, true},
		{"no name", Guard{Version: "1", Request: h}, false},
		{"padded name", Guard{Name: " a", Version: "1", Request: h}, false},
		{"no version", Guard{Name: "a", Request: h}, false},
		{"no handler", Guard{Name: "a", Version: "1"}, false},
	}
	for _, tt := range tests {
		_, err := NewInstance(tt.g)
		if (err == nil) != tt.ok {
			t.Errorf("%s: NewInstance err = %v", tt.name, err)
		}
	}
}

func TestDescribeJSON(t *testing.T) {
	h := func(*Exchange, *Verdict) {}
	in, err := NewInstance(Guard{Name: "g", Version: "2.0.0", Request: h, ResponseChunk: h,
		ConfigSchema: map[string]string{"k": "int"}})
	if err != nil {
		t.Fatal(err)
	}
	var d abi.Description
	if err := json.Unmarshal(in.DescribeJSON(), &d); err != nil {
		t.Fatal(err)
	}
	want := abi.Description{Name: "g", Version: "2.0.0", ABI: "ward/v1",
		Phases: []string{"request", "response_chunk"}, ConfigSchema: map[string]string{"k": "int"}}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("describe = %+v, want %+v", d, want)
	}
}

func TestConfigure(t *testing.T) {
	var word string
	configure := func(c *Config) error {
		var err error
		if word, err = c.String("word", "deny"); err != nil {
			return err
		}
		if word == "bad" {
			return ConfigError{Key: "word", Msg: "must not be bad"} // a value works too
		}
		if word == "plain" {
			return errors.New("plain failure")
		}
		return nil
	}
	tests := []struct {
		config, out string
	}{
		{``, ``},
		{`{}`, ``},
		{`{"word":"x"}`, ``},
		{`{"word":1}`, `{"key":"word","error":"want string, got number"}`},
		{`{"word":"bad"}`, `{"key":"word","error":"must not be bad"}`},
		{`{"word":"plain"}`, `{"key":"","error":"plain failure"}`},
		{`{"wrd":"x"}`, `{"key":"wrd","error":"unknown key (known: word)"}`},
		{`[]`, `{"key":"","error":"config is not a JSON object: got array"}`},
	}
	for _, tt := range tests {
		in, err := NewInstance(testGuard(configure))
		if err != nil {
			t.Fatal(err)
		}
		if out := string(in.configureResult([]byte(tt.config))); out != tt.out {
			t.Errorf("configure(%s) = %s, want %s", tt.config, out, tt.out)
		}
		x := &Exchange{Phase: PhaseRequest}
		_, err = in.Check(x)
		if ok := tt.out == ""; ok != (err == nil) {
			t.Errorf("configure(%s): handler after configure: %v", tt.config, err)
		}
		if tt.out != "" && !errors.Is(err, ErrNotConfigured) {
			t.Errorf("configure(%s): handler err = %v, want ErrNotConfigured", tt.config, err)
		}
	}
}

func TestConfigureWithoutConfigureFunc(t *testing.T) {
	in, _ := NewInstance(testGuard(nil))
	// Without Configure a handler may run before ward_configure.
	if _, err := in.Check(&Exchange{Phase: PhaseRequest}); err != nil {
		t.Fatal(err)
	}
	if err := in.Configure([]byte(`{"x":1}`)); err == nil || !strings.Contains(err.Error(), "unknown key") {
		t.Fatalf("Configure with a key and no Configure func: %v", err)
	}
}

func TestHandle(t *testing.T) {
	in, _ := NewInstance(testGuard(nil))
	if err := in.Configure(nil); err != nil {
		t.Fatal(err)
	}
	msgs := func(texts ...string) *Exchange {
		x := &Exchange{Phase: PhaseRequest}
		for _, s := range texts {
			x.Messages = append(x.Messages, Message{Role: "user", Text: s})
		}
		return x
	}
	tests := []struct {
		name string
		x    *Exchange
		want abi.Verdict
	}{
		{"plain allow", msgs("hello"), abi.Verdict{}},
		{"deny", msgs("hello", "deny"), abi.Verdict{Decision: abi.Deny, Status: 451, Code: "t.deny", Message: "no",
			Reasons: []string{"message user"}}},
		{"rewrite and metadata", msgs("a", "rewrite"), abi.Verdict{
			Rewrites:    []abi.Rewrite{{Index: 1, Text: "REWRITTEN"}},
			Annotations: []abi.KV{{Key: "k", Value: "v"}},
			SetHeaders:  []abi.KV{{Key: "x-t", Value: "1"}},
			Scores:      []abi.Score{{Name: "risk", Value: 0.25}}}},
		{"verdict is reset between calls", msgs("hello"), abi.Verdict{}},
		{"phase without handler", &Exchange{Phase: PhaseResponse, Messages: []Message{{Text: "deny"}}}, abi.Verdict{}},
	}
	for _, tt := range tests {
		v, err := in.Check(tt.x)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := v.Verdict
		if !reflect.DeepEqual(fmtV(got), fmtV(tt.want)) {
			t.Errorf("%s: verdict %+v, want %+v", tt.name, got, tt.want)
		}
	}
	out, err := in.Handle(PhaseRequest, abi.AppendExchange(nil, msgs("hello")))
	if err != nil || out != nil {
		t.Fatalf("plain allow = %x, %v; want nil output", out, err)
	}
	if _, err := in.Handle(PhaseRequest, []byte("WX\x01\x00")); !errors.Is(err, ErrMalformed) {
		t.Fatalf("malformed input: %v", err)
	}
	if _, err := in.Handle(0, nil); err == nil {
		t.Fatal("phase 0 accepted")
	}
}

func fmtV(v abi.Verdict) string { b, _ := json.Marshal(v); return string(b) }

// TestHandlerMayKeepStrings checks the ownership contract: strings of an
// exchange stay intact after the input buffer is reused by the next call
// (the exports give every call a fresh copy; Handle must not write to it).
func TestHandlerMayKeepStrings(t *testing.T) {
	var kept []string
	in, _ := NewInstance(Guard{Name: "k", Version: "1", Request: func(x *Exchange, v *Verdict) {
		kept = append(kept, x.Messages[0].Text)
	}})
	for _, s := range []string{"first", "second"} {
		buf := abi.AppendExchange(nil, &Exchange{Phase: PhaseRequest, Messages: []Message{{Text: s}}})
		if _, err := in.Handle(PhaseRequest, buf); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(kept, []string{"first", "second"}) {
		t.Fatalf("kept %q", kept)
	}
}

func TestRegister(t *testing.T) {
	defer func() { guards, registered = nil, nil }()
	mustPanic := func(name string, f func()) {
		t.Helper()
		defer func() {
			if recover() == nil {
				t.Errorf("%s: no panic", name)
			}
		}()
		f()
	}
	if _, err := selectGuard(""); err == nil {
		t.Error("a module without a guard selected one")
	}
	mustPanic("invalid guard", func() { Register(Guard{}) })
	Register(testGuard(nil))
	mustPanic("second Register of the same name", func() { Register(testGuard(nil)) })
	// One guard: it, whatever the host names.
	for _, name := range []string{"", "t", "other"} {
		if in, err := selectGuard(name); err != nil || in.g.Name != "t" {
			t.Fatalf("one guard, %q selects %v, %v", name, in, err)
		}
	}
	// Several: the one named, and no other.
	other := testGuard(nil)
	other.Name = "u"
	Register(other)
	for _, name := range []string{"t", "u"} {
		if in, err := selectGuard(name); err != nil || in.g.Name != name {
			t.Fatalf("two guards, %q selects %v, %v", name, in, err)
		}
	}
	for _, name := range []string{"", "v", "T"} {
		if in, err := selectGuard(name); err == nil || !strings.Contains(err.Error(), "t, u") {
			t.Fatalf("two guards, %q selects %v, %v", name, in, err)
		}
	}
}

// TestReads: a guard's Reads is in its description, and its handlers see
// the parts it does not read empty even when the input carries them (a
// host that ignores "reads"), the scalars as sent.
func TestReads(t *testing.T) {
	var seen Exchange
	keep := func(x *Exchange, v *Verdict) { seen = *x }
	in, err := NewInstance(Guard{Name: "g", Version: "1", Request: keep, Response: keep, Reads: ReadHeaders | ReadResponse})
	if err != nil {
		t.Fatal(err)
	}
	var d abi.Description
	if err := json.Unmarshal(in.DescribeJSON(), &d); err != nil || !reflect.DeepEqual(d.Reads, []string{"headers", "response"}) {
		t.Fatalf("describe %s: reads %q, %v", in.DescribeJSON(), d.Reads, err)
	}
	x := &Exchange{Phase: PhaseResponse, Model: "m", RequestID: "r", Route: "rt",
		Headers: []KV{{Key: "authorization", Value: "Bearer k"}}, Annotations: []KV{{Key: "a", Value: "b"}},
		Messages: []Message{{Role: "user", Text: "hi"}}, Tools: []Tool{{Name: "t"}},
		Response: Response{Status: 200, FinishReason: "stop", Messages: []Message{{Role: "assistant", Text: "yo"}}},
		Chunk:    Chunk{Delta: "d"}}
	if _, err := in.Check(x); err != nil {
		t.Fatal(err)
	}
	if seen.Model != "m" || seen.RequestID != "r" || seen.Route != "rt" || seen.Response.Status != 200 ||
		len(seen.Headers) != 1 || len(seen.Response.Messages) != 1 || seen.Response.FinishReason != "stop" ||
		len(seen.Annotations) != 0 || len(seen.Messages) != 0 || len(seen.Tools) != 0 || seen.Chunk.Delta != "" {
		t.Fatalf("handler saw %+v", seen)
	}
	// Every part by default.
	all, _ := NewInstance(Guard{Name: "g", Version: "1", Response: keep})
	if _, err := all.Check(x); err != nil || len(seen.Annotations) != 1 || len(seen.Messages) != 1 || len(seen.Tools) != 1 || seen.Chunk.Delta != "d" {
		t.Fatalf("default: %+v, %v", seen, err)
	}
	if strings.Contains(string(all.DescribeJSON()), "reads") {
		t.Fatalf("default description %s lists reads", all.DescribeJSON())
	}
}
