// Package conformance is the suite every Ward guard must pass, whatever
// language and SDK it is written in: a corpus of exchanges (Corpus) and the
// behaviour the host expects of a native (ward/v1) guard on each of them
// (Run): a well-formed description, the config it is given accepted, and
// for every exchange in every phase a valid verdict or a plain allow,
// without a trap, within the host's default limits, the same on a repeated
// call.
//
// It drives the module through sdk/go/guesttest (wazero, WASI preview 1,
// the host's calling convention), never through the engine, so guard
// authors can run it in their own tests:
//
//	func TestConformance(t *testing.T) {
//		wasm, _ := os.ReadFile("guard.wasm")
//		conformance.Run(t, wasm, conformance.Options{Config: []byte(`{"keywords":["x"]}`)})
//	}
package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// Defaults of Options, the host's defaults (engine/wasmhost).
const (
	DefaultMaxMemory   = 64 << 20 // bytes of linear memory per instance
	DefaultMaxOutput   = 1 << 20  // bytes of verdict per call
	DefaultMaxCallTime = 5 * time.Second
)

// Options configure Run.
type Options struct {
	// Config is the guard's config table as JSON (nil: "{}"); it must be
	// accepted.
	Config []byte
	// MaxMemory bounds the instance's linear memory after any call;
	// 0 means DefaultMaxMemory.
	MaxMemory uint32
	// MaxOutput bounds a verdict's size; 0 means DefaultMaxOutput.
	MaxOutput int
	// MaxCallTime bounds the wall time of one call. The host stops a call
	// at twice its CPU budget (50 ms by default) and counts fuel, not time;
	// guesttest has no fuel, and test machines are shared (a 2 MiB call
	// of the Go guard took 1.1 s while other packages compiled), so the
	// default is lax: it catches a guard that is slow by orders of
	// magnitude. Run the guard through `ward plugin test --conformance`
	// for the host's real bound. 0 means DefaultMaxCallTime.
	MaxCallTime time.Duration

	// reads are the parts of the exchange the guard described ("reads"):
	// Run sends it only those, as the host does. Zero: every part.
	reads abi.Parts
}

var phaseExports = map[abi.Phase]string{
	abi.PhaseRequest:       "ward_request",
	abi.PhaseResponse:      "ward_response",
	abi.PhaseResponseChunk: "ward_response_chunk",
}

// Run checks wasm against the whole suite, one subtest per corpus case,
// on one instance (the host reuses instances, so state left by a call must
// not break the next). Phases the guard does not describe are called too,
// since the SDKs export every handler: they must answer with a valid
// verdict or a plain allow as well.
func Run(t *testing.T, wasm []byte, o Options) {
	t.Helper()
	o = o.withDefaults()
	g := guesttest.New(t, wasm, nil)
	if err := Setup(g, o); err != nil {
		t.Fatal(err)
	}
	d, err := g.Describe()
	if err != nil {
		t.Fatal(err)
	}
	o.reads, _ = abi.ParseReads(d.Reads) // checked by Setup
	for _, c := range Corpus() {
		t.Run(c.Name, func(t *testing.T) {
			if err := Check(g, c, o); err != nil {
				t.Error(err)
			}
		})
	}
}

func (o Options) withDefaults() Options {
	if o.Config == nil {
		o.Config = []byte("{}")
	}
	if o.MaxMemory == 0 {
		o.MaxMemory = DefaultMaxMemory
	}
	if o.MaxOutput == 0 {
		o.MaxOutput = DefaultMaxOutput
	}
	if o.MaxCallTime == 0 {
		o.MaxCallTime = DefaultMaxCallTime
	}
	return o
}

// Setup describes and configures a fresh instance g as the host does
// before any handler call, checking the description (CheckDescription),
// that o.Config is accepted, and that the description does not change.
func Setup(g *guesttest.Guest, o Options) error {
	o = o.withDefaults()
	d, err := g.Describe()
	if err != nil {
		return err
	}
	if err := CheckDescription(d); err != nil {
		return err
	}
	if err := g.Configure(o.Config); err != nil {
		return fmt.Errorf("configure %s: %w", o.Config, err)
	}
	if d2, err := g.Describe(); err != nil || !sameDescription(d, d2) {
		return fmt.Errorf("description changed after configure: %+v, %v", d2, err)
	}
	return nil
}

