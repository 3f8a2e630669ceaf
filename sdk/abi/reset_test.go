package abi

import (
	"reflect"
	"testing"
)

// TestVerdictReset: Reset empties every field of a Verdict, found by
// reflection so that a field added later and forgotten by Reset fails
// here, and keeps the capacity of its slices.
func TestVerdictReset(t *testing.T) {
	v := Verdict{Decision: Deny, Status: 429, Code: "c", Message: "m", Reasons: []string{"r"},
		Rewrites: []Rewrite{{1, "t"}}, SetHeaders: []KV{{"k", "v"}}, Annotations: []KV{{"a", "b"}},
		Scores: []Score{{"s", 0.5}}}
	rv := reflect.ValueOf(&v).Elem()
	caps := map[string]int{}
	for i := range rv.NumField() {
		f := rv.Field(i)
		if f.IsZero() {
			t.Fatalf("the test leaves field %s zero: set it", rv.Type().Field(i).Name)
		}
		if f.Kind() == reflect.Slice {
			caps[rv.Type().Field(i).Name] = f.Cap()
		}
	}
	v.Reset()
	for i := range rv.NumField() {
		f, name := rv.Field(i), rv.Type().Field(i).Name
		switch {
		case f.Kind() == reflect.Slice:
			if f.Len() != 0 || f.Cap() != caps[name] {
				t.Errorf("%s: len %d cap %d after Reset, want 0 and %d", name, f.Len(), f.Cap(), caps[name])
			}
		case !f.IsZero():
			t.Errorf("%s = %v after Reset, want zero", name, f.Interface())
		}
	}
}
