package main

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
)

// goldenCase is one entry of testdata/cases.json: a config and either the
// error it must produce or an exchange and the verdict it must get.
type goldenCase struct {
	Name        string          `json:"name"`
	Config      json.RawMessage `json:"config"`
	ConfigError *struct {
		Key   string `json:"key"`
		Error string `json:"error"`
	} `json:"config_error"`
	Exchange *abi.Exchange `json:"exchange"`
	Verdict  *abi.Verdict  `json:"verdict"`
}

func loadCases(t testing.TB) []goldenCase {
	t.Helper()
	b, err := os.ReadFile("testdata/cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("testdata/cases.json: %v", err)
	}
	for _, c := range cases {
		if (c.ConfigError == nil) == (c.Exchange == nil || c.Verdict == nil) {
			t.Fatalf("case %q: want either config_error or exchange+verdict", c.Name)
		}
	}
	return cases
}

// normVerdict makes empty and nil slices compare equal.
func normVerdict(v abi.Verdict) abi.Verdict {
	if len(v.Reasons) == 0 {
		v.Reasons = nil
	}
	if len(v.Rewrites) == 0 {
		v.Rewrites = nil
	}
	if len(v.SetHeaders) == 0 {
		v.SetHeaders = nil
	}
	if len(v.Annotations) == 0 {
		v.Annotations = nil
	}
	if len(v.Scores) == 0 {
		v.Scores = nil
	}
	return v
}

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
