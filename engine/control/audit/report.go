package audit

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Count is a name and how often it was seen.
type Count struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}

// GuardCounts are the entity kinds one data protection guard acted on.
type GuardCounts struct {
	Guard  string  `json:"guard"`
	Counts []Count `json:"counts"`
}

// OperatorCounts are one operator's admin actions.
type OperatorCounts struct {
	Operator string  `json:"operator"`
	Total    int     `json:"total"`
	Actions  []Count `json:"actions"`
}

// Report is the compliance summary of an audit log over a period.
type Report struct {
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	Files []string  `json:"files"`
	// Chain is "verified" or the first break of the chain (the report
	// then covers the records before it).
	Chain    string  `json:"chain"`
	Requests int     `json:"requests"`
	Allowed  int     `json:"allowed"` // status < 400
	Denied   int     `json:"denied"`  // an enforcing guard denied
	Errors   int     `json:"errors"`  // other answers >= 400 (bad requests, upstream failures, guard faults)
	Statuses []Count `json:"statuses"`
	// DenialsByReason counts denials by their code, DenialsByGuard by the
	// guard that denied.
	DenialsByReason []Count `json:"denials_by_reason"`
	DenialsByGuard  []Count `json:"denials_by_guard"`
	// ObservedDenials are denials of guards in observe mode (not enforced).
	ObservedDenials []Count `json:"observed_denials"`
	// Quarantines counts "quarantine" records; Quarantined the identities
	// they name.
	Quarantines int     `json:"quarantines"`
	Quarantined []Count `json:"quarantined"`
	// Masked are the entity kinds each data protection guard masked,
	// redacted, tokenized or blocked (its "<guard>.entities" annotation).
	Masked []GuardCounts `json:"masked"`
	// AdminActions counts "admin" records and quarantine lifts
	// ("quarantine_lift" records); Admin counts them by operator.
	AdminActions int              `json:"admin_actions"`
	Admin        []OperatorCounts `json:"admin"`
	// Dropped is the number of records dropped by a full queue (from the
	// log's "dropped" records).
	Dropped int `json:"dropped"`
	// Other counts records of other kinds.
	Other []Count `json:"other,omitempty"`
}

// Summariser builds a Report from plain records (see Read). It is not
// safe for concurrent use.
type Summariser struct {
	from, to   time.Time
	statuses   map[int]int
	reasons    map[string]int
	guards     map[string]int
	observed   map[string]int
	quarantine map[string]int
	masked     map[string]map[string]int
	admin      map[string]map[string]int
	other      map[string]int
	r          Report
	rec        reportRecord // reused by Add
}

// NewSummariser summarises records whose time is in [from, to).
func NewSummariser(from, to time.Time) *Summariser {
	return &Summariser{from: from, to: to, statuses: map[int]int{}, reasons: map[string]int{}, guards: map[string]int{},
		observed: map[string]int{}, quarantine: map[string]int{}, masked: map[string]map[string]int{},
		admin: map[string]map[string]int{}, other: map[string]int{}}
}

// reportRecord is what a report reads of a record, decoded by decode in
// one pass without allocating (buffers are reused from record to record):
// the fields json.Unmarshal would give the struct
//
//	struct {
//		Kind      string            `json:"kind"`
//		Time      time.Time         `json:"time"`
//		RequestID *string           `json:"request_id"`
//		Status    int               `json:"status"`
//		Code      string            `json:"code"`
//		Entities  map[string]string `json:"entities"`
//		Guards    []struct{ Guard, Mode, Verdict, Code string } `json:"guards"`
//		Identity  json.RawMessage   `json:"identity"`
//		Subject   string            `json:"subject"`
//		ID        string            `json:"id"` // of a quarantine: KIND:VALUE
//		Operator  string            `json:"operator"`
//		Action    string            `json:"action"`
//		Count     int               `json:"count"`
//	}
//
// (a member named twice: the last one counts).
type reportRecord struct {
	kind, code, subject, id, operator, action, identity []byte
	time                                                time.Time
	hasRequestID                                        bool
	status, count                                       int
	entities                                            []entityKV
	guards                                              []guardVerdict
	scratch                                             []byte
}

