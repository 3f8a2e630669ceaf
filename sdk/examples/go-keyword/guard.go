// Command go-keyword is Ward's example keyword guard written with the Go
// SDK (sdk/go). The same guard exists in C, Rust and AssemblyScript
// (sdk/examples/{c,rust,assemblyscript}-keyword); all of them pass the
// cases in ../testdata/keyword-cases.json and the conformance suite.
//
// Config: {"keywords": ["secret", ...]} (required, at least one non-empty
// string). A request whose user message contains a keyword, ignoring ASCII
// case, is denied with 403 and code "keyword.match". Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o keyword.wasm ./sdk/examples/go-keyword
package main

import (
	"strconv"

	ward "github.com/wardgate/ward/sdk/go"
)

// keywords are the configured keywords in ASCII lower case; written once by
// configure, read by request.
type keywords struct{ list [][]byte }

func newGuard() ward.Guard {
	k := &keywords{}
	return ward.Guard{
		Name:    "keyword",
		Version: "1.0.0",
		ConfigSchema: map[string]string{
			"keywords": "list of strings, required: a request whose user message contains one of them (ASCII case ignored) is denied",
		},
		Configure: k.configure,
		Request:   k.request,
		ZeroCopy:  true,              // request keeps no string of the exchange
		Reads:     ward.ReadMessages, // the host sends the other parts empty
	}
}

func (k *keywords) configure(c *ward.Config) error {
	if !c.Has("keywords") {
		return c.Errorf("keywords", "required: list the keywords to block")
	}
	list, err := c.Strings("keywords", nil)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return c.Errorf("keywords", "must not be empty")
	}
	k.list = make([][]byte, len(list))
	for i, s := range list {
		if s == "" {
			return c.Errorf("keywords["+strconv.Itoa(i)+"]", "must not be empty")
		}
		b := []byte(s)
		for j := range b {
			b[j] = lower(b[j])
		}
		k.list[i] = b
	}
	return nil
}

func (k *keywords) request(x *ward.Exchange, v *ward.Verdict) {
	for m := range x.Messages {
		if x.Messages[m].Role != "user" {
			continue
		}
		for i, kw := range k.list {
			if contains(x.Messages[m].Text, kw) {
				v.Deny(403, "keyword.match", "request contains a blocked keyword")
				v.AddReason("keywords[" + strconv.Itoa(i) + "] in messages[" + strconv.Itoa(m) + "]")
				return
			}
		}
	}
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// contains reports whether kw (ASCII lower case) occurs in text, ignoring
// ASCII case; other bytes, valid UTF-8 or not, compare exactly.
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
