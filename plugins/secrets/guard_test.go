package secrets

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/detect"
	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

func loadCases(t testing.TB) []guesttest.Case {
	return guesttest.LoadCases(t, "testdata/cases.json")
}

// TestGolden runs every case through ward.Instance: the SDK's own dispatch
// and the binary codec, on the host.
func TestGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			in, err := ward.NewInstance(New())
			if err != nil {
				t.Fatal(err)
			}
			guesttest.RunCase(t, guesttest.Native(in), c)
		})
	}
}

func TestDescription(t *testing.T) {
	g := New()
	d := g.Description()
	if d.Name != "secrets" || d.ABI != abi.Version || !reflect.DeepEqual(d.Phases, []string{"request", "response", "response_chunk"}) {
		t.Fatalf("description %+v", d)
	}
	for _, k := range []string{"actions", "default_action", "block_confidence", "allow_values", "mask_keep", "tokenize_key"} {
		if d.ConfigSchema[k] == "" {
			t.Errorf("config_schema lacks %q", k)
		}
	}
}

const testKey = `"tokenize_key":"test-key-0123456789abcdefghijklmnopqrstuvwxyz"`

func configured(tb testing.TB, config string) *ward.Instance {
	tb.Helper()
	in, err := ward.NewInstance(New())
	if err != nil {
		tb.Fatal(err)
	}
	if err := in.Configure([]byte(config)); err != nil {
		tb.Fatalf("configure %s: %v", config, err)
	}
	return in
}

func TestDefaultActions(t *testing.T) {
	s := &secrets{blockConf: 0.8}
	for _, c := range []struct {
		f    detect.Finding
		want string
	}{
		{detect.Finding{Rule: "github-pat", Confidence: 0.99}, "block"},
		{detect.Finding{Rule: "aws-access-token", Confidence: 0.8}, "block"},
		{detect.Finding{Rule: "bearer-token", Confidence: 0.7}, "redact"},
		{detect.Finding{Rule: "generic-api-key", Confidence: 0.85}, "redact"},
	} {
		if got := s.action(&c.f).String(); got != c.want {
			t.Errorf("%s at %v: %s, want %s", c.f.Rule, c.f.Confidence, got, c.want)
		}
	}
}

// TestAllowValues: a listed value passes unchanged, other secrets do not,
// and bad lists are refused with the key.
func TestAllowValues(t *testing.T) {
	const aws = "AKIAQ7XH3LMZ5RT2WPNC"
	in := configured(t, `{"default_action":"redact","allow_values":["`+aws+`","not-in-the-prompt-1"]}`)
	text := benchPrompt()
	v, err := in.Check(&abi.Exchange{Phase: abi.PhaseRequest, RequestID: "a", Messages: []abi.Message{{Role: "user", Text: text}}})
	if err != nil || len(v.Rewrites) != 1 {
		t.Fatalf("verdict %+v, %v", v, err)
	}
	got := v.Rewrites[0].Text
	if !strings.Contains(got, aws) || strings.Contains(got, "ghp_") || strings.Count(got, "[SECRET]") != 2 {
		t.Fatalf("rewrite keeps the wrong values: %q", got)
	}
	for _, c := range []struct{ config, want string }{
		{`{"allow_values":["short"]}`, "allow_values"},
		{`{"allow_values":"` + aws + `"}`, "allow_values"},
		{`{"allow_values":[1]}`, "allow_values[0]"},
	} {
		in, err := ward.NewInstance(New())
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Configure([]byte(c.config)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("configure %s: %v, want an error about %s", c.config, err, c.want)
		}
	}
}

// FuzzSecretsRedact: the guard never panics; with redact every finding is
// replaced by [SECRET], rewritten texts stay valid UTF-8 and hold no value
// the detector found; with tokenize the restore is the identity.
func FuzzSecretsRedact(f *testing.F) {
	for _, s := range []string{
		"my token is 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 ok",
		`api_key = "q8Zr2LmX7vNc4TbW9yHs3KdF" <SECRET_1>`,
		"curl -u admin:Hq3vX9pL2mZ8rT4wY7nB6cK1 https://x.example.com",
		"postgres://user:Zx8qL2vN9pR4tW7yB@db.example.com:5432/app",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
		"é 😀 AKIAQ7XH3LMZ5RT2WPNC",
	} {
		f.Add(s)
	}
	red := configured(f, `{"default_action":"redact"}`)
	tok := configured(f, `{"default_action":"tokenize",`+testKey+`}`)
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			t.Skip()
		}
		x := &abi.Exchange{Phase: abi.PhaseRequest, RequestID: "fz", Messages: []abi.Message{{Role: "user", Text: text}}}
		v, err := red.Check(x)
		if err != nil || v.Decision != abi.Allow {
			t.Fatalf("verdict %+v, %v", v, err)
		}
		found := detect.Secrets(text, nil)
		if (len(found) > 0) != (len(v.Rewrites) == 1) {
			t.Fatalf("%d findings, %d rewrites", len(found), len(v.Rewrites))
		}
		if len(v.Rewrites) == 1 {
			out := v.Rewrites[0].Text
			if !utf8.ValidString(out) || strings.Count(out, "[SECRET]") < len(found)-strings.Count(text, "[SECRET]") {
				t.Fatalf("rewritten %q", out)
			}
		}
		w, err := tok.Check(x)
		if err != nil || w.Decision != abi.Allow {
			t.Fatalf("verdict %+v, %v", w, err)
		}
		if len(w.Rewrites) == 0 {
			return
		}
		y := &abi.Exchange{Phase: abi.PhaseResponse, RequestID: "fz", Annotations: w.Annotations,
			Response: abi.Response{Messages: []abi.Message{{Role: "assistant", Text: w.Rewrites[0].Text}}}}
		r, err := tok.Check(y)
		if err != nil || len(r.Rewrites) != 1 || r.Rewrites[0].Text != text {
			t.Fatalf("restore %+v, %v; want %q", r, err, text)
		}
	})
}
