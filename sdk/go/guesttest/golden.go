package guesttest

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// Case is one golden case of a guard's testdata/cases.json: a config and
// either the error it must produce or an exchange and the verdict it must
// get. Now, when set, is the RFC 3339 time the guard's wall clock should
// read (for guards granted the clock); harnesses that cannot set it ignore
// it.
type Case struct {
	Name        string           `json:"name"`
	Config      json.RawMessage  `json:"config"`
	Now         string           `json:"now"`
	ConfigError *CaseConfigError `json:"config_error"`
	Exchange    *abi.Exchange    `json:"exchange"`
	Verdict     *abi.Verdict     `json:"verdict"`
}

// CaseConfigError is the {"key","error"} a case's config must be rejected with.
type CaseConfigError struct {
	Key   string `json:"key"`
	Error string `json:"error"`
}

// LoadCases reads the golden cases at path and fails tb unless each has
// either a config_error or both an exchange and a verdict.
func LoadCases(tb testing.TB, path string) []Case {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var cases []Case
	if err := json.Unmarshal(b, &cases); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	for _, c := range cases {
		if (c.ConfigError == nil) == (c.Exchange == nil || c.Verdict == nil) {
			tb.Fatalf("%s: case %q: want either config_error or exchange+verdict", path, c.Name)
		}
	}
	return cases
}

// NormalizeVerdict makes empty and nil slices of v equal, so verdicts
// compare with reflect.DeepEqual.
func NormalizeVerdict(v abi.Verdict) abi.Verdict {
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
