package reload

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/wardgate/ward/engine/config"
)

// TestWatchedFiles: the files a reload reads are watched, TLS files
// included; built-in guards and unset files are not.
func TestWatchedFiles(t *testing.T) {
	dir := t.TempDir()
	text := `[server]
listen = ["127.0.0.1:1"]
tls_cert = "tls/server.pem"
tls_key = "tls/server.key"
client_ca = "/etc/ward/clients.pem"
[admin]
listen = "127.0.0.1:2"
tls_cert = "admin.pem"
tls_key = "admin.key"
[guards.g]
path = "g.wasm"
config_file = "g.toml"
[guards.b]
path = "builtin:pii"
[[routes]]
name = "r"
prefix = "/"
upstream = "http://127.0.0.1:3"
guards = ["g", "b"]
`
	cfg, err := config.Parse(filepath.Join(dir, "ward.toml"), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	got := WatchedFiles(cfg)
	want := []string{
		filepath.Join(dir, "ward.toml"),
		filepath.Join(dir, "tls/server.pem"), filepath.Join(dir, "tls/server.key"), "/etc/ward/clients.pem",
		filepath.Join(dir, "admin.pem"), filepath.Join(dir, "admin.key"),
		filepath.Join(dir, "g.wasm"), filepath.Join(dir, "g.toml"),
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("watched\n%q\nwant\n%q", got, want)
	}
}
