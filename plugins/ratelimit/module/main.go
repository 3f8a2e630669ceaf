//go:build wasip1

// Command ratelimit is Ward's built-in rate limit and token quota guard: it
// counts requests and LLM tokens per API key, subject, role, client address
// or globally in fixed windows kept by the host (in process or in Redis,
// shared by replicas), answers 429 with Retry-After and OpenAI-style
// x-ratelimit-* headers, and flags bursts above a subject's own baseline.
// It needs grants = ["state"]. Build it with
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o ratelimit.wasm ./plugins/ratelimit/module
//
// See README.md for its configuration.
package main

import (
	"github.com/wardgate/ward/plugins/ratelimit"
	ward "github.com/wardgate/ward/sdk/go"
)

func init() { ward.Register(ratelimit.New()) }

func main() {}