type entityKV struct{ guard, value []byte }

type guardVerdict struct{ guard, mode, verdict, code []byte }

func (r *reportRecord) reset() {
	r.kind, r.code, r.subject, r.id = r.kind[:0], r.code[:0], r.subject[:0], r.id[:0]
	r.operator, r.action, r.identity = r.operator[:0], r.action[:0], r.identity[:0]
	r.time, r.hasRequestID, r.status, r.count = time.Time{}, false, 0, 0
	r.entities, r.guards = r.entities[:0], r.guards[:0]
}

// str decodes the string member v into *dst (null leaves it).
func str(dst *[]byte, v []byte) error {
	out, ok, err := stringValue(*dst, v)
	if ok {
		*dst = out
	}
	return err
}

// decode reads rec; checked says rec is a JSON object whose syntax was
// checked already (a plain line after parseLink).
func (r *reportRecord) decode(rec []byte, checked bool) error {
	r.reset()
	walk := func(fn func(key, v []byte) error) error {
		if checked {
			return members(skipSpace(rec), &r.scratch, fn)
		}
		_, err := eachMember(rec, &r.scratch, fn)
		return err
	}
	err := walk(func(key, v []byte) error {
		switch {
		case keyIs(key, "kind"):
			return str(&r.kind, v)
		case keyIs(key, "time"):
			switch v[0] {
			case 'n':
				return nil
			case '"':
				return r.time.UnmarshalJSON(v)
			}
			return errType
		case keyIs(key, "request_id"):
			switch v[0] {
			case 'n':
				r.hasRequestID = false
			case '"':
				r.hasRequestID = true
			default:
				return errType
			}
		case keyIs(key, "status"):
			n, _, ok, err := intValue(v, strconv.IntSize, false)
			if ok {
				r.status = int(n)
			}
			return err
		case keyIs(key, "count"):
			n, _, ok, err := intValue(v, strconv.IntSize, false)
			if ok {
				r.count = int(n)
			}
			return err
		case keyIs(key, "code"):
			return str(&r.code, v)
		case keyIs(key, "subject"):
			return str(&r.subject, v)
		case keyIs(key, "id"):
			return str(&r.id, v)
		case keyIs(key, "operator"):
			return str(&r.operator, v)
		case keyIs(key, "action"):
			return str(&r.action, v)
		case keyIs(key, "identity"):
			r.identity = append(r.identity[:0], v...)
		case keyIs(key, "entities"):
			return r.decodeEntities(v)
		case keyIs(key, "guards"):
			return r.decodeGuards(v)
		}
		return nil
	})
	return err
}

func (r *reportRecord) decodeEntities(v []byte) error {
	switch v[0] {
	case 'n':
		r.entities = r.entities[:0]
		return nil
	case '{':
	default:
		return errType
	}
	return members(v, &r.scratch, func(key, val []byte) error {
		i := slices.IndexFunc(r.entities, func(e entityKV) bool { return string(e.guard) == string(key) })
		if i < 0 {
			if len(r.entities) < cap(r.entities) {
				r.entities = r.entities[:len(r.entities)+1]
			} else {
				r.entities = append(r.entities, entityKV{})
			}
			i = len(r.entities) - 1
			r.entities[i].guard = append(r.entities[i].guard[:0], key...)
			r.entities[i].value = r.entities[i].value[:0]
		}
		out, ok, err := stringValue(r.entities[i].value, val)
		if ok {
			r.entities[i].value = out
		} else if err == nil {
			r.entities[i].value = r.entities[i].value[:0] // null: ""
		}
		return err
	})
}

