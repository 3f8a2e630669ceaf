package ward

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
)

type testStringer struct{}

func (testStringer) String() string { return "str<ing>" }

// sprintf writes what fmt.Sprintf writes for the verbs and argument types
// it supports.
func TestSprintfMatchesFmt(t *testing.T) {
	for _, c := range []struct {
		format string
		args   []any
	}{
		{"plain", nil},
		{"100%% sure", nil},
		{"%s and %v and %q and %x", []any{"a\tb", "c", "d\"e\n", "hi"}},
		{"%d %v %x %q", []any{-42, 7, 255, 'A'}},
		{"%d %d %d %d %d", []any{int8(-8), int16(16), int32(-32), int64(math.MinInt64), uint(1)}},
		{"%d %d %d %x %v %q", []any{uint8(8), uint16(16), uint32(32), uint64(math.MaxUint64), uint64(9), uint32(0x4e2d)}},
		{"%q %q", []any{-1, uint64(1) << 40}},
		{"%v %v %v %v %v %v", []any{1.5, 1e21, 1e-7, 100000.0, math.Inf(-1), float32(0.1)}},
		{"%v %t", []any{true, false}},
		{"%s %v %q %x", []any{errors.New("boom"), errors.New("b"), errors.New("q"), errors.New("x")}},
		{"%s %v %q", []any{testStringer{}, testStringer{}, testStringer{}}},
		{"%s %v %d %q", []any{90 * time.Second, time.Millisecond, time.Second, time.Minute}},
		{"%v", []any{nil}},
		{"%d", []any{nil}},
		{"missing %s and %d", []any{"one"}},
		{"trailing %", nil},
		{"unicode é %s ü", []any{"ß"}},
	} {
		want := fmt.Sprintf(c.format, c.args...)
		if got := sprintf(c.format, c.args); got != want {
			t.Errorf("sprintf(%q, %v) = %q, fmt %q", c.format, c.args, got, want)
		}
	}
}

// What sprintf does not support is marked, never silently dropped.
func TestSprintfUnsupported(t *testing.T) {
	for _, c := range []struct {
		format string
		args   []any
		want   string
	}{
		{"%5d", []any{3}, "%!5(unsupported)d"},
		{"%s", []any{3}, "%!s(unsupported)"},
		{"%d", []any{"x"}, "%!d(unsupported)"},
		{"%v", []any{struct{}{}}, "%!v(unsupported)"},
		{"%v", []any{[]string{"a"}}, "%!v(unsupported)"},
		{"%s", []any{1.5}, "%!s(unsupported)"},
		{"x", []any{1, "a"}, "x%!(EXTRA 1, a)"},
	} {
		if got := sprintf(c.format, c.args); got != c.want {
			t.Errorf("sprintf(%q, %v) = %q, want %q", c.format, c.args, got, c.want)
		}
	}
}
