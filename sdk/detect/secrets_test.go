package detect

import (
	"encoding/base64"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// synth returns n pseudo-random characters of alphabet (deterministic per
// seed), so that the tests build their own tokens of each provider's shape
// instead of reusing third-party example strings.
func synth(alphabet string, n int, seed uint32) string {
	b := make([]byte, n)
	x := seed*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = alphabet[x%uint32(len(alphabet))]
	}
	return string(b)
}

const (
	aAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	aUpper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	aHex   = "0123456789abcdef"
	aB64u  = aAlnum + "-_"
	aLower = "abcdefghijklmnopqrstuvwxyz"
)

// githubToken builds a current-format GitHub token with a valid checksum.
func githubToken(prefix string, seed uint32) string {
	body := synth(aAlnum, 30, seed)
	c := crc32.ChecksumIEEE([]byte(body))
	var enc [6]byte
	for i := 5; i >= 0; i-- {
		enc[i] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[c%62]
		c /= 62
	}
	return prefix + body + string(enc[:])
}

func jwtOf(header, payload string, seed uint32) string {
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + "." + synth(aB64u, 43, seed)
}

func pemOf(kind string, seed uint32) string {
	var b strings.Builder
	b.WriteString("-----BEGIN " + kind + " PRIVATE KEY-----\n")
	for i := 0; i < 4; i++ {
		b.WriteString(synth(aAlnum+"+/", 64, seed+uint32(i)) + "\n")
	}
	b.WriteString("-----END " + kind + " PRIVATE KEY-----")
	return b.String()
}

func TestSecretsProviders(t *testing.T) {
	awsID := "AKIA" + synth(aUpper, 16, 1)
	awsSecret := synth(aAlnum+"/+", 40, 2)
	ghp := githubToken("ghp_", 3)
	ghBadSum := "ghp_" + synth(aAlnum, 36, 4)
	fine := "github_pat_" + synth(aAlnum+"_", 82, 5)
	glpat := "glpat-" + synth(aB64u, 20, 6)
	slackBot := "xoxb-" + synth("0123456789", 12, 7) + "-" + synth("0123456789", 13, 8) + "-" + synth(aAlnum, 24, 9)
	slackHook := "https://hooks.slack.com/services/T" + synth(aUpper, 8, 10) + "/B" + synth(aUpper, 8, 11) + "/" + synth(aAlnum, 24, 12)
	stripe := "sk_live_" + synth(aAlnum, 40, 13)
	openaiProj := "sk-proj-" + synth(aB64u, 74, 14) + "T3BlbkFJ" + synth(aB64u, 74, 15)
	openaiLegacy := "sk-" + synth(aAlnum, 20, 16) + "T3BlbkFJ" + synth(aAlnum, 20, 17)
	anthropic := "sk-ant-api03-" + synth(aB64u, 93, 18) + "AA"
	gcp := "AIza" + synth(aB64u, 35, 19)
	hf := "hf_" + synth(aLower+"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 34, 20)
	jwt := jwtOf(`{"alg":"HS256","typ":"JWT"}`, `{"sub":"1234567890","iat":1516239022}`, 21)
	pem := pemOf("RSA", 22)
	azure := synth(aAlnum, 3, 23) + "8Q~" + synth(aAlnum+"_~.-", 34, 24)
	genericHex := synth(aHex, 40, 25)
	genericMixed := synth(aAlnum, 32, 26)
	heroku := synth(aHex, 8, 27) + "-" + synth(aHex, 4, 28) + "-" + synth(aHex, 4, 29) + "-" + synth(aHex, 4, 30) + "-" + synth(aHex, 12, 31)
	telegram := "1234567890:A" + synth(aB64u, 34, 32)
	discordHook := "https://discord.com/api/webhooks/" + synth("0123456789", 18, 33) + "/" + synth(aB64u, 68, 34)
	curlPass := "Zk3" + synth(aAlnum, 12, 35)
	bearer := synth(aAlnum, 40, 36)
	cases := []struct {
		name, text, rule, value string
	}{
		{"aws key id", "aws_access_key_id = " + awsID + "\n", "aws-access-token", awsID},
		{"aws secret with context", `aws_secret_access_key="` + awsSecret + `"`, "aws-secret-access-key", awsSecret},
		{"github pat with checksum", "token: " + ghp, "github-pat", ghp},
		{"github pat without checksum", "use " + ghBadSum + " please", "github-pat", ghBadSum},
		{"github fine-grained", "GH=" + fine, "github-fine-grained-pat", fine},
		{"gitlab pat", "export GITLAB=" + glpat, "gitlab-pat", glpat},
		{"slack bot", "bot: " + slackBot, "slack-bot-token", slackBot},
		{"slack webhook", "post to " + slackHook + " now", "slack-webhook-url", slackHook[len("https://"):]},
		{"stripe", "Stripe.apiKey = '" + stripe + "';", "stripe-access-token", stripe},
		{"openai project", "OPENAI_API_KEY=" + openaiProj, "openai-api-key", openaiProj},
		{"openai legacy", "key " + openaiLegacy + " ok", "openai-api-key", openaiLegacy},
		{"anthropic", "x-api-key: " + anthropic, "anthropic-api-key", anthropic},
		{"gcp api key", `apiKey: "` + gcp + `"`, "gcp-api-key", gcp},
		{"huggingface", "huggingface-cli login --token " + hf, "huggingface-access-token", hf},
		{"jwt", "Authorization: Bearer " + jwt, "jwt", jwt},
		{"pem", "key:\n" + pem + "\n", "private-key", pem},
		{"azure ad client secret", "client_secret=" + azure, "azure-ad-client-secret", azure},
		{"generic hex secret", `"client_secret" : "` + genericHex + `",`, ruleGeneric, genericHex},
		{"generic camel api key", `const apiKey = "` + genericMixed + `";`, ruleGeneric, genericMixed},
		{"heroku keyword", `HEROKU_API_KEY = "` + heroku + `"`, "heroku-api-key", heroku},
		{"telegram keyword", "telegram_bot_token: " + telegram, "telegram-bot-api-token", telegram},
		{"discord webhook", discordHook, "discord-webhook-url", discordHook[len("https://"):]},
		{"curl user", "curl -u admin:" + curlPass + " https://example.com", "curl-auth-user", "admin:" + curlPass},
		{"url credentials", "postgres://app:" + curlPass + "@db.internal:5432/x", "url-credentials", curlPass},
		{"bearer anywhere", "Authorization: Bearer " + bearer, "bearer-token", bearer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Secrets(c.text, nil)
			for _, f := range got {
				if f.Rule == c.rule && c.text[f.Start:f.End] == c.value {
					if f.Kind != KindSecret || f.Confidence <= 0 || f.Confidence > 1 {
						t.Fatalf("bad finding %+v", f)
					}
					return
				}
			}
			t.Fatalf("want %s %q in %q, got %s", c.rule, c.value, c.text, dump(c.text, got))
		})
	}
}

