package guesttest

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
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

// Target is what a golden case runs against: a guard module in Wasm (a
// *Guest) or the same guard on the host (Native).
type Target interface {
	Configure(config []byte) error
	Check(x *abi.Exchange, v *abi.Verdict) error
}

// Native adapts a guard running on the host through ward.Instance (the
// SDK's own dispatch and codec) to Target.
func Native(in *ward.Instance) Target { return native{in} }

type native struct{ in *ward.Instance }

func (n native) Configure(config []byte) error { return n.in.Configure(config) }

func (n native) Check(x *abi.Exchange, v *abi.Verdict) error {
	got, err := n.in.Check(x)
	*v = got.Verdict
	return err
}

// RunCase configures target with c.Config and then checks that it is
// rejected with c.ConfigError, or that c.Exchange gets c.Verdict (compared
// after NormalizeVerdict). Failures name what differs. It returns the
// verdict for further checks by the caller (zero for a config case).
func RunCase(tb testing.TB, target Target, c Case) abi.Verdict {
	tb.Helper()
	err := target.Configure(c.Config)
	if c.ConfigError != nil {
		key, msg, ok := configError(err)
		if !ok {
			tb.Fatalf("configure = %v, want config error {%q, %q}", err, c.ConfigError.Key, c.ConfigError.Error)
		}
		if key != c.ConfigError.Key || msg != c.ConfigError.Error {
			tb.Fatalf("configure = {%q, %q}, want {%q, %q}", key, msg, c.ConfigError.Key, c.ConfigError.Error)
		}
		return abi.Verdict{}
	}
	if err != nil {
		tb.Fatalf("configure: %v", err)
	}
	var v abi.Verdict
	if err := target.Check(c.Exchange, &v); err != nil {
		tb.Fatal(err)
	}
	if got, want := NormalizeVerdict(v), NormalizeVerdict(*c.Verdict); !reflect.DeepEqual(got, want) {
		tb.Fatalf("verdict\n got %+v\nwant %+v", got, want)
	}
	return v
}

// configError extracts the key and message of a guard's config rejection,
// from the Wasm harness (*ConfigError) or the SDK on the host
// (*ward.ConfigError).
func configError(err error) (key, msg string, ok bool) {
	var ge *ConfigError
	if errors.As(err, &ge) {
		return ge.Key, ge.Msg, true
	}
	var we *ward.ConfigError
	if errors.As(err, &we) {
		return we.Key, we.Msg, true
	}
	return "", "", false
}
