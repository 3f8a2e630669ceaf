package mockllm

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// ---- /v1/responses (OpenAI Responses API) ----

type responsesRequest struct {
	Model           string          `json:"model"`
	Input           json.RawMessage `json:"input"`
	Instructions    *string         `json:"instructions"`
	Stream          bool            `json:"stream"`
	MaxOutputTokens *int            `json:"max_output_tokens"`
}

// responseInputItem is an input item; only items with a role carry text the
// mock reads (messages). Tool outputs and other items are skipped.
type responseInputItem struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type responseObject struct {
	ID                string             `json:"id"`
	Object            string             `json:"object"`
	CreatedAt         int64              `json:"created_at"`
	Status            string             `json:"status"`
	Error             *struct{}          `json:"error"`
	IncompleteDetails *incompleteDetails `json:"incomplete_details"`
	Instructions      *string            `json:"instructions"`
	MaxOutputTokens   *int               `json:"max_output_tokens"`
	Model             string             `json:"model"`
	Output            []responseItem     `json:"output"`
	Usage             *responsesUsage    `json:"usage"`
	Metadata          struct{}           `json:"metadata"`
	*echoInfo
}

type incompleteDetails struct {
	Reason string `json:"reason"`
}

type responseItem struct {
	ID      string       `json:"id"`
	Type    string       `json:"type"`
	Status  string       `json:"status"`
	Role    string       `json:"role"`
	Content []outputText `json:"content"`
}

type outputText struct {
	Type        string     `json:"type"`
	Text        string     `json:"text"`
	Annotations []struct{} `json:"annotations"`
}

type responsesUsage struct {
	InputTokens        int `json:"input_tokens"`
	InputTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokens        int `json:"output_tokens"`
	OutputTokensDetails struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
	TotalTokens int `json:"total_tokens"`
}

// Stream event shapes.
type rsResponseEvent struct {
	Type     string         `json:"type"`
	Seq      int            `json:"sequence_number"`
	Response responseObject `json:"response"`
	*echoInfo
}

type rsItemEvent struct {
	Type        string       `json:"type"`
	Seq         int          `json:"sequence_number"`
	OutputIndex int          `json:"output_index"`
	Item        responseItem `json:"item"`
}

type rsPartEvent struct {
	Type         string     `json:"type"`
	Seq          int        `json:"sequence_number"`
	ItemID       string     `json:"item_id"`
	OutputIndex  int        `json:"output_index"`
	ContentIndex int        `json:"content_index"`
	Part         outputText `json:"part"`
}

type rsDeltaEvent struct {
	Type         string     `json:"type"`
	Seq          int        `json:"sequence_number"`
	ItemID       string     `json:"item_id"`
	OutputIndex  int        `json:"output_index"`
	ContentIndex int        `json:"content_index"`
	Delta        string     `json:"delta"`
	Logprobs     []struct{} `json:"logprobs"`
}

type rsTextDoneEvent struct {
	Type         string     `json:"type"`
	Seq          int        `json:"sequence_number"`
	ItemID       string     `json:"item_id"`
	OutputIndex  int        `json:"output_index"`
	ContentIndex int        `json:"content_index"`
	Text         string     `json:"text"`
	Logprobs     []struct{} `json:"logprobs"`
}

// responseInput reads "input": a string (one user message) or an array of
// input items. It returns the last user text, the texts of system and
// developer items joined with "\n", and the word count of all text.
func responseInput(raw json.RawMessage) (last, system string, words int, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", "", 0, nil
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &last); err != nil {
			return "", "", 0, fieldError("input", err)
		}
		return last, "", countWords(last), nil
	}
	var items []responseInputItem
	if err := json.Unmarshal(raw, &items); err != nil {
		return "", "", 0, fieldError("input", err)
	}
	for i, it := range items {
		if it.Role == "" {
			continue
		}
		t, err := contentText(it.Content)
		if err != nil {
			return "", "", 0, fieldError("input["+strconv.Itoa(i)+"].content", err)
		}
		words += countWords(t)
		switch it.Role {
		case "user":
			last = t
		case "system", "developer":
			system = joinText(system, t)
		}
	}
	return last, system, words, nil
}

