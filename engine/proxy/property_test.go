package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/pipeline"
	"github.com/wardgate/ward/engine/wasmhost"
	"github.com/wardgate/ward/sdk/abi"
)

// stepSeen is what one pipeline step did with one request.
type stepSeen struct {
	step int
	deny bool
	err  bool
}

// seenLog records, per request id, the steps that checked it, in order.
type seenLog struct {
	mu  sync.Mutex
	ids map[string][]stepSeen
}

func (l *seenLog) add(id string, s stepSeen) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids[strings.Clone(id)] = append(l.ids[strings.Clone(id)], s)
}

func (l *seenLog) get(id string) []stepSeen {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ids[id]
}

// recordingGuard wraps the guard of one pipeline step and logs its result.
type recordingGuard struct {
	pipeline.Guard
	step int
	log  *seenLog
}

// Handles keeps the wrapped guard to the request phase (the Wasm
// fixtures also handle answers).
func (g *recordingGuard) Handles(p abi.Phase) bool {
	return p == abi.PhaseRequest && g.Guard.Handles(p)
}

func (g *recordingGuard) Check(ctx context.Context, x *abi.Exchange, v *abi.Verdict) error {
	err := g.Guard.Check(ctx, x, v)
	g.log.add(x.RequestID, stepSeen{step: g.step, deny: err == nil && v.Decision == abi.Deny, err: err != nil})
	return err
}

// scriptGuard follows the request's script: the first message starts
// with "script:" and one action per step, comma-separated: a (allow),
// d (deny), f (fault), r (rewrite: append " +s<step>" to the first
// message).
type scriptGuard struct{ step int }

func (scriptGuard) Name() string             { return "script" }
func (scriptGuard) Version() string          { return "1" }
func (scriptGuard) Handles(p abi.Phase) bool { return p == abi.PhaseRequest }
func (g scriptGuard) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	v.Reset()
	if len(x.Messages) == 0 {
		return faultErr{}
	}
	text := x.Messages[0].Text
	script, _, _ := strings.Cut(strings.TrimPrefix(text, "script:"), " ")
	acts := strings.Split(script, ",")
	if g.step >= len(acts) {
		return faultErr{}
	}
	switch acts[g.step] {
	case "d":
		v.Decision, v.Status, v.Code, v.Message = abi.Deny, 403, "script.deny", "denied by script"
	case "f":
		return faultErr{}
	case "r":
		v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 0, Text: text + " +s" + strconv.Itoa(g.step)})
	}
	return nil
}

