package mockllm

import (
	"bytes"
	"encoding/json"
)

// OpenAI: {"error":{"message":..,"type":..,"param":null,"code":..}}
type openAIError struct {
	Error openAIErrorBody `json:"error"`
}

type openAIErrorBody struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// Anthropic: {"type":"error","error":{"type":..,"message":..}}
type anthropicError struct {
	Type  string             `json:"type"`
	Error anthropicErrorBody `json:"error"`
}

type anthropicErrorBody struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// errorAnswer renders an error in fl's shape with the type and code the real
// API uses for status.
func errorAnswer(fl flavor, status int, msg string) answer {
	return errorAnswerCode(fl, status, msg, "")
}

// errorAnswerCode is errorAnswer with an explicit OpenAI "code" (ignored for
// Anthropic, whose errors carry no code). An empty code means the status
// default.
func errorAnswerCode(fl flavor, status int, msg, code string) answer {
	var v any
	if fl == flavorAnthropic {
		v = anthropicError{Type: "error", Error: anthropicErrorBody{Type: anthropicErrorType(status), Message: msg}}
	} else {
		typ, def := openAIErrorType(status)
		if code == "" {
			code = def
		}
		e := openAIErrorBody{Message: msg, Type: typ}
		if code != "" {
			e.Code = &code
		}
		v = openAIError{Error: e}
	}
	return answer{status: status, contentType: contentJSON, body: mustJSON(v), retryAfter: status == 429}
}

func openAIErrorType(status int) (typ, code string) {
	switch {
	case status == 401:
		return "invalid_request_error", "invalid_api_key"
	case status == 403:
		return "invalid_request_error", "permission_denied"
	case status == 404:
		return "invalid_request_error", "not_found"
	case status == 413:
		return "invalid_request_error", "request_too_large"
	case status == 429:
		return "requests", "rate_limit_exceeded"
	case status >= 500:
		return "server_error", ""
	}
	return "invalid_request_error", ""
}

func anthropicErrorType(status int) string {
	switch {
	case status == 401:
		return "authentication_error"
	case status == 403:
		return "permission_error"
	case status == 404:
		return "not_found_error"
	case status == 413:
		return "request_too_large"
	case status == 429:
		return "rate_limit_error"
	case status == 529:
		return "overloaded_error"
	case status >= 500:
		return "api_error"
	}
	return "invalid_request_error"
}

// mustJSON marshals values built from the package's own types, which cannot
// fail to encode; a failure is a programming error. Like the real APIs (and
// unlike json.Marshal) it leaves <, > and & unescaped, so that text such as
// a gateway's placeholders reads as sent.
func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("mockllm: encode answer: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}
