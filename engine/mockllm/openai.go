package mockllm

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strconv"
)

// ---- shared OpenAI shapes ----

type openAIUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

func (g generation) openAIUsage() *openAIUsage {
	return &openAIUsage{g.promptTokens, g.completionTokens, g.promptTokens + g.completionTokens}
}

// nullUsage renders "usage": null on stream chunks when include_usage is set,
// and is omitted otherwise (omitzero), as the real API does.
type nullUsage struct {
	present bool
	u       *openAIUsage
}

func (n nullUsage) IsZero() bool { return !n.present }

func (n nullUsage) MarshalJSON() ([]byte, error) {
	if n.u == nil {
		return []byte("null"), nil
	}
	return json.Marshal(n.u)
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

func (o *streamOptions) includeUsage() bool { return o != nil && o.IncludeUsage }

const systemFingerprint = "fp_mockllm"

func openAIBad(err error) answer {
	var br badRequest
	var el errLimit
	switch {
	case errors.As(err, &br):
		return errorAnswer(flavorOpenAI, 400, br.msg)
	case errors.As(err, &el):
		return errorAnswerCode(flavorOpenAI, 400, el.Error(), "integer_below_min_value")
	}
	return errorAnswer(flavorOpenAI, 500, err.Error())
}

// ---- /v1/chat/completions ----

type chatRequest struct {
	Model               string         `json:"model"`
	Messages            []chatMessage  `json:"messages"`
	Stream              bool           `json:"stream"`
	StreamOptions       *streamOptions `json:"stream_options"`
	MaxTokens           *int           `json:"max_tokens"`
	MaxCompletionTokens *int           `json:"max_completion_tokens"`
}

type chatCompletion struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []chatChoice `json:"choices"`
	Usage             *openAIUsage `json:"usage"`
	SystemFingerprint string       `json:"system_fingerprint"`
	*echoInfo
}

type chatChoice struct {
	Index        int            `json:"index"`
	Message      chatOutMessage `json:"message"`
	Logprobs     *struct{}      `json:"logprobs"`
	FinishReason string         `json:"finish_reason"`
}

type chatOutMessage struct {
	Role    string  `json:"role"`
	Content string  `json:"content"`
	Refusal *string `json:"refusal"`
}

type chatChunk struct {
	ID                string        `json:"id"`
	Object            string        `json:"object"`
	Created           int64         `json:"created"`
	Model             string        `json:"model"`
	SystemFingerprint string        `json:"system_fingerprint"`
	Choices           []chunkChoice `json:"choices"`
	Usage             nullUsage     `json:"usage,omitzero"`
	*echoInfo
}

type chunkChoice struct {
	Index        int       `json:"index"`
	Delta        chatDelta `json:"delta"`
	Logprobs     *struct{} `json:"logprobs"`
	FinishReason *string   `json:"finish_reason"`
}

type chatDelta struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
}

func finishReason(cut bool) string {
	if cut {
		return "length"
	}
	return "stop"
}

func (s *Server) chat(body []byte, ri reqInfo) answer {
	var req chatRequest
	if err := decode(body, &req); err != nil {
		return openAIBad(err)
	}
	if len(req.Messages) == 0 {
		return openAIBad(badRequest{"messages: must be a non-empty array"})
	}
	last, sys, words, err := conversation(req.Messages, "messages")
	if err != nil {
		return openAIBad(err)
	}
	limit, field := req.MaxCompletionTokens, "max_completion_tokens"
	if limit == nil {
		limit, field = req.MaxTokens, "max_tokens"
	}
	g, err := generate(req.Model, last, ri.tail(sys), words, limit, field)
	if err != nil {
		return openAIBad(err)
	}
	id := "chatcmpl-" + idHex(ri.sum, 0)
	if !req.Stream || ri.noStream {
		return jsonAnswer(chatCompletion{
			ID: id, Object: "chat.completion", Created: Created, Model: g.model,
			Choices: []chatChoice{{
				Message:      chatOutMessage{Role: "assistant", Content: g.text},
				FinishReason: finishReason(g.cut),
			}},
			Usage:             g.openAIUsage(),
			SystemFingerprint: systemFingerprint,
			echoInfo:          ri.echo,
		})
	}

	withUsage := req.StreamOptions.includeUsage()
	chunk := func(d chatDelta, finish *string) chatChunk {
		return chatChunk{
			ID: id, Object: "chat.completion.chunk", Created: Created, Model: g.model,
			SystemFingerprint: systemFingerprint,
			Choices:           []chunkChoice{{Delta: d, FinishReason: finish}},
			Usage:             nullUsage{present: withUsage},
		}
	}
	pieces := splitRunes(g.text, s.chunkSize)
	events := make([][]byte, 0, len(pieces)+4)
	empty := ""
	first := chunk(chatDelta{Role: "assistant", Content: &empty}, nil)
	first.echoInfo = ri.echo
	events = append(events, dataFrame(first))
	for _, p := range pieces {
		events = append(events, dataFrame(chunk(chatDelta{Content: &p}, nil)))
	}
	fr := finishReason(g.cut)
	events = append(events, dataFrame(chunk(chatDelta{}, &fr)))
	if withUsage {
		u := chunk(chatDelta{}, nil)
		u.Choices = []chunkChoice{}
		u.Usage = nullUsage{present: true, u: g.openAIUsage()}
		events = append(events, dataFrame(u))
	}
	return sseAnswer(append(events, doneFrame))
}

