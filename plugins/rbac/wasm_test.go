package rbac

import (
	"reflect"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// This file drives the guard built with GOOS=wasip1 through
// sdk/go/guesttest, a native-ABI harness: the golden cases must give the
// same verdicts inside WebAssembly as through ward.Instance.

// newWasmGuard instantiates the guard (built once per test binary) with a
// real monotonic clock and, when wall is non-zero, a wall clock fixed at
// wall (what granting "clock" gives a guard, frozen for the test).
// Otherwise the guest sees wazero's fake wall clock.
func newWasmGuard(tb testing.TB, wall time.Time) *guesttest.Guest {
	tb.Helper()
	cfg := wazero.NewModuleConfig().WithSysNanotime()
	if !wall.IsZero() {
		cfg = cfg.WithWalltime(func() (int64, int32) {
			return wall.Unix(), int32(wall.Nanosecond())
		}, sys.ClockResolution(time.Microsecond))
	}
	return guesttest.New(tb, guesttest.Build(tb, "./module"), cfg)
}

func TestWasmDescribe(t *testing.T) {
	d, err := newWasmGuard(t, time.Time{}).Describe()
	if err != nil {
		t.Fatal(err)
	}
	guard := New()
	if want := guard.Description(); !reflect.DeepEqual(d, want) {
		t.Fatalf("describe = %+v, want %+v", d, want)
	}
}

// TestWasmGolden runs testdata/cases.json through the real module.
func TestWasmGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			var wall time.Time
			if c.Now != "" {
				var err error
				if wall, err = time.Parse(time.RFC3339, c.Now); err != nil {
					t.Fatal(err)
				}
			}
			guesttest.RunCase(t, newWasmGuard(t, wall), c)
		})
	}
}

// TestWasmFakeClock documents why time windows need the "clock" grant:
// without it the guest's wall clock is wazero's fake one (2022-01-01, a
// Saturday, 00:00 UTC), so a weekday window denies.
func TestWasmFakeClock(t *testing.T) {
	g := newWasmGuard(t, time.Time{})
	if err := g.Configure([]byte(`{"roles":[{"name":"w","weekdays":["mon","tue","wed","thu","fri"]}]}`)); err != nil {
		t.Fatalf("ward_configure: %v", err)
	}
	x := &abi.Exchange{Phase: abi.PhaseRequest, Annotations: []abi.KV{{Key: "identity.roles", Value: "w"}}}
	var v abi.Verdict
	if err := g.Check(x, &v); err != nil {
		t.Fatal(err)
	}
	if want := []string{"w: weekday sat not allowed"}; v.Decision != abi.Deny || !reflect.DeepEqual(v.Reasons, want) {
		t.Fatalf("verdict %+v, want deny %q", v, want)
	}
}

// BenchmarkWasmRequest is the whole host+guest call of an allowed request
// whose subject has three roles, the first two failing.
func BenchmarkWasmRequest(b *testing.B) {
	g := newWasmGuard(b, time.Time{})
	if err := g.Configure([]byte(testConfig)); err != nil {
		b.Fatalf("ward_configure: %v", err)
	}
	in := abi.AppendExchange(nil, request("tokens_req,notools,ips", func(x *abi.Exchange) {
		x.Tools = []abi.Tool{{Name: "search"}}
	}))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	var v abi.Verdict
	for i := 0; i < b.N; i++ {
		out, err := g.Call("ward_request", in)
		if err != nil {
			b.Fatal(err)
		}
		if err := abi.DecodeVerdict(out, &v); err != nil || v.Decision != abi.Allow || v.Annotations[0].Value != "ips" {
			b.Fatalf("verdict %+v, %v", v, err)
		}
	}
}
