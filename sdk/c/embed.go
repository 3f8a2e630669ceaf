// Package wardc ships the C SDK's header (ward.h, the SDK itself) to Go
// programs that scaffold guards (`ward plugin new --lang c`).
package wardc

import _ "embed"

// Header is the content of ward.h.
//
//go:embed ward.h
var Header []byte