// ---- /v1/completions ----

type completionRequest struct {
	Model         string          `json:"model"`
	Prompt        json.RawMessage `json:"prompt"`
	Stream        bool            `json:"stream"`
	StreamOptions *streamOptions  `json:"stream_options"`
	MaxTokens     *int            `json:"max_tokens"`
}

type textCompletion struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []textChoice `json:"choices"`
	Usage             nullUsage    `json:"usage,omitzero"`
	SystemFingerprint string       `json:"system_fingerprint"`
	*echoInfo
}

type textChoice struct {
	Text         string    `json:"text"`
	Index        int       `json:"index"`
	Logprobs     *struct{} `json:"logprobs"`
	FinishReason *string   `json:"finish_reason"`
}

// promptTexts reads a completions prompt: a string, an array of strings, an
// array of token ids or an array of token-id arrays. It returns the last
// string prompt and the total word-or-token count.
func promptTexts(raw json.RawMessage) (last string, words int, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", 0, nil
	}
	bad := fieldError("prompt", errors.New("must be a string, an array of strings, or an array of token arrays"))
	switch raw[0] {
	case '"':
		if err := json.Unmarshal(raw, &last); err != nil {
			return "", 0, bad
		}
		return last, countWords(last), nil
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return "", 0, bad
		}
		for _, it := range items {
			n, s, err := tokensOrString(it)
			if err != nil {
				return "", 0, bad
			}
			if n < 0 {
				last = s
				words += countWords(s)
			} else {
				words += n
			}
		}
		return last, words, nil
	}
	return "", 0, bad
}

// tokensOrString decodes one element of a prompt/input array: a string
// (n = -1, s set), a token id (n = 1) or an array of token ids (n = len).
func tokensOrString(raw json.RawMessage) (n int, s string, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return 0, "", errors.New("empty element")
	}
	switch raw[0] {
	case '"':
		err = json.Unmarshal(raw, &s)
		return -1, s, err
	case '[':
		var toks []int64
		err = json.Unmarshal(raw, &toks)
		return len(toks), "", err
	}
	var tok int64
	err = json.Unmarshal(raw, &tok)
	return 1, "", err
}

func (s *Server) completions(body []byte, ri reqInfo) answer {
	var req completionRequest
	if err := decode(body, &req); err != nil {
		return openAIBad(err)
	}
	last, words, err := promptTexts(req.Prompt)
	if err != nil {
		return openAIBad(err)
	}
	g, err := generate(req.Model, last, "", words, req.MaxTokens, "max_tokens")
	if err != nil {
		return openAIBad(err)
	}
	id := "cmpl-" + idHex(ri.sum, 0)
	fr := finishReason(g.cut)
	if !req.Stream || ri.noStream {
		return jsonAnswer(textCompletion{
			ID: id, Object: "text_completion", Created: Created, Model: g.model,
			Choices:           []textChoice{{Text: g.text, FinishReason: &fr}},
			Usage:             nullUsage{present: true, u: g.openAIUsage()},
			SystemFingerprint: systemFingerprint,
			echoInfo:          ri.echo,
		})
	}
	withUsage := req.StreamOptions.includeUsage()
	chunk := func(text string, finish *string) textCompletion {
		return textCompletion{
			ID: id, Object: "text_completion", Created: Created, Model: g.model,
			Choices:           []textChoice{{Text: text, FinishReason: finish}},
			Usage:             nullUsage{present: withUsage},
			SystemFingerprint: systemFingerprint,
		}
	}
	pieces := splitRunes(g.text, s.chunkSize)
	events := make([][]byte, 0, len(pieces)+3)
	for i, p := range pieces {
		c := chunk(p, nil)
		if i == 0 {
			c.echoInfo = ri.echo
		}
		events = append(events, dataFrame(c))
	}
	events = append(events, dataFrame(chunk("", &fr)))
	if withUsage {
		u := chunk("", nil)
		u.Choices = []textChoice{}
		u.Usage = nullUsage{present: true, u: g.openAIUsage()}
		events = append(events, dataFrame(u))
	}
	return sseAnswer(append(events, doneFrame))
}

// ---- /v1/embeddings ----

// Embedding dimensions: the default and the largest accepted "dimensions".
const (
	DefaultEmbeddingDims = 16
	maxEmbeddingDims     = 3072
)

type embeddingRequest struct {
	Model          string          `json:"model"`
	Input          json.RawMessage `json:"input"`
	EncodingFormat string          `json:"encoding_format"`
	Dimensions     *int            `json:"dimensions"`
}

