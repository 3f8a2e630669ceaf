package ratelimit

import (
	"math"
	"strconv"
	"strings"
	"time"

	ward "github.com/wardgate/ward/sdk/go"
)

// anomaly is the configured burst detector (README.md, "Anomaly flag").
type anomaly struct {
	on              bool
	short, baseline time.Duration
	multiple        float64
	shortText       string // short as time.Duration.String writes it, for the burst annotation
	// The constant parts of a burst's reason (judge): per signal, the head
	// "anomaly: burst of SIG: signal=SIG ratio=", the annotation starting
	// at headDesc; the tail " short=SHORT".
	reqHead, tokHead string
	tail             string
	minRequests      int64
	minTokens        int64
	requests, tokens bool // the signals watched
	deny             bool

	// keys is the instance's cache of slot keys (written by plan, not
	// configuration).
	keys slotKeys
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
	a.shortText = a.short.String()
	a.reqHead, a.tokHead = "anomaly: burst of requests: signal=requests ratio=", "anomaly: burst of tokens: signal=tokens ratio="
	a.tail = " short=" + a.shortText
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

// epochRefresh is how often an instance reads the @epoch counter again.
// In between it adds the time elapsed on the guest's monotonic clock (the
// host gives guests a real one; the wall clock may be fake) to the age it
// last read, so a request's anomaly counters need no clock call.
const epochRefresh = time.Minute

// epochClock is an instance's reading of the shared @epoch counter: its
// age at the instant at, on the guest's monotonic clock (monotime).
type epochClock struct {
	known bool
	age   time.Duration
	at    int64
}

// now is the epoch's age at t (a monotime reading).
func (e *epochClock) now(t int64) time.Duration { return e.age + time.Duration(t-e.at) }

// epochAge is the age of the @epoch counter from its time left.
func epochAge(c ward.Counter) time.Duration { return max(epochTTL-c.TTL, 0) }

// anomalyPlan says where one request's anomaly ops are in its batch.
type anomalyPlan struct {
	now     time.Duration // the epoch's age for this request
	epoch   int           // index of the @epoch refresh op; -1: none
	epochAt int64         // when that op was sent (monotime)
	sigs    [2]signalPlan
	n       int // signals planned
}

// signalPlan is one signal's ops: indexes of the short-slot incr, the
// baseline-slot incr and the previous baseline slot's get (-1 in the
// first baseline slot).
type signalPlan struct {
	name, head      string // head: the reason's head (anomaly.reqHead or tokHead)
	amount, min     int64
	cur, base, prev int
}

// plan appends the anomaly ops of a request to ops: for each signal, the
// subject's short-slot and baseline-slot counters (incremented by the
// request's amount) and the previous baseline slot (read). The slots are
// numbered from the epoch clock ck, which is read first with its own state
// call when unknown, or refreshed by an op in the batch when older than
// epochRefresh. ok is false when there is nothing to count (no subject) or
// the epoch could not be read. est is the request's token estimate.
func (a *anomaly) plan(ck *epochClock, id *identity, st *state, est int64, ops []ward.StateOp, p *anomalyPlan) (_ []ward.StateOp, ok bool) {
	kind, who := anomalyWho(id)
	if kind == 0 {
		return ops, false
	}
	p.epoch, p.n = -1, 0
	t := monotime()
	switch {
	case !ck.known:
		// The state backend is the clock: the age of a counter created
		// once per epoch, the same for every replica sharing it.
		ep, ok := st.incr(epochKey, 0, epochTTL)
		if !ok {
			return ops, false
		}
		t = monotime()
		ck.known, ck.age, ck.at = true, epochAge(ep), t
	case time.Duration(t-ck.at) >= epochRefresh:
		p.epoch, p.epochAt = len(ops), t
		ops = pushOp(ops, epochKey, 0, epochTTL, false)
	}
	p.now = ck.now(t)
	sSlot, bSlot := int64(p.now/a.short), int64(p.now/a.baseline)
	keys := a.keys.get(a, kind, who, sSlot, bSlot)
	if a.requests {
		ops = a.planSignal(p, &keys[0], "requests", a.reqHead, 1, a.minRequests, bSlot, ops)
	}
	if a.tokens {
		ops = a.planSignal(p, &keys[1], "tokens", a.tokHead, est, a.minTokens, bSlot, ops)
	}
	return ops, true
}

// planSignal appends one signal's ops (keys: its short, baseline and
// previous baseline slots' keys) and records them in p, field by field
// (see pushOp).
func (a *anomaly) planSignal(p *anomalyPlan, keys *[3]string, name, head string, amount, min, bSlot int64, ops []ward.StateOp) []ward.StateOp {
	sp := &p.sigs[p.n]
	p.n++
	sp.name, sp.head, sp.amount, sp.min = name, head, amount, min
	sp.cur, sp.base, sp.prev = len(ops), len(ops)+1, -1
	ops = pushOp(ops, keys[0], amount, 2*a.short, false)
	ops = pushOp(ops, keys[1], amount, 2*a.baseline, false)
	if bSlot > 0 {
		sp.prev = len(ops)
		ops = pushOp(ops, keys[2], 0, 0, true)
	}
	return ops
}

// anomalyWho is whom the baseline is kept for: the authenticated subject
// (kind 's'), else the API key ('k'), else the client address ('i'); kind
// 0 when there is none. The keys name it "KIND:WHO" (slotKeys.get).
func anomalyWho(id *identity) (kind byte, who string) {
	switch {
	case id.subject != "":
		return 's', id.subject
	case id.keyID != "":
		return 'k', id.keyID
	case id.ip != "":
		return 'i', id.ip
	}
	return 0, ""
}

// slotKeys holds the anomaly keys of the subject and slots of an
// instance's last request, so that the same caller's next requests reuse
// them (a subject's slots change once per short window) instead of
// building up to six keys each time. The strings alias buf, overwritten
// by the next miss: keys are used only during the call that got them
// (the host copies them), and a call asks once.
type slotKeys struct {
	buf          []byte
	kind         byte // 0: empty
	who          string
	sSlot, bSlot int64
	// keys per signal (requests, tokens): short slot, baseline slot,
	// previous baseline slot ("" in the first baseline slot)
	keys [2][3]string
}

// get returns the keys of kind:who's slots, built on a miss as
// anomalyKey builds them (TestSlotKeysAgree).
func (c *slotKeys) get(a *anomaly, kind byte, who string, sSlot, bSlot int64) *[2][3]string {
	if c.kind == kind && c.sSlot == sSlot && c.bSlot == bSlot && c.who == who {
		return &c.keys
	}
	ar := arena{buf: c.buf[:0]}
	if ar.buf == nil {
		ar.buf = make([]byte, 0, 512)
	}
	m := ar.mark()
	ar.byte(kind).byte(':').str(who)
	subj := ar.since(m)
	who = subj[2:]
	subj = keySubject(subj)
	var keys [2][3]string
	for k, sg := range [2]struct {
		on  bool
		sig byte
	}{{a.requests, 'r'}, {a.tokens, 't'}} {
		if !sg.on {
			continue
		}
		keys[k][0], keys[k][1] = ar.anomalyKey(sg.sig, 's', sSlot, subj), ar.anomalyKey(sg.sig, 'b', bSlot, subj)
		if bSlot > 0 {
			keys[k][2] = ar.anomalyKey(sg.sig, 'b', bSlot-1, subj)
		}
	}
	// A grown buffer is kept; the strings of the old one stay valid.
	*c = slotKeys{buf: ar.buf, kind: kind, who: who, sSlot: sSlot, bSlot: bSlot, keys: keys}
	return &c.keys
}

// anomalyKey is the key of a signal's slot counter: "@a:SIG:KINDSLOT:SUBJECT"
// (kind 's' short, 'b' baseline).
func (a *arena) anomalyKey(sig, kind byte, slot int64, subj string) string {
	m := a.mark()
	a.str("@a:").byte(sig).byte(':').byte(kind).int(slot).byte(':').str(subj)
	return a.since(m)
}

// done takes the answers of the batch that carried p's ops: it updates
// the epoch clock when the batch refreshed it, and judges each signal.
func (a *anomaly) done(ck *epochClock, p *anomalyPlan, ops []ward.StateOp, ar *arena, out *outcome, v *ward.Verdict) {
	if p.epoch >= 0 {
		ck.known, ck.age, ck.at = true, epochAge(ops[p.epoch].Result), p.epochAt
	}
	for i := 0; i < p.n; i++ {
		a.judge(&p.sigs[i], ops, p.now, ar, out, v)
	}
}

// judge flags a burst of one signal: a short-slot count of at least the
// signal's minimum and above multiple x the baseline's average per short
// window. A burst is annotated and given a reason, and denied when
// configured; their texts are built in ar (a burst lasts many requests).
//
// Slots are fixed windows numbered from the epoch: short slot now/short,
// baseline slot now/baseline (a baseline slot holds whole short slots).
// The baseline over the last baseline period is estimated as in a sliding
// window: the previous baseline slot weighted by the part of it still
// inside the period, plus the current baseline slot minus the current short
// slot (so that the burst does not raise its own baseline).
func (a *anomaly) judge(sp *signalPlan, ops []ward.StateOp, now time.Duration, ar *arena, out *outcome, v *ward.Verdict) {
	cur, base := ops[sp.cur].Result, ops[sp.base].Result
	var prev ward.Counter
	if sp.prev >= 0 {
		prev = ops[sp.prev].Result
	}
	frac := float64(now%a.baseline) / float64(a.baseline)
	inBase := float64(max(prev.Value, 0))*(1-frac) + float64(max(base.Value-cur.Value, 0))
	avg := inBase * float64(a.short) / float64(a.baseline) // per short window
	count := cur.Value
	if count < sp.min || float64(count) <= a.multiple*avg {
		return
	}
	ratio := math.Inf(1)
	if avg > 0 {
		ratio = float64(count) / avg
	}
	// "anomaly: burst of SIG: " + desc, desc being the annotation.
	// Built from the precomputed head and tail: six appends, not twelve.
	m := ar.mark()
	ar.str(sp.head)
	d := m + len("anomaly: burst of ") + len(sp.name) + len(": ")
	if math.IsInf(ratio, 1) {
		ar.str("inf")
	} else {
		ar.buf = appendTenths(ar.buf, ratio)
	}
	ar.str(" count=").int(count).str(" baseline=")
	ar.buf = appendTenths(ar.buf, avg)
	ar.str(a.tail)
	reason, desc := ar.since(m), ar.since(d)
	v.Annotate(annBurst, desc)
	if a.deny {
		wait := a.short - now%a.short // until the next short slot
		out.deny(codeAnomaly, msgAnomaly, wait, true, reason)
	} else {
		v.AddReason(reason)
	}
}

// appendTenths appends f as strconv.AppendFloat(b, f, 'f', 1, 64) does
// (TestAppendTenthsAgrees). A whole number below 2^53, as a new subject's
// baseline 0 is, is written as an integer and ".0" without strconv's float
// formatting (inside Wasm, a microsecond).
func appendTenths(b []byte, f float64) []byte {
	if f >= 0 && f < 1<<53 && f == float64(int64(f)) && !(f == 0 && math.Signbit(f)) {
		b = appendInt(b, int64(f))
		return append(b, '.', '0')
	}
	return strconv.AppendFloat(b, f, 'f', 1, 64)
}
