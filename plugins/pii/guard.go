package pii

import (
	"maps"

	"github.com/wardgate/ward/sdk/detect"
	"github.com/wardgate/ward/sdk/detect/redact"
	ward "github.com/wardgate/ward/sdk/go"
)

// kinds are the entity kinds the guard knows: every kind detect.PII
// reports.
var kinds = []detect.Kind{
	detect.KindEmail, detect.KindPhone, detect.KindCreditCard, detect.KindIBAN,
	detect.KindUSSSN, detect.KindIPAddress, detect.KindMACAddress, detect.KindCrypto,
	detect.KindURLCredentials, detect.KindUKNHS, detect.KindESNIF, detect.KindESNIE,
	detect.KindITFiscalCode, detect.KindINAadhaar, detect.KindINPAN, detect.KindAUTFN,
	detect.KindAUABN, detect.KindAUACN, detect.KindAUMedicare, detect.KindSGNRIC,
	detect.KindDateOfBirth, detect.KindPerson, detect.KindLocation,
}

// builtinActions is the default action of each kind when neither actions
// nor default_action names it (see README.md for the reasoning). Kinds
// absent here default to redact.
var builtinActions = map[detect.Kind]redact.Action{
	detect.KindCreditCard: redact.Mask,
	detect.KindIBAN:       redact.Mask,
	detect.KindUSSSN:      redact.Mask,
	// Technical or public data, or detections too uncertain to rewrite
	// prompts by default.
	detect.KindIPAddress:  redact.Allow,
	detect.KindMACAddress: redact.Allow,
	detect.KindAUABN:      redact.Allow,
	detect.KindAUACN:      redact.Allow,
	detect.KindPerson:     redact.Allow,
	detect.KindLocation:   redact.Allow,
}

var schema = func() map[string]string {
	m := map[string]string{
		"actions":        `table KIND = "redact"|"mask"|"tokenize"|"block"|"allow": action per entity kind (EMAIL, PHONE, CREDIT_CARD, ...; see README.md)`,
		"default_action": "action for kinds not in actions; default: the built-in table in README.md",
		"min_confidence": "number in (0, 1], default 0.35: findings less confident are ignored",
	}
	maps.Copy(m, redact.CommonSchema)
	return m
}()

// pii is the configured guard. configure writes it once; handlers read its
// configuration and reuse its scratch (an instance handles one call at a
// time).
type pii struct {
	actions []kindAction // the action of every kind, in kinds' order
	opt     detect.PIIOptions
	r       redact.Redactor

	find  redact.Finder // p.spans, bound once (a method value allocates)
	found []detect.Finding
}

type kindAction struct {
	kind   detect.Kind
	action redact.Action
}

// New returns the guard with its own state, so that every Instance (in
// tests) or module (in Wasm) is independent.
//
// New is what module/main.go registers as a module of its own and
// plugins/builtin as one of the built-in guards.
func New() ward.Guard {
	p := &pii{}
	return ward.Guard{
		Name:          "pii",
		Version:       "1.0.0",
		ConfigSchema:  schema,
		Configure:     p.configure,
		Request:       p.request,
		Response:      p.response,
		ResponseChunk: p.responseChunk,
		ZeroCopy:      true, // nothing of the exchange is kept past a call
		// Annotations: the sealed mapping of tokenized values.
		Reads: ward.ReadMessages | ward.ReadAnnotations | ward.ReadResponse | ward.ReadChunk,
	}
}

func validKind(name string) string {
	for _, k := range kinds {
		if string(k) == name {
			return ""
		}
	}
	return "unknown entity kind (want one of EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS, ...; see README.md)"
}

func (p *pii) configure(c *ward.Config) error {
	set, err := redact.ReadActions(c, "actions", validKind)
	if err != nil {
		return err
	}
	def, hasDef, err := redact.ReadAction(c, "default_action")
	if err != nil {
		return err
	}
	minConf, err := c.Float("min_confidence", detect.DefaultPIIMinConfidence)
	if err != nil {
		return err
	}
	if !(minConf > 0 && minConf <= 1) {
		return c.Errorf("min_confidence", "must be in (0, 1], got %v", minConf)
	}
	actions := make([]kindAction, 0, len(kinds))
	var scan []detect.Kind
	tokenizes := false
	for _, k := range kinds {
		a, ok := set[string(k)]
		switch {
		case ok:
		case hasDef:
			a = def
		default:
			if a, ok = builtinActions[k]; !ok {
				a = redact.Redact
			}
		}
		actions = append(actions, kindAction{k, a})
		if a != redact.Allow {
			scan = append(scan, k)
		}
		tokenizes = tokenizes || a == redact.Tokenize
	}
	cm, err := redact.ReadCommon(c, tokenizes)
	if err != nil {
		return err
	}
	if len(scan) == 0 {
		return c.Errorf("", "every kind is allowed: the guard would do nothing")
	}
	*p = pii{
		actions: actions,
		opt:     detect.PIIOptions{MinConfidence: minConf, Kinds: scan},
		r:       redact.Redactor{Name: "pii", What: "personal data", Common: cm},
	}
	p.opt.Prepare()
	p.find = p.spans
	return nil
}

// spans is the guard's Finder: detect.PII's findings with their actions.
func (p *pii) spans(text string, dst []redact.Span) []redact.Span {
	p.found = detect.PII(text, p.found[:0], &p.opt)
	for i := range p.found {
		f := &p.found[i]
		a := p.action(f.Kind)
		if a == redact.Allow {
			continue
		}
		dst = append(dst, redact.Span{Kind: string(f.Kind), Label: string(f.Kind), Start: f.Start, End: f.End, Action: a})
	}
	return dst
}

// action is the action of kind k, read from a slice: a map lookup with a
// string key costs a hash and a call inside Wasm, for the handful of kinds
// found.
func (p *pii) action(k detect.Kind) redact.Action {
	for i := range p.actions {
		if p.actions[i].kind == k {
			return p.actions[i].action
		}
	}
	return redact.Allow
}

// request redacts, masks, tokenizes or blocks the request's findings. When
// it allows without a mapping of tokenized values anywhere in the exchange
// (its own verdict's or an annotation it was given), the response and
// response_chunk handlers have no placeholder to restore: they open a
// mapping only from such an annotation and are plain allows without one
// (redact.Redactor.Response, ResponseChunk). The guard then says it is
// done with the exchange, and the host skips those calls. A later guard
// cannot add such an annotation for this guard to restore: its mappings
// are sealed for its own name and restored by its own response phase.
func (p *pii) request(x *ward.Exchange, v *ward.Verdict) {
	p.r.RequestOrDone(x, v, p.find)
}

func (p *pii) response(x *ward.Exchange, v *ward.Verdict) { p.r.Response(x, v) }

// responseChunk restores placeholders in streamed answers (a placeholder
// split across deltas is held until complete).
func (p *pii) responseChunk(x *ward.Exchange, v *ward.Verdict) { p.r.ResponseChunk(x, v) }
