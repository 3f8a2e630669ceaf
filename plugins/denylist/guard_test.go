package main

import (
	"errors"
	"reflect"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/guesttest"
)

func loadCases(t testing.TB) []guesttest.Case {
	return guesttest.LoadCases(t, "testdata/cases.json")
}

var normVerdict = guesttest.NormalizeVerdict

// TestGolden runs every case through ward.Instance: the SDK's own dispatch
// and the binary codec, on the host.
func TestGolden(t *testing.T) {
	for _, c := range loadCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			in, err := ward.NewInstance(newGuard())
			if err != nil {
				t.Fatal(err)
			}
			err = in.Configure(c.Config)
			if c.ConfigError != nil {
				var ce *ward.ConfigError
				if !errors.As(err, &ce) {
					t.Fatalf("Configure = %v, want ConfigError", err)
				}
				if ce.Key != c.ConfigError.Key || ce.Msg != c.ConfigError.Error {
					t.Fatalf("Configure = {%q, %q}, want {%q, %q}", ce.Key, ce.Msg, c.ConfigError.Key, c.ConfigError.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("Configure: %v", err)
			}
			v, err := in.Check(c.Exchange)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := normVerdict(v.Verdict), normVerdict(*c.Verdict); !reflect.DeepEqual(got, want) {
				t.Fatalf("verdict\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestDescription(t *testing.T) {
	g := newGuard()
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
