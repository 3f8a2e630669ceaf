// Command nopguard is the SDK's benchmark guard: a ZeroCopy guard whose
// handlers, in every phase, read nothing and allow. A call costs what the
// SDK and the host cost around a handler: writing the input, decoding the
// exchange, dispatching, returning a plain allow.
package main

import ward "github.com/wardgate/ward/sdk/go"

func nop(*ward.Exchange, *ward.Verdict) {}

func init() {
	ward.Register(ward.Guard{
		Name: "nop", Version: "0.0.1",
		Request: nop, Response: nop, ResponseChunk: nop,
		ZeroCopy: true,
	})
}

func main() {}
