// Package wardrs ships the Rust SDK's module (ward.rs, the SDK itself) to
// Go programs that scaffold guards (`ward plugin new --lang rust`).
package wardrs

import _ "embed"

// Module is the content of ward.rs.
//
//go:embed ward.rs
var Module []byte
