package audit

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestEvent(t *testing.T) {
	var buf bytes.Buffer
	l := New(Options{W: &buf})
	at := time.Date(2026, 11, 26, 5, 20, 0, 0, time.UTC)
	if err := l.Event("quarantine", at, map[string]any{"identity": "ip:203.0.113.9", "denials": 3}); err != nil {
		t.Fatal(err)
	}
	if err := l.Event("empty", at, struct{}{}); err != nil {
		t.Fatal(err)
	}
	if err := l.Event("bad", at, []int{1}); err == nil {
		t.Fatal("a non-object was accepted")
	}
	l.Close()
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 3 || !bytes.Contains(lines[0], []byte(`"kind":"start"`)) {
		t.Fatalf("lines: %q", buf.String())
	}
	lines = lines[1:] // after the start record; the chain's seq and prev come first
	want := `,"time":"2026-11-26T05:20:00Z","kind":"quarantine","denials":3,"identity":"ip:203.0.113.9"}`
	if !bytes.HasPrefix(lines[0], []byte(`{"seq":1,"prev":"sha256:`)) || !bytes.HasSuffix(lines[0], []byte(want)) {
		t.Errorf("line = %s\nwant   %s", lines[0], want)
	}
	var m map[string]any
	if err := json.Unmarshal(lines[1], &m); err != nil || m["kind"] != "empty" {
		t.Errorf("empty event: %s (%v)", lines[1], err)
	}
	if err := l.Event("late", at, struct{}{}); err != nil {
		t.Errorf("after Close: %v", err)
	}
}
