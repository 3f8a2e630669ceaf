package ward

import (
	"errors"
	"sort"
	"strconv"
	"strings"

	"github.com/wardgate/ward/sdk/abi"
)

// Handler checks one exchange in one phase and records its decision in v.
//
// x and v are valid only until the handler returns: their slices are reused
// by the next call. The strings in x are backed by a private copy of the
// host's input that is never overwritten, so a handler may keep a string
// (not a slice of x) past the call; with Guard.ZeroCopy they are not, and
// must be cloned to be kept.
type Handler func(x *Exchange, v *Verdict)

// Guard describes a guard program. Name and Version identify it in errors,
// audit records and metrics; at least one handler must be set. Phases
// without a handler are not listed in the description, so the host never
// calls them.
type Guard struct {
	Name    string
	Version string

	// ConfigSchema documents the config table: key -> short description
	// of its type, default and meaning. It is informative; validation is
	// Configure's job. When set, "unknown key" errors list its keys.
	ConfigSchema map[string]string

	// Configure validates the guard's config table and prepares the state
	// handlers use. It runs once per instance, before any handler. Return
	// a ConfigError to name the offending key; any other error is reported
	// without a key. Every top-level key must be read through one of c's
	// accessors, otherwise configuration fails with "unknown key". When
	// Configure is nil only an empty table is accepted.
	Configure func(c *Config) error

	Request       Handler // phase request
	Response      Handler // phase response (whole answer)
	ResponseChunk Handler // phase response_chunk: one text delta of a streamed answer (see ward.Chunk, Verdict.Stream)

	// ZeroCopy makes handlers read the exchange straight from the buffer
	// the host wrote it to, instead of from a private copy made for each
	// call. The strings of the Exchange are then valid only until the
	// handler returns (the host overwrites the buffer on the next call):
	// a handler that keeps one must strings.Clone it. It saves a
	// per-call allocation and copy of the input and the garbage
	// collection it causes: a do-nothing guard on a 1 KB exchange cost
	// 7.1-7.5 us per host+guest call with the copy, 2.0-2.3 us without.
	// Strings put in the Verdict are safe either way: the verdict is
	// encoded before the handler's call ends.
	ZeroCopy bool

	// Reads declares the parts of the exchange the handlers read
	// (ward.ReadHeaders | ward.ReadMessages, ...); the zero value is every
	// part. The host sends the other parts empty, which saves encoding,
	// copying and decoding them on every call (the exchange's scalars -
	// phase, api, model, request id, route, path, status... - always
	// come). The SDK empties them too, in tests and on a host that sends
	// everything, so a handler sees the same exchange everywhere: a part
	// left out by mistake shows in the guard's own tests.
	Reads Parts
}

var errNoHandler = errors.New("ward: guard has no handler")

func (g *Guard) validate() error {
	if g.Name == "" || strings.TrimSpace(g.Name) != g.Name {
		return errors.New("ward: guard name is empty or padded")
	}
	if g.Version == "" {
		return errors.New("ward: guard " + g.Name + " has no version")
	}
	if g.Request == nil && g.Response == nil && g.ResponseChunk == nil {
		return errNoHandler
	}
	return nil
}

func (g *Guard) handler(p Phase) Handler {
	switch p {
	case abi.PhaseRequest:
		return g.Request
	case abi.PhaseResponse:
		return g.Response
	case abi.PhaseResponseChunk:
		return g.ResponseChunk
	}
	return nil
}

// Description returns what ward_describe reports for g: the phases with a
// handler, in pipeline order.
func (g Guard) Description() Description {
	d := Description{Name: g.Name, Version: g.Version, ABI: abi.Version, Phases: []string{}, Reads: g.Reads.Names()}
	for p := abi.PhaseRequest; p <= abi.PhaseResponseChunk; p++ {
		if g.handler(p) != nil {
			d.Phases = append(d.Phases, p.String())
		}
	}
	if len(g.ConfigSchema) > 0 {
		d.ConfigSchema = make(map[string]string, len(g.ConfigSchema))
		for k, v := range g.ConfigSchema {
			d.ConfigSchema[k] = v
		}
	}
	return d
}

func (g *Guard) schemaKeys() []string {
	keys := make([]string, 0, len(g.ConfigSchema))
	for k := range g.ConfigSchema {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// The guards of this module, added by Register, and the one this instance
// of the module is (selected on first use: instance).
var (
	guards     []Guard
	registered *Instance
)

// SelectEnv is the environment variable through which the host says which
// of a module's guards an instance of it is, when the module holds several
// (sdk/ABI.md, "Modules that hold several guards"). A module that holds one
// guard is that guard whatever the variable says.
const SelectEnv = "WARD_GUARD"

// Register adds g to the guards this module exports. Call it from an init
// function of the main package: once for a module that is one guard, once
// per guard for a module that holds several (each instance of it is the
// one the host names in SelectEnv). It panics (which fails the module's
// initialisation, so the host refuses to load it) when g is invalid or a
// guard of the same name is already registered: both are programming
// errors.
func Register(g Guard) {
	if err := g.validate(); err != nil {
		panic(err)
	}
	for _, o := range guards {
		if o.Name == g.Name {
			panic("ward: Register called twice for guard " + g.Name)
		}
	}
	guards = append(guards, g)
}

// selectGuard returns the Instance of the registered guard named name, or
// of the only one when the module holds one; it fails when the module holds
// several and name is none of them.
func selectGuard(name string) (*Instance, error) {
	var g *Guard
	switch {
	case len(guards) == 1:
		g = &guards[0]
	case len(guards) == 0:
		return nil, errors.New("ward: no guard registered (call ward.Register from an init function)")
	default:
		for i := range guards {
			if guards[i].Name == name {
				g = &guards[i]
			}
		}
		if g == nil {
			names := make([]string, len(guards))
			for i := range guards {
				names[i] = guards[i].Name
			}
			return nil, errors.New("ward: the module holds the guards " + strings.Join(names, ", ") +
				"; the host must name one in " + SelectEnv + " (it names " + strconv.Quote(name) + ")")
		}
	}
	return NewInstance(*g)
}
