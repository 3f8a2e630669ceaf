//go:build wasip1

// Command rbac is Ward's built-in role-based access control guard: it lets
// a request through only when one of the subject's roles (annotated by the
// auth guard) allows its route, API, model, max_tokens, tools, client
// address and time. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o rbac.wasm ./plugins/rbac/module
//
// See README.md for its configuration.
package main

import (
	"github.com/wardgate/ward/plugins/rbac"
	ward "github.com/wardgate/ward/sdk/go"
)

func init() { ward.Register(rbac.New()) }

func main() {}
