//go:build wasip1

// Command output is Ward's built-in guard on answers: it finds secrets,
// personal data, leaks of the system prompt (a canary token it adds to the
// system prompt, and long verbatim runs of the prompt) and denied terms in
// the model's answer, and redacts, masks or blocks them before the client
// sees them. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o output.wasm ./plugins/output/module
//
// See README.md for its configuration.
package main

import (
	"github.com/wardgate/ward/plugins/output"
	ward "github.com/wardgate/ward/sdk/go"
)

func init() { ward.Register(output.New()) }

func main() {}
