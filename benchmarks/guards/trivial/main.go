//go:build wasip1

// Command trivial is the "trivial Go guard" of the guard-call benchmark: it
// decodes the exchange (the SDK does) and allows it. ZeroCopy: the exchange
// is read in place, as every built-in guard does.
package main

import ward "github.com/wardgate/ward/sdk/go"

func init() {
	ward.Register(ward.Guard{
		Name:     "trivial",
		Version:  "1.0.0",
		ZeroCopy: true,
		Request:  func(*ward.Exchange, *ward.Verdict) {},
	})
}

func main() {}
