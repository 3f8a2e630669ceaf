package extismguard

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/wardgate/ward/engine/internal/fuel"
)

// exampleWasm is the sdk/examples/extism-go guard, built once by TestMain.
var exampleWasm []byte

// misbehaveWasm is testdata/fixtures/misbehave.wat, assembled with wat2wasm
// (see the command at the top of the .wat file).
var misbehaveWasm []byte

// readinputWasm is testdata/fixtures/readinput.wat (host-overhead benchmark).
var readinputWasm []byte

// exampleFuelWasm and misbehaveFuelWasm are exampleWasm and misbehaveWasm
// instrumented with fuel (initial value DefaultStartupFuel), as wasmhost
// instruments Extism guards.
var exampleFuelWasm, misbehaveFuelWasm []byte

// testCache is a wazero compilation cache shared by the tests, so that the
// 3 MB example guard is compiled once per run rather than once per Load.
var testCache string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "extismguard-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	testCache = filepath.Join(dir, "cache")
	out := filepath.Join(dir, "extism-go.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-o", out, "../../../sdk/examples/extism-go")
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the example guard: %v\n%s", err, b)
		return 1
	}
	if exampleWasm, err = os.ReadFile(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if misbehaveWasm, err = os.ReadFile("testdata/fixtures/misbehave.wasm"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if readinputWasm, err = os.ReadFile("testdata/fixtures/readinput.wasm"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if exampleFuelWasm, err = fuel.Instrument(exampleWasm, DefaultStartupFuel); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if misbehaveFuelWasm, err = fuel.Instrument(misbehaveWasm, DefaultStartupFuel); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
