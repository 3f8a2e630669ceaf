//go:build wasip1

// Command auth is Ward's built-in authentication guard: it verifies API
// keys, JWTs and Ward access tokens and annotates the caller's identity.
// Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o auth.wasm ./plugins/auth/module
//
// It needs the wall clock: give it grants = ["clock"]. See README.md.
package main

import (
	"github.com/wardgate/ward/plugins/auth"
	ward "github.com/wardgate/ward/sdk/go"
)

func init() { ward.Register(auth.New()) }

func main() {}
