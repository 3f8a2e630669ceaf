//go:build wasip1

// Command denylist is Ward's built-in denylist guard: it blocks requests
// whose prompts contain configured phrases. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o denylist.wasm ./plugins/denylist/module
//
// See README.md for its configuration.
package main

import (
	"github.com/wardgate/ward/plugins/denylist"
	ward "github.com/wardgate/ward/sdk/go"
)

func init() { ward.Register(denylist.New()) }

func main() {}
