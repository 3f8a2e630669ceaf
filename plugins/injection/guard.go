package main

import (
	"math"
	"strconv"
	"strings"

	"github.com/wardgate/ward/plugins/injection/detector"
	"github.com/wardgate/ward/plugins/injection/model"
	ward "github.com/wardgate/ward/sdk/go"
)

// Actions when a message scores at or above the threshold.
const (
	actDeny     = "deny"     // 403 injection.detected
	actAnnotate = "annotate" // allow; annotations for later guards, reasons and score for the audit
	actObserve  = "observe"  // allow; reasons and score for the audit only
)

const code = "injection.detected"

var defaultRoles = []string{"user", "tool", "function"}

var schema = map[string]string{
	"threshold": "number in (0, 1], default: the model file's per-family thresholds (see README.md): messages scoring at or above it are flagged; set, it applies to both families",
	"action":    `"deny" | "annotate" | "observe", default "deny": what a flagged message does (403 injection.detected, annotations, or audit reasons only)`,
	"roles":     `list of "user" | "assistant" | "tool" | "function", default ["user","tool","function"]: roles whose messages are scanned (system and developer prompts are the operator's and never scanned)`,
}

// injection is the configured guard. configure writes it once; handlers
// read the configuration and reuse the scanner's scratch (an instance
// handles one call at a time).
type injection struct {
	sc *detector.Scanner
	// thresholds of the injection and the jailbreak family
	// (detector.Result.Jailbreak): the model file's, or both the
	// configured one.
	threshold, jailbreak float64
	action               string
	roles                map[string]bool
	reasons              []byte
}

// newGuard returns the guard with its own state, so that every Instance (in
// tests) or module (in Wasm) is independent.
func newGuard() ward.Guard {
	g := &injection{}
	return ward.Guard{
		Name:         "injection",
		Version:      "0.1.0",
		ConfigSchema: schema,
		Configure:    g.configure,
		Request:      g.request,
		ZeroCopy:     true, // nothing of the exchange is kept past a call
		Reads:        ward.ReadMessages,
	}
}

func (g *injection) configure(c *ward.Config) error {
	det, err := detector.Default(model.File)
	if err != nil {
		return c.Errorf("", "built-in model: %v", err)
	}
	th, jb := det.Thresholds()
	if c.Has("threshold") {
		if th, err = c.Float("threshold", th); err != nil {
			return err
		}
		if !(th > 0 && th <= 1) {
			return c.Errorf("threshold", "must be in (0, 1], got %v", th)
		}
		jb = th
	}
	action, err := c.String("action", actDeny)
	if err != nil {
		return err
	}
	switch action {
	case actDeny, actAnnotate, actObserve:
	default:
		return c.Errorf("action", "unknown value %q (want deny|annotate|observe)", action)
	}
	roles, err := c.Strings("roles", defaultRoles)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		return c.Errorf("roles", "must not be empty (omit it for the default)")
	}
	set := make(map[string]bool, len(roles))
	for i, r := range roles {
		switch r = strings.ToLower(r); r {
		case "user", "assistant", "tool", "function":
			set[r] = true
		case "system", "developer":
			return c.Errorf("roles["+strconv.Itoa(i)+"]", "%q is the operator's prompt and is not scanned as an attack", r)
		default:
			return c.Errorf("roles["+strconv.Itoa(i)+"]", "unknown role %q (want user|assistant|tool|function)", r)
		}
	}
	*g = injection{sc: det.NewScanner(), threshold: th, jailbreak: jb, action: action, roles: set}
	return nil
}

// scanned reports whether a message of role is scanned. Roles the host
// does not know are scanned (fail closed); the operator's are not.
func (g *injection) scanned(role string) bool {
	switch role {
	case "system", "developer":
		return false
	case "user", "assistant", "tool", "function":
		return g.roles[role]
	}
	return true
}

// request scores the scanned messages in order and acts on the first that
// reaches the threshold. Tool results, documents and tool/function
// messages are scanned as data (instructions addressed to the model weigh
// more there). Nothing of the prompt is echoed back: the denial names the
// message index only.
func (g *injection) request(x *ward.Exchange, v *ward.Verdict) {
	for i := range x.Messages {
		msg := &x.Messages[i]
		if !g.scanned(msg.Role) || msg.Text == "" {
			continue
		}
		data := msg.Kind == ward.KindToolResult || msg.Kind == ward.KindDocument || msg.Role == "tool" || msg.Role == "function"
		r := g.sc.Scan(msg.Text, data)
		th := g.threshold
		if r.Jailbreak() {
			th = g.jailbreak
		}
		if r.Score < th {
			continue
		}
		score := math.Round(r.Score*100) / 100
		ss, ms := strconv.FormatFloat(score, 'f', 2, 64), strconv.Itoa(i)
		if r.Reasons == 0 {
			r.Reasons = detector.RModel // flagged by weak evidence adding up
		}
		g.reasons = detector.AppendReasons(g.reasons[:0], r.Reasons, ",")
		reasons := string(g.reasons)
		if g.action == actDeny {
			v.Deny(403, code, "request blocked: possible prompt injection in message "+ms)
		}
		v.AddReason("messages[" + ms + "] (role " + msg.Role + ", kind " + msg.Kind.String() + "): score " + ss + " >= " +
			strconv.FormatFloat(th, 'f', -1, 64) + ": " + reasons)
		v.Score("injection", score)
		if g.action != actObserve {
			v.Annotate("injection.score", ss)
			v.Annotate("injection.reasons", reasons)
			v.Annotate("injection.message", ms)
		}
		return
	}
}
