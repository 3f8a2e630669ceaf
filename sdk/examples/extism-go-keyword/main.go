//go:build wasip1

// Command extism-go-keyword is Ward's example keyword guard written with
// the Extism Go PDK (github.com/extism/go-pdk, unmodified) and the standard
// Go toolchain: the guard of sdk/examples/{go,c,rust,assemblyscript}-keyword,
// with the same description, config errors and verdicts, spoken over
// Extism's JSON contract instead of Ward's native ABI. It passes the cases
// in ../testdata/keyword-cases.json and the conformance suite
// (engine/toolkit's TestExtismGoKeyword). Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o keyword.wasm ./sdk/examples/extism-go-keyword
//
// (sdk/examples/extism-go is a sibling used by the host's own tests, with
// hooks that make it panic or loop.)
package main

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"

	pdk "github.com/extism/go-pdk"

	"github.com/wardgate/ward/sdk/abi"
)

func main() {}

// keywords are the configured keywords with ASCII letters lower-cased; set
// once by configure.
var keywords [][]byte

const schemaKeywords = "list of strings, required: a request whose user message contains one of them (ASCII case ignored) is denied"

//go:wasmexport describe
func describe() int32 {
	return output(abi.Description{
		Name:         "keyword",
		Version:      "1.0.0",
		ABI:          abi.Version,
		Phases:       []string{"request"},
		ConfigSchema: map[string]string{"keywords": schemaKeywords},
	})
}

// reject reports a config error as the {"key","error"} JSON Ward expects,
// worded as the Go SDK words it.
func reject(key, msg string) int32 {
	b, _ := json.Marshal(struct {
		Key   string `json:"key"`
		Error string `json:"error"`
	}{key, msg})
	pdk.SetErrorString(string(b))
	return 1
}

// typeName names a decoded JSON value as the Go SDK's messages do.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "table"
	case nil:
		return "null"
	}
	return "value"
}

//go:wasmexport configure
func configure() int32 {
	dec := json.NewDecoder(bytes.NewReader(pdk.Input()))
	dec.UseNumber()
	var c map[string]any
	if err := dec.Decode(&c); err != nil {
		return reject("", "config is not a JSON object: "+err.Error())
	}
	v, ok := c["keywords"]
	if !ok {
		return reject("keywords", "required: list the keywords to block")
	}
	arr, ok := v.([]any)
	if !ok {
		return reject("keywords", "want array of strings, got "+typeName(v))
	}
	list := make([]string, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			return reject("keywords["+strconv.Itoa(i)+"]", "want string, got "+typeName(e))
		}
		list[i] = s
	}
	if len(list) == 0 {
		return reject("keywords", "must not be empty")
	}
	kws := make([][]byte, len(list))
	for i, s := range list {
		if s == "" {
			return reject("keywords["+strconv.Itoa(i)+"]", "must not be empty")
		}
		b := []byte(s)
		for j := range b {
			b[j] = lower(b[j])
		}
		kws[i] = b
	}
	// Keys the guard does not know, reported first in byte order.
	var unknown []string
	for k := range c {
		if k != "keywords" {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return reject(unknown[0], "unknown key (known: keywords)")
	}
	keywords = kws
	return 0
}

//go:wasmexport request
func request() int32 {
	// Only what the guard reads: decoding the whole abi.Exchange would
	// refuse values this SDK version does not know (a new message kind),
	// which the guard has no reason to care about.
	var x struct {
		Messages []struct {
			Role string `json:"role"`
			Text string `json:"text"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(pdk.Input(), &x); err != nil {
		pdk.SetErrorString("decode exchange: " + err.Error())
		return 1
	}
	for m := range x.Messages {
		if x.Messages[m].Role != "user" {
			continue
		}
		for i, kw := range keywords {
			if contains(x.Messages[m].Text, kw) {
				return output(abi.Verdict{
					Decision: abi.Deny,
					Status:   403,
					Code:     "keyword.match",
					Message:  "request contains a blocked keyword",
					Reasons:  []string{"keywords[" + strconv.Itoa(i) + "] in messages[" + strconv.Itoa(m) + "]"},
				})
			}
		}
	}
	return 0 // no output: a plain allow
}

func output(v any) int32 {
	b, err := json.Marshal(v)
	if err != nil {
		pdk.SetErrorString(err.Error())
		return 1
	}
	pdk.Output(b)
	return 0
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// contains reports whether kw (lower-cased ASCII) occurs in text with
// ASCII letters compared case-insensitively and other bytes exactly.
func contains(text string, kw []byte) bool {
	for i := 0; i+len(kw) <= len(text); i++ {
		j := 0
		for j < len(kw) && lower(text[i+j]) == kw[j] {
			j++
		}
		if j == len(kw) {
			return true
		}
	}
	return false
}
