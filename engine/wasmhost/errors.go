package wasmhost

import (
	"errors"
	"fmt"
)

// Stable error codes carried by *Error. A policy denial is a verdict, never
// one of these.
const (
	// CodeTimeout: the call used up its CPU budget (fuel) or ran for more
	// than twice its budget in wall time and was stopped.
	CodeTimeout = "guard_timeout"
	// CodeTrap: the guest trapped (unreachable, out-of-bounds access, a Go
	// panic, proc_exit, ...).
	CodeTrap = "guard_trap"
	// CodeOOM: the guest hit the guard's memory limit, or ward_alloc
	// returned 0.
	CodeOOM = "guard_oom"
	// CodeBadVerdict: the guest's answer is malformed, larger than
	// Spec.MaxOutput, outside guest memory, or refers to a message that does
	// not exist; also a ward_alloc pointer outside guest memory.
	CodeBadVerdict = "bad_verdict"
	// CodeBusy: the caller's context ended while waiting for a free instance.
	CodeBusy = "guard_busy"
	// CodeLoad: the module could not be compiled, instantiated or described,
	// or its exports do not agree with its description.
	CodeLoad = "guard_load"
	// CodeConfig: the guard rejected its configuration (Err is then a
	// *ConfigError when the guard said which key).
	CodeConfig = "guard_config"
	// CodeClosed: the guard (or host) was closed.
	CodeClosed = "guard_closed"
)

// Error is a guard failure. Code is one of the Code constants; Guard and
// Version identify the guard (Version may be empty when the failure happened
// before the guard described itself).
type Error struct {
	Code    string
	Guard   string
	Version string
	Err     error
}

func (e *Error) Error() string {
	id := e.Guard
	if e.Version != "" {
		id += "@" + e.Version
	}
	if e.Err == nil {
		return fmt.Sprintf("wasmhost: guard %s: %s", id, e.Code)
	}
	return fmt.Sprintf("wasmhost: guard %s: %s: %v", id, e.Code, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorCode returns e.Code; it lets callers that do not import wasmhost
// (the pipeline) read the stable code.
func (e *Error) ErrorCode() string { return e.Code }

// ErrorCode returns the Code of the first *Error in err's chain, or "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ConfigError is a configuration the guard's ward_configure export
// rejected. Key is the offending key path as the guard reported it (for
// example "phrases[2]"; empty when the config as a whole is wrong).
type ConfigError struct {
	Key string
	Msg string
}

func (e *ConfigError) Error() string {
	if e.Key == "" {
		return e.Msg
	}
	return e.Key + ": " + e.Msg
}
