package config

import (
	"crypto/tls"
	"testing"
)

func TestListenerTLS(t *testing.T) {
	const srv = "[server]\nlisten = [\"127.0.0.1:8443\"]\n"
	good := []struct {
		name, doc string
		want      TLS
		admin     TLS
	}{
		{"off by default", srv, TLS{MinVersion: tls.VersionTLS12, ClientAuth: ClientAuthRequire}, TLS{MinVersion: tls.VersionTLS12, ClientAuth: ClientAuthRequire}},
		{"cert and key, 1.3", srv + "tls_cert = \"c.pem\"\ntls_key = \"k.pem\"\ntls_min_version = \"1.3\"\n",
			TLS{Cert: "c.pem", Key: "k.pem", MinVersion: tls.VersionTLS13, ClientAuth: ClientAuthRequire}, TLS{MinVersion: tls.VersionTLS12, ClientAuth: ClientAuthRequire}},
		{"mTLS optional", srv + "tls_cert = \"c.pem\"\ntls_key = \"k.pem\"\nclient_ca = \"ca.pem\"\nclient_auth = \"verify_if_given\"\n",
			TLS{Cert: "c.pem", Key: "k.pem", MinVersion: tls.VersionTLS12, ClientCA: "ca.pem", ClientAuth: ClientAuthVerifyIfGiven}, TLS{MinVersion: tls.VersionTLS12, ClientAuth: ClientAuthRequire}},
		{"admin", srv + "[admin]\nlisten = \"127.0.0.1:9180\"\ntls_cert = \"a.pem\"\ntls_key = \"ak.pem\"\nclient_ca = \"ca.pem\"\n",
			TLS{MinVersion: tls.VersionTLS12, ClientAuth: ClientAuthRequire}, TLS{Cert: "a.pem", Key: "ak.pem", MinVersion: tls.VersionTLS12, ClientCA: "ca.pem", ClientAuth: ClientAuthRequire}},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse("ward.toml", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if c.Server.TLS != tt.want || c.Admin.TLS != tt.admin {
				t.Errorf("server %+v admin %+v\nwant   %+v admin %+v", c.Server.TLS, c.Admin.TLS, tt.want, tt.admin)
			}
			if c.Server.TLS.Enabled() != (tt.want.Cert != "") {
				t.Error("Enabled")
			}
		})
	}
	bad := []struct{ name, doc, want string }{
		{"cert without key", srv + "tls_cert = \"c.pem\"\n", "ward.toml:1: server.tls_key: missing required key"},
		{"empty key", srv + "tls_cert = \"c.pem\"\ntls_key = \"\"\n", "ward.toml:4: server.tls_key: must not be empty when tls_cert is set"},
		{"key without cert", srv + "tls_key = \"k.pem\"\n", "ward.toml:3: server.tls_key: tls_key without tls_cert"},
		{"bad version", srv + "tls_cert = \"c.pem\"\ntls_key = \"k.pem\"\ntls_min_version = \"1.1\"\n",
			`ward.toml:5: server.tls_min_version: unknown value "1.1" (want 1.2|1.3)`},
		{"version as number", srv + "tls_min_version = 1.3\n", "ward.toml:3: server.tls_min_version: want string, got float"},
		{"client_ca without TLS", srv + "client_ca = \"ca.pem\"\n", "ward.toml:3: server.client_ca: client certificates need TLS: set tls_cert and tls_key"},
		{"verify_if_given without CA", srv + "tls_cert = \"c.pem\"\ntls_key = \"k.pem\"\nclient_auth = \"verify_if_given\"\n",
			`ward.toml:5: server.client_auth: "verify_if_given" needs client_ca`},
		{"bad client_auth", srv + "tls_cert = \"c.pem\"\ntls_key = \"k.pem\"\nclient_ca = \"ca.pem\"\nclient_auth = \"optional\"\n",
			`ward.toml:6: server.client_auth: unknown value "optional" (want require|verify_if_given)`},
		{"admin typo", srv + "[admin]\nlisten = \"127.0.0.1:9180\"\ntls_crt = \"a.pem\"\n", `ward.toml:5: admin.tls_crt: unknown key (did you mean "tls_cert"?)`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("ward.toml", []byte(tt.doc))
			if err == nil {
				t.Fatal("no error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestRouteModeAuthRequest(t *testing.T) {
	const srv = "[server]\nlisten = [\"127.0.0.1:8080\"]\n[[routes]]\nname = \"auth\"\nprefix = \"/_ward/auth\"\nmode = \"auth_request\"\n"
	c, err := Parse("ward.toml", []byte(srv+"unknown_paths = \"refuse\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Routes[0]; r.Mode != RouteAuthRequest || r.Upstream != nil || r.UnknownPaths != UnknownRefuse {
		t.Errorf("route %+v", r)
	}
	for _, tt := range []struct{ extra, want string }{
		{"upstream = \"http://127.0.0.1:9\"\n", `ward.toml:7: routes[0].upstream: not used by a route with mode = "auth_request" (nginx forwards the request)`},
		{"timeout = \"1s\"\nmax_conns = 3\n", "ward.toml:7: routes[0].timeout: not used by a route with mode = \"auth_request\" (nginx forwards the request)\n" +
			"ward.toml:8: routes[0].max_conns: not used by a route with mode = \"auth_request\" (nginx forwards the request)"},
	} {
		if _, err := Parse("ward.toml", []byte(srv+tt.extra)); err == nil || err.Error() != tt.want {
			t.Errorf("got  %v\nwant %s", err, tt.want)
		}
	}
	// A proxy route still needs its upstream.
	if _, err := Parse("ward.toml", []byte("[server]\nlisten = [\":1\"]\n[[routes]]\nname = \"r\"\nprefix = \"/\"\nmode = \"proxy\"\n")); err == nil || err.Error() != "ward.toml:3: routes[0].upstream: missing required key" {
		t.Errorf("proxy without upstream: %v", err)
	}
}