func dump(text string, fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Rule + " " + text[f.Start:f.End] + "; ")
	}
	if b.Len() == 0 {
		return "nothing"
	}
	return b.String()
}

func TestSecretsNegatives(t *testing.T) {
	ghp := githubToken("ghp_", 40)
	cases := []struct{ name, text string }{
		{"prose", "The quick brown fox asks: which API key should I use for the staging server?"},
		{"aws documentation example", "aws_access_key_id = AKIAIOSFODNN7" + "EXAMPLE"},
		{"aws id inside a word", "XAKIA" + synth(aUpper, 16, 41)},
		{"aws id low entropy", "AKIA" + strings.Repeat("AB", 8)},
		{"truncated github token", ghp[:30]},
		{"github token too long", ghp + "abc"},
		{"github placeholder", "ghp_" + strings.Repeat("x", 36)},
		{"slack wrong charset", "xoxb-12345-abcd234"},
		{"stripe publishable key", "pk_live_" + synth(aAlnum, 24, 42)},
		{"anthropic wrong suffix", "sk-ant-api03-" + synth(aB64u, 93, 43) + "BB"},
		{"hf inside identifier", "rhf_" + synth(aLower, 34, 44)},
		{"jwt without alg", jwtOf(`{"foo":"bar","baz":1}`, `{"sub":"1234567890"}`, 45)},
		{"pem too short", "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"},
		{"generic placeholder", `api_key = "${API_KEY}"`},
		{"generic template", `password: "{{ .Values.password }}"`},
		{"generic words", `secret_name = "production-database-password"`},
		{"generic key id", `kms_key_id = "` + synth(aHex, 32, 46) + `"`},
		{"generic public key", `public_key = "` + synth(aAlnum, 40, 47) + `"`},
		{"generic version", `api_version = "rc0.15.0_20231217_1420-SNAPSHOT"`},
		{"generic file name", `key_file = "server_rsa4096_priv.pem"`},
		{"generic keyword inside word", `monkey = "` + synth(aAlnum, 30, 48) + `"`},
		{"generic mask", `token = "****************************"`},
		{"curl placeholder password", "curl -u admin:password https://x"},
		{"curl variable", `curl -u "$USER:$PASS" https://x`},
		{"url template", "https://${user}:${pass}@example.com"},
		{"url without credentials", "see https://example.com/a:b@c"},
		{"uuid alone", "request 0736f5ef-7e88-499a-80cc-90c85d2a5180 failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Secrets(c.text, nil); len(got) != 0 {
				t.Fatalf("%q: want nothing, got %s", c.text, dump(c.text, got))
			}
		})
	}
}

