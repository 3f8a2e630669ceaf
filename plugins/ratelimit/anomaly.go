package main

import (
	"math"
	"strconv"
	"strings"
	"time"

	ward "github.com/wardgate/ward/sdk/go"
)

// anomaly is the configured burst detector (README.md, "Anomaly flag").
type anomaly struct {
	on               bool
	short, baseline  time.Duration
	multiple         float64
	minRequests      int64
	minTokens        int64
	requests, tokens bool // the signals watched
	deny             bool
}

var anomalyKeys = []string{"baseline", "deny", "min_requests", "min_tokens", "multiple", "short", "signals"}

// Anomaly counters live in a namespace limit names cannot reach ('@').
const (
	epochKey = "@epoch"
	// epochTTL is the lifetime of the shared clock counter; the anomaly
	// slots are numbered from its creation. Baselines are at most a
	// quarter of it, so that slot keys of an old epoch have expired before
	// a new epoch reuses their numbers.
	epochTTL    = 31 * 24 * time.Hour
	maxBaseline = 7 * 24 * time.Hour
	maxSlots    = 10_000 // baseline / short
)

func parseAnomaly(c *ward.Config, a *anomaly) error {
	var err error
	*a = anomaly{on: true}
	if a.short, err = c.Duration("short", time.Minute); err != nil {
		return err
	}
	if err := checkWindow(a.short); err != nil {
		return c.Errorf("short", "%s", err)
	}
	if a.baseline, err = c.Duration("baseline", time.Hour); err != nil {
		return err
	}
	if a.baseline < 2*a.short || a.baseline > maxBaseline {
		return c.Errorf("baseline", "must be 2 x short (%s) to 168h, got %s", 2*a.short, a.baseline)
	}
	if a.baseline%a.short != 0 {
		return c.Errorf("baseline", "must be a multiple of short (%s), got %s", a.short, a.baseline)
	}
	if a.baseline/a.short > maxSlots {
		return c.Errorf("baseline", "must be at most %d x short (%s), got %s", maxSlots, a.short, a.baseline)
	}
	if a.multiple, err = c.Float("multiple", 10); err != nil {
		return err
	}
	if !(a.multiple > 1 && a.multiple <= 1e6) {
		return c.Errorf("multiple", "must be above 1 and at most 1000000, got %v", a.multiple)
	}
	min, err := c.Int("min_requests", 10)
	if err != nil {
		return err
	}
	if min < 1 || min > maxRequests {
		return c.Errorf("min_requests", "must be 1 to %d, got %d", maxRequests, min)
	}
	a.minRequests = int64(min)
	if min, err = c.Int("min_tokens", 10000); err != nil {
		return err
	}
	if min < 1 || int64(min) > maxTokens {
		return c.Errorf("min_tokens", "must be 1 to %d, got %d", int64(maxTokens), min)
	}
	a.minTokens = int64(min)
	sig, err := c.Strings("signals", []string{"requests"})
	if err != nil {
		return err
	}
	if len(sig) == 0 {
		return c.Errorf("signals", "must not be empty (want requests, tokens or both)")
	}
	for i, s := range sig {
		switch s {
		case "requests":
			a.requests = true
		case "tokens":
			a.tokens = true
		default:
			return c.Errorf(idx("signals", i), "unknown signal %s (want requests|tokens)", quote(s))
		}
	}
	if a.deny, err = c.Bool("deny", false); err != nil {
		return err
	}
	if unused := c.Unused(); len(unused) > 0 {
		return &ward.ConfigError{Key: unused[0], Msg: "unknown key (known: " + strings.Join(anomalyKeys, ", ") + ")"}
	}
	return nil
}

// anomalySubject is whom the baseline is kept for: the authenticated
// subject, else the API key, else the client address ("" when none).
func anomalySubject(id *identity) string {
	var a arena
	return a.anomalySubject(id)
}

