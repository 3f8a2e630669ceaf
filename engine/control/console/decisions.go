package console

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wardgate/ward/engine/control/audit"
	"github.com/wardgate/ward/engine/proxy"
)

// decisions is a ring of the latest decisions, each kept as its audit
// line (audit.Append: identity.* annotations only, strings capped, never
// prompts, answers, headers or guard error texts). A request claims a slot
// with one atomic add and encodes into the slot's buffer under the slot's
// lock, which only a reader or a writer a whole ring later contends for.
type decisions struct {
	next  atomic.Uint64 // sequence number of the latest decision; slot i%len holds i
	slots []slot
}

type slot struct {
	mu   sync.Mutex
	seq  uint64 // 0: empty
	line []byte
}

func (d *decisions) init(n int) {
	if n <= 0 {
		n = 1000
	}
	d.slots = make([]slot, n)
	for i := range d.slots {
		d.slots[i].line = make([]byte, 0, 1024)
	}
}

func (d *decisions) add(r *proxy.Record) {
	seq := d.next.Add(1)
	s := &d.slots[seq%uint64(len(d.slots))]
	s.mu.Lock()
	if seq > s.seq { // a writer a whole ring later may have been quicker
		s.line = audit.Append(s.line[:0], r)
		s.seq = seq
	}
	s.mu.Unlock()
}

// Decision is one request a guard denied, faulted on or rewrote: its
// audit record.
type Decision struct {
	Seq       uint64            `json:"seq"`
	Time      string            `json:"time"`
	RequestID string            `json:"request_id"`
	Identity  map[string]string `json:"identity,omitempty"`
	Route     string            `json:"route"`
	API       string            `json:"api"`
	Model     string            `json:"model"`
	Stream    bool              `json:"stream"`
	Status    int               `json:"status"`
	Code      string            `json:"code,omitempty"`
	Guards    []GuardVerdict    `json:"guards"`
	Upstream  float64           `json:"upstream_ms"`
	Duration  float64           `json:"duration_ms"`
}

// GuardVerdict is one guard's entry in a decision's verdict chain.
type GuardVerdict struct {
	Guard     string             `json:"guard"`
	Version   string             `json:"version"`
	Phase     string             `json:"phase"`
	Mode      string             `json:"mode"`
	Verdict   string             `json:"verdict"`
	Code      string             `json:"code,omitempty"`
	Reasons   []string           `json:"reasons,omitempty"`
	Scores    map[string]float64 `json:"scores,omitempty"`
	Rewrites  int                `json:"rewrites,omitempty"`
	LatencyUS int64              `json:"latency_us"`
}

// Filter selects decisions; empty fields match everything. Matches are
// case-insensitive substrings, except Route and Guard, which are exact.
type Filter struct {
	Route    string // the route's name
	Guard    string // a guard that denied, faulted or rewrote
	Reason   string // in the request's code or a guard's code or reasons
	Identity string // in any identity value (subject, key id, roles, ...)
	Limit    int    // at most this many, newest first; <= 0: 100
}

func (f Filter) match(d *Decision) bool {
	if f.Route != "" && d.Route != f.Route {
		return false
	}
	if f.Guard != "" && !slices.ContainsFunc(d.Guards, func(g GuardVerdict) bool {
		return g.Guard == f.Guard && (g.Verdict != "allow" || g.Rewrites > 0)
	}) {
		return false
	}
	if f.Reason != "" {
		r := strings.ToLower(f.Reason)
		found := contains(d.Code, r)
		for _, g := range d.Guards {
			found = found || contains(g.Code, r) || slices.ContainsFunc(g.Reasons, func(s string) bool { return contains(s, r) })
		}
		if !found {
			return false
		}
	}
	if f.Identity != "" {
		id := strings.ToLower(f.Identity)
		found := false
		for _, v := range d.Identity {
			found = found || contains(v, id)
		}
		if !found {
			return false
		}
	}
	return true
}

func contains(s, lowerSub string) bool { return strings.Contains(strings.ToLower(s), lowerSub) }

// Decisions returns the latest decisions that match f, newest first, and
// the sequence number of the latest decision.
func (rc *Recorder) Decisions(f Filter) ([]Decision, uint64) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	d := &rc.dec
	last := d.next.Load()
	out := []Decision{}
	var line []byte
	n := uint64(len(d.slots))
	for seq := last; seq > 0 && last-seq < n && len(out) < f.Limit; seq-- {
		s := &d.slots[seq%n]
		s.mu.Lock()
		ok := s.seq == seq
		if ok {
			line = append(line[:0], s.line...)
		}
		s.mu.Unlock()
		if !ok {
			continue // overwritten, or claimed and not yet written
		}
		var dec Decision
		if err := json.Unmarshal(line, &dec); err != nil {
			continue // cannot happen: audit.Append writes valid JSON
		}
		dec.Seq = seq
		if f.match(&dec) {
			out = append(out, dec)
		}
	}
	return out, last
}
