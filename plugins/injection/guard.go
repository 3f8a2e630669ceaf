package injection

import (
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/wardgate/ward/plugins/injection/detector"
	"github.com/wardgate/ward/plugins/injection/model"
	ward "github.com/wardgate/ward/sdk/go"
	"github.com/wardgate/ward/sdk/go/memo"
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
	// thText and jbText are the thresholds as the reasons quote them.
	thText, jbText string
	action         string
	// user, assistant, tool, function: whether messages of that role
	// are scanned (fields, not a map: a map lookup hashes the role, which
	// Go's Wasm does a byte at a time).
	user, assistant, tool, function bool
	// out holds the strings of a flagged message's verdict (score, index,
	// message, reason, reason codes), which alias it: the SDK encodes the
	// verdict before the next call and nothing else keeps them (see
	// sdk/go Verdict), so a denial allocates nothing.
	out []byte
	// memo holds the results of the texts scanned last (sdk/go/memo):
	// a conversation's history is compared, not scanned again.
	memo memo.Memo[detector.Result]
	// prot is what the request's system prompt forbids disclosing
	// (detector.Protected, parsed again only when the prompt changes);
	// sys joins the prompt's messages when there are several.
	prot detector.Protected
	sys  []byte
}

// New returns the guard with its own state, so that every Instance (in
// tests) or module (in Wasm) is independent.
//
// New is what module/main.go registers as a module of its own and
// plugins/builtin as one of the built-in guards.
func New() ward.Guard { return guardOf(&injection{}) }

// guardOf is New with the guard's state given (tests read it).
func guardOf(g *injection) ward.Guard {
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
	// Building the detector allocates its keyword automaton (5.3 MB),
	// which starts a collection; the SDK lets it finish after configure
	// (sdk/go, ward_configure), or every call would run with the
	// collector's write barriers on.
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
	var set injection
	for i, r := range roles {
		switch r = strings.ToLower(r); r {
		case "user":
			set.user = true
		case "assistant":
			set.assistant = true
		case "tool":
			set.tool = true
		case "function":
			set.function = true
		case "system", "developer":
			return c.Errorf("roles["+strconv.Itoa(i)+"]", "%q is the operator's prompt and is not scanned as an attack", r)
		default:
			return c.Errorf("roles["+strconv.Itoa(i)+"]", "unknown role %q (want user|assistant|tool|function)", r)
		}
	}
	*g = injection{sc: det.NewScanner(), threshold: th, jailbreak: jb, action: action,
		user: set.user, assistant: set.assistant, tool: set.tool, function: set.function,
		thText: strconv.FormatFloat(th, 'f', -1, 64), jbText: strconv.FormatFloat(jb, 'f', -1, 64)}
	return nil
}

// scanned reports whether a message of role is scanned. Roles the host
// does not know are scanned (fail closed); the operator's are not.
func (g *injection) scanned(role string) bool {
	switch role {
	case "system", "developer":
		return false
	case "user":
		return g.user
	case "assistant":
		return g.assistant
	case "tool":
		return g.tool
	case "function":
		return g.function
	}
	return true
}

// request scores the scanned messages in order and acts on the first that
// reaches the threshold. Tool results, documents and tool/function
// messages are scanned as data (instructions addressed to the model weigh
// more there). Nothing of the prompt is echoed back: the denial names the
// message index only.
func (g *injection) request(x *ward.Exchange, v *ward.Verdict) {
	g.prot.Parse(g.system(x.Messages))
	for i := range x.Messages {
		msg := &x.Messages[i]
		if !g.scanned(msg.Role) || msg.Text == "" {
			continue
		}
		data := msg.Kind == ward.KindToolResult || msg.Kind == ward.KindDocument || msg.Role == "tool" || msg.Role == "function"
		// The history is looked up, the last message (the new one)
		// always scanned.
		var r detector.Result
		ok := false
		if i < len(x.Messages)-1 {
			r, ok = g.memo.Lookup(msg.Text, data)
		}
		if !ok {
			r = g.sc.Scan(msg.Text, data)
			g.memo.Store(msg.Text, data, r)
		}
		// Asking for what the operator's prompt protects (the memo keeps
		// the text's own result: the prompt can differ next time).
		g.prot.Apply(&r, msg.Text)
		th, thText := g.threshold, g.thText
		if r.Jailbreak() {
			th, thText = g.jailbreak, g.jbText
		}
		if r.Score < th {
			continue
		}
		g.flag(i, msg, thText, &r, v)
		return
	}
}

