// Package pipeline runs an ordered list of guards over an exchange.
//
// A Pipeline is immutable once built and safe for concurrent use: a request
// runs it with its own Outcome. The order of guards is the order of the
// route's `guards` list in the config, never map or import order.
package pipeline

import (
	"context"
	"errors"
	"math"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// Guard is what the pipeline needs from a guard. *wasmhost.Guard
// implements it. Check must be safe for concurrent use; it resets v and
// fills it with the guard's verdict, or returns an error for a guard fault
// (a policy denial is a verdict, never an error).
type Guard interface {
	Name() string
	Version() string
	Handles(abi.Phase) bool
	Check(ctx context.Context, x *abi.Exchange, v *abi.Verdict) error
}

// Mode says whether a guard's verdict is enforced.
type Mode uint8

const (
	// Enforce applies the guard's verdict: a deny blocks, rewrites apply.
	Enforce Mode = iota
	// Observe runs the guard and records its verdict, but never blocks and
	// never changes the exchange.
	Observe
)

func (m Mode) String() string {
	if m == Observe {
		return "observe"
	}
	return "enforce"
}

// ParseMode maps "enforce" / "observe".
func ParseMode(s string) (Mode, bool) {
	switch s {
	case "enforce", "":
		return Enforce, true
	case "observe":
		return Observe, true
	}
	return 0, false
}

// Step is one guard in a pipeline with its policy.
type Step struct {
	Guard Guard
	Mode  Mode
	// FailOpen lets the exchange continue when the guard faults (timeout,
	// trap, bad verdict). The default, false, denies: fail closed.
	FailOpen bool
	// Candidate, when not nil, is the guard's shadow version: it runs
	// beside Guard on the same input and never changes the exchange.
	Candidate *Candidate
	// CandidateSample is the share of exchanges the candidate runs on, in
	// (0, 1]; 0 means 1 (every exchange). An exchange is in the sample or
	// not by a hash of its request ID, so the candidate sees all of an
	// exchange's phases and chunks or none, and every replica picks the
	// same exchanges. A step is never skipped for being done while its
	// candidate runs on the exchange (see noteDone).
	CandidateSample float64
}

// Pipeline is an ordered, immutable list of steps.
type Pipeline struct {
	steps  []Step
	phases [4]bool
	// sampleBelow, by step: an exchange whose request ID hashes below it
	// is in the step's candidate sample (all when math.MaxUint64).
	sampleBelow []uint64
	// wholeOnly, by step: it checks whole answers but not chunks and
	// reads the answer's text (see wholeOnly).
	wholeOnly []bool
}

// New returns a pipeline over steps, in order. steps is copied.
func New(steps []Step) *Pipeline {
	p := &Pipeline{steps: append([]Step(nil), steps...)}
	p.sampleBelow = make([]uint64, len(p.steps))
	p.wholeOnly = make([]bool, len(p.steps))
	for i, s := range p.steps {
		p.wholeOnly[i] = wholeOnly(&s)
		for ph := abi.PhaseRequest; ph <= abi.PhaseResponseChunk; ph++ {
			if s.Guard.Handles(ph) {
				p.phases[ph] = true
			}
		}
		p.sampleBelow[i] = math.MaxUint64
		if f := s.CandidateSample; f > 0 && f < 1 {
			p.sampleBelow[i] = uint64(f * (1 << 64))
		}
	}
	return p
}

// shadows reports whether step i's candidate runs on exchange x: it has
// one, and x is in its sample.
func (p *Pipeline) shadows(i int, x *abi.Exchange) bool {
	if p.steps[i].Candidate == nil {
		return false
	}
	below := p.sampleBelow[i]
	if below == math.MaxUint64 {
		return true
	}
	// FNV-1a over the request ID, then a 64-bit finaliser (MurmurHash3's
	// fmix64), so that IDs that differ only in their last characters
	// (Ward's own are a counter in hex) spread over the high bits too.
	h := uint64(14695981039346656037)
	for j := 0; j < len(x.RequestID); j++ {
		h ^= uint64(x.RequestID[j])
		h *= 1099511628211
	}
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h < below
}

// WholeAnswerOnly returns the names of the enforcing guards that check
// whole answers (phase response) but not stream chunks (response_chunk),
// and read the answer's text (see wholeOnly):
// a streamed answer must be held until they have checked all of it
// (HoldsStreams, RunWhole).
func (p *Pipeline) WholeAnswerOnly() []string {
	var names []string
	for i := range p.steps {
		if s := &p.steps[i]; s.Mode == Enforce && p.wholeOnly[i] {
			names = append(names, s.Guard.Name())
		}
	}
	return names
}

// Steps returns the pipeline's steps; the caller must not modify them.
func (p *Pipeline) Steps() []Step {
	if p == nil {
		return nil
	}
	return p.steps
}

// Handles reports whether any guard of p runs in phase ph.
func (p *Pipeline) Handles(ph abi.Phase) bool {
	return p != nil && int(ph) < len(p.phases) && p.phases[ph]
}

// Pending reports whether any guard of p runs in phase ph once the steps
// in done (Outcome.Done of the exchange's earlier phases) are skipped.
// When none does, the caller may leave the phase out altogether (not
// even parse the answer for it).
func (p *Pipeline) Pending(ph abi.Phase, done StepSet) bool {
	if !p.Handles(ph) {
		return false
	}
	for i := range p.steps {
		if s := &p.steps[i]; s.Guard.Handles(ph) && !done.Has(i) {
			return true
		}
	}
	return false
}

// StepSet is a set of a pipeline's steps, by index. Only the first 64
// steps can be members: a later step is never skipped.
type StepSet uint64

// Has reports whether step i is in s.
func (s StepSet) Has(i int) bool { return i < 64 && s&(1<<uint(i)) != 0 }

// with returns s with step i added (unchanged for i >= 64).
func (s StepSet) with(i int) StepSet {
	if i >= 64 {
		return s
	}
	return s | 1<<uint(i)
}

// noteDone adds step i to o.Done when its verdict v says done, unless its
// candidate runs on exchange x (shadows): a candidate is compared with the
// guard on every call, so a step it shadows is never left out. An
// exchange outside the candidate's sample is so for all its phases (the
// sample is a hash of the request ID), so its done steps are left out.
func (o *Outcome) noteDone(i int, shadows bool, v *abi.Verdict, rec *Record) {
	if v.IsDone() && !shadows {
		o.Done = o.Done.with(i)
		rec.Done = true
	}
}

// Outcome values.
const (
	OutcomeAllow = "allow"
	OutcomeDeny  = "deny"
	OutcomeError = "error"
)

// Record is what one guard did in one phase, for logs and the audit.
type Record struct {
	Guard   string
	Version string
	Phase   abi.Phase
	Mode    Mode
	// Outcome is allow, deny or error. For an observe guard it is what the
	// guard said, not what happened to the exchange.
	Outcome  string
	Code     string // denial code, or the error code of a fault
	Reasons  []string
	Scores   []abi.Score
	Rewrites int
	Latency  time.Duration
	Err      error
	// Candidate is what the step's candidate said on the same input.
	Candidate CandidateRecord
	// Done is set when the guard said it is done with the exchange
	// (abi.CodeDone): its later phases and chunks of the exchange are not
	// run, so they have no records.
	Done bool
}

// Outcome is the result of running a pipeline over one phase. It is
// reusable: Run resets it. Not safe for concurrent use.
type Outcome struct {
	// Denied is set when an enforcing guard denied or an enforcing guard
	// faulted with fail-closed policy; Run stops at that guard.
	Denied  bool
	Status  int
	Code    string
	Message string
	By      string // the guard that denied
	Fault   bool   // the denial is a guard fault, not a policy verdict

	// Dirty marks the messages of the phase (Exchange.Messages for
	// request, Exchange.Response.Messages for response) that enforcing
	// guards rewrote. Its length is the number of messages.
	Dirty     []bool
	Rewritten bool
	// SetHeaders are the headers enforcing guards set: on the request
	// (request phase) or the answer (response phase) when allowed, on the
	// error answer when Denied by a verdict.
	SetHeaders []abi.KV
	Records    []Record

	// Done is the set of steps that said they are done with the exchange
	// (an allow with code abi.CodeDone, see sdk/ABI.md "Done"): Run and
	// RunChunk skip them in the exchange's later phases and chunks, and
	// add the steps that say it. It spans the phases of one exchange, so
	// Reset keeps it; Run in phase request, where an exchange starts,
	// empties it first. A caller that runs a later phase without running
	// the request phase on the same Outcome must empty it itself when the
	// exchange starts; one that runs the chunks on another Outcome copies
	// it there (and back, for a response phase after the stream).
	Done StepSet

	// Stop, when set, is asked in the request phase after every enforcing
	// step whose verdict added annotations (such as the identity.* an
	// authentication guard names), with the exchange's annotations so
	// far. When it returns true Run ends there, with Stopped set: the
	// later steps are not called. The proxy's quarantine check uses it, so
	// that a quarantined identity costs no guard call after the one that
	// named it, and no later guard counts it (a rate limit, say). Reset
	// keeps it.
	Stop func(ann []abi.KV) bool
	// Stopped is set when Stop ended the run.
	Stopped bool

	v  abi.Verdict
	cv abi.Verdict // the candidates' verdicts
}

// Reset empties o for reuse.
func (o *Outcome) Reset() {
	o.Denied, o.Status, o.Code, o.Message, o.By, o.Fault, o.Rewritten, o.Stopped = false, 0, "", "", "", false, false, false
	o.Dirty = o.Dirty[:0]
	o.SetHeaders = o.SetHeaders[:0]
	clear(o.Records)
	o.Records = o.Records[:0]
}

// Coder is implemented by guard errors that carry a stable code.
type Coder interface{ ErrorCode() string }

// ErrorCode returns the stable code of a guard fault ("guard_error" when the
// error carries none).
func ErrorCode(err error) string {
	var c Coder
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	return "guard_error"
}

// Run runs the guards of p that handle x.Phase, in order, and fills o.
// Enforced rewrites and annotations are applied to x as they come, so
// later guards see them. A deny from an enforcing guard, or a fault of an
// enforcing fail-closed guard, stops the run. Guards in o.Done are
// skipped (see Outcome.Done); a guard that says done is added to it,
// whether it enforces or observes.
func (p *Pipeline) Run(ctx context.Context, x *abi.Exchange, o *Outcome) {
	p.run(ctx, x, o, false)
}

// HoldsStreams reports whether a streamed answer must be held and checked
// whole before any of it is sent: an enforcing guard not in done checks
// whole answers but not stream chunks (see WholeAnswerOnly).
func (p *Pipeline) HoldsStreams(done StepSet) bool {
	if p == nil {
		return false
	}
	for i := range p.steps {
		if p.steps[i].Mode == Enforce && p.wholeOnly[i] && !done.Has(i) {
			return true
		}
	}
	return false
}

// wholeOnly reports whether s checks whole answers but not chunks, and
// reads the answer's text: a guard that declares (Reads) it does not read
// the response part sees only an answer's usage and status, which a
// stream gives it at its end (a rate limit reconciling tokens).
func wholeOnly(s *Step) bool {
	if !s.Guard.Handles(abi.PhaseResponse) || s.Guard.Handles(abi.PhaseResponseChunk) {
		return false
	}
	r, ok := s.Guard.(interface{ Reads() abi.Parts })
	return !ok || r.Reads().Effective()&abi.ReadResponse != 0
}

// RunWhole is Run for the response phase of a held stream (HoldsStreams),
// x.Response being its whole answer: it runs only the guards that check
// whole answers but not chunks, enforcing and observing, and adds each to
// o.Done, so that the stream's own response phase at its end (its token
// usage) does not call them again. The chunk guards check the stream's
// events afterwards, as for any stream.
func (p *Pipeline) RunWhole(ctx context.Context, x *abi.Exchange, o *Outcome) {
	p.run(ctx, x, o, true)
}

func (p *Pipeline) run(ctx context.Context, x *abi.Exchange, o *Outcome, whole bool) {
	o.Reset()
	if x.Phase == abi.PhaseRequest {
		o.Done = 0
	}
	msgs := x.Messages
	if x.Phase == abi.PhaseResponse {
		msgs = x.Response.Messages
	}
	for range msgs {
		o.Dirty = append(o.Dirty, false)
	}
	if p == nil {
		return
	}
	v := &o.v
	for i := range p.steps {
		s := &p.steps[i]
		if !s.Guard.Handles(x.Phase) || o.Done.Has(i) { // done in an earlier phase (noteDone)
			continue
		}
		if whole {
			if !p.wholeOnly[i] {
				continue
			}
			o.Done = o.Done.with(i)
		}
		shadows := p.shadows(i, x)
		start := time.Now()
		err := s.Guard.Check(ctx, x, v)
		rec := Record{
			Guard:   s.Guard.Name(),
			Version: s.Guard.Version(),
			Phase:   x.Phase,
			Mode:    s.Mode,
			Latency: time.Since(start),
		}
		if err != nil {
			rec.Outcome, rec.Code, rec.Err = OutcomeError, ErrorCode(err), err
		} else {
			rec.verdict(v)
			o.noteDone(i, shadows, v, &rec)
		}
		o.Records = append(o.Records, rec)
		if shadows {
			// Before the guard's rewrites apply: the candidate sees what
			// the guard saw. (The record is the one in o.Records: a
			// pointer to the local would move it to the heap.)
			_ = s.Candidate.shadow(ctx, x, &o.cv, &o.Records[len(o.Records)-1])
		}
		if err != nil {
			if s.Mode == Enforce && !s.FailOpen {
				o.fault(&o.Records[len(o.Records)-1], "request refused by policy")
				return
			}
			continue
		}
		if s.Mode == Observe {
			continue
		}
		if v.Decision == abi.Deny {
			o.deny(v, rec.Guard, "request denied by guard ")
			// A denial's headers go on the error answer (e.g.
			// WWW-Authenticate with a 401).
			o.SetHeaders = append(o.SetHeaders, v.SetHeaders...)
			return
		}
		for _, rw := range v.Rewrites {
			if int(rw.Index) >= len(msgs) {
				continue // the host validated indexes; a stale one is ignored
			}
			msgs[rw.Index].Text = rw.Text
			o.Dirty[rw.Index] = true
			o.Rewritten = true
		}
		o.SetHeaders = append(o.SetHeaders, v.SetHeaders...)
		x.Annotations = append(x.Annotations, v.Annotations...)
		if len(v.Annotations) > 0 && o.Stop != nil && x.Phase == abi.PhaseRequest && o.Stop(x.Annotations) {
			o.Stopped = true
			return
		}
	}
}

// verdict records what the guard said in r: its outcome, denial code,
// reasons, scores and number of rewrites (copied: v is reused).
func (r *Record) verdict(v *abi.Verdict) {
	r.Outcome = OutcomeAllow
	if v.Decision == abi.Deny {
		r.Outcome, r.Code = OutcomeDeny, v.Code
	}
	if len(v.Reasons) > 0 {
		r.Reasons = append([]string(nil), v.Reasons...)
	}
	if len(v.Scores) > 0 {
		r.Scores = append([]abi.Score(nil), v.Scores...)
	}
	r.Rewrites = len(v.Rewrites)
}

// deny makes o the denial v of guard: its status (403 when not an HTTP
// error), code ("denied" when empty) and message (fallback followed by
// the guard's name when empty).
func (o *Outcome) deny(v *abi.Verdict, guard, fallback string) {
	o.Denied = true
	o.Status = int(v.Status)
	if o.Status < 400 || o.Status > 599 {
		o.Status = 403
	}
	o.Code = v.Code
	if o.Code == "" {
		o.Code = "denied"
	}
	o.Message = v.Message
	if o.Message == "" {
		o.Message = fallback + guard
	}
	o.By = guard
}

// fault makes o the refusal that follows the fault of an enforcing,
// fail-closed guard (rec): 503 with the fault's code.
func (o *Outcome) fault(rec *Record, what string) {
	o.Denied, o.Fault = true, true
	o.Status = 503
	o.Code = rec.Code
	o.Message = "guard " + rec.Guard + " failed (" + rec.Code + "); " + what
	o.By = rec.Guard
}
