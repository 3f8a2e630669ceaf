package exchange

import (
	"fmt"
	"strconv"

	"github.com/wardgate/ward/sdk/abi"
)

// Stable error codes of this package. Clients and the audit log see them;
// they never change meaning.
const (
	CodeEmptyBody       = "empty_body"            // a request with no body where one is required
	CodeInvalidJSON     = "invalid_json"          // the body is not well-formed JSON
	CodeNotObject       = "body_not_object"       // the body is JSON but not an object
	CodeInvalidField    = "invalid_field"         // a known field has the wrong type or value
	CodeDuplicateKey    = "duplicate_key"         // a known key occurs twice in one object
	CodeTooDeep         = "nesting_too_deep"      // arrays/objects nested deeper than MaxDepth
	CodeTooManyMessages = "too_many_messages"     // more than MaxMessages texts or turns
	CodeTooManyTools    = "too_many_tools"        // more than MaxTools tools
	CodeBadUpstream     = "bad_upstream_response" // a 2xx answer from upstream that is not valid
	CodeBadRewrite      = "bad_rewrite"           // a guard's rewrite cannot be applied
	CodeRewriteMismatch = "rewrite_mismatch"      // Rewrite called with a body or indexes that do not match Parse
)

// Limits on what Parse accepts. Exceeding one is a client error (400), not
// a crash; they bound the work and memory one body can cause.
const (
	// MaxDepth is the deepest nesting of arrays and objects accepted
	// anywhere in a body (JSON schemas of tools included).
	MaxDepth = 256
	// MaxMessages bounds the number of abi.Message values produced, the
	// number of turns in a conversation and the number of parts of one
	// turn.
	MaxMessages = 10000
	// MaxTools bounds the number of tools a request may declare.
	MaxTools = 10000
)

// Error is a client-facing error: an HTTP status, an error type in the
// OpenAI vocabulary (invalid_request_error, server_error, upstream_error),
// a stable Code (one of the Code* constants) and a Message that is safe to
// show to the client (it quotes no body content beyond field names and
// byte offsets).
type Error struct {
	Status  int    `json:"status"`
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return "exchange: " + e.Code + ": " + e.Message }

// AppendBody appends e as an error body in the shape of api (see
// AppendErrorBody).
func (e *Error) AppendBody(dst []byte, api abi.API) []byte {
	return AppendErrorBody(dst, api, e.Status, e.Code, e.Message)
}

func requestError(code, format string, args ...any) *Error {
	status := 400
	return &Error{Status: status, Type: openAIType(status), Code: code, Message: fmt.Sprintf(format, args...)}
}

func upstreamError(format string, args ...any) *Error {
	return &Error{Status: 502, Type: openAIType(502), Code: CodeBadUpstream, Message: fmt.Sprintf(format, args...)}
}

func rewriteError(code, format string, args ...any) *Error {
	return &Error{Status: 500, Type: openAIType(500), Code: code, Message: fmt.Sprintf(format, args...)}
}

// openAIType maps an HTTP status to an OpenAI error type.
func openAIType(status int) string {
	switch {
	case status == 401:
		return "authentication_error"
	case status == 403:
		return "permission_error"
	case status == 429:
		return "rate_limit_error"
	case status == 502 || status == 504:
		return "upstream_error"
	case status >= 500:
		return "server_error"
	default:
		return "invalid_request_error"
	}
}

// anthropicType maps an HTTP status to an Anthropic error type.
func anthropicType(status int) string {
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
	case status == 503 || status == 529:
		return "overloaded_error"
	case status >= 500:
		return "api_error"
	default:
		return "invalid_request_error"
	}
}

// AppendErrorBody appends to dst a JSON error body in the shape clients of
// api expect, and returns the extended slice:
//
//	OpenAI (and unknown APIs): {"error":{"message":M,"type":T,"code":C}}
//	Anthropic:                 {"type":"error","error":{"type":T,"message":M,"code":C}}
//
// T is derived from status (see the package's status tables; 4xx statuses
// without a specific type are invalid_request_error, 5xx server_error /
// api_error, 502 and 504 upstream_error for OpenAI). code and message are
// JSON-escaped; invalid UTF-8 becomes U+FFFD. It allocates only when dst
// must grow.
func AppendErrorBody(dst []byte, api abi.API, status int, code, message string) []byte {
	if api.Anthropic() {
		dst = append(dst, `{"type":"error","error":{"type":`...)
		dst = appendJSONString(dst, anthropicType(status))
		dst = append(dst, `,"message":`...)
		dst = appendJSONString(dst, message)
		dst = append(dst, `,"code":`...)
		dst = appendJSONString(dst, code)
		return append(dst, "}}"...)
	}
	dst = append(dst, `{"error":{"message":`...)
	dst = appendJSONString(dst, message)
	dst = append(dst, `,"type":`...)
	dst = appendJSONString(dst, openAIType(status))
	dst = append(dst, `,"code":`...)
	dst = appendJSONString(dst, code)
	return append(dst, "}}"...)
}

// where renders "messages[3]" style locations for error messages.
func where(arr string, idx int) string {
	if idx < 0 {
		return arr
	}
	return arr + "[" + strconv.Itoa(idx) + "]"
}
