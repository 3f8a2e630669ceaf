//go:build wasip1

// Command trivialcopy is the trivial guard with the SDK's default input
// handling: a private copy of the exchange per call, so handlers may keep
// its strings.
package main

import ward "github.com/wardgate/ward/sdk/go"

func init() {
	ward.Register(ward.Guard{
		Name:    "trivialcopy",
		Version: "1.0.0",
		Request: func(*ward.Exchange, *ward.Verdict) {},
	})
}

func main() {}