// Check sends c's exchange to g (set up with Setup) in each of c's phases,
// twice, and returns the first way the answers break the host's
// expectations: a trap, a call over o.MaxCallTime, memory over
// o.MaxMemory, a verdict over o.MaxOutput, malformed or invalid
// (abi.ValidateVerdict), or two different answers to the same exchange
// (for a guard that declares "reads": with only those parts, as the host
// sends it, and with every part, as a host older than "reads" does).
func Check(g *guesttest.Guest, c Case, o Options) error {
	o = o.withDefaults()
	if o.reads == 0 {
		d, err := g.Describe()
		if err != nil {
			return err
		}
		if o.reads, err = abi.ParseReads(d.Reads); err != nil {
			return fmt.Errorf("description: %w", err)
		}
	}
	for _, p := range c.Phases {
		x := c.Exchange
		x.Phase = p
		if err := check(g, &x, o); err != nil {
			return fmt.Errorf("phase %s: %w", p, err)
		}
	}
	return nil
}

func sameDescription(a, b abi.Description) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// CheckDescription checks what the host checks of ward_describe's answer.
func CheckDescription(d abi.Description) error {
	if d.ABI != abi.Version {
		return fmt.Errorf("description: abi %q, want %q", d.ABI, abi.Version)
	}
	if d.Name == "" || strings.TrimSpace(d.Name) != d.Name || d.Version == "" {
		return fmt.Errorf("description: name %q and version %q are required (no padding)", d.Name, d.Version)
	}
	if len(d.Phases) == 0 {
		return fmt.Errorf("description: no phases")
	}
	seen := map[abi.Phase]bool{}
	for _, name := range d.Phases {
		p, ok := abi.ParsePhase(name)
		if !ok {
			return fmt.Errorf("description: unknown phase %q", name)
		}
		if seen[p] {
			return fmt.Errorf("description: phase %q listed twice", name)
		}
		seen[p] = true
	}
	if _, err := abi.ParseReads(d.Reads); err != nil {
		return fmt.Errorf("description: %w", err)
	}
	return nil
}

// check sends x to the handler of its phase twice and checks the answers.
// A guard that declares reads gets only those parts the first time, as
// the host sends them, and every part the second, as a host older than
// "reads" does: its SDK must empty the others itself, so the answers must
// be the same.
func check(g *guesttest.Guest, x *abi.Exchange, o Options) error {
	parts := o.reads.Effective() != abi.ReadAll
	var first, in []byte
	for i := range 2 {
		in = abi.AppendExchangeParts(in[:0], x, o.reads)
		if i == 1 && parts {
			in = abi.AppendExchange(in[:0], x)
		}
		t0 := time.Now()
		out, err := g.Call(phaseExports[x.Phase], in)
		took := time.Since(t0)
		if err != nil {
			return fmt.Errorf("trap or bad output (guard_trap/bad_verdict): %w", err)
		}
		// The memory bound before the time bound: a call that breaks both
		// (a guard that fills 80 MiB is slow on a loaded machine) is then
		// reported the same way every time, by the fault that does not
		// depend on the machine.
		if mem := g.Module().Memory().Size(); mem > o.MaxMemory {
			return fmt.Errorf("memory grew to %d bytes (limit %d): guard_oom", mem, o.MaxMemory)
		}
		if took > o.MaxCallTime {
			return fmt.Errorf("call took %v (limit %v): guard_timeout", took, o.MaxCallTime)
		}
		if len(out) > o.MaxOutput {
			return fmt.Errorf("verdict of %d bytes (limit %d): bad_verdict", len(out), o.MaxOutput)
		}
		var v abi.Verdict
		if err := abi.DecodeVerdict(out, &v); err != nil {
			return fmt.Errorf("verdict %.64x: %w: bad_verdict", out, err)
		}
		if err := abi.ValidateVerdict(x, &v); err != nil {
			return fmt.Errorf("%w: bad_verdict", err)
		}
		if i == 0 {
			first = bytes.Clone(out)
		} else if !bytes.Equal(first, out) {
			if parts {
				return fmt.Errorf("reads %v: the exchange with only those parts and with every part (as a host older than \"reads\" sends it) got two different verdicts: %x then %x (the SDK must empty the parts a guard does not read)", o.reads.Names(), first, out)
			}
			return fmt.Errorf("the same exchange got two different verdicts: %x then %x", first, out)
		}
	}
	return nil
}
