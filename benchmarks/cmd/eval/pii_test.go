package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/detect"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		name        string
		found, want []span
		tp, fp, fn  int
		otp         int
	}{
		{"exact", []span{{0, 5}}, []span{{0, 5}}, 1, 0, 0, 1},
		{"overlap only", []span{{0, 4}}, []span{{0, 5}}, 0, 1, 1, 1},
		{"extra", []span{{0, 5}, {7, 9}}, []span{{0, 5}}, 1, 1, 0, 1},
		{"missed", nil, []span{{0, 5}}, 0, 0, 1, 0},
		{"one finding for two labels", []span{{0, 5}}, []span{{0, 5}, {0, 5}}, 1, 0, 1, 1},
	}
	for _, c := range cases {
		o := match(c.found, c.want)
		if o.tp != c.tp || o.fp != c.fp || o.fn != c.fn || o.otp != c.otp {
			t.Errorf("%s: got tp=%d fp=%d fn=%d otp=%d", c.name, o.tp, o.fp, o.fn, o.otp)
		}
	}
}

func TestPresidioRowSpans(t *testing.T) {
	rows := map[string]struct {
		n     int
		ok    bool
		first span
	}{
		`{"text":"x","expected_len":1,"expected_positions":[[1,3]]}`: {1, true, span{1, 3}},
		`{"iban":"x","expected_len":1,"expected_res":[[0,2]]}`:       {1, true, span{0, 2}},
		`{"text":"x","expected_len":1,"expected_position":[4,6]}`:    {1, true, span{4, 6}},
		`{"text":"x","expected_len":2,"expected_positions":[]}`:      {0, false, span{}},
		`{"text":"x","expected_len":0,"expected_position":[0,12]}`:   {0, true, span{}},
	}
	dir := t.TempDir()
	for line, want := range rows {
		p := filepath.Join(dir, "f.jsonl")
		if err := os.WriteFile(p, []byte(line+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		rs, err := readPresidio(p)
		if err != nil || len(rs) != 1 {
			t.Fatalf("%s: %v %d", line, err, len(rs))
		}
		sp, ok := rs[0].spans()
		if ok != want.ok || len(sp) != want.n || (want.n > 0 && sp[0] != want.first) {
			t.Errorf("%s: got %v %v", line, sp, ok)
		}
	}
}

func TestCharSpans(t *testing.T) {
	// "é" is two bytes and one character: byte span [4,8) is chars [3,7).
	text := "aé mail"
	got := charSpans(text, []detect.Finding{{Kind: detect.KindEmail, Start: 4, End: 8}, {Kind: detect.KindPhone, Start: 0, End: 1}}, detect.KindEmail)
	if len(got) != 1 || got[0] != (span{3, 7}) {
		t.Fatalf("got %v", got)
	}
}

// TestRunPII runs the whole PII evaluation when the data is present, and
// checks the targets so a regression in sdk/detect shows here.
func TestRunPII(t *testing.T) {
	data := filepath.Join("..", "..", "..", "..", "shared", "evaldata")
	if _, err := os.Stat(filepath.Join(data, "pii")); err != nil {
		t.Skip("evaluation data not found:", err)
	}
	var b strings.Builder
	if err := runPII(data, &b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"test_iban_recognizer.jsonl", "presidio_research_synth_v2.json", "Tuned on:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}
