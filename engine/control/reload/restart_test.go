package reload

import (
	"slices"
	"testing"

	"github.com/wardgate/ward/engine/config"
)

// TestRestartOnlyTLS: TLS files and settings are reloaded with the
// snapshot; only turning TLS on or off is reported as needing a restart.
func TestRestartOnlyTLS(t *testing.T) {
	parse := func(server, admin string) *config.Config {
		t.Helper()
		c, err := config.Parse("ward.toml", []byte("[server]\nlisten = [\"127.0.0.1:1\"]\n"+server+"\n[admin]\nlisten = \"127.0.0.1:2\"\n"+admin))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	const on = "tls_cert = \"a.pem\"\ntls_key = \"a.key\"\n"
	for _, c := range []struct {
		name      string
		cur, next *config.Config
		want      []string
	}{
		{"same", parse(on, on), parse(on, on), nil},
		{"renamed files, version, client CA", parse(on, on),
			parse("tls_cert = \"b.pem\"\ntls_key = \"b.key\"\ntls_min_version = \"1.3\"\nclient_ca = \"ca.pem\"\n", on+"client_ca = \"ca.pem\"\n"), nil},
		{"server TLS off", parse(on, on), parse("", on), []string{"server"}},
		{"admin TLS on", parse(on, ""), parse(on, on), []string{"admin"}},
		{"other server key", parse(on, ""), parse(on+"idle_timeout = \"1s\"\n", ""), []string{"server"}},
		{"trusted proxies are reloaded", parse(on, ""), parse(on+"trusted_proxies = [\"10.0.0.0/8\"]\n", ""), nil},
		{"incident sync and webhook", parse(on, ""), parse(on, "[incident]\nsync_interval = \"5s\"\n[incident.webhook]\nurl = \"https://hooks.example/ward\"\nsecret_file = \"hook.key\"\n"),
			[]string{"incident.sync_interval", "incident.webhook"}},
		{"incident rules are reloaded", parse(on, ""), parse(on, "[incident.rules.inj]\nidentity = \"ip\"\nreasons = [\"injection.detected\"]\ndenials = 3\nwindow = \"1m\"\nperiod = \"10m\"\n"), nil},
	} {
		if got := restartOnly(c.cur, c.next); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
