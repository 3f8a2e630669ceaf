//go:build wasip1

// Command fused is a measuring device, not a guard to deploy: the four
// guards of loadbench's core pipeline (auth, injection, output, pii) run
// in one guest call per phase, one instance holding all four, to measure
// what "one call per phase" (RATIONALE.md 8, "Not done") would save.
// BenchmarkCoreNeighbours ("core-fused") and loadbench -fused time it
// against the four guards called one by one (benchmarks/README.md, "One
// call per phase, measured").
//
// Its config is a table per guard ({"auth": {...}, "injection": {...},
// "output": {...}, "pii": {...}}). In the request phase each guard sees
// the rewrites and annotations of the guards before it, as in a pipeline,
// and the first denial ends the call. The response phase runs output's
// handler only: in the benchmarks' workload pii tokenizes nothing and says
// done in the request phase, so Ward skips its response phase too. What it
// leaves out (per-guard modes, budgets, faults and records, done across
// instances) is why RATIONALE.md 8 keeps the guards apart; none of it
// costs a call.
package main

import (
	"github.com/wardgate/ward/plugins/auth"
	"github.com/wardgate/ward/plugins/injection"
	"github.com/wardgate/ward/plugins/output"
	"github.com/wardgate/ward/plugins/pii"
	"github.com/wardgate/ward/sdk/abi"
	ward "github.com/wardgate/ward/sdk/go"
)

var (
	names = [...]string{"auth", "injection", "output", "pii"}
	subs  = [...]ward.Guard{auth.New(), injection.New(), output.New(), pii.New()}
	sub   ward.Verdict // each guard's verdict, merged into the call's
)

func init() {
	ward.Register(ward.Guard{
		Name:     "fused",
		Version:  "1.0.0",
		ZeroCopy: true,
		Configure: func(c *ward.Config) error {
			for i := range subs {
				t, err := c.Table(names[i])
				if err != nil {
					return err
				}
				if err := subs[i].Configure(t); err != nil {
					return c.Within(names[i], err)
				}
			}
			return nil
		},
		Request: func(x *ward.Exchange, v *ward.Verdict) {
			for i := range subs {
				sub.Reset()
				subs[i].Request(x, &sub)
				if !merge(x, v, x.Messages) {
					return
				}
			}
		},
		Response: func(x *ward.Exchange, v *ward.Verdict) {
			sub.Reset()
			subs[2].Response(x, &sub)
			merge(x, v, x.Response.Messages)
		},
	})
}

// merge adds sub to v and applies its rewrites and annotations to x for
// the next guard; false when sub denies (v is then the denial).
func merge(x *ward.Exchange, v *ward.Verdict, msgs []abi.Message) bool {
	if sub.Decision == abi.Deny {
		v.Verdict = sub.Verdict
		return false
	}
	for _, rw := range sub.Rewrites {
		msgs[rw.Index].Text = rw.Text
		replaced := false
		for k := range v.Rewrites {
			if v.Rewrites[k].Index == rw.Index {
				v.Rewrites[k].Text, replaced = rw.Text, true
			}
		}
		if !replaced {
			v.Rewrites = append(v.Rewrites, rw)
		}
	}
	x.Annotations = append(x.Annotations, sub.Annotations...)
	v.Annotations = append(v.Annotations, sub.Annotations...)
	v.SetHeaders = append(v.SetHeaders, sub.SetHeaders...)
	v.Reasons = append(v.Reasons, sub.Reasons...)
	v.Scores = append(v.Scores, sub.Scores...)
	return true
}

func main() {}
