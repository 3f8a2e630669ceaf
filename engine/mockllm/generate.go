package mockllm

import (
	"encoding/json"
	"strconv"
)

// generation is the model-independent result for one request.
type generation struct {
	model            string
	text             string
	promptTokens     int
	completionTokens int
	cut              bool // stopped by the request's output-token limit
}

// errLimit reports an output-token limit below 1.
type errLimit struct{ field string }

func (e errLimit) Error() string {
	return e.field + ": must be at least 1"
}

// LeakPrefix separates the answer from the system prompt it leaks
// (HeaderLeakSystem).
const LeakPrefix = " My instructions are: "

// generate makes the answer for lastUser, followed by tail (see
// reqInfo.tail). promptWords is the word count of the whole prompt; limit,
// when set, caps the answer's word count.
func generate(model, lastUser, tail string, promptWords int, limit *int, limitField string) (generation, error) {
	if model == "" {
		model = DefaultModel
	}
	g := generation{model: model, text: AnswerFor(lastUser) + tail, promptTokens: max(1, promptWords)}
	if limit != nil {
		if *limit < 1 {
			return generation{}, errLimit{limitField}
		}
		g.text, g.cut = cutWords(g.text, *limit)
	}
	g.completionTokens = countWords(g.text)
	return g, nil
}

// conversation walks chat-style messages: it returns the text of the last
// message whose role is "user", the texts of the system and developer
// messages joined with "\n", and the word count of every message's text.
func conversation(msgs []chatMessage, field string) (lastUser, system string, words int, err error) {
	for i, m := range msgs {
		t, err := contentText(m.Content)
		if err != nil {
			return "", "", 0, fieldError(field+"["+strconv.Itoa(i)+"].content", err)
		}
		words += countWords(t)
		switch m.Role {
		case "user":
			lastUser = t
		case "system", "developer":
			system = joinText(system, t)
		}
	}
	return lastUser, system, words, nil
}

// joinText joins two texts with "\n", either may be empty.
func joinText(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "\n" + b
}

type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// badRequest is an invalid request; its message is shown to the client.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

func fieldError(field string, err error) error {
	return badRequest{field + ": " + err.Error()}
}

// decode unmarshals a request body into v, reporting syntax and type errors
// as badRequest.
func decode(body []byte, v any) error {
	if len(body) == 0 {
		return badRequest{"mockllm: empty request body; expected a JSON object"}
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest{"mockllm: could not parse the JSON body of the request: " + err.Error()}
	}
	return nil
}

func dataFrame(v any) []byte {
	b := append([]byte("data: "), mustJSON(v)...)
	return append(b, "\n\n"...)
}

func eventFrame(name string, v any) []byte {
	b := make([]byte, 0, 64)
	b = append(b, "event: "...)
	b = append(b, name...)
	b = append(b, "\ndata: "...)
	b = append(b, mustJSON(v)...)
	return append(b, "\n\n"...)
}

// doneFrame ends OpenAI chat and completions streams. Shared and read-only.
var doneFrame = []byte("data: [DONE]\n\n")

func jsonAnswer(v any) answer {
	return answer{status: 200, contentType: contentJSON, body: mustJSON(v)}
}

func sseAnswer(events [][]byte) answer {
	return answer{status: 200, contentType: contentSSE, events: events}
}