func (s *Server) responses(body []byte, ri reqInfo) answer {
	var req responsesRequest
	if err := decode(body, &req); err != nil {
		return openAIBad(err)
	}
	last, sys, words, err := responseInput(req.Input)
	if err != nil {
		return openAIBad(err)
	}
	if req.Instructions != nil {
		words += countWords(*req.Instructions)
		sys = joinText(*req.Instructions, sys)
	}
	g, err := generate(req.Model, last, ri.tail(sys), words, req.MaxOutputTokens, "max_output_tokens")
	if err != nil {
		return openAIBad(err)
	}

	respID := "resp_" + idHex(ri.sum, 0)
	itemID := "msg_" + idHex(ri.sum, 12)
	base := func(status string) responseObject {
		return responseObject{
			ID: respID, Object: "response", CreatedAt: Created, Status: status,
			Instructions: req.Instructions, MaxOutputTokens: req.MaxOutputTokens,
			Model: g.model, Output: []responseItem{},
		}
	}
	text := func(t string) outputText {
		return outputText{Type: "output_text", Text: t, Annotations: []struct{}{}}
	}
	doneItem := responseItem{ID: itemID, Type: "message", Status: "completed", Role: "assistant",
		Content: []outputText{text(g.text)}}
	final := base("completed")
	finalEvent := "response.completed"
	if g.cut {
		final.Status = "incomplete"
		final.IncompleteDetails = &incompleteDetails{Reason: "max_output_tokens"}
		doneItem.Status = "incomplete"
		finalEvent = "response.incomplete"
	}
	final.Output = []responseItem{doneItem}
	u := &responsesUsage{InputTokens: g.promptTokens, OutputTokens: g.completionTokens,
		TotalTokens: g.promptTokens + g.completionTokens}
	final.Usage = u

	if !req.Stream || ri.noStream {
		final.echoInfo = ri.echo
		return jsonAnswer(final)
	}

	pieces := splitRunes(g.text, s.chunkSize)
	events := make([][]byte, 0, len(pieces)+8)
	seq := 0
	add := func(name string, v any) {
		events = append(events, eventFrame(name, v))
		seq++
	}
	add("response.created", rsResponseEvent{Type: "response.created", Seq: seq, Response: base("in_progress"), echoInfo: ri.echo})
	add("response.in_progress", rsResponseEvent{Type: "response.in_progress", Seq: seq, Response: base("in_progress")})
	add("response.output_item.added", rsItemEvent{Type: "response.output_item.added", Seq: seq,
		Item: responseItem{ID: itemID, Type: "message", Status: "in_progress", Role: "assistant", Content: []outputText{}}})
	add("response.content_part.added", rsPartEvent{Type: "response.content_part.added", Seq: seq, ItemID: itemID, Part: text("")})
	for _, p := range pieces {
		add("response.output_text.delta", rsDeltaEvent{Type: "response.output_text.delta", Seq: seq, ItemID: itemID,
			Delta: p, Logprobs: []struct{}{}})
	}
	add("response.output_text.done", rsTextDoneEvent{Type: "response.output_text.done", Seq: seq, ItemID: itemID,
		Text: g.text, Logprobs: []struct{}{}})
	add("response.content_part.done", rsPartEvent{Type: "response.content_part.done", Seq: seq, ItemID: itemID, Part: text(g.text)})
	add("response.output_item.done", rsItemEvent{Type: "response.output_item.done", Seq: seq, Item: doneItem})
	add(finalEvent, rsResponseEvent{Type: finalEvent, Seq: seq, Response: final})
	return sseAnswer(events)
}
