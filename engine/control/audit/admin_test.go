package audit

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/control/admin"
	"github.com/wardgate/ward/engine/pipeline"
)

func TestAdminAction(t *testing.T) {
	var buf bytes.Buffer
	l := New(Options{W: &buf})
	l.AdminAction(&admin.Action{Time: time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC), Operator: "token", Action: "promote",
		Target: "pii", Result: "error", Error: "guards.pii.candidate: self-test \"x\"\nfailed" + strings.Repeat("e", 2000), Generation: 7, Remote: "127.0.0.1:5"})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	line := buf.Bytes()
	if bytes.Count(line, []byte("\n")) != 1 || !bytes.HasSuffix(line, []byte("}\n")) {
		t.Fatalf("not one line: %q", line)
	}
	var got map[string]any
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatalf("%v: %s", err, line)
	}
	want := map[string]any{"kind": "admin", "time": "2026-11-26T05:00:00Z", "operator": "token", "action": "promote", "target": "pii",
		"result": "error", "generation": 7.0, "remote": "127.0.0.1:5"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if e, _ := got["error"].(string); !strings.HasPrefix(e, "guards.pii.candidate: self-test \"x\"\nfailed") || len(e) > 1024+len("…") {
		t.Errorf("error %q (%d bytes)", e[:40], len(e))
	}
	if len(got) != 9 {
		t.Errorf("%d fields: %s", len(got), line)
	}
}

// TestCandidateInRecord: a guard's record carries its candidate's verdict
// only when it disagreed.
func TestCandidateInRecord(t *testing.T) {
	r := sampleRecord()
	r.Guards[0].Candidate = pipeline.CandidateRecord{Ran: true, Version: "2.0.0", Outcome: pipeline.OutcomeDeny, Code: "auth.denied", Disagree: true, Latency: 9 * time.Microsecond}
	r.Guards[1].Candidate = pipeline.CandidateRecord{Ran: true, Version: "0.3.0", Outcome: pipeline.OutcomeDeny, Code: "denylist.phrase"}
	var got struct {
		Guards []struct {
			Guard     string
			Candidate *struct {
				Version, Verdict, Code string
				LatencyUS              int64 `json:"latency_us"`
			}
		}
	}
	if err := json.Unmarshal(Append(nil, r), &got); err != nil {
		t.Fatal(err)
	}
	c := got.Guards[0].Candidate
	if c == nil || c.Version != "2.0.0" || c.Verdict != "deny" || c.Code != "auth.denied" || c.LatencyUS != 9 {
		t.Fatalf("candidate %+v", c)
	}
	if got.Guards[1].Candidate != nil || got.Guards[2].Candidate != nil {
		t.Fatal("an agreeing or absent candidate is in the record")
	}
}
