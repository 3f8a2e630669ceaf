package pipeline

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/wardgate/ward/sdk/abi"
)

// Candidate is the shadow version of a step's guard: it runs beside the
// guard on the same input, in every phase the guard runs, always as an
// observer. Its verdict never applies, its rewrites are discarded and its
// faults never reach the exchange; what it said is compared with the
// guard's verdict and kept in Record.Candidate.
//
// A Candidate is shared by the snapshots that load the same candidate
// module, so its counters cover the candidate's whole life. It is safe for
// concurrent use.
type Candidate struct {
	Guard Guard
	// Log, when set, is told of disagreements (rec holds both verdicts),
	// at most LogPerSecond times a second; it runs on the request's
	// goroutine and must not keep rec.
	Log func(rec *Record)

	calls, disagreements atomic.Uint64
	logSec, logN         atomic.Int64
}

// LogPerSecond bounds the disagreements a Candidate logs per second.
const LogPerSecond = 5

// Calls is the number of times the candidate ran.
func (c *Candidate) Calls() uint64 { return c.calls.Load() }

// Disagreements is the number of its verdicts that differed from the
// guard's.
func (c *Candidate) Disagreements() uint64 { return c.disagreements.Load() }

// CandidateRecord is what a step's candidate said beside the guard.
type CandidateRecord struct {
	Ran     bool // false: the step has no candidate or it did not run
	Version string
	// Outcome is allow, deny or error, like Record.Outcome; Code the
	// denial or error code.
	Outcome  string
	Code     string
	Rewrites int
	Latency  time.Duration
	// Disagree is set when its action (allow, rewrite, deny, error) or its
	// denial or error code differs from the guard's.
	Disagree bool
}

// Action is what a verdict does to the exchange: error, deny, rewrite or
// allow (the words candidates are compared by).
func Action(outcome string, rewrites int) string {
	if outcome == OutcomeAllow && rewrites > 0 {
		return "rewrite"
	}
	return outcome
}

// shadow runs the candidate c on x (the guard's input) into cv and fills
// rec.Candidate, comparing it with the guard's verdict already in rec. It
// returns the candidate's error (for the caller's own state), never
// letting it reach the exchange.
func (c *Candidate) shadow(ctx context.Context, x *abi.Exchange, cv *abi.Verdict, rec *Record) error {
	start := time.Now()
	err := c.Guard.Check(ctx, x, cv)
	cr := CandidateRecord{Ran: true, Version: c.Guard.Version(), Latency: time.Since(start)}
	if err != nil {
		cr.Outcome, cr.Code = OutcomeError, ErrorCode(err)
	} else {
		cr.Outcome = OutcomeAllow
		if cv.Decision == abi.Deny {
			cr.Outcome, cr.Code = OutcomeDeny, cv.Code
		}
		cr.Rewrites = len(cv.Rewrites)
	}
	cr.Disagree = Action(cr.Outcome, cr.Rewrites) != Action(rec.Outcome, rec.Rewrites) ||
		(cr.Outcome != OutcomeAllow && cr.Code != rec.Code)
	rec.Candidate = cr
	c.calls.Add(1)
	if cr.Disagree {
		c.disagreements.Add(1)
		if c.Log != nil && c.logAllowed(start) {
			c.Log(rec)
		}
	}
	return err
}

// logAllowed reports whether one more disagreement may be logged in the
// second of now.
func (c *Candidate) logAllowed(now time.Time) bool {
	sec := now.Unix()
	if old := c.logSec.Load(); old != sec && c.logSec.CompareAndSwap(old, sec) {
		c.logN.Store(0)
	}
	return c.logN.Add(1) <= LogPerSecond
}
