//go:build wasip1

// Command secrets is Ward's built-in secrets guard: it finds credentials
// (cloud, VCS, payment, chat and LLM provider keys, JWTs, private keys,
// high-entropy values next to a keyword) in every text of a request and
// blocks the request or redacts, masks or tokenizes them before the model
// sees them; tokenized values are restored in the answer. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o secrets.wasm ./plugins/secrets/module
//
// See README.md for its configuration.
package main

import (
	"github.com/wardgate/ward/plugins/secrets"
	ward "github.com/wardgate/ward/sdk/go"
)

func init() { ward.Register(secrets.New()) }

func main() {}
