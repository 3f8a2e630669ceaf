package ward

import (
	"errors"
	"strconv"
	"strings"

	"github.com/wardgate/ward/sdk/abi"
)

// Instance runs one Guard the way a WebAssembly instance of it does: it is
// what the ward_* exports call, and what host-side tests use to exercise a
// guard's configuration, handlers and the binary codec without building
// WebAssembly.
//
// An Instance is not safe for concurrent use: like a guest instance it
// handles one call at a time. Buffers it returns are valid until the next
// call on it.
type Instance struct {
	g Guard
	// handlers are g's handlers by phase (index 0 and phases without
	// one: nil), looked up without a switch on every call.
	handlers [4]Handler
	state    instanceState
	x        Exchange
	v        Verdict
	out      []byte
	desc     []byte
}

type instanceState uint8

const (
	stateNew instanceState = iota
	stateReady
	stateFailed
)

// Errors returned by Instance methods. On a guest they become traps.
var (
	ErrNotConfigured = errors.New("ward: handler called before a successful configure")
	ErrMalformed     = errors.New("ward: malformed exchange")
)

// NewInstance checks g and returns an unconfigured instance of it.
func NewInstance(g Guard) (*Instance, error) {
	if err := g.validate(); err != nil {
		return nil, err
	}
	in := &Instance{g: g}
	for p := abi.PhaseRequest; p <= abi.PhaseResponseChunk; p++ {
		in.handlers[p] = g.handler(p)
	}
	return in, nil
}

// DescribeJSON returns the guard's description as JSON (what ward_describe
// returns). The slice is owned by the Instance and must not be modified.
func (in *Instance) DescribeJSON() []byte {
	if in.desc == nil {
		d := in.g.Description()
		in.desc = appendDescription(nil, &d)
	}
	return in.desc
}

// Configure passes the guard's config table, as JSON (an empty input means
// `{}`), to Guard.Configure and checks that every key was read. It returns
// nil or a *ConfigError. After an error the instance refuses handler calls.
func (in *Instance) Configure(config []byte) error {
	err := in.configure(config)
	if err != nil {
		in.state = stateFailed
		return err
	}
	in.state = stateReady
	return nil
}

func (in *Instance) configure(config []byte) error {
	c, err := ParseConfig(config)
	if err != nil {
		return err
	}
	if in.g.Configure != nil {
		if err := in.g.Configure(c); err != nil {
			return asConfigError(err)
		}
	}
	if unused := c.Unused(); len(unused) > 0 {
		msg := "unknown key"
		if known := in.g.schemaKeys(); len(known) > 0 {
			msg += " (known: " + strings.Join(known, ", ") + ")"
		}
		return &ConfigError{Key: unused[0], Msg: msg}
	}
	return nil
}

func asConfigError(err error) *ConfigError {
	var pe *ConfigError
	if errors.As(err, &pe) && pe != nil {
		return pe
	}
	var ve ConfigError
	if errors.As(err, &ve) {
		return &ve
	}
	return &ConfigError{Msg: err.Error()}
}

// configureResult is ward_configure's output: nil when accepted, else the
// JSON error object {"key":...,"error":...}.
func (in *Instance) configureResult(config []byte) []byte {
	err := in.Configure(config)
	if err == nil {
		return nil
	}
	ce := asConfigError(err)
	b := append(in.out[:0], `{"key":`...)
	b = abi.AppendJSONString(b, ce.Key)
	b = append(b, `,"error":`...)
	b = abi.AppendJSONString(b, ce.Msg)
	in.out = append(b, '}')
	return in.out
}

// Handle runs the handler of phase p on a binary exchange (sdk/abi layout)
// and returns the binary verdict, or nil for a plain allow (also for a
// phase without a handler). The parts of the exchange the guard does not
// read (Guard.Reads) are emptied before the handler sees it, as the host
// sends them. A phase outside 1..3, a malformed exchange and
// a call before a successful Configure (when the guard has a Configure
// function, or a Configure call failed) are errors.
//
// Ownership: the decoded strings alias input, and a handler may keep them,
// so the caller must never modify input afterwards (give each call a fresh
// buffer) unless the guard is ZeroCopy, whose handlers promise not to keep
// them. The returned slice is owned by the Instance and valid until the
// next call.
func (in *Instance) Handle(p Phase, input []byte) ([]byte, error) {
	if p < abi.PhaseRequest || p > abi.PhaseResponseChunk {
		return nil, errors.New("ward: unknown phase " + strconv.Itoa(int(p)))
	}
	h := in.handlers[p]
	if h == nil {
		return nil, nil
	}
	return in.handle(h, input)
}

// handle is Handle for the handler h of a valid phase.
func (in *Instance) handle(h Handler, input []byte) ([]byte, error) {
	if in.state != stateReady && (in.state == stateFailed || in.g.Configure != nil) {
		return nil, ErrNotConfigured
	}
	if err := abi.DecodeExchangeAliasParts(input, &in.x, in.g.Reads); err != nil {
		return nil, ErrMalformed
	}
	in.v.Reset()
	h(&in.x, &in.v)
	if in.v.IsPlainAllow() {
		return nil, nil
	}
	in.out = abi.AppendVerdict(in.out[:0], &in.v.Verdict)
	return in.out, nil
}

// Check is Handle for tests: it encodes x, handles it in phase x.Phase and
// decodes the verdict (a plain allow is the zero Verdict).
func (in *Instance) Check(x *Exchange) (Verdict, error) {
	out, err := in.Handle(x.Phase, abi.AppendExchange(nil, x))
	if err != nil {
		return Verdict{}, err
	}
	var v Verdict
	if err := abi.DecodeVerdict(out, &v.Verdict); err != nil {
		return Verdict{}, &wrapError{"ward: verdict does not decode: ", err}
	}
	return v, nil
}

// wrapError is msg followed by err's message; it unwraps to err (fmt's %w,
// without importing fmt).
type wrapError struct {
	msg string
	err error
}

func (e *wrapError) Error() string { return e.msg + e.err.Error() }
func (e *wrapError) Unwrap() error { return e.err }
