// Package ward is the Go guest SDK for Ward guards: it implements the native
// "ward/v1" ABI (see ../ABI.md) for WebAssembly modules built with the
// standard Go toolchain:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o guard.wasm ./myguard
//
// A guard is a main package that registers one Guard in init and has an
// empty main:
//
//	func init() {
//		ward.Register(ward.Guard{
//			Name: "shout", Version: "1.0.0",
//			Request: func(x *ward.Exchange, v *ward.Verdict) {
//				for i := range x.Messages {
//					if x.Messages[i].Text == "" {
//						v.Deny(400, "shout.empty", "empty message")
//						return
//					}
//				}
//			},
//		})
//	}
//
//	func main() {}
//
// Importing the package links the exports ward_alloc, ward_describe,
// ward_configure, ward_request, ward_response and ward_response_chunk (the
// //go:wasmexport functions live in a wasip1-only file). Everything else
// (Guard, Config, Verdict helpers, Instance) builds on every platform, so a
// guard's logic is tested on the host with plain `go test` through
// Instance, which runs the very code path the exports use.
//
// # Execution model
//
// A guard instance is single-threaded: the host calls one export at a time,
// so handlers need no locking, and package-level state set by Configure is
// read by handlers without synchronisation. The host may run many instances
// of the same module; they share nothing.
//
// # Failures
//
// A handler that panics (including runtime errors such as an index out of
// range) traps: the WebAssembly call fails, the host reports the guard
// fault with code guard_trap, applies the guard's failure policy and
// discards the instance. The SDK does not recover panics on purpose: a Go
// runtime that panicked mid-handler may hold broken state, and a fresh
// instance is cheap. A policy decision is a Verdict, never a panic.
package ward