func (r *reportRecord) decodeGuards(v []byte) error {
	r.guards = r.guards[:0]
	switch v[0] {
	case 'n':
		return nil
	case '[':
	default:
		return errType
	}
	return elements(v, func(el []byte) error {
		if len(r.guards) < cap(r.guards) {
			r.guards = r.guards[:len(r.guards)+1]
		} else {
			r.guards = append(r.guards, guardVerdict{})
		}
		g := &r.guards[len(r.guards)-1]
		g.guard, g.mode, g.verdict, g.code = g.guard[:0], g.mode[:0], g.verdict[:0], g.code[:0]
		switch el[0] {
		case 'n':
			return nil
		case '{':
		default:
			return errType
		}
		return members(el, &r.scratch, func(key, val []byte) error {
			switch {
			case keyIs(key, "guard"):
				return str(&g.guard, val)
			case keyIs(key, "mode"):
				return str(&g.mode, val)
			case keyIs(key, "verdict"):
				return str(&g.verdict, val)
			case keyIs(key, "code"):
				return str(&g.code, val)
			}
			return nil
		})
	})
}

// count adds one to m[name], allocating the key only the first time.
func count(m map[string]int, name []byte, none string) {
	if len(name) == 0 {
		m[none]++
		return
	}
	if n, ok := m[string(name)]; ok {
		m[string(name)] = n + 1
		return
	}
	m[string(name)] = 1
}

// Add counts one plain record (a JSON object). Records outside the period
// and start records are skipped; a record that is not JSON is an error.
func (s *Summariser) Add(rec []byte) error { return s.add(rec, false) }

// add is Add; checked says rec is a JSON object already checked.
func (s *Summariser) add(rec []byte, checked bool) error {
	r := &s.rec
	if err := r.decode(rec, checked); err != nil {
		return unreadable(err)
	}
	s.tally(r)
	return nil
}

// unreadable is the error of a record that decode refused.
func unreadable(err error) error { return fmt.Errorf("unreadable record: %v", err) }

// tally counts a decoded record.
func (s *Summariser) tally(r *reportRecord) {
	kind := r.kind
	if string(kind) == "start" || r.time.IsZero() || r.time.Before(s.from) || !r.time.Before(s.to) {
		return
	}
	switch {
	case len(kind) == 0 && r.hasRequestID:
		s.request(r)
	case string(kind) == "quarantine":
		s.r.Quarantines++
		if len(r.id) > 0 {
			count(s.quarantine, r.id, "")
		} else {
			s.quarantine[identityName(r.identity, string(r.subject))]++
		}
	case string(kind) == "admin", string(kind) == "quarantine_lift":
		// A lift is an operator's action too, recorded by incident
		// response (with the operator) rather than as an "admin" line.
		s.r.AdminActions++
		op := string(r.operator)
		if op == "" {
			op = identityName(r.identity, string(r.subject))
		}
		m := s.admin[op]
		if m == nil {
			m = map[string]int{}
			s.admin[op] = m
		}
		if string(kind) == "quarantine_lift" {
			m["quarantine_lift"]++
		} else {
			count(m, r.action, "(unnamed)")
		}
	case string(kind) == "dropped":
		s.r.Dropped += r.count
	default:
		count(s.other, kind, "(none)")
	}
}

func (s *Summariser) request(r *reportRecord) {
	s.r.Requests++
	s.statuses[r.status]++
	denied := false
	for i := range r.guards {
		g := &r.guards[i]
		if string(g.verdict) != "deny" {
			continue
		}
		if string(g.mode) == "observe" {
			count(s.observed, g.guard, "")
			continue
		}
		if !denied {
			count(s.guards, g.guard, "")
			denied = true
		}
	}
	switch {
	case denied:
		s.r.Denied++
		count(s.reasons, r.code, "(none)")
	case r.status >= 400:
		s.r.Errors++
	default:
		s.r.Allowed++
	}
	for _, e := range r.entities {
		m := s.masked[string(e.guard)]
		if m == nil {
			m = map[string]int{}
			s.masked[string(e.guard)] = m
		}
		for v := e.value; len(v) > 0; {
			var ent []byte
			ent, v, _ = bytes.Cut(v, []byte{','})
			kind, n, ok := bytes.Cut(ent, []byte{':'})
			c, err := atoi(n)
			if !ok || err != nil || len(kind) == 0 {
				continue
			}
			if old, ok := m[string(kind)]; ok {
				m[string(kind)] = old + c
			} else {
				m[string(kind)] = c
			}
		}
	}
}

