package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/conformance"
)

// TestPluginCommands drives `ward plugin` end to end on the C keyword
// example: the wiring of flags to engine/toolkit (which has its own tests).
func TestPluginCommands(t *testing.T) {
	wasm := conformance.BuildTB(t, conformance.C, "../../sdk/examples/c-keyword")
	dir := t.TempDir()
	mod := filepath.Join(dir, "keyword.wasm")
	if err := os.WriteFile(mod, wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := "../../sdk/examples/testdata/keyword-cases.json"
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plugin", "inspect", mod}, 0, "guard    keyword 1.0.0, phases request"},
		{[]string{"plugin", "inspect", mod, "--json"}, 0, `"abi": "ward/v1"`},
		{[]string{"plugin", "test", mod, "--cases", cases}, 0, "cases: 30 passed, 0 failed"},
		{[]string{"plugin", "test", "--conformance", "--cpu-budget", "1s", "--config", `{"keywords":["secret"]}`, mod}, 0, "0 failed"},
		{[]string{"plugin", "test", mod, "--conformance"}, 1, "guard_config"},
		{[]string{"plugin", "bench", mod, "--config", `{"keywords":["secret"]}`, "-n", "20"}, 0, "16KB"},
		{[]string{"plugin", "test", mod}, 2, "want --cases FILE or --conformance"},
		{[]string{"plugin", "new", "x"}, 2, "want --lang LANG NAME"},
		{[]string{"plugin", "nope"}, 2, "unknown command"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		out := stdout.String() + stderr.String()
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("ward %s = %d, want %d and %q in:\n%s", strings.Join(tc.args, " "), code, tc.code, tc.want, out)
		}
	}
}