// system returns the operator's instructions of msgs (system and
// developer messages; several are joined by a line break), which are
// never scored but say what must not be disclosed.
func (g *injection) system(msgs []ward.Message) string {
	first, n := -1, 0
	for i := range msgs {
		if r := msgs[i].Role; (r == "system" || r == "developer") && msgs[i].Text != "" {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	switch n {
	case 0:
		return ""
	case 1:
		return msgs[first].Text
	}
	g.sys = g.sys[:0]
	for i := range msgs {
		if r := msgs[i].Role; (r == "system" || r == "developer") && msgs[i].Text != "" {
			g.sys = append(append(g.sys, msgs[i].Text...), '\n')
		}
	}
	// A view of the scratch, not a copy: Protected.Parse keeps only a
	// hash of it.
	return unsafe.String(unsafe.SliceData(g.sys), len(g.sys))
}

// flag fills v for message i, which scored r at or above the threshold
// quoted as thText: a denial
// (unless the action says otherwise), the audit reason, the score and,
// except with action observe, the annotations for later guards. Every
// string is cut from g.out, written once here.
func (g *injection) flag(i int, msg *ward.Message, thText string, r *detector.Result, v *ward.Verdict) {
	score := math.Round(r.Score*100) / 100
	if r.Reasons == 0 {
		r.Reasons = detector.RModel // flagged by weak evidence adding up
	}
	b := appendScore(g.out[:0], r.Score, score)
	sEnd := len(b)
	b = strconv.AppendInt(b, int64(i), 10)
	mEnd := len(b)
	b = append(b, "request blocked: possible prompt injection in message "...)
	b = append(b, b[sEnd:mEnd]...)
	dEnd := len(b)
	b = append(b, "messages["...)
	b = append(b, b[sEnd:mEnd]...)
	b = append(b, "] (role "...)
	b = append(b, msg.Role...)
	b = append(b, ", kind "...)
	b = append(b, msg.Kind.String()...)
	b = append(b, "): score "...)
	b = append(b, b[:sEnd]...)
	b = append(b, " >= "...)
	b = append(b, thText...)
	b = append(b, ": "...)
	cStart := len(b)
	b = detector.AppendReasons(b, r.Reasons, ",")
	g.out = b
	all := unsafe.String(unsafe.SliceData(b), len(b))
	ss, ms, reasons := all[:sEnd], all[sEnd:mEnd], all[cStart:]
	if g.action == actDeny {
		v.Deny(403, code, all[mEnd:dEnd])
	}
	v.AddReason(all[dEnd:])
	v.Score("injection", score)
	if g.action != actObserve {
		v.Annotate("injection.score", ss)
		v.Annotate("injection.reasons", reasons)
		v.Annotate("injection.message", ms)
	}
}

// appendScore appends score, which is math.Round(raw*100)/100, as
// strconv.AppendFloat(dst, score, 'f', 2, 64) does: for raw in [0, 1]
// (every score) the digits of the integer math.Round(raw*100) around a
// point, which the float score is the nearest double to (strconv's
// float formatting costs ~0.5 us inside Wasm, a fifth of a denial).
func appendScore(dst []byte, raw, score float64) []byte {
	if !(raw >= 0 && raw <= 1) {
		return strconv.AppendFloat(dst, score, 'f', 2, 64)
	}
	n := int(math.Round(raw * 100))
	return append(dst, byte('0'+n/100), '.', byte('0'+n/10%10), byte('0'+n%10))
}
