package guesttest_test

import (
	"errors"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// The denylist plugin is a real Go guard: these tests run it through the
// harness once for each path the harness decodes.
const denylistDir = "../../../plugins/denylist/module"

func TestGuest(t *testing.T) {
	wasm := guesttest.Build(t, denylistDir)
	if again := guesttest.Build(t, denylistDir); &again[0] != &wasm[0] {
		t.Fatal("Build did not reuse the module built for the same directory")
	}
	g := guesttest.New(t, wasm, nil)
	d, err := g.Describe()
	if err != nil || d.Name != "denylist" || d.ABI != "ward/v1" {
		t.Fatalf("Describe = %+v, %v", d, err)
	}

	var ce *guesttest.ConfigError
	if err := g.Configure([]byte(`{"phrases":[""]}`)); !errors.As(err, &ce) || ce.Key == "" || ce.Msg == "" {
		t.Fatalf("Configure(empty phrase) = %v, want a *ConfigError naming a key", err)
	}

	g = guesttest.New(t, wasm, nil)
	if err := g.Configure([]byte(`{"phrases":["secret"]}`)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		want abi.Decision
	}{
		{"hello", abi.Allow},
		{"the secret word", abi.Deny},
	} {
		x := &abi.Exchange{Phase: abi.PhaseRequest, Messages: []abi.Message{{Role: "user", Text: c.text}}}
		var v abi.Verdict
		if err := g.Check(x, &v); err != nil || v.Decision != c.want {
			t.Fatalf("Check(%q) = %+v, %v; want %v", c.text, v, err, c.want)
		}
	}
	if _, err := g.Call("ward_nope", nil); err == nil {
		t.Fatal("Call of a missing export succeeded")
	}
	if err := g.Check(&abi.Exchange{Phase: 9}, new(abi.Verdict)); err == nil {
		t.Fatal("Check of an unknown phase succeeded")
	}
}
