//go:build wasip1

// Command goguest is the native ("ward/v1") Go test guard of package
// wasmhost. It is written directly against sdk/abi with //go:wasmexport so
// that the host's tests do not depend on the Go guest SDK.
//
// Build (the tests do this themselves, into a temporary directory):
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o goguest.wasm ./engine/wasmhost/testdata/goguest
//
// Behaviour, per message text of the current phase (request: the request's
// messages; response: the response's messages). The common path is one
// substring search per message, like a trivial real guard:
//
//   - contains the configured deny word ("deny-me" by default): deny 403,
//     code "denied";
//   - otherwise a text starting with "@" is a command:
//     "@rewrite": rewrite that message to "[rewritten]";
//     "@decorate": allow with reasons, headers, annotations and a score;
//     "@bad-index": rewrite a message index past the end (a bad verdict);
//     "@spin-alloc": loop forever allocating (CPU budget test);
//     "@spin-tight": loop forever without allocating;
//     "@panic": panic (the Go runtime aborts with unreachable);
//     "@oom": allocate until the memory limit is hit;
//     "@print": print 1000 lines to stdout;
//   - otherwise: plain allow (packed result 0).
//
// Config (JSON): {"deny_word": "..."}; an empty deny word or an unknown key
// is rejected.
package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"unsafe"

	"github.com/wardgate/ward/sdk/abi"
)

func main() {}

var (
	inBuf    []byte
	outBuf   []byte
	x        abi.Exchange
	jx       abi.Exchange
	v        abi.Verdict
	denyWord = "deny-me"
	sink     [][]byte
	counter  uint64
)

func pack(b []byte) uint64 {
	if len(b) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(&b[0])))<<32 | uint64(len(b))
}

func input(ptr, n uint32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(uintptr(ptr))), n)
}

//go:wasmexport ward_alloc
func wardAlloc(size uint32) uint32 {
	if size == 0 {
		size = 1
	}
	if uint32(cap(inBuf)) < size {
		inBuf = make([]byte, size)
	}
	return uint32(uintptr(unsafe.Pointer(&inBuf[:1][0])))
}

//go:wasmexport ward_describe
func wardDescribe() uint64 {
	d := abi.Description{
		Name:    "goguest",
		Version: "1.2.3",
		ABI:     abi.Version,
		Phases:  []string{"request", "response"},
		ConfigSchema: map[string]string{
			"deny_word": "string: a message containing it is denied (default deny-me)",
		},
	}
	b, _ := json.Marshal(&d)
	outBuf = append(outBuf[:0], b...)
	return pack(outBuf)
}

//go:wasmexport ward_configure
func wardConfigure(ptr, n uint32) uint64 {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(input(ptr, n), &raw); err != nil {
		return configErr("", "config is not a JSON object: "+err.Error())
	}
	for k, val := range raw {
		switch k {
		case "deny_word":
			var s string
			if err := json.Unmarshal(val, &s); err != nil {
				return configErr(k, "must be a string")
			}
			if s == "" {
				return configErr(k, "must not be empty")
			}
			denyWord = s
		default:
			return configErr(k, "unknown key")
		}
	}
	return 0
}

func configErr(key, msg string) uint64 {
	b, _ := json.Marshal(map[string]string{"key": key, "error": msg})
	outBuf = append(outBuf[:0], b...)
	return pack(outBuf)
}

//go:wasmexport ward_request
func wardRequest(ptr, n uint32) uint64 {
	if err := abi.DecodeExchangeAlias(input(ptr, n), &x); err != nil {
		panic(err)
	}
	return check(x.Messages)
}

//go:wasmexport ward_response
func wardResponse(ptr, n uint32) uint64 {
	if err := abi.DecodeExchangeAlias(input(ptr, n), &x); err != nil {
		panic(err)
	}
	return check(x.Response.Messages)
}

func check(msgs []abi.Message) uint64 {
	v.Reset()
	for i := range msgs {
		t := msgs[i].Text
		if strings.Contains(t, denyWord) {
			v.Decision = abi.Deny
			v.Status = 403
			v.Code = "denied"
			v.Message = "message " + fmt.Sprint(i) + " contains a denied word"
			v.Reasons = append(v.Reasons, "deny word")
			return emit()
		}
		if len(t) == 0 || t[0] != '@' {
			continue
		}
		switch t {
		case "@rewrite":
			v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: uint32(i), Text: "[rewritten]"})
		case "@decorate":
			v.Reasons = append(v.Reasons, "decorated")
			v.SetHeaders = append(v.SetHeaders, abi.KV{Key: "x-guard", Value: "goguest"})
			v.Annotations = append(v.Annotations, abi.KV{Key: "goguest.seen", Value: fmt.Sprint(len(msgs))})
			v.Scores = append(v.Scores, abi.Score{Name: "goguest.score", Value: 0.25})
		case "@bad-index":
			v.Rewrites = append(v.Rewrites, abi.Rewrite{Index: uint32(len(msgs) + 5), Text: "x"})
		case "@spin-alloc":
			for {
				sink = append(sink, make([]byte, 64))
				if len(sink) > 1024 {
					sink = sink[:0]
				}
			}
		case "@spin-tight":
			for {
				counter++
			}
		case "@panic":
			panic("goguest: asked to panic")
		case "@oom":
			for {
				sink = append(sink, make([]byte, 1<<20))
			}
		case "@print":
			for j := 0; j < 1000; j++ {
				fmt.Printf("goguest line %d: the quick brown fox jumps over the lazy dog\n", j)
			}
		}
	}
	if v.IsPlainAllow() {
		return 0
	}
	return emit()
}

func emit() uint64 {
	outBuf = abi.AppendVerdict(outBuf[:0], &v)
	return pack(outBuf)
}

// bench_binary decodes a binary exchange (strings copied, as JSON does) and
// returns the number of messages; used to compare encodings.
//
//go:wasmexport bench_binary
func benchBinary(ptr, n uint32) uint32 {
	if err := abi.DecodeExchange(input(ptr, n), &jx); err != nil {
		return 0xffffffff
	}
	return uint32(len(jx.Messages))
}

// bench_binary_alias decodes a binary exchange with strings pointing into
// the input (what a guard's handler does) and returns the number of
// messages.
//
//go:wasmexport bench_binary_alias
func benchBinaryAlias(ptr, n uint32) uint32 {
	if err := abi.DecodeExchangeAlias(input(ptr, n), &jx); err != nil {
		return 0xffffffff
	}
	return uint32(len(jx.Messages))
}

// bench_json decodes a JSON exchange with encoding/json and returns the
// number of messages; used to compare encodings.
//
//go:wasmexport bench_json
func benchJSON(ptr, n uint32) uint32 {
	jx.Reset()
	if err := json.Unmarshal(input(ptr, n), &jx); err != nil {
		return 0xffffffff
	}
	return uint32(len(jx.Messages))
}