// atoi is strconv.Atoi of b without allocating.
func atoi(b []byte) (int, error) {
	if len(b) > 0 && len(b) < 10 && b[0] != '+' && b[0] != '-' {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, strconv.ErrSyntax
			}
			n = n*10 + int(c-'0')
		}
		return n, nil
	}
	return strconv.Atoi(string(b))
}

// identityName names an identity: a string as it is, an object by its
// subject or key id, else its JSON.
func identityName(raw []byte, subject string) string {
	if subject != "" {
		return subject
	}
	var s string
	if json.Unmarshal(raw, &s) == nil && s != "" {
		return s
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) == nil {
		for _, k := range []string{"subject", "key_id", "key", "ip"} {
			if v, ok := m[k].(string); ok && v != "" {
				return v
			}
		}
	}
	if len(raw) > 0 && string(raw) != "null" {
		var b bytes.Buffer
		if json.Compact(&b, raw) == nil {
			return b.String()
		}
	}
	return "(unknown)"
}

func sortedCounts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, v := range m {
		out = append(out, Count{k, v})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(b.N-a.N, strings.Compare(a.Name, b.Name)) })
	return out
}

// Report returns the summary; files and chain are put in it as given.
func (s *Summariser) Report(files []string, chain string) *Report {
	r := s.r
	r.From, r.To, r.Files, r.Chain = s.from.UTC(), s.to.UTC(), files, chain
	statuses := make(map[string]int, len(s.statuses))
	for st, n := range s.statuses {
		statuses[strconv.Itoa(st)] += n
	}
	r.Statuses = sortedCounts(statuses)
	slices.SortFunc(r.Statuses, func(a, b Count) int { return strings.Compare(a.Name, b.Name) })
	r.DenialsByReason = sortedCounts(s.reasons)
	r.DenialsByGuard = sortedCounts(s.guards)
	r.ObservedDenials = sortedCounts(s.observed)
	r.Quarantined = sortedCounts(s.quarantine)
	r.Other = sortedCounts(s.other)
	if len(r.Other) == 0 {
		r.Other = nil
	}
	r.Masked = []GuardCounts{}
	for g, m := range s.masked {
		if c := sortedCounts(m); len(c) > 0 {
			r.Masked = append(r.Masked, GuardCounts{g, c})
		}
	}
	slices.SortFunc(r.Masked, func(a, b GuardCounts) int { return strings.Compare(a.Guard, b.Guard) })
	r.Admin = []OperatorCounts{}
	for op, m := range s.admin {
		oc := OperatorCounts{Operator: op, Actions: sortedCounts(m)}
		for _, c := range oc.Actions {
			oc.Total += c.N
		}
		r.Admin = append(r.Admin, oc)
	}
	slices.SortFunc(r.Admin, func(a, b OperatorCounts) int { return cmp.Or(b.Total-a.Total, strings.Compare(a.Operator, b.Operator)) })
	return &r
}

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func joinCounts(cs []Count) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", c.Name, c.N)
	}
	return b.String()
}

