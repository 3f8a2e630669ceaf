// Package redact is the guest-side machinery shared by the data protection
// guards (plugins/pii, plugins/secrets): the actions a finding can get, how
// overlapping findings merge, how a span is redacted, masked or replaced by
// a reversible placeholder, how the placeholder mapping is sealed into an
// annotation for the response phase, and how the answer is restored.
//
// A guard supplies only detection (a function from text to spans with their
// actions) and its config; Redactor runs both phases. Everything here is
// single-threaded per value, like a guard instance: a Redactor, Tokens or
// Sealer must not be used by two goroutines at once.
package redact

import (
	"errors"
	"strconv"
	"strings"

	ward "github.com/wardgate/ward/sdk/go"
)

// Action is what happens to a finding. The numeric order is the priority
// used when overlapping findings merge: the highest wins.
type Action uint8

const (
	Allow    Action = iota // leave the text as it is
	Redact                 // replace by "[KIND]"
	Mask                   // replace letters and digits by '*', keeping the last few and the separators
	Tokenize               // replace by a placeholder "<KIND_N>", restored in the answer
	Block                  // deny the request
)

var actionNames = [...]string{Allow: "allow", Redact: "redact", Mask: "mask", Tokenize: "tokenize", Block: "block"}

// ActionList is the list of action names for error messages.
const ActionList = "redact|mask|tokenize|block|allow"

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "action(" + strconv.Itoa(int(a)) + ")"
}

// ParseAction parses an action name (exact, lower case).
func ParseAction(s string) (Action, bool) {
	for i, n := range actionNames {
		if s == n {
			return Action(i), true
		}
	}
	return 0, false
}

// ReadAction reads the optional action at key of c; ok is false when the
// key is absent.
func ReadAction(c *ward.Config, key string) (a Action, ok bool, err error) {
	if !c.Has(key) {
		return 0, false, nil
	}
	s, err := c.String(key, "")
	if err != nil {
		return 0, false, err
	}
	if a, ok = ParseAction(s); !ok {
		return 0, false, c.Errorf(key, "unknown action %q (want %s)", s, ActionList)
	}
	return a, true, nil
}

// ReadActions reads the optional table at key mapping names (entity kinds
// or rule ids) to actions. valid checks each name and returns a message
// when the name is not acceptable ("" when it is). An absent table is an
// empty map.
func ReadActions(c *ward.Config, key string, valid func(name string) string) (map[string]Action, error) {
	t, err := c.Table(key)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Action, len(t.Keys()))
	for _, name := range t.Keys() {
		if msg := valid(name); msg != "" {
			t.Raw(name) // reported here, not again as unknown
			return nil, t.Errorf(name, "%s", msg)
		}
		a, _, err := ReadAction(t, name)
		if err != nil {
			return nil, err
		}
		out[name] = a
	}
	return out, nil
}

// Common is the part of a data protection guard's config that every such
// guard reads the same way.
type Common struct {
	// MaskKeep is how many trailing letters or digits mask keeps (at most
	// half of the value's).
	MaskKeep int
	// Sealer seals the placeholder mapping; nil when no action tokenizes.
	Sealer *Sealer
}

// CommonSchema documents the keys ReadCommon reads, for Guard.ConfigSchema.
var CommonSchema = map[string]string{
	"mask_keep":    "integer 0-8, default 4: letters and digits mask keeps at the end of a value (at most half of them)",
	"tokenize_key": "string of at least 32 bytes, required when an action is tokenize: the secret that seals the placeholder mapping (put it in a config_text file)",
}

// ReadCommon reads mask_keep and tokenize_key. tokenizes says whether any
// configured action is Tokenize: tokenize_key is then required (and
// otherwise refused, so that a stale secret does not linger in configs).
func ReadCommon(c *ward.Config, tokenizes bool) (Common, error) {
	var cm Common
	keep, err := c.Int("mask_keep", 4)
	if err != nil {
		return cm, err
	}
	if keep < 0 || keep > 8 {
		return cm, c.Errorf("mask_keep", "must be 0-8, got %d", keep)
	}
	cm.MaskKeep = keep
	key, err := c.String("tokenize_key", "")
	if err != nil {
		return cm, err
	}
	switch {
	case tokenizes && key == "":
		return cm, c.Errorf("tokenize_key", "required when an action is tokenize (a secret of at least %d bytes)", MinKeyLen)
	case !tokenizes && c.Has("tokenize_key"):
		return cm, c.Errorf("tokenize_key", "set but no action is tokenize")
	case tokenizes:
		s, err := NewSealer(key)
		if err != nil {
			return cm, c.Errorf("tokenize_key", "%s", strings.TrimPrefix(err.Error(), "redact: "))
		}
		cm.Sealer = s
	}
	return cm, nil
}

var errShortKey = errors.New("redact: tokenize key shorter than 32 bytes")