type embeddingList struct {
	Object string           `json:"object"`
	Data   []embeddingDatum `json:"data"`
	Model  string           `json:"model"`
	Usage  embeddingUsage   `json:"usage"`
	*echoInfo
}

type embeddingDatum struct {
	Object    string          `json:"object"`
	Index     int             `json:"index"`
	Embedding json.RawMessage `json:"embedding"`
}

type embeddingUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

// embeddingInputs splits "input" into its items (each as raw JSON, the seed of
// its vector) and counts words/tokens.
func embeddingInputs(raw json.RawMessage) (items []json.RawMessage, tokens int, err error) {
	raw = bytes.TrimSpace(raw)
	bad := fieldError("input", errors.New("must be a non-empty string, array of strings, array of token ids or array of token arrays"))
	if len(raw) == 0 {
		return nil, 0, bad
	}
	switch raw[0] {
	case '"':
		_, s, err := tokensOrString(raw)
		if err != nil || s == "" {
			return nil, 0, bad
		}
		return []json.RawMessage{raw}, countWords(s), nil
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil || len(elems) == 0 {
			return nil, 0, bad
		}
		if e := bytes.TrimSpace(elems[0]); len(e) > 0 && e[0] != '"' && e[0] != '[' {
			// One input given as token ids.
			n, _, err := tokensOrString(raw)
			if err != nil {
				return nil, 0, bad
			}
			return []json.RawMessage{raw}, n, nil
		}
		for _, e := range elems {
			n, s, err := tokensOrString(e)
			if err != nil {
				return nil, 0, bad
			}
			if n < 0 {
				n = countWords(s)
			}
			tokens += n
			items = append(items, e)
		}
		return items, tokens, nil
	}
	return nil, 0, bad
}

// embedVector derives a unit-length vector of dims float32 from model and
// the raw input: SHA-256 in counter mode, each 4 bytes mapped to [-1, 1).
func embedVector(model string, input []byte, dims int) []float32 {
	h := sha256.New()
	h.Write([]byte(model))
	h.Write([]byte{0})
	h.Write(input)
	var seed [32]byte
	h.Sum(seed[:0])
	v := make([]float32, dims)
	var block [36]byte
	copy(block[:], seed[:])
	var norm float64
	for i := 0; i < dims; i += 8 {
		binary.LittleEndian.PutUint32(block[32:], uint32(i/8))
		sum := sha256.Sum256(block[:])
		for j := 0; j < 8 && i+j < dims; j++ {
			u := binary.LittleEndian.Uint32(sum[4*j:])
			x := float64(u)/(1<<31) - 1
			v[i+j] = float32(x)
			norm += x * x
		}
	}
	if norm > 0 {
		inv := 1 / math.Sqrt(norm)
		for i := range v {
			v[i] = float32(float64(v[i]) * inv)
		}
	}
	return v
}

func (s *Server) embeddings(body []byte, ri reqInfo) answer {
	var req embeddingRequest
	if err := decode(body, &req); err != nil {
		return openAIBad(err)
	}
	items, tokens, err := embeddingInputs(req.Input)
	if err != nil {
		return openAIBad(err)
	}
	dims := DefaultEmbeddingDims
	if req.Dimensions != nil {
		dims = *req.Dimensions
		if dims < 1 || dims > maxEmbeddingDims {
			return openAIBad(badRequest{"dimensions: must be between 1 and " + strconv.Itoa(maxEmbeddingDims)})
		}
	}
	b64 := false
	switch req.EncodingFormat {
	case "", "float":
	case "base64":
		b64 = true
	default:
		return openAIBad(badRequest{"encoding_format: must be \"float\" or \"base64\", got " + strconv.Quote(req.EncodingFormat)})
	}
	model := req.Model
	if model == "" {
		model = DefaultModel
	}
	out := embeddingList{Object: "list", Model: model, Data: make([]embeddingDatum, len(items)),
		Usage: embeddingUsage{tokens, tokens}, echoInfo: ri.echo}
	for i, it := range items {
		v := embedVector(model, it, dims)
		var enc []byte
		if b64 {
			raw := make([]byte, 4*len(v))
			for k, f := range v {
				binary.LittleEndian.PutUint32(raw[4*k:], math.Float32bits(f))
			}
			enc = mustJSON(base64.StdEncoding.EncodeToString(raw))
		} else {
			enc = mustJSON(v)
		}
		out.Data[i] = embeddingDatum{Object: "embedding", Index: i, Embedding: enc}
	}
	return jsonAnswer(out)
}

// ---- /v1/models ----

type modelList struct {
	Object string      `json:"object"`
	Data   []modelInfo `json:"data"`
	*echoInfo
}

type modelInfo struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

func (s *Server) models(ri reqInfo) answer {
	return jsonAnswer(modelList{Object: "list", echoInfo: ri.echo,
		Data: []modelInfo{{ID: DefaultModel, Object: "model", Created: Created, OwnedBy: "mockllm"}}})
}
