package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Size is a byte count. In TOML it is written either as an integer number of
// bytes (65536) or as a string with a unit: "64KiB", "8 MiB", "1GB". Binary
// units are B, KiB, MiB, GiB, TiB (1024^n); decimal units are KB (or kB),
// MB, GB, TB (1000^n). Units are case-sensitive, the number is a
// non-negative integer, and the result must fit in an int64.
type Size int64

var sizeUnits = []struct {
	unit string
	mult int64
}{
	// Longest suffixes first so that "KiB" is not read as "B".
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"B", 1},
}

const sizeWant = "want bytes as an integer or a string with a unit: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB"

// ParseSize parses the string form of a Size ("64KiB", "1000", "2 MB").
func ParseSize(s string) (int64, error) {
	num := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(num, u.unit) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(num, u.unit)), u.mult
			break
		}
	}
	n, err := strconv.ParseUint(num, 10, 63)
	if err != nil || num == "" || num[0] == '+' {
		return 0, fmt.Errorf("invalid size %q (%s)", s, sizeWant)
	}
	if n > uint64(math.MaxInt64/mult) {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(n) * mult, nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseSize.
func (z *Size) UnmarshalText(text []byte) error {
	n, err := ParseSize(string(text))
	if err != nil {
		return err
	}
	*z = Size(n)
	return nil
}

// MarshalText implements encoding.TextMarshaler with String.
func (z Size) MarshalText() ([]byte, error) { return []byte(z.String()), nil }

// String formats z with the largest binary unit that divides it exactly
// ("64MiB", "1000B"), so that String and ParseSize round-trip.
func (z Size) String() string {
	n := int64(z)
	if n < 0 {
		return strconv.FormatInt(n, 10) + "B"
	}
	for _, u := range []struct {
		unit string
		mult int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n != 0 && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.unit
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// Duration is a time.Duration written in TOML as a Go duration string
// ("30s", "1m30s", "250ms"). The integer 0 is also accepted, as "0s"; other
// integers are rejected because their unit would be ambiguous.
type Duration time.Duration

const durationWant = `want a Go duration string such as "30s", "1m30s" or "250ms"`

// ParseDuration parses the string form of a Duration. Negative durations are
// rejected.
func ParseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q (%s)", s, durationWant)
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return d, nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseDuration.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalText implements encoding.TextMarshaler with String.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String is time.Duration's String.
func (d Duration) String() string { return time.Duration(d).String() }
