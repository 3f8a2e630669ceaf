package pipeline

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

type fakeGuard struct {
	name   string
	phases []abi.Phase
	fn     func(x *abi.Exchange, v *abi.Verdict) error
	calls  int
}

func (f *fakeGuard) Name() string    { return f.name }
func (f *fakeGuard) Version() string { return "1.0.0" }
func (f *fakeGuard) Handles(p abi.Phase) bool {
	for _, q := range f.phases {
		if q == p {
			return true
		}
	}
	return false
}
func (f *fakeGuard) Check(_ context.Context, x *abi.Exchange, v *abi.Verdict) error {
	f.calls++
	v.Reset()
	return f.fn(x, v)
}

type codedErr struct{ code string }

func (e codedErr) Error() string     { return "fault " + e.code }
func (e codedErr) ErrorCode() string { return e.code }

var req = []abi.Phase{abi.PhaseRequest}

func allow(*abi.Exchange, *abi.Verdict) error { return nil }
func deny(_ *abi.Exchange, v *abi.Verdict) error {
	v.Decision, v.Status, v.Code, v.Message = abi.Deny, 451, "x.deny", "no"
	v.Reasons = append(v.Reasons, "r1")
	return nil
}
func fault(*abi.Exchange, *abi.Verdict) error { return codedErr{"guard_timeout"} }
func rewrite0(x *abi.Exchange, v *abi.Verdict) error {
	v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: 0, Text: "[REDACTED]"})
	v.Annotations = append(v.Annotations, abi.KV{Key: "label.pii", Value: "1"})
	return nil
}

func exchange() *abi.Exchange {
	return &abi.Exchange{Phase: abi.PhaseRequest, Messages: []abi.Message{{Role: "user", Text: "secret"}, {Role: "user", Text: "b"}}}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		steps      func() []Step
		wantDenied bool
		wantStatus int
		wantCode   string
		wantBy     string
		wantCalls  []int
		wantText   string
		wantDirty  []bool
		wantOut    []string
	}{
		{
			name:      "all allow",
			steps:     func() []Step { return []Step{{Guard: g("a", allow)}, {Guard: g("b", allow)}} },
			wantCalls: []int{1, 1}, wantText: "secret", wantDirty: []bool{false, false}, wantOut: []string{"allow", "allow"},
		},
		{
			name:       "deny short-circuits",
			steps:      func() []Step { return []Step{{Guard: g("a", deny)}, {Guard: g("b", allow)}} },
			wantDenied: true, wantStatus: 451, wantCode: "x.deny", wantBy: "a",
			wantCalls: []int{1, 0}, wantText: "secret", wantDirty: []bool{false, false}, wantOut: []string{"deny"},
		},
		{
			name:      "observe deny does not block",
			steps:     func() []Step { return []Step{{Guard: g("a", deny), Mode: Observe}, {Guard: g("b", allow)}} },
			wantCalls: []int{1, 1}, wantText: "secret", wantDirty: []bool{false, false}, wantOut: []string{"deny", "allow"},
		},
		{
			name:       "fault fails closed by default",
			steps:      func() []Step { return []Step{{Guard: g("a", fault)}, {Guard: g("b", allow)}} },
			wantDenied: true, wantStatus: 503, wantCode: "guard_timeout", wantBy: "a",
			wantCalls: []int{1, 0}, wantText: "secret", wantDirty: []bool{false, false}, wantOut: []string{"error"},
		},
		{
			name:      "fault fails open when configured",
			steps:     func() []Step { return []Step{{Guard: g("a", fault), FailOpen: true}, {Guard: g("b", allow)}} },
			wantCalls: []int{1, 1}, wantText: "secret", wantDirty: []bool{false, false}, wantOut: []string{"error", "allow"},
		},
		{
			name:      "observe fault never blocks",
			steps:     func() []Step { return []Step{{Guard: g("a", fault), Mode: Observe}} },
			wantCalls: []int{1}, wantText: "secret", wantDirty: []bool{false, false}, wantOut: []string{"error"},
		},
		{
			name:      "rewrite applies and marks dirty",
			steps:     func() []Step { return []Step{{Guard: g("a", rewrite0)}, {Guard: g("b", allow)}} },
			wantCalls: []int{1, 1}, wantText: "[REDACTED]", wantDirty: []bool{true, false}, wantOut: []string{"allow", "allow"},
		},
		{
			name:      "observe rewrite changes nothing",
			steps:     func() []Step { return []Step{{Guard: g("a", rewrite0), Mode: Observe}} },
			wantCalls: []int{1}, wantText: "secret", wantDirty: []bool{false, false}, wantOut: []string{"allow"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps := tt.steps()
			p := New(steps)
			x := exchange()
			var o Outcome
			p.Run(context.Background(), x, &o)
			if o.Denied != tt.wantDenied || o.Status != tt.wantStatus || o.Code != tt.wantCode || o.By != tt.wantBy {
				t.Fatalf("outcome = denied %v status %d code %q by %q", o.Denied, o.Status, o.Code, o.By)
			}
			for i, s := range steps {
				if got := s.Guard.(*fakeGuard).calls; got != tt.wantCalls[i] {
					t.Errorf("guard %d calls = %d, want %d", i, got, tt.wantCalls[i])
				}
			}
			if x.Messages[0].Text != tt.wantText {
				t.Errorf("text = %q, want %q", x.Messages[0].Text, tt.wantText)
			}
			if !reflect.DeepEqual(o.Dirty, tt.wantDirty) {
				t.Errorf("dirty = %v, want %v", o.Dirty, tt.wantDirty)
			}
			var outs []string
			for _, r := range o.Records {
				outs = append(outs, r.Outcome)
			}
			if !reflect.DeepEqual(outs, tt.wantOut) {
				t.Errorf("records = %v, want %v", outs, tt.wantOut)
			}
		})
	}
}

