package pipeline

import (
	"context"
	"testing"

	"github.com/wardgate/ward/sdk/abi"
)

// TestStop: Outcome.Stop ends a request phase right after the enforcing
// step that named a refused identity; it is not asked for steps that add
// no annotation, for observers, or outside the request phase.
func TestStop(t *testing.T) {
	name := func(subject string) func(*abi.Exchange, *abi.Verdict) error {
		return func(_ *abi.Exchange, v *abi.Verdict) error {
			v.Annotations = append(v.Annotations, abi.KV{Key: "identity.subject", Value: subject})
			return nil
		}
	}
	var asked int
	refuse := func(ann []abi.KV) bool {
		asked++
		for _, a := range ann {
			if a.Key == "identity.subject" && a.Value == "mallory" {
				return true
			}
		}
		return false
	}
	tests := []struct {
		name      string
		steps     func(later *fakeGuard) []Step
		phase     abi.Phase
		stopped   bool
		asked     int
		laterRuns int
		records   int
	}{
		{"refused identity", func(l *fakeGuard) []Step {
			return []Step{{Guard: g("plain", allow)}, {Guard: g("auth", name("mallory"))}, {Guard: l}}
		}, abi.PhaseRequest, true, 1, 0, 2},
		{"other identity", func(l *fakeGuard) []Step {
			return []Step{{Guard: g("auth", name("alice"))}, {Guard: l}}
		}, abi.PhaseRequest, false, 1, 1, 2},
		{"observer names it", func(l *fakeGuard) []Step {
			return []Step{{Guard: g("auth", name("mallory")), Mode: Observe}, {Guard: l}}
		}, abi.PhaseRequest, false, 0, 1, 2},
		{"response phase", func(l *fakeGuard) []Step {
			both := []abi.Phase{abi.PhaseRequest, abi.PhaseResponse}
			return []Step{{Guard: &fakeGuard{name: "auth", phases: both, fn: name("mallory")}}, {Guard: &fakeGuard{name: "later", phases: both, fn: l.fn}}}
		}, abi.PhaseResponse, false, 0, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked = 0
			laterRuns := 0
			later := g("later", func(*abi.Exchange, *abi.Verdict) error { laterRuns++; return nil })
			p := New(tt.steps(later))
			o := Outcome{Stop: refuse}
			x := exchange()
			x.Phase = tt.phase
			p.Run(context.Background(), x, &o)
			if o.Stopped != tt.stopped || asked != tt.asked || laterRuns != tt.laterRuns || len(o.Records) != tt.records || o.Denied {
				t.Fatalf("stopped %v asked %d later %d records %d denied %v; want %v %d %d %d false",
					o.Stopped, asked, laterRuns, len(o.Records), o.Denied, tt.stopped, tt.asked, tt.laterRuns, tt.records)
			}
			// Reset clears Stopped and keeps Stop.
			o.Reset()
			if o.Stopped || o.Stop == nil {
				t.Fatalf("after Reset: stopped %v, stop set %v", o.Stopped, o.Stop != nil)
			}
		})
	}
}
