package mdsection

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestReplaceAndAppend(t *testing.T) {
	begin, end := Markers("x")
	tests := []struct {
		name, doc, want string
	}{
		{"empty file", "", begin + "\nNEW\n" + end + "\n"},
		{"no markers", "# T\nintro", "# T\nintro\n\n" + begin + "\nNEW\n" + end + "\n"},
		{"replace", "# T\n" + begin + "\nold\nold2\n" + end + "\ntail\n", "# T\n" + begin + "\nNEW\n" + end + "\ntail\n"},
		{"empty section", "a\n" + begin + end + "\n", "a\n" + begin + "\nNEW\n" + end + "\n"},
		{"reversed markers append", end + "\n" + begin + "\n", end + "\n" + begin + "\n\n" + begin + "\nNEW\n" + end + "\n"},
		{"other section untouched", "<!-- y:begin -->\nkeep\n<!-- y:end -->\n", "<!-- y:begin -->\nkeep\n<!-- y:end -->\n\n" + begin + "\nNEW\n" + end + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Replace(tc.doc, "x", "NEW\n\n")
			if !ok {
				got = Append(got, "x", "NEW\n\n")
			}
			if got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestUpdate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "README.md")
	begin, end := Markers("bench")
	os.WriteFile(p, []byte("# A\n\n## Other\nkeep\n\n"+begin+"\nold\n"+end+"\n\n## After\nkeep too\n"), 0o644)
	for _, s := range []string{"fresh", "fresher\n"} {
		if err := Update(p, "bench", s, false); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(p)
	if want := "# A\n\n## Other\nkeep\n\n" + begin + "\nfresher\n" + end + "\n\n## After\nkeep too\n"; string(got) != want {
		t.Fatalf("got %q", got)
	}
	os.WriteFile(p, []byte("no markers"), 0o644)
	if err := Update(p, "bench", "x", false); err == nil {
		t.Fatal("no markers: want an error")
	}
	if got, _ := os.ReadFile(p); string(got) != "no markers" {
		t.Fatalf("file changed: %q", got)
	}
	if err := Update(p, "bench", "x", true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); string(got) != "no markers\n\n"+begin+"\nx\n"+end+"\n" {
		t.Fatalf("appended: %q", got)
	}
	missing := filepath.Join(t.TempDir(), "new.md")
	if err := Update(missing, "bench", "x", false); err == nil {
		t.Fatal("missing file without create: want an error")
	}
	if err := Update(missing, "bench", "x", true); err != nil {
		t.Fatal(err)
	}
}

func TestRound(t *testing.T) {
	for d, want := range map[time.Duration]string{
		1234567 * time.Microsecond: "1.23s", 12345 * time.Microsecond: "12.3ms", 1234 * time.Nanosecond: "1µs",
	} {
		if got := Round(d); got != want {
			t.Errorf("Round(%v) = %q, want %q", d, got, want)
		}
	}
}
