package mockllm

import (
	"encoding/json"
	"errors"
)

// ---- /v1/messages (Anthropic Messages API) ----

type messagesRequest struct {
	Model     string          `json:"model"`
	Messages  []chatMessage   `json:"messages"`
	System    json.RawMessage `json:"system"`
	MaxTokens *int            `json:"max_tokens"`
	Stream    bool            `json:"stream"`
}

type anthropicMessage struct {
	ID           string          `json:"id"`
	Type         string          `json:"type"`
	Role         string          `json:"role"`
	Model        string          `json:"model"`
	Content      []anthropicText `json:"content"`
	StopReason   *string         `json:"stop_reason"`
	StopSequence *string         `json:"stop_sequence"`
	Usage        anthropicUsage  `json:"usage"`
	*echoInfo
}

type anthropicText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type anthropicUsage struct {
	InputTokens              int `json:"input_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	OutputTokens             int `json:"output_tokens"`
}

// Stream event shapes.
type anMessageStart struct {
	Type    string           `json:"type"`
	Message anthropicMessage `json:"message"`
	*echoInfo
}

type anBlockStart struct {
	Type         string        `json:"type"`
	Index        int           `json:"index"`
	ContentBlock anthropicText `json:"content_block"`
}

type anTypeOnly struct {
	Type string `json:"type"`
}

type anBlockDelta struct {
	Type  string      `json:"type"`
	Index int         `json:"index"`
	Delta anTextDelta `json:"delta"`
}

type anTextDelta struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type anBlockStop struct {
	Type  string `json:"type"`
	Index int    `json:"index"`
}

type anMessageDelta struct {
	Type  string         `json:"type"`
	Delta anStopDelta    `json:"delta"`
	Usage anOutputTokens `json:"usage"`
}

type anStopDelta struct {
	StopReason   string  `json:"stop_reason"`
	StopSequence *string `json:"stop_sequence"`
}

type anOutputTokens struct {
	OutputTokens int `json:"output_tokens"`
}

func anthropicBad(err error) answer {
	var br badRequest
	var el errLimit
	switch {
	case errors.As(err, &br):
		return errorAnswer(flavorAnthropic, 400, br.msg)
	case errors.As(err, &el):
		return errorAnswer(flavorAnthropic, 400, el.Error())
	}
	return errorAnswer(flavorAnthropic, 500, err.Error())
}

func (s *Server) messages(body []byte, ri reqInfo) answer {
	var req messagesRequest
	if err := decode(body, &req); err != nil {
		return anthropicBad(err)
	}
	if len(req.Messages) == 0 {
		return anthropicBad(badRequest{"messages: must be a non-empty array"})
	}
	last, _, words, err := conversation(req.Messages, "messages")
	if err != nil {
		return anthropicBad(err)
	}
	sys, err := contentText(req.System)
	if err != nil {
		return anthropicBad(fieldError("system", err))
	}
	words += countWords(sys)
	g, err := generate(req.Model, last, ri.tail(sys), words, req.MaxTokens, "max_tokens")
	if err != nil {
		return anthropicBad(err)
	}
	stop := "end_turn"
	if g.cut {
		stop = "max_tokens"
	}
	msg := anthropicMessage{
		ID: "msg_" + idHex(ri.sum, 0), Type: "message", Role: "assistant", Model: g.model,
		Content:    []anthropicText{{Type: "text", Text: g.text}},
		StopReason: &stop,
		Usage:      anthropicUsage{InputTokens: g.promptTokens, OutputTokens: g.completionTokens},
	}
	if !req.Stream || ri.noStream {
		msg.echoInfo = ri.echo
		return jsonAnswer(msg)
	}

	start := msg
	start.Content = []anthropicText{}
	start.StopReason = nil
	start.Usage.OutputTokens = 1 // what the real API reports before generating
	pieces := splitRunes(g.text, s.chunkSize)
	events := make([][]byte, 0, len(pieces)+6)
	events = append(events,
		eventFrame("message_start", anMessageStart{Type: "message_start", Message: start, echoInfo: ri.echo}),
		eventFrame("content_block_start", anBlockStart{Type: "content_block_start", ContentBlock: anthropicText{Type: "text"}}),
		eventFrame("ping", anTypeOnly{Type: "ping"}),
	)
	for _, p := range pieces {
		events = append(events, eventFrame("content_block_delta",
			anBlockDelta{Type: "content_block_delta", Delta: anTextDelta{Type: "text_delta", Text: p}}))
	}
	events = append(events,
		eventFrame("content_block_stop", anBlockStop{Type: "content_block_stop"}),
		eventFrame("message_delta", anMessageDelta{Type: "message_delta",
			Delta: anStopDelta{StopReason: stop}, Usage: anOutputTokens{g.completionTokens}}),
		eventFrame("message_stop", anTypeOnly{Type: "message_stop"}),
	)
	return sseAnswer(events)
}
