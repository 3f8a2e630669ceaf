package wasmhost

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// goGuest is the test Go guest (testdata/goguest) built once by TestMain.
var goGuest []byte

// cacheDir is a compilation cache shared by the tests' hosts, so that each
// module is compiled once per test run.
var cacheDir string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	// Fuzzing (FuzzValidateVerdict) needs no guest: skip the build in the
	// coordinator and in each worker process.
	flag.Parse()
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "wasmhost-goguest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	cacheDir = filepath.Join(dir, "cache")
	out := filepath.Join(dir, "goguest.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, "./testdata/goguest")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build goguest: %v\n%s", err, b)
		return 1
	}
	if goGuest, err = os.ReadFile(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", name+".wasm"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// logSink is a slog.Handler that keeps records for assertions.
type logSink struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) Handle(_ context.Context, r slog.Record) error {
	s.mu.Lock()
	s.recs = append(s.recs, r.Clone())
	s.mu.Unlock()
	return nil
}
func (s *logSink) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s *logSink) WithGroup(string) slog.Handler      { return s }

// records returns the messages logged with message msg, as attribute maps.
func (s *logSink) records(msg string) []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]string
	for _, r := range s.recs {
		if r.Message != msg {
			continue
		}
		m := map[string]string{}
		r.Attrs(func(a slog.Attr) bool {
			m[a.Key] = a.Value.String()
			return true
		})
		out = append(out, m)
	}
	return out
}

func newHost(t testing.TB) (*Host, *logSink) {
	t.Helper()
	sink := &logSink{}
	h, err := New(context.Background(), Options{Logger: slog.New(sink), CacheDir: cacheDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := h.Close(context.Background()); err != nil {
			t.Errorf("host close: %v", err)
		}
	})
	return h, sink
}

func load(t testing.TB, h *Host, s Spec) *Guard {
	t.Helper()
	g, err := h.Load(context.Background(), s)
	if err != nil {
		t.Fatalf("load %s: %v", s.Name, err)
	}
	return g
}

// exchange returns a request-phase exchange whose messages have the given
// texts (also used as response messages).
func exchange(texts ...string) *abi.Exchange {
	x := &abi.Exchange{
		Phase:     abi.PhaseRequest,
		API:       abi.APIOpenAIChat,
		RequestID: "req-1",
		Route:     "default",
		Path:      "/v1/chat/completions",
		Model:     "gpt-test",
		Headers:   []abi.KV{{Key: "x-user", Value: "alice"}},
	}
	for i, t := range texts {
		m := abi.Message{Turn: uint32(i), Role: "user", Text: t}
		x.Messages = append(x.Messages, m)
		x.Response.Messages = append(x.Response.Messages, abi.Message{Turn: uint32(i), Role: "assistant", Text: t})
	}
	x.Response.Status = 200
	return x
}

// sizedExchange returns an exchange whose binary encoding is about size
// bytes, spread over several benign messages.
func sizedExchange(size int) *abi.Exchange {
	x := exchange()
	x.Messages = append(x.Messages, abi.Message{Role: "system", Text: "You are a helpful assistant."})
	base := abi.ExchangeSize(x)
	const per = 200
	words := "The quick brown fox jumps over the lazy dog while the gateway inspects every token. "
	for i := 1; base < size; i++ {
		n := min(per, size-base)
		text := strings.Repeat(words, per/len(words)+1)[:max(n-30, 1)]
		m := abi.Message{Turn: uint32(i), Role: []string{"user", "assistant"}[i%2], Text: text}
		x.Messages = append(x.Messages, m)
		base = abi.ExchangeSize(x)
	}
	return x
}

// waitIdle waits until every instance the guard made is idle
// (replacements and growth done).
func waitIdle(t testing.TB, g *Guard) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if s := g.Stats(); s.Idle == s.Instances {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatalf("pool not replenished: %+v", g.Stats())
}