func TestSecretsGitHubChecksum(t *testing.T) {
	good := githubToken("ghp_", 50)
	bad := good[:39] + string("ab"[strings.IndexByte("ab", good[39])+1&1])
	cg := Secrets(good, nil)
	cb := Secrets(bad, nil)
	if len(cg) != 1 || len(cb) != 1 {
		t.Fatalf("want one finding each, got %d and %d", len(cg), len(cb))
	}
	if cg[0].Confidence <= cb[0].Confidence {
		t.Fatalf("valid checksum confidence %v should exceed invalid %v", cg[0].Confidence, cb[0].Confidence)
	}
}

func TestSecretsOverlapPrefersSpecificRule(t *testing.T) {
	// A JWT assigned to "token": jwt (specific) wins over generic-api-key.
	jwt := jwtOf(`{"alg":"RS256"}`, `{"iss":"a","exp":1700000000}`, 60)
	text := `{"access_token": "` + jwt + `"}`
	got := Secrets(text, nil)
	if len(got) != 1 || got[0].Rule != "jwt" {
		t.Fatalf("got %s", dump(text, got))
	}
}

// TestSecretsGenericInProse: in a prompt a value often ends a clause
// ("my password is X, ..."): a comma, period, ! or ? followed by white
// space or the end ends the value; glued to more text it does not.
func TestSecretsGenericInProse(t *testing.T) {
	v := synth(aAlnum, 16, 70)
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"my db password = " + v + ", is it strong?", true},
		{"set api_token: " + v + ".", true},
		{"is secret=" + v + "? asking for a friend", true},
		{"password = " + v + ",next=1", false},
		{"password = " + v + ".txt is the file", false},
	} {
		got := Secrets(tc.text, nil)
		found := false
		for _, f := range got {
			if f.Rule == "generic-api-key" && tc.text[f.Start:f.End] == v {
				found = true
			}
		}
		if found != tc.want {
			t.Errorf("%q: found %v, want %v: %s", tc.text, found, tc.want, dump(tc.text, got))
		}
	}
}

func TestSecretsAppendsAndSorts(t *testing.T) {
	a := "AKIA" + synth(aUpper, 16, 70)
	g := githubToken("ghp_", 71)
	text := "second " + g + " first? no: " + a + " and a password=" + synth(aAlnum, 24, 72) + "\n"
	prev := []Finding{{Kind: "EMAIL", Rule: "email", Start: 0, End: 1}}
	got := Secrets(text, prev)
	if len(got) != 4 || got[0].Rule != "email" {
		t.Fatalf("want the existing finding kept and 3 appended, got %s", dump(text, got[1:]))
	}
	checkSecretInvariants(t, text, got[1:])
}

func checkSecretInvariants(t *testing.T, text string, fs []Finding) {
	t.Helper()
	for i, f := range fs {
		if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
			t.Fatalf("finding %d out of range: %+v (len %d)", i, f, len(text))
		}
		if f.Kind != KindSecret || f.Rule == "" || f.Confidence <= 0 || f.Confidence > 1 {
			t.Fatalf("finding %d malformed: %+v", i, f)
		}
		if i > 0 && fs[i-1].End > f.Start {
			t.Fatalf("findings %d and %d overlap or are unsorted: %+v %+v", i-1, i, fs[i-1], f)
		}
	}
}

// FuzzSecrets: Secrets never panics, and its findings are in range, sorted
// and disjoint.
func FuzzSecrets(f *testing.F) {
	f.Add("token = " + githubToken("ghp_", 80))
	f.Add("curl -u a:" + synth(aAlnum, 12, 81) + " -H 'Authorization: Bearer " + synth(aAlnum, 30, 82) + "'")
	f.Add(jwtOf(`{"alg":"none"}`, `{"a":1}`, 83))
	f.Add(pemOf("EC", 84))
	f.Add("https://u:p@h xoxb-1234567890-1234567890-abc sk-ant-api03- AIza Q~ .atlasv1. _mmk -----BEGIN")
	f.Fuzz(func(t *testing.T, text string) {
		checkSecretInvariants(t, text, Secrets(text, nil))
	})
}

