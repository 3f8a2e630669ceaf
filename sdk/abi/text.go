package abi

import (
	"errors"
	"strconv"
)

// Enumerations travel as strings in the JSON encoding (Extism guards,
// config, audit), so a guard written in any language reads "request" and
// "deny" rather than numbers.

func (p Phase) MarshalText() ([]byte, error) { return []byte(p.String()), nil }
func (p *Phase) UnmarshalText(b []byte) error {
	v, ok := ParsePhase(string(b))
	if !ok {
		return errors.New("abi: unknown phase " + strconv.Quote(string(b)))
	}
	*p = v
	return nil
}

func (a API) MarshalText() ([]byte, error) { return []byte(a.String()), nil }
func (a *API) UnmarshalText(b []byte) error {
	v, ok := ParseAPI(string(b))
	if !ok {
		return errors.New("abi: unknown api " + strconv.Quote(string(b)))
	}
	*a = v
	return nil
}

func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }
func (k *Kind) UnmarshalText(b []byte) error {
	v, ok := ParseKind(string(b))
	if !ok {
		return errors.New("abi: unknown kind " + strconv.Quote(string(b)))
	}
	*k = v
	return nil
}

func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
func (d *Decision) UnmarshalText(b []byte) error {
	switch string(b) {
	case "allow", "":
		*d = Allow
	case "deny":
		*d = Deny
	default:
		return errors.New("abi: unknown decision " + strconv.Quote(string(b)))
	}
	return nil
}
