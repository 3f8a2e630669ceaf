package pii

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/abi"
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
	if d.Name != "pii" || d.ABI != abi.Version || !reflect.DeepEqual(d.Phases, []string{"request", "response", "response_chunk"}) {
		t.Fatalf("description %+v", d)
	}
	for _, k := range []string{"actions", "default_action", "min_confidence", "mask_keep", "tokenize_key"} {
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

// roundTrip tokenizes texts in a request, then feeds the rewritten texts
// back as the answer and returns the restored answer texts.
func roundTrip(tb testing.TB, in *ward.Instance, texts []string) (rewritten, restored []string) {
	tb.Helper()
	x := &abi.Exchange{Phase: abi.PhaseRequest, RequestID: "rt-1"}
	for _, s := range texts {
		x.Messages = append(x.Messages, abi.Message{Role: "user", Text: s})
	}
	v, err := in.Check(x)
	if err != nil {
		tb.Fatal(err)
	}
	if v.Decision != abi.Allow {
		tb.Fatalf("verdict %+v", v)
	}
	rewritten = append([]string(nil), texts...)
	for _, rw := range v.Rewrites {
		rewritten[rw.Index] = rw.Text
	}
	y := &abi.Exchange{Phase: abi.PhaseResponse, RequestID: "rt-1", Annotations: v.Annotations}
	for _, s := range rewritten {
		y.Response.Messages = append(y.Response.Messages, abi.Message{Role: "assistant", Text: s})
	}
	w, err := in.Check(y)
	if err != nil {
		tb.Fatal(err)
	}
	restored = append([]string(nil), rewritten...)
	for _, rw := range w.Rewrites {
		restored[rw.Index] = rw.Text
	}
	// Streamed, in deltas of 1 to 7 bytes, each answer restores the same.
	for i, s := range rewritten {
		for size := 1; size <= 7; size += 3 {
			y := &abi.Exchange{RequestID: "rt-1", Annotations: v.Annotations}
			if got := guesttest.Stream(tb, guesttest.Native(in), y, guesttest.Pieces(s, size)).Text; got != restored[i] {
				tb.Fatalf("streamed in %d-byte deltas %q\n    whole %q", size, got, restored[i])
			}
		}
	}
	return rewritten, restored
}

func TestRoundTrip(t *testing.T) {
	in := configured(t, `{"default_action":"tokenize",`+testKey+`}`)
	texts := []string{
		"Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, jane@example.com, +44 20 7946 0958",
		"again jane@example.com and <EMAIL_1> typed by the user",
		"nothing here",
	}
	rewritten, restored := roundTrip(t, in, texts)
	if !reflect.DeepEqual(restored, texts) {
		t.Fatalf("restored %q\nwant %q", restored, texts)
	}
	for _, s := range rewritten {
		if strings.Contains(s, "jane@example.com") || strings.Contains(s, "4111") {
			t.Fatalf("value left in %q", s)
		}
	}
	if !strings.Contains(rewritten[1], "<EMAIL_1>") || !strings.Contains(rewritten[1], "<EMAIL_1_a>") {
		t.Fatalf("want the user's <EMAIL_1> kept and the value tagged: %q", rewritten[1])
	}
}

// FuzzPIIRoundTrip: the guard never panics, every rewritten text is valid
// UTF-8 (for valid input), and tokenize-then-restore is the identity.
func FuzzPIIRoundTrip(f *testing.F) {
	for _, s := range []string{
		"mail jane@example.com, card 4111 1111 1111 1111, ssn 536221234",
		"<EMAIL_1> <EMAIL_1_a> jane@example.com <EMAIL_1_b",
		"call +1 415 555 0132 or +1 (415) 555-0132; IBAN GB82 WEST 1234 5698 7654 32",
		"ip 2001:db8::1 mac 00:1A:2B:3C:4D:5E born on 1980-02-29",
		"é jane@exämple.com 😀 <PHONE_99999>",
	} {
		f.Add(s, "second jane@example.com")
	}
	in := configured(f, `{"default_action":"tokenize",`+testKey+`}`)
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			t.Skip()
		}
		texts := []string{a, b}
		rewritten, restored := roundTrip(t, in, texts)
		for _, s := range rewritten {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		if !reflect.DeepEqual(restored, texts) {
			t.Fatalf("restored %q\n    want %q\nrewritten %q", restored, texts, rewritten)
		}
	})
}