// secBenchPrompt is a 2 KB chat prompt; with secrets it carries an AWS key
// id and a GitHub token.
func secBenchPrompt(withSecrets bool) string {
	var b strings.Builder
	para := "Please review the following deployment notes and summarise the risks. The service talks to the " +
		"billing API through a retrying client, and the access layer checks every token against the key " +
		"server before it forwards a request. Passwords are never logged; secrets come from the vault. "
	for b.Len() < 2048 {
		b.WriteString(para)
		if withSecrets && b.Len() > 600 && b.Len() < 900 {
			b.WriteString("aws_access_key_id=AKIA" + synth(aUpper, 16, 90) + "\n")
		}
		if withSecrets && b.Len() > 1400 && b.Len() < 1700 {
			b.WriteString("export GITHUB_TOKEN=" + githubToken("ghp_", 91) + "\n")
		}
	}
	return b.String()[:2048]
}

func BenchmarkSecrets(b *testing.B) {
	for _, bc := range []struct {
		name    string
		secrets bool
		want    int
	}{{"2KB-clean", false, 0}, {"2KB-two-secrets", true, 2}} {
		text := secBenchPrompt(bc.secrets)
		dst := Secrets(text, nil)
		if len(dst) != bc.want {
			b.Fatalf("%s: want %d findings, got %s", bc.name, bc.want, dump(text, dst))
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for i := 0; i < b.N; i++ {
				dst = Secrets(text, dst[:0])
			}
		})
	}
}

// TestSecretsAutomaton checks the truncated automaton against a naive
// search: every trigger literal occurring in the text (case-insensitively)
// must be reported by the automaton at its position, and nothing else
// (beyond the documented over-approximation of extended triggers) may
// survive fire's full-literal check.
func TestSecretsAutomaton(t *testing.T) {
	texts := []string{secBenchPrompt(true), secBenchPrompt(false),
		"aws_secret_access_key=x GITHUB_TOKEN=ghp_ sk-ant-api03-x sk-proj- Bearer x curl -u a:b https://u:p@h",
		"xoxe.xoxb-1 xoxe-1 access_token$production$ s.abc ey ey SK Q~ .atlasv1. _mmk -----BEGIN AKIAAKIA"}
	for _, tr := range secTriggers {
		texts = append(texts, "x"+tr.lit+"y", strings.ToUpper(tr.orig)+tr.lit, tr.lit+"0"+tr.lit+"a"+tr.lit)
	}
	a := &secAC
	for _, text := range texts {
		got := map[[2]int]bool{}
		off := uint16(0)
		for i := 0; i < len(text); i++ {
			v := a.delta[uint(off&secStateMask)+uint(a.class[text[i]])]
			off = v & secStateMask
			if v&secOutFlag == 0 {
				continue
			}
			st := int(off) / a.nclass
			for k := int(a.outOff[st]); k < int(a.outOff[st])+int(a.outN[st]); k++ {
				tr := &secTriggers[a.out[k]]
				start := i + 1 - tr.short
				if end := start + len(tr.lit); end <= len(text) && secEqualFold(text[start:end], tr.lit) {
					got[[2]int{int(a.out[k]), start}] = true
				}
			}
		}
		want := map[[2]int]bool{}
		for ti, tr := range secTriggers {
			for s := 0; s+len(tr.lit) <= len(text); s++ {
				if !secEqualFold(text[s:s+len(tr.lit)], tr.lit) {
					continue
				}
				// An extended trigger is reported only before a byte that may follow it.
				if e := s + len(tr.lit); tr.ext > 0 && tr.short > len(tr.lit) &&
					(e >= len(text) || !tr.next.has(secLower(text[e])) && !tr.next.has(secUpper(text[e]))) {
					continue
				}
				want[[2]int{ti, s}] = true
			}
		}
		for k := range want {
			if !got[k] {
				t.Fatalf("automaton missed %q at %d in %.80q", secTriggers[k[0]].lit, k[1], text)
			}
		}
		// Extended triggers may be over-reported before a byte that only
		// extensions use (they share a class); step filters them.
		for k := range got {
			tr := &secTriggers[k[0]]
			if e := k[1] + len(tr.lit); !want[k] && (tr.ext == 0 || e >= len(text) || a.class[text[e]] != a.extClass) {
				t.Fatalf("automaton reported %q at %d in %.80q", tr.lit, k[1], text)
			}
		}
	}
}

