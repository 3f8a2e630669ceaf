package guesttest

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wardgate/ward/sdk/abi"
)

// StreamResult is what a client receives from a streamed answer run
// through a guard's response_chunk phase (Stream).
type StreamResult struct {
	Text    string       // the text sent, in order
	Denied  *abi.Verdict // the verdict that stopped the stream, or nil
	MaxHold int          // the most bytes the guard held at once
}

// Stream runs the pieces of an answer through target's response_chunk
// phase the way Ward's host does (engine/pipeline.RunChunk), for one
// channel: each delta is the text the guard held at its previous call
// followed by the next piece; the window is the last abi.MaxWindow bytes
// the guard consumed (starting on a UTF-8 character); the verdict's
// rewrite 0 is sent and rewrite 1 held; after the last piece a final call
// releases the rest. x supplies the rest of the exchange (annotations,
// messages, request id) and is not modified. Stream fails tb on a guard
// error or a verdict that breaks the protocol (a held text that is not a
// suffix of the delta, more than abi.MaxHold bytes, or any on the final
// call). A deny ends the stream.
func Stream(tb testing.TB, target Target, x *abi.Exchange, pieces []string) StreamResult {
	tb.Helper()
	var res StreamResult
	var out strings.Builder
	var consumed []byte
	held := ""
	for i := 0; i <= len(pieces); i++ {
		piece, final := "", i == len(pieces)
		if !final {
			piece = pieces[i]
		}
		w := max(0, len(consumed)-abi.MaxWindow)
		for w < len(consumed) && !utf8.RuneStart(consumed[w]) {
			w++
		}
		y := *x
		y.Phase, y.Stream = abi.PhaseResponseChunk, true
		y.Chunk = abi.Chunk{Delta: held + piece, Window: string(consumed[w:]), Final: final}
		var v abi.Verdict
		if err := target.Check(&y, &v); err != nil {
			tb.Fatal(err)
		}
		if v.Decision == abi.Deny {
			res.Text, res.Denied = out.String(), &v
			return res
		}
		send, hold := y.Chunk.Delta, ""
		for _, rw := range v.Rewrites {
			if rw.Index == 0 {
				send = rw.Text
			} else {
				hold = rw.Text
			}
		}
		if !strings.HasSuffix(y.Chunk.Delta, hold) || len(hold) > abi.MaxHold || final && hold != "" {
			tb.Fatalf("hold %q of delta %q (final %v)", hold, y.Chunk.Delta, final)
		}
		res.MaxHold = max(res.MaxHold, len(hold))
		consumed = append(consumed, y.Chunk.Delta[:len(y.Chunk.Delta)-len(hold)]...)
		out.WriteString(send)
		held = hold
	}
	res.Text = out.String()
	return res
}

// Pieces cuts text into pieces of size bytes (the last may be shorter),
// anywhere, even inside a UTF-8 sequence.
func Pieces(text string, size int) []string {
	var p []string
	for len(text) > size {
		p = append(p, text[:size])
		text = text[size:]
	}
	if text != "" {
		p = append(p, text)
	}
	return p
}
