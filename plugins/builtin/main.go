//go:build wasip1

// Command builtin is Ward's built-in guards as one module: every instance
// of it is the guard the host names in the WARD_GUARD environment variable
// (sdk/ABI.md, "Modules that hold several guards"). The binary embeds it
// and loads `builtin:NAME` from it; the guards' code (and their Go runtime)
// is compiled once and shared by all of them, while each guard keeps its
// own instances, config, pool and verdicts. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o builtin.wasm ./plugins/builtin
//
// See README.md.
package main

import (
	"github.com/wardgate/ward/plugins/auth"
	"github.com/wardgate/ward/plugins/denylist"
	"github.com/wardgate/ward/plugins/injection"
	"github.com/wardgate/ward/plugins/output"
	"github.com/wardgate/ward/plugins/pii"
	"github.com/wardgate/ward/plugins/ratelimit"
	"github.com/wardgate/ward/plugins/rbac"
	"github.com/wardgate/ward/plugins/secrets"
	ward "github.com/wardgate/ward/sdk/go"
)

func init() {
	for _, g := range []ward.Guard{auth.New(), denylist.New(), injection.New(), output.New(),
		pii.New(), ratelimit.New(), rbac.New(), secrets.New()} {
		ward.Register(g)
	}
}

func main() {}
