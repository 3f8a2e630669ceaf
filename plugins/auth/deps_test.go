package auth

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestGuestDepsStayLean: the guard reads keys without crypto/x509 and JSON
// without encoding/json (keys.go, token/payload.go); either import would
// bring back about 1.8 MB of Wasm code, compiled to several times that in
// the host's memory.
func TestGuestDepsStayLean(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command(goCmd, "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		switch pkg {
		case "crypto/x509", "encoding/asn1", "encoding/json", "encoding/hex", "crypto/ecdsa", "crypto/rsa", "net", "net/url":
			t.Errorf("the auth guard depends on %s", pkg)
		}
	}
}
