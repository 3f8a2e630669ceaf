//go:build wasip1

// Command injection is Ward's built-in prompt-injection and jailbreak
// guard: it scores the untrusted messages of a request (normalisation,
// multilingual keyword rules, a small learned model) and denies, annotates
// or observes those at or above a threshold. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o injection.wasm ./plugins/injection/module
//
// See README.md for its configuration and efficacy.
package main

import (
	"github.com/wardgate/ward/plugins/injection"
	ward "github.com/wardgate/ward/sdk/go"
)

func init() { ward.Register(injection.New()) }

func main() {}
