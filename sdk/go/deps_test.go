package ward_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestGuestDepsStayLean: a guard module that imports the SDK must not link
// fmt, encoding/json, os, net, math/big or any crypto package. Each one
// links its package initialisation, and with it code, into every guard
// (the SDK once cost a do-nothing guard 1.5 MB of Wasm code this way; see
// README.md, "Small modules").
func TestGuestDepsStayLean(t *testing.T) {
	for _, pkg := range wasip1Deps(t, "./testdata/nopguard") {
		switch {
		case pkg == "fmt", pkg == "encoding/json", pkg == "os", pkg == "net", pkg == "math/big",
			strings.HasPrefix(pkg, "crypto/"):
			t.Errorf("a guard importing the SDK depends on %s", pkg)
		}
	}
}

// wasip1Deps lists the packages pkg depends on when built for wasip1.
func wasip1Deps(t *testing.T, pkg string) []string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command(goCmd, "list", "-deps", pkg)
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}