// WriteText writes r for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	p := func(format string, a ...any) { fmt.Fprintf(tw, format, a...) }
	p("Ward compliance report\n")
	p("Period:\t%s .. %s\n", r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	p("Files:\t%s\n", strings.Join(r.Files, " "))
	p("Chain:\t%s\n", r.Chain)
	p("\nRequests:\t%d (allowed %d, denied %d, errors %d)\n", r.Requests, r.Allowed, r.Denied, r.Errors)
	p("By status:\t%s\n", joinCounts(r.Statuses))
	section := func(title string, cs []Count) {
		p("\n%s:\n", title)
		if len(cs) == 0 {
			p("  (none)\n")
		}
		for _, c := range cs {
			p("  %s\t%d\n", c.Name, c.N)
		}
	}
	section("Denials by reason", r.DenialsByReason)
	section("Denials by guard", r.DenialsByGuard)
	if len(r.ObservedDenials) > 0 {
		section("Observe-mode denials (not enforced), by guard", r.ObservedDenials)
	}
	section(fmt.Sprintf("Identities quarantined (%d quarantines)", r.Quarantines), r.Quarantined)
	p("\nPII and secrets masked, by guard:\n")
	if len(r.Masked) == 0 {
		p("  (none)\n")
	}
	for _, g := range r.Masked {
		p("  %s\t%s\n", g.Guard, joinCounts(g.Counts))
	}
	p("\nAdmin actions by operator (%d):\n", r.AdminActions)
	if len(r.Admin) == 0 {
		p("  (none)\n")
	}
	for _, o := range r.Admin {
		p("  %s\t%d\t%s\n", o.Operator, o.Total, joinCounts(o.Actions))
	}
	p("\nRecords dropped (queue full):\t%d\n", r.Dropped)
	if len(r.Other) > 0 {
		p("Other records:\t%s\n", joinCounts(r.Other))
	}
	return tw.Flush()
}

// bar is one bar of an SVG chart.
type bar struct {
	Label       string
	N           int
	Y, W, TextY int
}

type chart struct {
	Title  string
	Bars   []bar
	Height int
}

func newChart(title string, cs []Count) chart {
	const maxBars, barH, width = 12, 22, 360
	c := chart{Title: title}
	top := 0
	for _, x := range cs {
		top = max(top, x.N)
	}
	for i, x := range cs {
		if i == maxBars {
			break
		}
		w := 0
		if top > 0 {
			w = max(x.N*width/top, 1)
		}
		c.Bars = append(c.Bars, bar{Label: x.Name, N: x.N, Y: i * barH, W: w, TextY: i*barH + 15})
	}
	c.Height = max(len(c.Bars), 1) * barH
	return c
}