func TestRunAnnotationsVisibleToLaterGuards(t *testing.T) {
	var seen string
	later := g("b", func(x *abi.Exchange, v *abi.Verdict) error {
		for _, a := range x.Annotations {
			if a.Key == "label.pii" {
				seen = a.Value
			}
		}
		return nil
	})
	p := New([]Step{{Guard: g("a", rewrite0)}, {Guard: later}})
	var o Outcome
	p.Run(context.Background(), exchange(), &o)
	if seen != "1" {
		t.Fatalf("later guard saw label.pii=%q", seen)
	}
}

func TestRunSkipsOtherPhases(t *testing.T) {
	resp := &fakeGuard{name: "r", phases: []abi.Phase{abi.PhaseResponse}, fn: deny}
	p := New([]Step{{Guard: resp}})
	if p.Handles(abi.PhaseRequest) || !p.Handles(abi.PhaseResponse) {
		t.Fatal("Handles wrong")
	}
	var o Outcome
	p.Run(context.Background(), exchange(), &o)
	if o.Denied || resp.calls != 0 {
		t.Fatalf("response guard ran in request phase")
	}
	x := exchange()
	x.Phase = abi.PhaseResponse
	x.Response.Messages = []abi.Message{{Role: "assistant", Text: "hi"}}
	p.Run(context.Background(), x, &o)
	if !o.Denied || len(o.Dirty) != 1 {
		t.Fatalf("response phase: denied=%v dirty=%v", o.Denied, o.Dirty)
	}
}

func TestErrorCode(t *testing.T) {
	if got := ErrorCode(errors.New("x")); got != "guard_error" {
		t.Fatal(got)
	}
	if got := ErrorCode(codedErr{"bad_verdict"}); got != "bad_verdict" {
		t.Fatal(got)
	}
}

func g(name string, fn func(*abi.Exchange, *abi.Verdict) error) *fakeGuard {
	return &fakeGuard{name: name, phases: req, fn: fn}
}

func TestDenyCarriesHeaders(t *testing.T) {
	g401 := g("auth", func(_ *abi.Exchange, v *abi.Verdict) error {
		v.Decision, v.Status = abi.Deny, 401
		v.SetHeaders = append(v.SetHeaders, abi.KV{Key: "WWW-Authenticate", Value: "Bearer"})
		return nil
	})
	var o Outcome
	New([]Step{{Guard: g401}}).Run(context.Background(), exchange(), &o)
	if !o.Denied || o.Status != 401 || len(o.SetHeaders) != 1 || o.SetHeaders[0].Key != "WWW-Authenticate" {
		t.Fatalf("outcome %+v", o)
	}
	// An observed denial changes nothing, headers included.
	New([]Step{{Guard: g401, Mode: Observe}}).Run(context.Background(), exchange(), &o)
	if o.Denied || len(o.SetHeaders) != 0 {
		t.Fatalf("observe outcome %+v", o)
	}
}

// TestWholeAnswerOnly: enforcing guards with the response phase and not
// response_chunk are named; observers, chunk guards and request guards are
// not.
func TestWholeAnswerOnly(t *testing.T) {
	resp := []abi.Phase{abi.PhaseRequest, abi.PhaseResponse}
	both := []abi.Phase{abi.PhaseResponse, abi.PhaseResponseChunk}
	p := New([]Step{
		{Guard: &fakeGuard{name: "auth", phases: req, fn: allow}},
		{Guard: &fakeGuard{name: "whole", phases: resp, fn: allow}},
		{Guard: &fakeGuard{name: "stream", phases: both, fn: allow}},
		{Guard: &fakeGuard{name: "watch", phases: resp, fn: allow}, Mode: Observe},
		{Guard: &fakeGuard{name: "whole2", phases: []abi.Phase{abi.PhaseResponse}, fn: allow}},
	})
	if got, want := p.WholeAnswerOnly(), []string{"whole", "whole2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("WholeAnswerOnly = %v, want %v", got, want)
	}
	if got := New([]Step{{Guard: &fakeGuard{name: "stream", phases: both, fn: allow}}}).WholeAnswerOnly(); got != nil {
		t.Fatalf("WholeAnswerOnly = %v, want none", got)
	}
}

