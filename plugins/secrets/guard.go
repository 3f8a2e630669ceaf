package secrets

import (
	"maps"
	"slices"

	"github.com/wardgate/ward/sdk/detect"
	"github.com/wardgate/ward/sdk/detect/redact"
	ward "github.com/wardgate/ward/sdk/go"
)

// ruleGeneric is detect's rule for high-entropy values next to a keyword
// (gitleaks' generic-api-key).
const ruleGeneric = "generic-api-key"

// maxRuleLen bounds a rule id in the actions table.
const maxRuleLen = 64

// Bounds of allow_values: a short value would allow a common substring of
// real secrets; the count bounds the lookup.
const (
	minAllowLen = 8
	maxAllowLen = 1024
	maxAllow    = 1000
)

var schema = func() map[string]string {
	m := map[string]string{
		"actions":          `table RULE = "redact"|"mask"|"tokenize"|"block"|"allow": action per rule id (gitleaks ids: "aws-access-token", "github-pat", "generic-api-key", ...)`,
		"default_action":   "action for every rule not in actions; default: block for provider rules at or above block_confidence, redact for the others and generic-api-key",
		"block_confidence": "number in [0, 1], default 0.8: confidence from which a provider rule's finding blocks by default",
		"allow_values":     "array of strings: values never treated as secrets, matched exactly (known-public keys, test fixtures); at most 1000, each 8 to 1024 bytes",
	}
	maps.Copy(m, redact.CommonSchema)
	return m
}()

// secrets is the configured guard. configure writes it once; handlers read
// its configuration and reuse its scratch (an instance handles one call at
// a time).
type secrets struct {
	actions   map[string]redact.Action
	def       redact.Action
	hasDef    bool
	blockConf float64
	allow     []string // sorted allow_values
	r         redact.Redactor

	find  redact.Finder // s.spans, bound once (a method value allocates)
	found []detect.Finding
}

// New returns the guard with its own state, so that every Instance (in
// tests) or module (in Wasm) is independent.
//
// New is what module/main.go registers as a module of its own and
// plugins/builtin as one of the built-in guards.
func New() ward.Guard {
	s := &secrets{}
	return ward.Guard{
		Name:          "secrets",
		Version:       "1.0.0",
		ConfigSchema:  schema,
		Configure:     s.configure,
		Request:       s.request,
		Response:      s.response,
		ResponseChunk: s.responseChunk,
		ZeroCopy:      true, // nothing of the exchange is kept past a call
		// Annotations: the sealed mapping of tokenized values.
		Reads: ward.ReadMessages | ward.ReadAnnotations | ward.ReadResponse | ward.ReadChunk,
	}
}

// validRule checks the shape of a rule id. The detector does not export
// its rule list, so an id of the right shape that no rule has is accepted
// (and never matches).
func validRule(id string) string {
	if id == "" || len(id) > maxRuleLen {
		return "rule id must be 1 to 64 characters"
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' && i > 0) {
			return "rule id must be lower-case letters, digits and '-' (gitleaks ids such as \"github-pat\")"
		}
	}
	return ""
}

func (s *secrets) configure(c *ward.Config) error {
	actions, err := redact.ReadActions(c, "actions", validRule)
	if err != nil {
		return err
	}
	def, hasDef, err := redact.ReadAction(c, "default_action")
	if err != nil {
		return err
	}
	blockConf, err := c.Float("block_confidence", 0.8)
	if err != nil {
		return err
	}
	if !(blockConf >= 0 && blockConf <= 1) {
		return c.Errorf("block_confidence", "must be in [0, 1], got %v", blockConf)
	}
	allow, err := c.Strings("allow_values", nil)
	if err != nil {
		return err
	}
	if len(allow) > maxAllow {
		return c.Errorf("allow_values", "at most %d values, got %d", maxAllow, len(allow))
	}
	for i, v := range allow {
		if len(v) < minAllowLen || len(v) > maxAllowLen {
			return c.Errorf("allow_values", "value %d: must be %d to %d bytes, got %d", i, minAllowLen, maxAllowLen, len(v))
		}
	}
	allow = slices.Clone(allow)
	slices.Sort(allow)
	allow = slices.Compact(allow)
	tokenizes := hasDef && def == redact.Tokenize
	for _, a := range actions {
		tokenizes = tokenizes || a == redact.Tokenize
	}
	cm, err := redact.ReadCommon(c, tokenizes)
	if err != nil {
		return err
	}
	*s = secrets{
		actions: actions, def: def, hasDef: hasDef, blockConf: blockConf, allow: allow,
		r: redact.Redactor{Name: "secrets", What: "a secret", Common: cm},
	}
	s.find = s.spans
	return nil
}

// action is what a finding gets: its rule's action, else default_action,
// else block for a confident provider rule and redact for the rest.
func (s *secrets) action(f *detect.Finding) redact.Action {
	if a, ok := s.actions[f.Rule]; ok {
		return a
	}
	if s.hasDef {
		return s.def
	}
	if f.Rule == ruleGeneric || f.Confidence < s.blockConf {
		return redact.Redact
	}
	return redact.Block
}

// spans is the guard's Finder: detect.Secrets' findings with their
// actions. Every secret is of kind SECRET (labels "[SECRET]" and
// placeholders "<SECRET_1>" say nothing of the provider to the model);
// the rule id is the label of block messages and audit reasons.
func (s *secrets) spans(text string, dst []redact.Span) []redact.Span {
	s.found = detect.Secrets(text, s.found[:0])
	for i := range s.found {
		f := &s.found[i]
		if s.allowed(text[f.Start:f.End]) {
			continue
		}
		a := s.action(f)
		if a == redact.Allow {
			continue
		}
		dst = append(dst, redact.Span{Kind: string(detect.KindSecret), Label: f.Rule, Start: f.Start, End: f.End, Action: a})
	}
	return dst
}

// allowed reports whether v is one of allow_values (gitleaks expresses
// known-public values as per-rule allowlists; here the operator lists them).
func (s *secrets) allowed(v string) bool {
	if len(s.allow) == 0 {
		return false
	}
	_, ok := slices.BinarySearch(s.allow, v)
	return ok
}

// request redacts, masks, tokenizes or blocks the request's secrets. As
// the pii guard's request does, it says it is done with the exchange when
// it allows without a mapping of tokenized values in the exchange or its
// verdict: its response and response_chunk handlers would only restore
// placeholders, and there are none.
func (s *secrets) request(x *ward.Exchange, v *ward.Verdict) {
	s.r.RequestOrDone(x, v, s.find)
}

func (s *secrets) response(x *ward.Exchange, v *ward.Verdict) { s.r.Response(x, v) }

// responseChunk restores placeholders in streamed answers (a placeholder
// split across deltas is held until complete).
func (s *secrets) responseChunk(x *ward.Exchange, v *ward.Verdict) { s.r.ResponseChunk(x, v) }
