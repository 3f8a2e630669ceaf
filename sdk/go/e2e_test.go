package ward_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wardgate/ward/sdk/abi"
)

// guest is testdata/keepguard built for wasip1 and instantiated with
// wazero, driven through the raw exports as a host would.
type guest struct {
	t     testing.TB
	mod   api.Module
	stack [2]uint64
	buf   uint32
	size  uint32
}

func newGuest(t testing.TB) *guest {
	t.Helper()
	return newGuestOf(t, "./testdata/keepguard")
}

// newGuestOf builds the guard in pkg for wasip1 and instantiates it.
func newGuestOf(t testing.TB, pkg string) *guest {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out := filepath.Join(t.TempDir(), "keep.wasm")
	cmd := exec.Command(goCmd, "build", "-buildmode=c-shared", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, msg)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	t.Cleanup(func() { rt.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	mod, err := rt.InstantiateWithConfig(ctx, bin, wazero.NewModuleConfig().
		WithStartFunctions("_initialize").WithSysNanotime())
	if err != nil {
		t.Fatal(err)
	}
	return &guest{t: t, mod: mod}
}

// call writes in to the ward_alloc buffer (reused while it fits), calls the
// export and returns a copy of its output.
func (g *guest) call(export string, in []byte) ([]byte, error) {
	ctx := context.Background()
	if uint32(len(in)) > g.size || g.buf == 0 {
		g.stack[0] = uint64(len(in))
		if err := g.mod.ExportedFunction("ward_alloc").CallWithStack(ctx, g.stack[:]); err != nil {
			return nil, err
		}
		g.buf, g.size = uint32(g.stack[0]), uint32(len(in))
	}
	g.mod.Memory().Write(g.buf, in)
	g.stack[0], g.stack[1] = uint64(g.buf), uint64(len(in))
	if err := g.mod.ExportedFunction(export).CallWithStack(ctx, g.stack[:]); err != nil {
		return nil, err
	}
	if g.stack[0] == 0 {
		return nil, nil
	}
	b, ok := g.mod.Memory().Read(uint32(g.stack[0]>>32), uint32(g.stack[0]))
	if !ok {
		g.t.Fatalf("%s: output %#x outside memory", export, g.stack[0])
	}
	return append([]byte(nil), b...), nil
}

// requestVerdict calls ward_request with a one-message exchange of text
// and decodes the verdict, which must be there (not a plain allow).
func (g *guest) requestVerdict(text string) abi.Verdict {
	g.t.Helper()
	out, err := g.call("ward_request", request(text))
	if err != nil {
		g.t.Fatal(err)
	}
	var v abi.Verdict
	if err := abi.DecodeVerdict(out, &v); err != nil {
		g.t.Fatal(err)
	}
	return v
}

func request(text string) []byte {
	return abi.AppendExchange(nil, &abi.Exchange{Phase: abi.PhaseRequest,
		Messages: []abi.Message{{Role: "user", Text: text}}})
}

func TestGuestEndToEnd(t *testing.T) {
	g := newGuest(t)
	ctx := context.Background()
	if err := g.mod.ExportedFunction("ward_describe").CallWithStack(ctx, g.stack[:]); err != nil {
		t.Fatal(err)
	}
	raw, _ := g.mod.Memory().Read(uint32(g.stack[0]>>32), uint32(g.stack[0]))
	var d abi.Description
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("describe %q: %v", raw, err)
	}
	if want := (abi.Description{Name: "keep", Version: "0.0.1", ABI: "ward/v1", Phases: []string{"request"}}); !reflect.DeepEqual(d, want) {
		t.Fatalf("describe = %+v, want %+v", d, want)
	}
	if out, err := g.call("ward_configure", []byte(`{}`)); err != nil || out != nil {
		t.Fatalf("configure {} = %s, %v", out, err)
	}
	// Same-length texts land on the same bytes of the reused buffer.
	for _, s := range []string{"keep:aaaa", "keep:bbbb", "other:xyz", "keep:cccc"} {
		if out, err := g.call("ward_request", request(s)); err != nil || out != nil {
			t.Fatalf("request %q = %x, %v; want plain allow", s, out, err)
		}
	}
	v := g.requestVerdict("dump")
	if v.Decision != abi.Deny || v.Status != 409 || v.Message != "keep:aaaa,keep:bbbb,keep:cccc" {
		t.Fatalf("dump verdict %+v: kept strings were overwritten", v)
	}
	for _, export := range []string{"ward_response", "ward_response_chunk"} {
		if out, err := g.call(export, request("dump")); err != nil || out != nil {
			t.Fatalf("%s = %x, %v; want plain allow", export, out, err)
		}
	}
	// A guard without Configure accepts only an empty table.
	out, err := g.call("ward_configure", []byte(`{"x":1}`))
	if err != nil || !strings.Contains(string(out), `"key":"x"`) {
		t.Fatalf("configure {x:1} = %s, %v", out, err)
	}
}

// BenchmarkGuestTrivial is the whole host+guest call of a guard that does
// nothing, on a 1 KB exchange: SDK (copy, decode, dispatch) plus wazero.
func BenchmarkGuestTrivial(b *testing.B) {
	g := newGuest(b)
	if out, err := g.call("ward_configure", nil); err != nil || out != nil {
		b.Fatal(out, err)
	}
	x := &abi.Exchange{Phase: abi.PhaseRequest, API: abi.APIOpenAIChat, Model: "gpt-4o"}
	for abi.ExchangeSize(x) < 1024 {
		x.Messages = append(x.Messages, abi.Message{Role: "user", Text: strings.Repeat("lorem ipsum ", 10)})
	}
	in := abi.AppendExchange(nil, x)
	fn := g.mod.ExportedFunction("ward_request")
	ctx := context.Background()
	g.call("ward_request", in)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.mod.Memory().Write(g.buf, in)
		g.stack[0], g.stack[1] = uint64(g.buf), uint64(len(in))
		if err := fn.CallWithStack(ctx, g.stack[:]); err != nil || g.stack[0] != 0 {
			b.Fatal(err, g.stack[0])
		}
	}
}

// TestGuestGCAfterConfigure: a guard whose configure allocates enough to
// start a collection (testdata/gcguard, one 6 MB table) finds it finished at its
// first call. Inside Wasm the collector's workers run only when the
// guest's goroutine blocks and its assists only when the guest
// allocates, so without the SDK finishing it after configure the
// collection would stay open, and every later call run with write
// barriers on.
func TestGuestGCAfterConfigure(t *testing.T) {
	g := newGuestOf(t, "./testdata/gcguard")
	if out, err := g.call("ward_configure", []byte(`{}`)); err != nil || out != nil {
		t.Fatalf("configure = %s, %v", out, err)
	}
	for i := 0; i < 3; i++ {
		v := g.requestVerdict("x")
		if v.Message == "gc=0" || !strings.HasPrefix(v.Message, "gc=") {
			t.Fatalf("call %d: %q: the collection configure started has not finished", i, v.Message)
		}
	}
}