// anomalySubject is anomalySubject built in a.
func (a *arena) anomalySubject(id *identity) string {
	m := a.mark()
	switch {
	case id.subject != "":
		a.str("s:").str(id.subject)
	case id.keyID != "":
		a.str("k:").str(id.keyID)
	case id.ip != "":
		a.str("i:").str(id.ip)
	}
	return a.since(m)
}

// check counts the request in the subject's short and baseline slots for
// each signal and flags a burst: a short-slot count of at least the
// signal's minimum and above multiple x the baseline's average per short
// window. A burst is annotated and given a reason, and denied when
// configured. est returns the request's token estimate.
func (a *anomaly) check(x *ward.Exchange, id *identity, st *state, ar *arena, est func() int64, out *outcome, v *ward.Verdict) {
	subj := ar.anomalySubject(id)
	if subj == "" {
		return
	}
	subj = keySubject(subj)
	// The state backend is the clock: the age of a counter that is
	// created once per epoch, the same for every replica sharing it.
	ep, ok := st.incr(epochKey, 0, epochTTL)
	if !ok {
		return
	}
	now := epochTTL - ep.TTL
	if now < 0 {
		now = 0
	}
	if a.requests {
		a.signal(st, ar, 'r', "requests", 1, a.minRequests, now, subj, out, v)
	}
	if a.tokens {
		a.signal(st, ar, 't', "tokens", est(), a.minTokens, now, subj, out, v)
	}
}

// signal does check's work for one signal: counts amount and judges.
//
// Slots are fixed windows numbered from the epoch: short slot now/short,
// baseline slot now/baseline (a baseline slot holds whole short slots).
// The baseline over the last baseline period is estimated as in a sliding
// window: the previous baseline slot weighted by the part of it still
// inside the period, plus the current baseline slot minus the current short
// slot (so that the burst does not raise its own baseline).
func (a *anomaly) signal(st *state, ar *arena, sig byte, name string, amount, min int64, now time.Duration, subj string, out *outcome, v *ward.Verdict) {
	sSlot, bSlot := int64(now/a.short), int64(now/a.baseline)
	// "@a:SIG:sSLOT:SUBJECT", "@a:SIG:bSLOT:SUBJECT"
	key := func(kind byte, slot int64) string {
		m := ar.mark()
		ar.str("@a:").byte(sig).byte(':').byte(kind).int(slot).byte(':').str(subj)
		return ar.since(m)
	}
	cur, ok := st.incr(key('s', sSlot), amount, 2*a.short)
	if !ok {
		return
	}
	base, ok := st.incr(key('b', bSlot), amount, 2*a.baseline)
	if !ok {
		return
	}
	var prev ward.Counter
	if bSlot > 0 {
		if prev, ok = st.get(key('b', bSlot-1)); !ok {
			return
		}
	}
	frac := float64(now%a.baseline) / float64(a.baseline)
	inBase := float64(max(prev.Value, 0))*(1-frac) + float64(max(base.Value-cur.Value, 0))
	avg := inBase * float64(a.short) / float64(a.baseline) // per short window
	count := cur.Value
	if count < min || float64(count) <= a.multiple*avg {
		return
	}
	ratio := math.Inf(1)
	if avg > 0 {
		ratio = float64(count) / avg
	}
	desc := "signal=" + name + " ratio=" + formatRatio(ratio) + " count=" + strconv.FormatInt(count, 10) +
		" baseline=" + strconv.FormatFloat(avg, 'f', 1, 64) + " short=" + a.short.String()
	v.Annotate(annBurst, desc)
	if a.deny {
		wait := a.short - now%a.short // until the next short slot
		out.deny(codeAnomaly, msgAnomaly, wait, true, "anomaly: burst of "+name+": "+desc)
	} else {
		v.AddReason("anomaly: burst of " + name + ": " + desc)
	}
}

func formatRatio(r float64) string {
	if math.IsInf(r, 1) {
		return "inf"
	}
	return strconv.FormatFloat(r, 'f', 1, 64)
}
