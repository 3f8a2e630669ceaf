package mockllm

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/valyala/fasthttp"
)

// AnswerPrefix starts every generated answer; it is followed by the first
// EchoRunes runes of the last user text.
const (
	AnswerPrefix = "Mock answer to: "
	EchoRunes    = 80
)

// DefaultModel is reported when a request names no model.
const DefaultModel = "mock-model"

// AnswerFor returns the answer text the mock generates for the given last
// user text (before any max-tokens cut).
func AnswerFor(lastUser string) string {
	return AnswerPrefix + firstRunes(lastUser, EchoRunes)
}

func firstRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// countWords is the mock's token count: the number of maximal runs of
// non-space runes.
func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n
}

// cutWords returns s up to the end of its n-th word and whether anything was
// cut. Spacing inside the kept part is preserved.
func cutWords(s string, n int) (string, bool) {
	count, in := 0, false
	for pos, r := range s {
		sp := unicode.IsSpace(r)
		if !sp && !in {
			if count == n {
				return strings.TrimRightFunc(s[:pos], unicode.IsSpace), true
			}
			count++
		}
		in = !sp
	}
	return s, false
}

// splitRunes splits s into pieces of at most n runes, never inside a rune.
func splitRunes(s string, n int) []string {
	if s == "" {
		return nil
	}
	out := make([]string, 0, utf8.RuneCountInString(s)/n+1)
	start, count := 0, 0
	for pos := range s {
		if count == n {
			out = append(out, s[start:pos])
			start, count = pos, 0
		}
		count++
	}
	return append(out, s[start:])
}

// idHex returns 24 hex digits of the body hash starting at byte off (0..20),
// so that ids of different kinds in one answer differ.
func idHex(sum [32]byte, off int) string {
	return hex.EncodeToString(sum[off : off+12])
}

// contentPart is a typed part of a content array: OpenAI "text",
// "input_text", "output_text", Anthropic "text"; other parts carry no text.
type contentPart struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

var errContentShape = errors.New("must be a string, null or an array of content parts")

// contentText returns the text of a content value: a JSON string, or the
// "text" fields of an array of parts joined with "\n". null or absent is "".
func contentText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case '[':
		var parts []contentPart
		if err := json.Unmarshal(raw, &parts); err != nil {
			return "", err
		}
		var b strings.Builder
		for _, p := range parts {
			if p.Text == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(p.Text)
		}
		return b.String(), nil
	}
	return "", errContentShape
}

// echoInfo is embedded (as a nil-able pointer) in answers to add what the
// mock received when x-mock-echo-headers: 1 was sent.
type echoInfo struct {
	// ReceivedHeaders maps lower-cased header names to their values in
	// arrival order, taken from the raw header block as it came off the wire
	// (so Connection, Transfer-Encoding and duplicates are visible).
	ReceivedHeaders map[string][]string `json:"received_headers"`
	ReceivedMethod  string              `json:"received_method"`
	ReceivedURI     string              `json:"received_uri"`
	// ReceivedBody is the request body as received, so that a test or a
	// demo can see what a gateway sent upstream (a masked prompt, say).
	ReceivedBody string `json:"received_body"`
}

// receivedEcho copies the request's headers and body out of ctx (nothing of ctx is
// retained).
func receivedEcho(ctx *fasthttp.RequestCtx) *echoInfo {
	e := &echoInfo{
		ReceivedHeaders: map[string][]string{},
		ReceivedMethod:  string(ctx.Method()),
		ReceivedURI:     string(ctx.RequestURI()),
		ReceivedBody:    string(ctx.PostBody()),
	}
	raw := ctx.Request.Header.RawHeaders()
	if len(raw) == 0 {
		// Not parsed from the wire (in-memory use): fall back to fasthttp's
		// normalized view.
		for k, v := range ctx.Request.Header.All() {
			name := strings.ToLower(string(k))
			e.ReceivedHeaders[name] = append(e.ReceivedHeaders[name], string(v))
		}
		return e
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		line = strings.TrimRight(line, "\r")
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		e.ReceivedHeaders[name] = append(e.ReceivedHeaders[name], strings.TrimSpace(value))
	}
	return e
}
