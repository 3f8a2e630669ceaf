package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.err golden files")

// TestTestdata loads every testdata/NAME.toml (also the fuzz seeds). When
// testdata/NAME.err exists, Load must fail with exactly its text (one error
// per line); otherwise Load must succeed. Regenerate with -update.
func TestTestdata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			golden := strings.TrimSuffix(f, ".toml") + ".err"
			_, err := Load(f)
			if *update {
				if err != nil {
					if werr := os.WriteFile(golden, []byte(err.Error()+"\n"), 0o644); werr != nil {
						t.Fatal(werr)
					}
				} else {
					os.Remove(golden)
				}
				return
			}
			want, rerr := os.ReadFile(golden)
			switch {
			case os.IsNotExist(rerr):
				if err != nil {
					t.Fatalf("unexpected error:\n%v", err)
				}
			case rerr != nil:
				t.Fatal(rerr)
			case err == nil:
				t.Fatalf("parsed, want errors:\n%s", want)
			case err.Error()+"\n" != string(want):
				t.Fatalf("got:\n%v\nwant:\n%s", err, want)
			}
		})
	}
}
