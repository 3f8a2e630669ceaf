package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestIncident(t *testing.T) {
	base := "[server]\nlisten = [\"127.0.0.1:1\"]\n"
	good := base + `
[incident]
sync_interval = "250ms"
[incident.rules.inj]
identity = "subject"
reasons = ["injection.detected", "denylist.*"]
denials = 3
window = "1m"
period = "10m"
[incident.rules.auth]
reasons = ["auth.unauthenticated"]
denials = 10
window = "10s"
period = "1h"
[incident.webhook]
url = "https://hooks.example.com/ward"
secret_file = "hook.key"
max_attempts = 3
[[routes]]
name = "r"
prefix = "/"
upstream = "http://127.0.0.1:9"
quarantine = ["auth", "inj"]
`
	c, err := Parse("ward.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	in := c.Incident
	if in.SyncInterval != 250*time.Millisecond || len(in.Rules) != 2 || in.Rules[0].Name != "inj" || in.Rules[1].Name != "auth" {
		t.Fatalf("incident = %+v", in)
	}
	inj := in.Rule("inj")
	if inj.Identity != IdentitySubject || !slices.Equal(inj.Reasons, []string{"injection.detected", "denylist.*"}) ||
		inj.Denials != 3 || inj.Window != time.Minute || inj.Period != 10*time.Minute || inj.Line != 6 {
		t.Errorf("rule inj = %+v", inj)
	}
	if a := in.Rule("auth"); a.Identity != IdentityIP {
		t.Errorf("identity default = %q, want ip", a.Identity)
	}
	w := in.Webhook
	if w.URL != "https://hooks.example.com/ward" || w.SecretFile != "hook.key" || w.MaxAttempts != 3 ||
		w.Timeout != DefaultWebhookTimeout || w.Backoff != DefaultWebhookBackoff || w.MaxBackoff != DefaultWebhookMaxBackoff || w.Queue != DefaultWebhookQueue {
		t.Errorf("webhook = %+v", w)
	}
	if !slices.Equal(c.Routes[0].Quarantine, []string{"auth", "inj"}) {
		t.Errorf("route quarantine = %v", c.Routes[0].Quarantine)
	}

	for text, want := range map[string]string{
		"[incident]\nsync_interval = \"1h\"\n":                                                            `ward.toml:4: incident.sync_interval: 1h0m0s is out of range`,
		"[incident.rules.x]\nreasons = [\"a.b\"]\ndenials = 1\nwindow = \"1s\"\n":                         `ward.toml:3: incident.rules.x.period: missing required key`,
		"[incident.rules.x]\nreasons = []\ndenials = 1\nwindow = \"1s\"\nperiod = \"1s\"\n":               `ward.toml:4: incident.rules.x.reasons: at least one denial code is required`,
		"[incident.rules.x]\nreasons = [\"A\"]\ndenials = 1\nwindow = \"1s\"\nperiod = \"1s\"\n":          `ward.toml:4: incident.rules.x.reasons[0]: invalid denial code "A"`,
		"[incident.rules.x]\nreasons = [\"a\",\"a\"]\ndenials = 1\nwindow = \"1s\"\nperiod = \"1s\"\n":    `ward.toml:4: incident.rules.x.reasons[1]: code "a" listed twice`,
		"[incident.rules.x]\nreasons = [\"a\"]\ndenials = 0\nwindow = \"1s\"\nperiod = \"1s\"\n":          `ward.toml:5: incident.rules.x.denials: 0 is out of range`,
		"[incident.rules.x]\nreasons = [\"a\"]\ndenials = 1\nwindow = \"1s\"\nperiod = \"1s\"\nwho = 1\n": `ward.toml:8: incident.rules.x.who: unknown key`,
		"[incident.rules.X]\nreasons = [\"a\"]\ndenials = 1\nwindow = \"1s\"\nperiod = \"1s\"\n":          `ward.toml:3: incident.rules.X: invalid rule name`,
		"[incident.webhook]\nurl = \"http://h/x\"\n":                                                      `ward.toml:3: incident.webhook.secret_file: missing required key`,
		"[incident.webhook]\nbackoff = \"2s\"\nmax_backoff = \"1s\"\n":                                    `ward.toml:5: incident.webhook.max_backoff: 1s is less than backoff 2s`,
		"[[routes]]\nname = \"r\"\nprefix = \"/\"\nupstream = \"http://h\"\nquarantine = [\"nope\"]\n":    `ward.toml:7: routes[0].quarantine[0]: unknown quarantine rule "nope"`,
		"[admin]\nlisten = \"0.0.0.0:9\"\noperators_file = \"ops.toml\"\n":                                "",
		"[admin]\nsession_ttl = \"10s\"\n":                                                                `ward.toml:4: admin.session_ttl: 10s is out of range`,
	} {
		_, err := Parse("ward.toml", []byte(base+text))
		switch {
		case want == "" && err != nil:
			t.Errorf("%q: %v", text, err)
		case want != "" && (err == nil || !strings.HasPrefix(err.Error(), want)):
			t.Errorf("%q:\n got %v\nwant prefix %s", text, err, want)
		}
	}
}
