// Package audittest generates credentials and personal data of the shapes
// sdk/detect knows (valid checksums, provider prefixes), for tests that
// send them through Ward and scan the audit log for them. Values are
// synthetic and deterministic for a seed; none is a real credential.
package audittest

import (
	"hash/crc32"
	"strconv"
	"strings"
)

// Sample is one generated value and a sentence that carries it.
type Sample struct {
	Kind  string // what it is ("aws-access-key-id", "email", ...)
	Value string // the raw value that must never be logged
	Text  string // a prompt line holding it
}

const (
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b64u  = alnum + "-_"
)

// synth makes n characters of alphabet from a xorshift generator.
func synth(alphabet string, n int, seed uint32) string {
	x := seed*2654435761 + 1
	b := make([]byte, n)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = alphabet[x%uint32(len(alphabet))]
	}
	return string(b)
}

func githubToken(seed uint32) string {
	body := synth(alnum, 30, seed)
	c := crc32.ChecksumIEEE([]byte(body))
	var enc [6]byte
	for i := 5; i >= 0; i-- {
		enc[i] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[c%62]
		c /= 62
	}
	return "ghp_" + body + string(enc[:])
}

// card makes a 16-digit Visa number with a valid Luhn digit.
func card(seed uint32) string {
	d := "4" + synth("0123456789", 14, seed)
	sum := 0
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if (len(d)-i)%2 == 1 { // doubled: the check digit will be appended
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	d += strconv.Itoa((10 - sum%10) % 10)
	return d[0:4] + " " + d[4:8] + " " + d[8:12] + " " + d[12:16]
}

// iban makes a German IBAN with valid check digits (ISO 13616, mod 97).
func iban(seed uint32) string {
	bban := synth("0123456789", 18, seed)
	rem := 0
	for _, c := range bban + "131400" { // "DE00": D=13, E=14
		rem = (rem*10 + int(c-'0')) % 97
	}
	check := 98 - rem
	return "DE" + strconv.Itoa(check/10) + strconv.Itoa(check%10) + bban
}

func pem(seed uint32) string {
	var b strings.Builder
	b.WriteString("-----BEGIN RSA PRIVATE KEY-----\n")
	for i := range 4 {
		b.WriteString(synth(alnum+"+/", 64, seed+uint32(i)) + "\n")
	}
	b.WriteString("-----END RSA PRIVATE KEY-----")
	return b.String()
}

// Samples returns one value of each kind for seed.
func Samples(seed uint32) []Sample {
	s := seed * 97
	aws := "AKIA" + synth(upper, 16, s+1)
	gh := githubToken(s + 2)
	glpat := "glpat-" + synth(b64u, 20, s+3)
	slack := "xoxb-" + synth("0123456789", 12, s+4) + "-" + synth("0123456789", 13, s+5) + "-" + synth(alnum, 24, s+6)
	openai := "sk-proj-" + synth(b64u, 74, s+7) + "T3BlbkFJ" + synth(b64u, 74, s+8)
	anthropic := "sk-ant-api03-" + synth(b64u, 93, s+9) + "AA"
	gcp := "AIza" + synth(b64u, 35, s+10)
	key := pem(s + 11)
	mail := strings.ToLower(synth("abcdefghijklmnopqrstuvwxyz", 8, s+15)) + ".doe@example.org"
	cc := card(s + 16)
	ib := iban(s + 17)
	return []Sample{
		{"aws-access-key-id", aws, "my AWS key id is " + aws + ", why does s3 fail?"},
		{"github-pat", gh, "git push fails with " + gh},
		{"gitlab-pat", glpat, "export GITLAB_TOKEN=" + glpat},
		{"slack-bot-token", slack, "slack bot token " + slack},
		{"openai-api-key", openai, "OPENAI_API_KEY=" + openai},
		{"anthropic-api-key", anthropic, "use the claude key " + anthropic},
		{"gcp-api-key", gcp, "maps key " + gcp},
		{"private-key", key[32:96], "here is the server key:\n" + key},
		{"email", mail, "mail " + mail + " the receipt"},
		{"credit-card", cc, "charge card " + cc + " please"},
		{"iban", ib, "wire it to IBAN " + ib},
	}
}
