package ward

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func mustConfig(t *testing.T, js string) *Config {
	t.Helper()
	c, err := ParseConfig([]byte(js))
	if err != nil {
		t.Fatalf("ParseConfig(%s): %v", js, err)
	}
	return c
}

func wantConfigError(t *testing.T, err error, key, msg string) {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T), want *ConfigError", err, err)
	}
	if ce.Key != key || (msg != "" && ce.Msg != msg) {
		t.Fatalf("ConfigError{%q, %q}, want {%q, %q}", ce.Key, ce.Msg, key, msg)
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		in   string
		keys []string
		bad  bool
	}{
		{"", []string{}, false},
		{"  \n", []string{}, false},
		{"{}", []string{}, false},
		{`{"a":1,"b":{"c":true}}`, []string{"a", "b"}, false},
		{"null", nil, true},
		{"[]", nil, true},
		{`"x"`, nil, true},
		{`{"a":1} {}`, nil, true},
		{`{"a":`, nil, true},
	}
	for _, tt := range tests {
		c, err := ParseConfig([]byte(tt.in))
		if tt.bad {
			wantConfigError(t, err, "", "")
			continue
		}
		if err != nil {
			t.Fatalf("ParseConfig(%q): %v", tt.in, err)
		}
		if got := c.Keys(); !reflect.DeepEqual(got, tt.keys) {
			t.Errorf("ParseConfig(%q).Keys() = %v, want %v", tt.in, got, tt.keys)
		}
	}
}

func TestConfigAccessors(t *testing.T) {
	c := mustConfig(t, `{"s":"x","n":42,"big":1e3,"frac":1.5,"huge":1e300,"b":true,
		"list":["a","b"],"mixed":["a",2],"d":"250ms","baddur":"soon","t":{"u":"v","w":1}}`)
	if v, err := c.String("s", "def"); err != nil || v != "x" {
		t.Errorf("String = %q, %v", v, err)
	}
	if v, err := c.String("absent", "def"); err != nil || v != "def" {
		t.Errorf("String absent = %q, %v", v, err)
	}
	_, err := c.String("n", "")
	wantConfigError(t, err, "n", "want string, got number")

	if v, err := c.Int("n", 0); err != nil || v != 42 {
		t.Errorf("Int = %d, %v", v, err)
	}
	if v, err := c.Int("big", 0); err != nil || v != 1000 {
		t.Errorf("Int 1e3 = %d, %v", v, err)
	}
	_, err = c.Int("frac", 0)
	wantConfigError(t, err, "frac", "want integer, got 1.5")
	_, err = c.Int("huge", 0)
	wantConfigError(t, err, "huge", "want integer, got 1e300")
	_, err = c.Int("s", 0)
	wantConfigError(t, err, "s", "want integer, got string")

	if v, err := c.Float("frac", 0); err != nil || v != 1.5 {
		t.Errorf("Float = %v, %v", v, err)
	}
	_, err = c.Float("b", 0)
	wantConfigError(t, err, "b", "want number, got boolean")

	if v, err := c.Bool("b", false); err != nil || !v {
		t.Errorf("Bool = %v, %v", v, err)
	}
	if v, err := c.Bool("absent", true); err != nil || !v {
		t.Errorf("Bool default = %v, %v", v, err)
	}
	_, err = c.Bool("list", false)
	wantConfigError(t, err, "list", "want boolean, got array")

	if v, err := c.Strings("list", nil); err != nil || !reflect.DeepEqual(v, []string{"a", "b"}) {
		t.Errorf("Strings = %v, %v", v, err)
	}
	_, err = c.Strings("mixed", nil)
	wantConfigError(t, err, "mixed[1]", "want string, got number")
	_, err = c.Strings("t", nil)
	wantConfigError(t, err, "t", "want array of strings, got table")

	if v, err := c.Duration("d", 0); err != nil || v != 250*time.Millisecond {
		t.Errorf("Duration = %v, %v", v, err)
	}
	_, err = c.Duration("baddur", 0)
	wantConfigError(t, err, "baddur", `want duration such as "250ms", got "soon"`)

	tc, err := c.Table("t")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := tc.String("u", ""); err != nil || v != "v" {
		t.Errorf("Table String = %q, %v", v, err)
	}
	_, err = tc.String("w", "")
	wantConfigError(t, err, "t.w", "want string, got number")
	if e := tc.Errorf("x[3]", "bad %d", 3); e.Error() != "t.x[3]: bad 3" {
		t.Errorf("Errorf = %q", e)
	}
	_, err = c.Table("s")
	wantConfigError(t, err, "s", "want table, got string")
}

func TestConfigUnused(t *testing.T) {
	c := mustConfig(t, `{"a":1,"b":2,"t":{"x":1,"y":2},"u":{"z":1}}`)
	if _, err := c.Int("a", 0); err != nil {
		t.Fatal(err)
	}
	tc, _ := c.Table("t")
	if _, err := tc.Int("x", 0); err != nil {
		t.Fatal(err)
	}
	c.Has("b") // Has does not count as a read
	if got, want := c.Unused(), []string{"b", "t.y", "u"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Unused = %v, want %v", got, want)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"phrases":["a"],"n":1,"t":{"d":"1s"}}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{"n":1e400}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) || ce.Key != "" {
				t.Fatalf("ParseConfig error %v is not a keyless ConfigError", err)
			}
			return
		}
		// Every accessor on every key either succeeds or names the key.
		for _, k := range c.Keys() {
			checks := []error{}
			_, e := c.String(k, "")
			checks = append(checks, e)
			_, e = c.Strings(k, nil)
			checks = append(checks, e)
			_, e = c.Int(k, 0)
			checks = append(checks, e)
			_, e = c.Float(k, 0)
			checks = append(checks, e)
			_, e = c.Bool(k, false)
			checks = append(checks, e)
			_, e = c.Duration(k, 0)
			checks = append(checks, e)
			_, e = c.Table(k)
			checks = append(checks, e)
			for _, e := range checks {
				var ce *ConfigError
				if e != nil && (!errors.As(e, &ce) || len(ce.Key) < len(k) || ce.Key[:len(k)] != k) {
					t.Fatalf("key %q: error %v does not name it", k, e)
				}
			}
		}
		// Only keys of sub-tables (never read here) may remain.
		for _, k := range c.Unused() {
			if _, top := c.m[k]; top {
				t.Fatalf("top-level key %q unused after reading all", k)
			}
		}
	})
}

// NewConfig reads a table taken from Raw with the typed accessors; its
// errors are relative to it and Within places them.
func TestNewConfig(t *testing.T) {
	c := mustConfig(t, `{"roles":[{"name":"a","max":1.5,"extra":true}]}`)
	raw, _ := c.Raw("roles")
	m := raw.([]any)[0].(map[string]any)
	rc := NewConfig(m)
	if v, err := rc.String("name", ""); err != nil || v != "a" {
		t.Fatalf("String = %q, %v", v, err)
	}
	_, err := rc.Int("max", 0)
	wantConfigError(t, err, "max", "want integer, got 1.5")
	wantConfigError(t, c.Within("roles[0]", err), "roles[0].max", "want integer, got 1.5")
	if got, want := rc.Unused(), []string{"extra"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Unused = %v, want %v", got, want)
	}
	if keys := NewConfig(nil).Keys(); len(keys) != 0 {
		t.Fatalf("NewConfig(nil).Keys() = %v", keys)
	}
}
