package proxy

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/wardgate/ward/engine/exchange"
	"github.com/wardgate/ward/sdk/abi"
)

// FuzzRewriteHeld: rewriteHeld never panics on any bytes; with nothing to
// rewrite it gives the stream back byte for byte; with a channel's text
// rewritten, the stream's deltas of that channel add up to the new text
// (valid UTF-8; other bytes are written as U+FFFD).
func FuzzRewriteHeld(f *testing.F) {
	f.Add(uint8(abi.APIOpenAIChat), []byte("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"he\"}}]}\n\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"llo\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"), "bye")
	f.Add(uint8(abi.APIAnthropicMessages), []byte("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"), "")
	f.Add(uint8(abi.APIOpenAIResponses), []byte("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"x\"}\n\n"), "y\"z")
	f.Fuzz(func(t *testing.T, apiByte uint8, held []byte, text string) {
		api := abi.API(apiByte % 8)
		same, err := rewriteHeld(held, api, nil)
		if err == nil && !bytes.Equal(same, held) {
			t.Fatalf("nothing to rewrite, stream changed:\n%q\n%q", held, same)
		}
		out, err := rewriteHeld(held, api, map[uint32]string{0: text})
		if err != nil {
			return
		}
		// Read back: channel 0's deltas are the new text, when it had any.
		var (
			sse  exchange.SSE
			ev   exchange.Events
			got  []byte
			had  bool
			perr error
		)
		ev.Reset(api)
		sse.Write(out)
		for {
			e, ok, err := sse.Next()
			if err != nil || !ok {
				break
			}
			name, data, _, _ := sse.EventFields(e)
			if _, perr = ev.Parse(name, data); perr != nil {
				break
			}
			for i, pt := range ev.Parts {
				if pt.Chan == 0 && !pt.Whole {
					got, had = append(got, ev.Texts[i].Text...), true
				}
			}
		}
		if perr != nil {
			t.Fatalf("the rewritten stream does not parse: %v\n%q", perr, out)
		}
		if had && utf8.ValidString(text) && string(got) != text { // invalid UTF-8 is written as U+FFFD
			t.Fatalf("channel 0 reads %q, want %q", got, text)
		}
	})
}