var htmlReport = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ward compliance report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:60em}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse}td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}
.num{text-align:right}.ok{color:#176f2c}.bad{color:#b00020;font-weight:bold}
svg text{font:12px system-ui,sans-serif}
</style></head><body>
<h1>Ward compliance report</h1>
<table>
<tr><th>Period</th><td>{{.R.From.Format "2006-01-02T15:04:05Z07:00"}} .. {{.R.To.Format "2006-01-02T15:04:05Z07:00"}}</td></tr>
<tr><th>Files</th><td>{{range $i, $f := .R.Files}}{{if $i}}, {{end}}{{$f}}{{end}}</td></tr>
<tr><th>Chain</th><td class="{{if .Verified}}ok{{else}}bad{{end}}">{{.R.Chain}}</td></tr>
<tr><th>Requests</th><td>{{.R.Requests}} (allowed {{.R.Allowed}}, denied {{.R.Denied}}, errors {{.R.Errors}})</td></tr>
<tr><th>Quarantines</th><td>{{.R.Quarantines}}</td></tr>
<tr><th>Admin actions</th><td>{{.R.AdminActions}}</td></tr>
<tr><th>Records dropped</th><td>{{.R.Dropped}}</td></tr>
</table>
{{range .Charts}}
<h2>{{.Title}}</h2>
{{if .Bars}}<svg width="620" height="{{.Height}}" role="img" aria-label="{{.Title}}">
{{range .Bars}}<text x="0" y="{{.TextY}}">{{.Label}}</text><rect x="200" y="{{.Y}}" width="{{.W}}" height="18" fill="#3b6ea5"/><text x="{{.W}}" dx="206" y="{{.TextY}}">{{.N}}</text>
{{end}}</svg>{{else}}<p>(none)</p>{{end}}
{{end}}
<h2>PII and secrets masked, by guard</h2>
{{if .R.Masked}}<table><tr><th>guard</th><th>kind</th><th class="num">count</th></tr>
{{range $g := .R.Masked}}{{range .Counts}}<tr><td>{{$g.Guard}}</td><td>{{.Name}}</td><td class="num">{{.N}}</td></tr>
{{end}}{{end}}</table>{{else}}<p>(none)</p>{{end}}
<h2>Admin actions by operator</h2>
{{if .R.Admin}}<table><tr><th>operator</th><th class="num">actions</th><th>what</th></tr>
{{range .R.Admin}}<tr><td>{{.Operator}}</td><td class="num">{{.Total}}</td><td>{{range $i, $a := .Actions}}{{if $i}}, {{end}}{{$a.Name}} {{$a.N}}{{end}}</td></tr>
{{end}}</table>{{else}}<p>(none)</p>{{end}}
</body></html>
`))

// WriteHTML writes r as one self-contained HTML file with inline SVG bar
// charts (no scripts, no external resources).
func (r *Report) WriteHTML(w io.Writer) error {
	var pii []Count
	for _, g := range r.Masked {
		for _, c := range g.Counts {
			pii = append(pii, Count{g.Guard + ": " + c.Name, c.N})
		}
	}
	slices.SortStableFunc(pii, func(a, b Count) int { return b.N - a.N })
	var ops []Count
	for _, o := range r.Admin {
		ops = append(ops, Count{o.Operator, o.Total})
	}
	data := struct {
		R        *Report
		Verified bool
		Charts   []chart
	}{r, strings.HasPrefix(r.Chain, "verified"), []chart{
		newChart("Requests by status", r.Statuses),
		newChart("Denials by reason", r.DenialsByReason),
		newChart("Denials by guard", r.DenialsByGuard),
		newChart("Identities quarantined", r.Quarantined),
		newChart("Entities masked", pii),
		newChart("Admin actions by operator", ops),
	}}
	return htmlReport.Execute(w, data)
}

// Summarise reads the audit files (any order, see Walk), opening sealed
// records with keys, and summarises the records whose time is in [from,
// to). A break of the chain is noted in the report's Chain, which then
// covers the records before it, and returned as the error with the
// report; a record that does not open is an error without a report.
func Summarise(paths []string, keys *Keyring, from, to time.Time) (*Report, error) {
	return summarise(paths, keys, from, to, walkConfig{})
}

// reportPrep is a report's work on a line that does not depend on the
// lines before it (a walk's prep): open it (into sl.out) and decode it
// (into sl.rec).
func reportPrep(keys *Keyring) func(sl *slot, line []byte) {
	return func(sl *slot, line []byte) {
		rec := line // a plain line was checked as JSON (parseLink)
		if sl.l.CT != "" {
			out, err := Open(sl.out[:0], line, &sl.l, keys)
			if err != nil {
				sl.err = err
				return
			}
			sl.out, rec = out, out
		}
		sl.derr = sl.rec.decode(rec, sl.l.CT == "")
	}
}

// summarise is Summarise with the walk's configuration: records are
// opened and decoded on the walk's workers, counted in chain order.
func summarise(paths []string, keys *Keyring, from, to time.Time, cfg walkConfig) (*Report, error) {
	s := NewSummariser(from, to)
	cfg.prep = reportPrep(keys)
	sum, err := walk(paths, nil, cfg, func(file string, n int, _ []byte, sl *slot) error {
		if sl.err != nil {
			return fmt.Errorf("%s:%d: record seq %d: %w", file, n, *sl.l.Seq, sl.err)
		}
		if sl.derr != nil {
			return fmt.Errorf("%s:%d: %w", file, n, unreadable(sl.derr))
		}
		s.tally(&sl.rec)
		return nil
	})
	var files []string
	if sum != nil {
		files = sum.Files
	}
	chain := "verified"
	if err != nil {
		p, ok := err.(*Problem)
		if !ok {
			return nil, err
		}
		chain = "BROKEN: " + p.Error()
	} else {
		chain = fmt.Sprintf("verified (seq %d..%d, last %s)", sum.First, sum.Last.Seq, sum.Last.Hash)
	}
	return s.Report(files, chain), err
}
