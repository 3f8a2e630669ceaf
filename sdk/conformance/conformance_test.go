package conformance

import (
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// TestCatches runs the suite's checks against a guard that breaks one
// expectation at a time and requires each break to be reported, naming the
// host's fault, on the case that provokes it.
func TestCatches(t *testing.T) {
	wasm := BuildTB(t, C, "testdata/misbehave")
	t.Run("ok", func(t *testing.T) {
		Run(t, wasm, Options{Config: []byte(`{"mode":"ok"}`)})
	})
	for _, tc := range []struct {
		mode, onCase, want string
	}{
		{"bad_status", "typical chat", "deny with status 200"},
		{"trap_many", "many messages", "guard_trap"},
		{"flaky", "typical chat", "two different verdicts"},
		{"bad_header", "typical chat", "invalid header name"},
		{"bad_rewrite", "typical chat", "out of range"},
		{"bad_score", "empty", "outside [0,1]"},
		{"hold_not_suffix", "chunk first delta", "not a suffix"},
		{"hog", "huge message", "guard_oom"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			g := guesttest.New(t, wasm, nil)
			if err := Setup(g, Options{Config: []byte(`{"mode":"` + tc.mode + `"}`)}); err != nil {
				t.Fatal(err)
			}
			var found bool
			for _, c := range Corpus() {
				if c.Name != tc.onCase {
					continue
				}
				found = true
				err := Check(g, c, Options{})
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Check(%s) = %v, want an error containing %q", c.Name, err, tc.want)
				}
			}
			if !found {
				t.Fatalf("no corpus case %q", tc.onCase)
			}
		})
	}
}

func TestCheckDescription(t *testing.T) {
	good := abi.Description{Name: "g", Version: "1", ABI: abi.Version, Phases: []string{"request", "response_chunk"}}
	if err := CheckDescription(good); err != nil {
		t.Fatal(err)
	}
	if reads := (abi.Description{Name: "g", Version: "1", ABI: abi.Version, Phases: []string{"request"}, Reads: []string{"headers", "chunk"}}); CheckDescription(reads) != nil {
		t.Fatalf("reads refused: %v", CheckDescription(reads))
	}
	for name, mutate := range map[string]func(*abi.Description){
		"abi":        func(d *abi.Description) { d.ABI = "ward/v2" },
		"no name":    func(d *abi.Description) { d.Name = "" },
		"padded":     func(d *abi.Description) { d.Name = " g" },
		"no version": func(d *abi.Description) { d.Version = "" },
		"no phases":  func(d *abi.Description) { d.Phases = nil },
		"unknown":    func(d *abi.Description) { d.Phases = []string{"reqest"} },
		"twice":      func(d *abi.Description) { d.Phases = []string{"request", "request"} },
		"bad reads":  func(d *abi.Description) { d.Reads = []string{"messages", "header"} },
		"no reads":   func(d *abi.Description) { d.Reads = []string{} },
	} {
		d := good
		mutate(&d)
		if CheckDescription(d) == nil {
			t.Errorf("%s: accepted %+v", name, d)
		}
	}
}

// TestCorpus pins the shapes the suite promises guard authors.
func TestCorpus(t *testing.T) {
	names := map[string]bool{}
	phases := map[abi.Phase]bool{}
	var huge, many, nonUTF8, multipart bool
	for _, c := range Corpus() {
		if names[c.Name] {
			t.Errorf("case %q twice", c.Name)
		}
		names[c.Name] = true
		for _, p := range c.Phases {
			phases[p] = true
		}
		x := &c.Exchange
		for _, m := range x.Messages {
			huge = huge || len(m.Text) >= HugeText
			nonUTF8 = nonUTF8 || !utf8.ValidString(m.Text)
		}
		many = many || len(x.Messages) >= ManyMessages
		if len(x.Messages) > 1 && x.Messages[0].Turn == x.Messages[1].Turn {
			multipart = true
		}
		// Every case must encode and decode to itself: the corpus is
		// made of exchanges the host can send.
		var back abi.Exchange
		if err := abi.DecodeExchange(abi.AppendExchange(nil, x), &back); err != nil {
			t.Errorf("%s: %v", c.Name, err)
		}
	}
	if !huge || !many || !multipart || len(phases) != 3 || !nonUTF8 || !names["empty"] || !names["unusual roles"] {
		t.Fatalf("corpus lacks a promised shape: huge %v many %v multipart %v non-UTF-8 %v phases %v", huge, many, multipart, nonUTF8, phases)
	}
}

// TestCallTimeBound: a call over MaxCallTime is reported as guard_timeout
// (every call takes more than a nanosecond).
func TestCallTimeBound(t *testing.T) {
	g := guesttest.New(t, BuildTB(t, C, "testdata/misbehave"), nil)
	if err := Setup(g, Options{Config: []byte(`{"mode":"ok"}`)}); err != nil {
		t.Fatal(err)
	}
	for _, c := range Corpus() {
		if c.Name == "typical chat" {
			if err := Check(g, c, Options{MaxCallTime: time.Nanosecond}); err == nil || !strings.Contains(err.Error(), "guard_timeout") {
				t.Fatalf("Check(%s) = %v, want guard_timeout", c.Name, err)
			}
			return
		}
	}
	t.Fatal("no corpus case \"typical chat\"")
}

// TestCatchesReadsLie: a guard that declares "reads":["messages"] and yet
// acts on the headers (testdata/fixtures/readslie.wat, as a guest SDK that
// does not empty the parts outside its reads would let it) is reported on
// an exchange with headers, and passes one without.
func TestCatchesReadsLie(t *testing.T) {
	wasm, err := os.ReadFile("testdata/fixtures/readslie.wasm")
	if err != nil {
		t.Fatal(err)
	}
	g := guesttest.New(t, wasm, nil)
	if err := Setup(g, Options{}); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{"many headers, annotations and tools": "the SDK must empty the parts a guard does not read", "typical chat": ""}
	for _, c := range Corpus() {
		want, ok := cases[c.Name]
		if !ok {
			continue
		}
		delete(cases, c.Name)
		err := Check(g, c, Options{})
		if want == "" && err != nil {
			t.Errorf("Check(%s) = %v", c.Name, err)
		}
		if want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("Check(%s) = %v, want an error containing %q", c.Name, err, want)
		}
	}
	if len(cases) != 0 {
		t.Fatalf("no corpus cases %v", cases)
	}
}
