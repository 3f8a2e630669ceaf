//go:build wasip1

// Command extism-go is an example Ward guard built with the Extism Go PDK
// (github.com/extism/go-pdk) and the standard Go toolchain. It denies a
// request when the text of a user message contains one of the configured
// keywords (case-insensitive).
//
// Config table: {"keywords": ["secret", ...]} (at least one non-empty
// keyword). It is read by the configure export; Ward also puts the same JSON
// in the Extism manifest config under "ward_config".
//
// Test hooks, so that hosts can exercise their failure handling with a real
// guard: a user message containing "panic-now" makes the guest panic, and
// one containing "spin-now" makes it loop forever (until the host's fuel,
// watchdog or deadline stops it).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	pdk "github.com/extism/go-pdk"

	"github.com/wardgate/ward/sdk/abi"
)

func main() {}

// keywords holds the configured keywords, lower-cased. Set once by configure.
var keywords []string

type config struct {
	Keywords []string `json:"keywords"`
}

// configError is the {"key","error"} JSON a configure export reports.
type configError struct {
	Key   string `json:"key"`
	Error string `json:"error"`
}

func reject(key, msg string) int32 {
	b, _ := json.Marshal(configError{Key: key, Error: msg})
	pdk.SetErrorString(string(b))
	return 1
}

//go:wasmexport describe
func describe() int32 {
	d := abi.Description{
		Name:    "extism-keyword",
		Version: "1.0.0",
		ABI:     abi.Version,
		Phases:  []string{"request"},
		ConfigSchema: map[string]string{
			"keywords": "list of strings (required, non-empty): deny a request whose user messages contain one of them, case-insensitive",
		},
	}
	if err := pdk.OutputJSON(d); err != nil {
		pdk.SetError(err)
		return 1
	}
	return 0
}

//go:wasmexport configure
func configure() int32 {
	dec := json.NewDecoder(bytes.NewReader(pdk.Input()))
	dec.DisallowUnknownFields()
	var c config
	if err := dec.Decode(&c); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			return reject(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), "unknown key")
		}
		return reject("", "invalid config: "+err.Error())
	}
	if len(c.Keywords) == 0 {
		return reject("keywords", "must list at least one keyword")
	}
	kw := make([]string, 0, len(c.Keywords))
	for i, k := range c.Keywords {
		if strings.TrimSpace(k) == "" {
			return reject(fmt.Sprintf("keywords[%d]", i), "must not be empty")
		}
		kw = append(kw, strings.ToLower(k))
	}
	keywords = kw
	return 0
}

// spins counts the iterations of spin's loop; a package variable so that
// the loop has an effect the compiler must keep.
var spins uint64

// spin never returns.
func spin() {
	for {
		spins++
	}
}

//go:wasmexport request
func request() int32 {
	var x abi.Exchange
	if err := pdk.InputJSON(&x); err != nil {
		pdk.SetError(fmt.Errorf("decode exchange: %w", err))
		return 1
	}
	for _, m := range x.Messages {
		if m.Role != "user" {
			continue
		}
		text := strings.ToLower(m.Text)
		if strings.Contains(text, "panic-now") {
			panic("extism-go: panic-now requested")
		}
		if strings.Contains(text, "spin-now") {
			spin()
		}
		for _, k := range keywords {
			if strings.Contains(text, k) {
				v := abi.Verdict{
					Decision: abi.Deny,
					Status:   403,
					Code:     "keyword.match",
					Message:  "request contains a blocked keyword",
					Reasons:  []string{k},
				}
				if err := pdk.OutputJSON(v); err != nil {
					pdk.SetError(err)
					return 1
				}
				return 0
			}
		}
	}
	// No output: a plain allow.
	return 0
}
