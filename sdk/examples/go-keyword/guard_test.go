package main

import (
	"testing"

	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

// TestCases runs the keyword cases shared by every language on the host,
// through the SDK's own dispatch (ward.Instance); sdk/examples runs them on
// the Wasm builds.
func TestCases(t *testing.T) {
	for _, c := range guesttest.LoadCases(t, "../testdata/keyword-cases.json") {
		t.Run(c.Name, func(t *testing.T) {
			in, err := ward.NewInstance(newGuard())
			if err != nil {
				t.Fatal(err)
			}
			guesttest.RunCase(t, guesttest.Native(in), c)
		})
	}
}