// TestRunWhole: a held stream's whole answer goes to the guards that check
// whole answers but not chunks, observers among them, and to no other;
// they are then done, so the stream's usage call at its end skips them;
// HoldsStreams asks for it while an enforcing one is pending.
func TestRunWhole(t *testing.T) {
	resp := []abi.Phase{abi.PhaseResponse}
	both := []abi.Phase{abi.PhaseResponse, abi.PhaseResponseChunk}
	whole := &fakeGuard{name: "whole", phases: resp, fn: allow}
	watch := &fakeGuard{name: "watch", phases: resp, fn: allow}
	stream := &fakeGuard{name: "stream", phases: both, fn: allow}
	p := New([]Step{{Guard: stream}, {Guard: whole}, {Guard: watch, Mode: Observe}})
	if !p.HoldsStreams(0) {
		t.Fatal("HoldsStreams = false with an enforcing whole-answer guard")
	}
	x := &abi.Exchange{Phase: abi.PhaseResponse, Response: abi.Response{Messages: []abi.Message{{Role: "assistant", Text: "a"}}}}
	var o Outcome
	p.RunWhole(context.Background(), x, &o)
	if stream.calls != 0 || whole.calls != 1 || watch.calls != 1 || len(o.Records) != 2 {
		t.Fatalf("calls stream %d whole %d watch %d, records %d", stream.calls, whole.calls, watch.calls, len(o.Records))
	}
	if p.HoldsStreams(o.Done) {
		t.Fatal("HoldsStreams = true after RunWhole")
	}
	p.Run(context.Background(), x, &o) // the usage call at the stream's end
	if stream.calls != 1 || whole.calls != 1 || watch.calls != 1 {
		t.Fatalf("usage call: calls stream %d whole %d watch %d", stream.calls, whole.calls, watch.calls)
	}
	// A denial of a whole-answer guard stops the run.
	denier := &fakeGuard{name: "denier", phases: resp, fn: deny}
	p = New([]Step{{Guard: denier}, {Guard: &fakeGuard{name: "later", phases: resp, fn: allow}}})
	o = Outcome{}
	p.RunWhole(context.Background(), x, &o)
	if !o.Denied || o.Status != 451 || o.By != "denier" || len(o.Records) != 1 {
		t.Fatalf("outcome %+v", o)
	}
	// Only observers, or guards that read chunks: nothing to hold.
	if New([]Step{{Guard: watch, Mode: Observe}, {Guard: stream}}).HoldsStreams(0) {
		t.Fatal("HoldsStreams = true without an enforcing whole-answer guard")
	}
	var nilp *Pipeline
	if nilp.HoldsStreams(0) {
		t.Fatal("nil pipeline holds streams")
	}
}

// readsGuard is a fakeGuard that declares the parts it reads.
type readsGuard struct {
	*fakeGuard
	reads abi.Parts
}

func (g readsGuard) Reads() abi.Parts { return g.reads }

// TestWholeOnlyReads: a guard with the response phase and not
// response_chunk that declares it does not read the answer's text (a rate
// limit reading only the usage) holds no stream; one that reads it, or
// declares nothing (every part), does.
func TestWholeOnlyReads(t *testing.T) {
	resp := []abi.Phase{abi.PhaseRequest, abi.PhaseResponse}
	usage := readsGuard{&fakeGuard{name: "usage", phases: resp, fn: allow}, abi.ReadAnnotations | abi.ReadMessages}
	text := readsGuard{&fakeGuard{name: "text", phases: resp, fn: allow}, abi.ReadResponse}
	all := readsGuard{&fakeGuard{name: "all", phases: resp, fn: allow}, 0}
	if p := New([]Step{{Guard: usage}}); p.HoldsStreams(0) || p.WholeAnswerOnly() != nil {
		t.Fatal("a guard that reads only the usage holds streams")
	}
	if got := New([]Step{{Guard: usage}, {Guard: text}, {Guard: all}}).WholeAnswerOnly(); !reflect.DeepEqual(got, []string{"text", "all"}) {
		t.Fatalf("WholeAnswerOnly = %v", got)
	}
}