// TestPropertyNothingUnguardedReachesUpstream builds random pipelines of
// request guards (scripted in-process guards, and real Wasm guards: one
// that returns valid, malformed and out-of-range verdicts chosen by
// max_tokens, one that traps), with random modes and failure policies,
// and sends random requests. A model of the pipeline predicts, from what
// each guard actually returned, which guards must run, whether the
// request is forwarded, its status and its rewrites; the recording
// upstream and the guards' logs must agree with it. In particular no
// request reaches the upstream unless every enforcing guard ran on it
// and allowed it (or faulted with on_error = allow).
func TestPropertyNothingUnguardedReachesUpstream(t *testing.T) {
	seed := propertySeed(t)
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))

	ctx := context.Background()
	host, err := wasmhost.New(ctx, wasmhost.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close(ctx)
	load := func(name string) pipeline.Guard {
		b, err := os.ReadFile("../wasmhost/testdata/fixtures/" + name + ".wasm")
		if err != nil {
			t.Fatal(err)
		}
		g, err := host.Load(ctx, wasmhost.Spec{Name: name, Wasm: b, PoolSize: 2, MemoryLimit: 4 << 20, MaxOutput: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { g.Close(ctx) })
		return g
	}
	verdicts, trap := load("verdicts"), load("trap")

	up := newRecordingUpstream(t)
	const pipelines, requests = 12, 40
	var nForwarded, nBlocked, nFaultOpen int
	actions := []string{"a", "a", "a", "d", "f", "r", "r"}
	for p := range pipelines {
		log := &seenLog{ids: map[string][]stepSeen{}}
		n := 1 + rng.IntN(5)
		steps := make([]pipeline.Step, n)
		desc := make([]string, n)
		for i := range steps {
			var g pipeline.Guard
			switch k := rng.IntN(10); {
			case k < 6:
				g = scriptGuard{step: i}
			case k < 9:
				g = verdicts
			default:
				g = trap
			}
			mode := pipeline.Enforce
			if rng.IntN(3) == 0 {
				mode = pipeline.Observe
			}
			steps[i] = pipeline.Step{Guard: &recordingGuard{Guard: g, step: i, log: log}, Mode: mode, FailOpen: rng.IntN(2) == 0}
			desc[i] = fmt.Sprintf("%s/%s/failopen=%v", g.Name(), mode, steps[i].FailOpen)
		}
		base, _ := startWard(t, "http://"+up.ln.Addr().String(), "", `
[[routes]]
name = "llm"
prefix = "/v1/"
upstream = "{{UP}}"
unknown_paths = "refuse"
timeout = "5s"
`, map[string][]pipeline.Step{"llm": steps})

		type sent struct {
			id     string
			script []string
			res    result
		}
		out := make([]sent, requests)
		for r := range out {
			script := make([]string, n)
			for i := range script {
				script[i] = actions[rng.IntN(len(actions))]
			}
			out[r] = sent{id: fmt.Sprintf("p%d-r%d-%d", p, r, seed%1000), script: script}
		}
		bodies := make([]string, requests)
		paths := make([]string, requests)
		for r := range out {
			first := "script:" + strings.Join(out[r].script, ",") + " hello"
			msgs := []map[string]any{{"role": "user", "content": first}}
			for range rng.IntN(3) {
				msgs = append(msgs, map[string]any{"role": "user", "content": "more text " + strconv.Itoa(rng.IntN(1000))})
			}
			body := map[string]any{"model": "m", "messages": msgs, "max_tokens": rng.IntN(10)}
			if rng.IntN(4) == 0 {
				body["stream"] = true
			}
			paths[r] = "/v1/chat/completions"
			if rng.IntN(2) == 0 {
				paths[r] = "/v1/messages"
			}
			bodies[r] = mustJSON(body)
		}
		var wg sync.WaitGroup
		sem := make(chan struct{}, 4)
		for r := range out {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				out[r].res = sendID(base, paths[r], bodies[r], out[r].id)
			}()
		}
		wg.Wait()

		arrived := map[string]upReq{}
		for _, u := range up.received() {
			if _, dup := arrived[u.id]; dup && strings.HasPrefix(u.id, fmt.Sprintf("p%d-", p)) {
				t.Errorf("request %s reached the upstream twice", u.id)
			}
			arrived[u.id] = u
		}
		for _, s := range out {
			seen := log.get(s.id)
			ctxt := fmt.Sprintf("pipeline %d %v, request %s script %v: guards %+v, answer %d %s", p, desc, s.id, s.script, seen, s.res.status, s.res.body)
			// The model: run the steps over what each guard returned.
			blocked, status, j := false, 200, 0
			var markers, absent []string
			for i, st := range steps {
				if blocked {
					break
				}
				if j >= len(seen) || seen[j].step != i {
					t.Fatalf("step %d did not check the request: %s", i, ctxt)
				}
				r := seen[j]
				j++
				_, isScript := st.Guard.(*recordingGuard).Guard.(scriptGuard)
				rewrote := isScript && !r.err && !r.deny && s.script[i] == "r"
				if st.Mode == pipeline.Observe {
					if rewrote {
						absent = append(absent, " +s"+strconv.Itoa(i))
					}
					continue
				}
				switch {
				case r.deny:
					blocked, status = true, 0 // the guard's status
				case r.err && !st.FailOpen:
					blocked, status = true, 503
				case r.err:
					nFaultOpen++
				case rewrote:
					markers = append(markers, " +s"+strconv.Itoa(i))
				}
			}
			if j != len(seen) {
				t.Fatalf("guards checked the request after it was blocked: %s", ctxt)
			}
			u, forwarded := arrived[s.id]
			if blocked {
				nBlocked++
			} else {
				nForwarded++
			}
			switch {
			case blocked && forwarded:
				t.Fatalf("a blocked request reached the upstream: %s", ctxt)
			case !blocked && !forwarded:
				t.Fatalf("an allowed request did not reach the upstream: %s", ctxt)
			case blocked && (s.res.status < 400 || status != 0 && s.res.status != status):
				t.Fatalf("blocked request answered %d, want %d: %s", s.res.status, status, ctxt)
			case !blocked && s.res.status != 200:
				t.Fatalf("allowed request answered %d: %s", s.res.status, ctxt)
			}
			if forwarded {
				if len(u.texts) == 0 {
					t.Fatalf("upstream got no messages: %s", ctxt)
				}
				got := u.texts[0]
				want := "script:" + strings.Join(s.script, ",") + " hello" + strings.Join(markers, "")
				if got != want {
					t.Fatalf("upstream got %q, want %q (observe rewrites %v must not apply): %s", got, want, absent, ctxt)
				}
			}
		}
	}
	t.Logf("%d requests forwarded, %d blocked, %d fail-open faults passed", nForwarded, nBlocked, nFaultOpen)
	if nForwarded == 0 || nBlocked == 0 || nFaultOpen == 0 {
		t.Fatal("the random cases did not cover forwarding, blocking and fail-open faults")
	}
}

// propertySeed is a property test's random seed: the time, or
// WARD_PROPERTY_SEED to replay a logged run.
func propertySeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("WARD_PROPERTY_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (WARD_PROPERTY_SEED to replay)", seed)
	return seed
}

func sendID(base, path, body, id string) result {
	return sendWith(base, path, body, map[string]string{"X-Request-Id": id})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
