// Command keepguard is a test guard for the SDK's end-to-end test: it keeps
// the text of the first message of every request and, on "dump", denies
// with all texts kept so far. It proves that strings of an exchange survive
// later inputs overwriting the ward_alloc buffer (the SDK's default copy).
// Any other text is a plain allow: the cheapest possible guard.
package main

import (
	"strings"

	ward "github.com/wardgate/ward/sdk/go"
)

var kept []string

func init() {
	ward.Register(ward.Guard{
		Name: "keep", Version: "0.0.1",
		Request: func(x *ward.Exchange, v *ward.Verdict) {
			if len(x.Messages) == 0 {
				return
			}
			t := x.Messages[0].Text
			if t == "dump" {
				v.Deny(409, "keep.dump", strings.Join(kept, ","))
				return
			}
			if strings.HasPrefix(t, "keep:") {
				kept = append(kept, t)
			}
		},
	})
}

func main() {}
