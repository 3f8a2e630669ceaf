package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteSection(t *testing.T) {
	p := filepath.Join(t.TempDir(), "README.md")
	doc := "# A\n\n## Other\nkeep\n\n" + markBegin + "\nold\n" + markEnd + "\n\n## After\nkeep too\n"
	os.WriteFile(p, []byte(doc), 0o644)
	if err := writeSection(p, "new\n"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	want := "# A\n\n## Other\nkeep\n\n" + markBegin + "\nnew\n" + markEnd + "\n\n## After\nkeep too\n"
	if string(got) != want {
		t.Fatalf("got %q", got)
	}
	os.WriteFile(p, []byte("no markers"), 0o644)
	if err := writeSection(p, "x"); err == nil {
		t.Fatal("no markers: want an error")
	}
}
