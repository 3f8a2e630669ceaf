//go:build wasip1

// Command pii is Ward's built-in personal data guard: it finds e-mail
// addresses, phone numbers, cards, IBANs, national identifiers and more in
// every text of a request and redacts, masks or tokenizes them (or blocks
// the request) before the model sees them; tokenized values are restored
// in the answer. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o pii.wasm ./plugins/pii/module
//
// See README.md for its configuration.
package main

import (
	"github.com/wardgate/ward/plugins/pii"
	ward "github.com/wardgate/ward/sdk/go"
)

func init() { ward.Register(pii.New()) }

func main() {}
