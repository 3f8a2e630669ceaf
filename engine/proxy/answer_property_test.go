package proxy

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/exchange"
	"github.com/wardgate/ward/engine/mockllm"
	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/sdk/abi"
)

// answerGuard denies an answer that holds its marker "zz<step>q": on the
// whole answer (kinds "whole" and "chunks") and, for kind "chunks", on a
// stream's chunks (delta and window). Kind "usage" declares it reads no
// answer text (a rate limit's reconciliation) and never denies.
type answerGuard struct {
	step int
	kind string
}

func (g answerGuard) marker() string  { return "zz" + strconv.Itoa(g.step) + "q" }
func (g answerGuard) Name() string    { return "answer" + strconv.Itoa(g.step) }
func (g answerGuard) Version() string { return "1" }
func (g answerGuard) Handles(p abi.Phase) bool {
	return p == abi.PhaseResponse || p == abi.PhaseResponseChunk && g.kind == "chunks"
}
func (g answerGuard) Reads() abi.Parts {
	if g.kind == "usage" {
		return abi.ReadAnnotations | abi.ReadMessages
	}
	return abi.ReadAll
}
func (g answerGuard) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	if g.kind == "usage" {
		return nil
	}
	seen := false
	switch x.Phase {
	case abi.PhaseResponse:
		for _, m := range x.Response.Messages {
			seen = seen || strings.Contains(m.Text, g.marker())
		}
	case abi.PhaseResponseChunk:
		seen = strings.Contains(x.Chunk.Window+x.Chunk.Delta, g.marker())
	}
	if seen {
		v.Decision, v.Status, v.Code, v.Message = abi.Deny, 451, "answer.deny", "answer withheld"
	}
	return nil
}

// TestPropertyNoUncheckedAnswer builds random pipelines of answer guards
// (checking whole answers only, whole answers and chunks, or only the
// usage; enforcing or observing) and sends random requests, streamed or
// not (and streams the upstream answers whole, ignoring "stream"), of
// OpenAI chat, Anthropic and the Responses API, whose answers carry the
// markers of random guards. Whatever the route and the request:
// an answer whose text holds the marker of an enforcing guard that reads
// answers never reaches the client whole (a whole answer is refused, a
// stream is refused or stopped before the marker's last byte), and every
// other answer reaches it complete.
func TestPropertyNoUncheckedAnswer(t *testing.T) {
	seed := propertySeed(t)
	rng := rand.New(rand.NewPCG(seed, 0x2545f4914f6cdd1d))
	apis := []struct {
		api  abi.API
		path string
		body func(prompt string, stream bool) string
	}{
		{abi.APIOpenAIChat, "/v1/chat/completions", func(p string, s bool) string {
			return mustJSON(map[string]any{"model": "m", "stream": s, "messages": []map[string]any{{"role": "user", "content": p}}})
		}},
		{abi.APIAnthropicMessages, "/v1/messages", func(p string, s bool) string {
			return mustJSON(map[string]any{"model": "m", "stream": s, "max_tokens": 100, "messages": []map[string]any{{"role": "user", "content": p}}})
		}},
		{abi.APIOpenAIResponses, "/v1/responses", func(p string, s bool) string {
			return mustJSON(map[string]any{"model": "m", "stream": s, "input": p})
		}},
	}
	kinds := []string{"whole", "chunks", "usage"}
	var nRefused, nPassed, nStreams, nLate int
	for p := range 8 {
		n := 1 + rng.IntN(4)
		guards := make([]answerGuard, n)
		steps := make([]pipeline.Step, n)
		desc := make([]string, n)
		for i := range steps {
			guards[i] = answerGuard{step: i, kind: kinds[rng.IntN(len(kinds))]}
			mode := pipeline.Enforce
			if rng.IntN(4) == 0 {
				mode = pipeline.Observe
			}
			steps[i] = pipeline.Step{Guard: guards[i], Mode: mode}
			desc[i] = guards[i].kind + "/" + mode.String()
		}
		// Half of the pipelines hold streams late: their clients get the
		// headers and comments before the check (hold_keepalive), so a
		// denial is an error event, not a status.
		route, opts := oneRoute, mockllm.Options{ChunkSize: 1 + rng.IntN(5)}
		if rng.IntN(2) == 0 {
			route = strings.Replace(route, `timeout = "500ms"`, "timeout = \"500ms\"\nhold_keepalive = \"1ms\"", 1)
			opts.ChunkDelay = time.Millisecond
			desc = append(desc, "late-hold")
		}
		e := start(t, route, map[string][]pipeline.Step{"llm": steps}, opts)
		for r := range 24 {
			a := apis[rng.IntN(len(apis))]
			stream := rng.IntN(2) == 0
			prompt := "tell me " + strconv.Itoa(r)
			blocked := false
			for i := range n {
				if rng.IntN(3) == 0 {
					prompt += " " + guards[i].marker()
					blocked = blocked || steps[i].Mode == pipeline.Enforce && guards[i].kind != "usage"
				}
			}
			// Now and then the upstream ignores "stream" and answers whole.
			var hdr map[string]string
			ignores := stream && rng.IntN(3) == 0
			if ignores {
				hdr = map[string]string{mockllm.HeaderNoStream: "1"}
			}
			resp, b := post(t, e.base+a.path, a.body(prompt, stream), hdr)
			ctxt := fmt.Sprintf("pipeline %d %v, %s stream=%v upstream-ignores-stream=%v prompt %q: %d %s", p, desc, a.path, stream, ignores, prompt, resp.StatusCode, b)
			var text string
			switch {
			case resp.StatusCode != 200:
			case strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream"):
				nStreams++
				if strings.HasPrefix(string(b), keepaliveComment) {
					nLate++
				}
				text = streamText(t, a.api, b)
			default:
				var whole exchange.Response
				if err := whole.Parse(a.api, resp.StatusCode, b); err != nil {
					t.Fatalf("unreadable answer (%v): %s", err, ctxt)
				}
				for _, m := range whole.R.Messages {
					text += m.Text
				}
			}
			want := "Mock answer to: " + prompt
			if !blocked {
				nPassed++
				if resp.StatusCode != 200 || text != want {
					t.Fatalf("an answer no enforcing guard objects to did not arrive whole (text %q): %s", text, ctxt)
				}
				continue
			}
			nRefused++
			if text == want {
				t.Fatalf("an answer an enforcing guard denies reached the client whole: %s", ctxt)
			}
			for i, g := range guards {
				if steps[i].Mode == pipeline.Enforce && g.kind != "usage" && strings.Contains(text, g.marker()) {
					t.Fatalf("the client read marker %s of enforcing guard %d: %s", g.marker(), i, ctxt)
				}
			}
		}
	}
	t.Logf("%d answers passed, %d refused or stopped, %d streams (%d held late)", nPassed, nRefused, nStreams, nLate)
	if nPassed == 0 || nRefused == 0 || nStreams == 0 {
		t.Fatal("the random cases did not cover passing, refusing and streaming")
	}
}
