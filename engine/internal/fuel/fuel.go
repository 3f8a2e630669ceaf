// Package fuel adds a fuel meter to a WebAssembly module by rewriting its
// bytecode at load time, so that a host running it on wazero (which has no
// fuel of its own) can bound how much work a guest call may do and can stop a
// running call from another goroutine.
//
// Instrument appends one mutable i64 global, exported as GlobalExport, and
// inserts a check at the entry of every function body and at the header of
// every loop:
//
//	global.get $fuel
//	i64.const 1
//	i64.sub
//	global.set $fuel
//	global.get $fuel
//	i64.const 0
//	i64.lt_s
//	if
//	  unreachable
//	end
//
// Every check costs one unit. Straight-line code between checks is bounded by
// the size of the function, so a guest can only run for long by passing
// checks: a call that keeps running consumes fuel at a rate set by its loop
// and call structure (about one unit per nanosecond in a tight loop, far less
// per nanosecond in code with long loop bodies or many host calls; fuel is a
// count of checks, not a clock).
//
// A fuel trap is a plain `unreachable` trap; the host tells it from a guest
// bug by reading the global after the call: a negative value means the guest
// ran out of fuel or was stopped. See Instrument for the host protocol.
//
// The package depends only on the standard library. Its functions are pure
// and safe for concurrent use.
package fuel

import (
	"errors"
	"fmt"
)

// GlobalExport is the export name of the i64 mutable fuel global added by Instrument.
const GlobalExport = "ward_fuel"

// Code is a stable identifier for the kind of failure an Error reports.
type Code string

const (
	// CodeMalformed: the input is not a well-formed WebAssembly binary
	// (truncated, bad LEB128, unknown opcode, sections out of order, ...).
	CodeMalformed Code = "fuel_malformed"
	// CodeUnsupported: the input is well-formed but uses an encoding this
	// package does not rewrite (a binary version other than 1, GC types).
	CodeUnsupported Code = "fuel_unsupported"
	// CodeExportExists: the module already exports GlobalExport.
	CodeExportExists Code = "fuel_export_exists"
	// CodeBadInitial: the initial fuel passed to Instrument is negative.
	CodeBadInitial Code = "fuel_bad_initial"
	// CodeTooLarge: a function declares more than MaxLocals locals, or
	// adding the global or the checks would exceed a limit of the binary
	// format (2^32-1 globals, exports or body bytes).
	CodeTooLarge Code = "fuel_too_large"
)

// Sentinel errors, one per Code, for errors.Is. Every *Error unwraps to the
// sentinel of its Code.
var (
	ErrMalformed    = errors.New("fuel: malformed module")
	ErrUnsupported  = errors.New("fuel: unsupported module")
	ErrExportExists = errors.New("fuel: module already exports " + GlobalExport)
	ErrBadInitial   = errors.New("fuel: negative initial fuel")
	ErrTooLarge     = errors.New("fuel: module too large")
)

// Error is the error type returned by Instrument.
type Error struct {
	Code   Code
	Offset int    // byte offset in the input where the problem was found, or -1
	Msg    string // human-readable detail
}

func (e *Error) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("fuel: %s at offset %#x: %s", e.Code, e.Offset, e.Msg)
	}
	return fmt.Sprintf("fuel: %s: %s", e.Code, e.Msg)
}

// Unwrap returns the sentinel error of e.Code (ErrMalformed, ...).
func (e *Error) Unwrap() error {
	switch e.Code {
	case CodeMalformed:
		return ErrMalformed
	case CodeUnsupported:
		return ErrUnsupported
	case CodeExportExists:
		return ErrExportExists
	case CodeBadInitial:
		return ErrBadInitial
	case CodeTooLarge:
		return ErrTooLarge
	}
	return nil
}

func malformed(off int, format string, args ...any) *Error {
	return &Error{Code: CodeMalformed, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

// Instrument returns a new module in which every function entry and every loop header
// subtracts 1 from the global and executes `unreachable` when it becomes negative.
// initial is the global's initial value (it must be large enough for _initialize / start functions to finish).
// The host sets the global before each call (api.MutableGlobal.Set(uint64(n))) and, after a trap,
// reads it: a negative value means the guest ran out of fuel. Another goroutine may set it to -1 to make the guest stop at its next check (kill switch).
//
// Contract details:
//
//   - The global is appended after all imported and defined globals, so its
//     index is (imported globals + defined globals) and no existing index
//     changes. It is exported as GlobalExport; a module that already exports
//     that name is rejected with CodeExportExists.
//   - The check is inserted after the locals of every function body and
//     right after every `loop` opcode and its block type. A guest can execute
//     exactly n checks with fuel n; the next one sets the global to -1 and
//     traps. Host functions and straight-line code cost nothing.
//   - All other sections, including custom sections ("name", "producers",
//     DWARF), are copied byte for byte. Function, local and global indices
//     are unchanged, so the "name" section stays correct; code offsets move,
//     so DWARF line information no longer matches the code.
//   - Kill switch: the guest's check is a read-modify-write of the global,
//     not an atomic one. A host store that lands between the guest's read and
//     its write is overwritten by the guest's decremented value and lost; in
//     the tightest loops (the CPU's store buffer makes that window long) most
//     single stores are lost (measured: 2-31 stores at ~1 ms intervals for
//     `loop br 0`, 1-2 for real Go and C guests). A host that wants a call
//     stopped must therefore store -1 repeatedly (for example every 100 µs to
//     1 ms) until the call returns; reading back a negative value does not
//     prove the kill stuck. While a Go stop-the-world is pending the storing
//     goroutine cannot run either, so the kill switch is best effort and the
//     fuel budget is the bound. Never store math.MinInt64: the decrement
//     would wrap it to math.MaxInt64.
//   - Native guest code is not preemptible by the Go scheduler: while a call
//     runs, a Go stop-the-world (GC) waits for it to reach a check that traps.
//     The fuel given to a call is therefore also the longest pause it can
//     inflict on every other goroutine; size it in milliseconds of work.
//
// Instrument does not retain or modify wasm; the returned slice is newly
// allocated. Malformed input is reported as an *Error, never by panicking.
// The output is valid whenever the input is (it is not itself validated:
// type errors in the input are left for the runtime's compiler to report).
func Instrument(wasm []byte, initial int64) ([]byte, error) {
	if initial < 0 {
		return nil, &Error{Code: CodeBadInitial, Offset: -1, Msg: fmt.Sprintf("initial fuel %d < 0", initial)}
	}
	m, err := parseModule(wasm)
	if err != nil {
		return nil, err
	}
	return m.rewrite(initial)
}

// Check reads wasm as Instrument does, without rewriting it: nil when
// Instrument's reader accepts it. A host that runs a module without fuel still
// checks it, so that the malformed modules known to crash or stall wazero
// v1.12.0's decoder (a section declaring more entries than it has bytes
// makes CompileModule take about a minute) are refused in microseconds.
func Check(wasm []byte) error {
	_, err := parseModule(wasm)
	return err
}
