package denylist

import (
	"reflect"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

func loadCases(t testing.TB) []guesttest.Case {
	return guesttest.LoadCases(t, "testdata/cases.json")
}

// TestGolden runs every case through ward.Instance: the SDK's own dispatch
// and the binary codec, on the host.
func TestGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			in, err := ward.NewInstance(New())
			if err != nil {
				t.Fatal(err)
			}
			guesttest.RunCase(t, guesttest.Native(in), c)
		})
	}
}

func TestDescription(t *testing.T) {
	g := New()
	d := g.Description()
	if d.Name != "denylist" || d.ABI != abi.Version || !reflect.DeepEqual(d.Phases, []string{"request"}) {
		t.Fatalf("description %+v", d)
	}
	for _, k := range []string{"phrases", "case_sensitive", "whole_words", "roles", "status", "code"} {
		if d.ConfigSchema[k] == "" {
			t.Errorf("config_schema lacks %q", k)
		}
	}
}
