package ratelimit

import (
	"math/bits"
	"unsafe"

	ward "github.com/wardgate/ward/sdk/go"
)

// Token estimate constants (see README.md, "Token estimate").
const (
	tokensPerMessage = 4 // role, separators and framing of each message
	tokensPerReply   = 3 // priming of the assistant's answer
	tokensPerTool    = 8 // framing of each tool definition (its schema is not in the exchange)
)

// estimateTokens is the number of tokens the request is charged before the
// upstream answers: its prompt, estimated from the text the exchange
// carries, plus max_tokens when the client set it (OpenAI counts
// max_tokens against its token rate limits too). It is deterministic and
// errs on the high side for most text; the response phase replaces it by
// the usage the upstream reports. It allocates nothing.
func estimateTokens(x *ward.Exchange) int64 {
	n := int64(tokensPerReply)
	for i := range x.Messages {
		m := &x.Messages[i]
		n += tokensPerMessage + textTokens(m.Role) + textTokens(m.Name) + textTokens(m.Text)
	}
	for i := range x.Tools {
		t := &x.Tools[i]
		n += tokensPerTool + textTokens(t.Name) + textTokens(t.Description)
	}
	return n + int64(x.MaxTokens)
}

// textTokens estimates the tokens of s: a token per 4 ASCII bytes (English
// text and code average about 4 characters per token) plus a token per 2
// other bytes (about one per character of Cyrillic or Greek, 1.5 per CJK
// character: more than common tokenizers use, so the estimate stays on the
// high side), each rounded up.
func textTokens(s string) int64 {
	other := int64(nonASCII(s))
	ascii := int64(len(s)) - other
	return (ascii+3)/4 + (other+1)/2
}

// nonASCII counts the bytes of s that are >= 0x80, eight at a time (a
// population count of their high bits): the estimate reads every byte of
// the prompt, and a byte loop costs ~3 ns per byte in Wasm.
func nonASCII(s string) int {
	n, i := 0, 0
	for ; i+8 <= len(s); i += 8 {
		// One unaligned 8-byte load (Wasm and x86 allow them); the
		// population count does not depend on byte order.
		w := *(*uint64)(unsafe.Pointer(unsafe.StringData(s[i:])))
		n += bits.OnesCount64(w & 0x8080808080808080)
	}
	for ; i < len(s); i++ {
		if s[i] >= 0x80 {
			n++
		}
	}
	return n
}