// TestSecretsLanesMatchSerial checks run's two-lane walk against one walk
// of the text (runSerial) on random texts of every length up to 3 KB made
// of prose, trigger literals and secrets: the same findings in the same
// order, whatever lane boundary a trigger or a secret straddles, and when
// a lane has more blocks with outputs than it records.
func TestSecretsLanesMatchSerial(t *testing.T) {
	parts := []string{"the ", "committee ", "asked ", "key ", "they ", "token", "=", ": ", "\n", " ", "\"",
		"AKIA" + synth(aUpper, 16, 40), githubToken("ghp_", 41), "password=" + synth(aAlnum, 24, 42),
		"sk-" + synth(aAlnum, 20, 43) + "T3BlbkFJ" + synth(aAlnum, 20, 44), "https://u:" + synth(aAlnum, 12, 45) + "@h.example ",
		jwtOf(`{"alg":"HS256"}`, `{"a":1}`, 46), "api_key: " + synth(aHex, 32, 47), "curl -u a:" + synth(aAlnum, 14, 48) + " "}
	nprose := len(parts)
	for _, tr := range secTriggers {
		parts = append(parts, tr.lit, strings.ToUpper(tr.orig))
	}
	r := rand.New(rand.NewPCG(7, 8))
	var b strings.Builder
	lanes, overflows := 0, 0
	for it := range 3000 {
		b.Reset()
		size := r.IntN(3072)
		for b.Len() < size {
			switch {
			case it%4 == 1:
				// Triggers only: every block reaches an output.
				b.WriteString(parts[nprose+r.IntN(len(parts)-nprose)])
			case it%3 == 0:
				b.WriteString("Please review the deployment notes and summarise the risks for the board. ")
				fallthrough
			default:
				b.WriteString(parts[r.IntN(len(parts))])
			}
		}
		text := b.String()
		got := Secrets(text, nil)
		ref := secScan{text: text}
		ref.runSerial()
		ref.flushGeneric()
		ref.finish()
		if !slices.Equal(got, ref.dst) {
			t.Fatalf("%q:\nlanes  %s\nserial %s", text, dump(text, got), dump(text, ref.dst))
		}
		if len(text) >= 2*8*8 {
			lanes++
			if it%4 == 1 && len(text) > 1024 {
				overflows++
			}
		}
	}
	// A trigger across the start of the second lane (at len/16*8).
	secret := "password=" + synth(aAlnum, 24, 49)
	for size := 256; size < 320; size++ {
		for k := 1; k <= 9; k++ {
			text := strings.Repeat(" ", size/16*8-k) + secret
			text += strings.Repeat(" ", size-len(text))
			got := Secrets(text, nil)
			ref := secScan{text: text}
			ref.runSerial()
			ref.flushGeneric()
			ref.finish()
			if !slices.Equal(got, ref.dst) || len(got) != 1 {
				t.Fatalf("%q:\nlanes  %s\nserial %s", text, dump(text, got), dump(text, ref.dst))
			}
		}
	}
	if lanes < 1000 || overflows < 100 {
		t.Fatalf("only %d texts long enough for the lanes, %d dense enough to overflow them", lanes, overflows)
	}
}

func secUpper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// TestSecretsEntropy checks the table-driven entropy on values of known
// entropy, and that it leaves its scratch zeroed.
func TestSecretsEntropy(t *testing.T) {
	var s secScan
	for _, c := range []struct {
		v    string
		want float64
	}{
		{"", 0},
		{"aaaa", 0},
		{"aabb", 1},
		{"q8Zr2LmX", 3},                // 8 distinct bytes
		{"abcdefgh", 0},                // one ascending run: removed
		{"xyabcdefzz", 1.5},            // x y z z after removing abcdef
		{strings.Repeat("ab", 400), 1}, // counts beyond the table
	} {
		got := s.entropy(c.v)
		if math.Abs(got-c.want) > 1e-9 {
			t.Errorf("entropy(%.20q) = %v, want %v", c.v, got, c.want)
		}
		if s.counts != [256]uint16{} {
			t.Fatalf("entropy(%.20q) left its scratch dirty", c.v)
		}
	}
}
