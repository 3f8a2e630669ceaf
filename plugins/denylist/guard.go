package denylist

import (
	"strconv"
	"strings"

	ward "github.com/wardgate/ward/sdk/go"
)

// Defaults of the config table; see README.md.
const (
	defaultStatus = 403
	defaultCode   = "denylist.match"
)

var defaultRoles = []string{"system", "developer", "user", "tool"}

// Role bits. A message whose role is none of these is always scanned
// (fail closed): the host normalises roles, so an unknown one is a surprise.
const (
	roleSystem uint8 = 1 << iota
	roleDeveloper
	roleUser
	roleAssistant
	roleTool
	roleFunction
)

func roleBit(role string) uint8 {
	switch role {
	case "system":
		return roleSystem
	case "developer":
		return roleDeveloper
	case "user":
		return roleUser
	case "assistant":
		return roleAssistant
	case "tool":
		return roleTool
	case "function":
		return roleFunction
	}
	return 0
}

// denylist is the configured guard. It is written once by configure and
// only read by handlers.
type denylist struct {
	m      *Matcher
	roles  uint8
	status uint16
	code   string
}

var schema = map[string]string{
	"phrases":        "list of strings, required: phrases that block a request when found in a scanned message",
	"case_sensitive": "bool, default false: match case exactly (else simple Unicode lower case)",
	"whole_words":    "bool, default false: match only when not preceded or followed by a letter, digit or '_'",
	"roles":          `list of strings, default ["system","developer","user","tool"]: roles whose messages (text, tool results, documents) are scanned`,
	"status":         "integer 400-599, default 403: HTTP status of the denial",
	"code":           `string, default "denylist.match": error code of the denial`,
}

// New returns the guard with its own state, so that every Instance (in
// tests) or module (in Wasm) is independent.
//
// New is what module/main.go registers as a module of its own and
// plugins/builtin as one of the built-in guards.
func New() ward.Guard {
	d := &denylist{}
	return ward.Guard{
		Name:         "denylist",
		Version:      "1.0.0",
		ConfigSchema: schema,
		Configure:    d.configure,
		Request:      d.request,
		ZeroCopy:     true,              // request keeps no string of the exchange
		Reads:        ward.ReadMessages, // the messages' text only
	}
}

func (d *denylist) configure(c *ward.Config) error {
	if !c.Has("phrases") {
		return c.Errorf("phrases", "required: list the phrases to block")
	}
	phrases, err := c.Strings("phrases", nil)
	if err != nil {
		return err
	}
	if len(phrases) == 0 {
		return c.Errorf("phrases", "must not be empty")
	}
	caseSensitive, err := c.Bool("case_sensitive", false)
	if err != nil {
		return err
	}
	wholeWords, err := c.Bool("whole_words", false)
	if err != nil {
		return err
	}
	roles, err := c.Strings("roles", defaultRoles)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		return c.Errorf("roles", "must not be empty (omit it for the default)")
	}
	var mask uint8
	for i, r := range roles {
		b := roleBit(strings.ToLower(r))
		if b == 0 {
			return c.Errorf("roles["+strconv.Itoa(i)+"]", "unknown role %q (want system|developer|user|assistant|tool|function)", r)
		}
		mask |= b
	}
	status, err := c.Int("status", defaultStatus)
	if err != nil {
		return err
	}
	if status < 400 || status > 599 {
		return c.Errorf("status", "must be 400-599, got %d", status)
	}
	code, err := c.String("code", defaultCode)
	if err != nil {
		return err
	}
	if code == "" {
		return c.Errorf("code", "must not be empty")
	}
	m, bad, err := newMatcher(phrases, caseSensitive, wholeWords)
	if err != nil {
		if bad >= 0 {
			return c.Errorf("phrases["+strconv.Itoa(bad)+"]", "%s", err)
		}
		return c.Errorf("phrases", "%s", err)
	}
	*d = denylist{m: m, roles: mask, status: uint16(status), code: code}
	return nil
}

// request denies the exchange at the first scanned message containing a
// phrase. The message names the phrase and message indexes only: echoing
// the prompt (or the phrase) back would leak it into client logs.
func (d *denylist) request(x *ward.Exchange, v *ward.Verdict) {
	for i := range x.Messages {
		msg := &x.Messages[i]
		if b := roleBit(msg.Role); b != 0 && d.roles&b == 0 {
			continue
		}
		p, ok := d.m.Find(msg.Text)
		if !ok {
			continue
		}
		ps, ms := strconv.Itoa(p), strconv.Itoa(i)
		v.Deny(d.status, d.code, "request blocked by denylist: phrase "+ps+" found in message "+ms)
		v.AddReason("phrases[" + ps + "] in messages[" + ms + "] (role " + msg.Role + ", kind " + msg.Kind.String() + ")")
		v.Annotate("denylist.phrase", ps)
		return
	}
}
