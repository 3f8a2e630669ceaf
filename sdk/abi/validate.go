package abi

import (
	"fmt"
	"strings"
)

// ValidateVerdict checks what DecodeVerdict cannot, the rules of a verdict
// that depend on the exchange it answers (sdk/ABI.md "Errors"): a known
// decision; a denial's status 0 or 400-599; rewrites that address messages
// of the phase (response_chunk: at most one text to send and at most one
// suffix of the delta to hold, of at most MaxHold bytes, none on the final
// chunk, nor in a verdict that says done); scores in [0,1]; headers to set named by HTTP tokens, with values
// of visible characters, spaces and tabs only (RFC 9110 5.5: no CR, LF, NUL
// or other control characters, which could split or smuggle a header).
//
// The host refuses a verdict this rejects as bad_verdict; guard authors'
// conformance tests call it to check their guards the same way.
func ValidateVerdict(x *Exchange, v *Verdict) error {
	if v.Decision > Deny {
		return fmt.Errorf("unknown decision %d", v.Decision)
	}
	if v.Decision == Deny && v.Status != 0 && (v.Status < 400 || v.Status > 599) {
		return fmt.Errorf("deny with status %d (want 400-599 or 0)", v.Status)
	}
	if len(v.Rewrites) > 0 {
		var n int
		switch x.Phase {
		case PhaseRequest:
			n = len(x.Messages)
		case PhaseResponse:
			n = len(x.Response.Messages)
		case PhaseResponseChunk:
			n = 2 // 0: the text to send, 1: the text to hold
		}
		for i, r := range v.Rewrites {
			if int64(r.Index) >= int64(n) {
				return fmt.Errorf("rewrites[%d]: message index %d out of range (%d messages in phase %s)", i, r.Index, n, x.Phase)
			}
		}
		if x.Phase == PhaseResponseChunk {
			if err := validateHold(x, v.Rewrites, v.IsDone()); err != nil {
				return err
			}
		}
	}
	for i, s := range v.Scores {
		if !(s.Value >= 0 && s.Value <= 1) {
			return fmt.Errorf("scores[%d] %q: value %v outside [0,1]", i, s.Name, s.Value)
		}
	}
	for i, h := range v.SetHeaders {
		if !HeaderToken(h.Key) {
			return fmt.Errorf("set_headers[%d]: invalid header name %q", i, h.Key)
		}
		if j := badHeaderValueByte(h.Value); j >= 0 {
			return fmt.Errorf("set_headers[%d] %q: value has control character %#x at byte %d", i, h.Key, h.Value[j], j)
		}
	}
	return nil
}

// validateHold checks a response_chunk verdict's rewrites: at most one of
// each index, and a held text (index 1) only beside the text to send, a
// suffix of the delta, at most MaxHold bytes, and nothing held on the final
// chunk.
func validateHold(x *Exchange, rws []Rewrite, done bool) error {
	var send, hold int
	for _, r := range rws {
		if r.Index == 0 {
			send++
			continue
		}
		hold++
		switch {
		case len(r.Text) > MaxHold:
			return fmt.Errorf("holds %d bytes (at most %d)", len(r.Text), MaxHold)
		case !strings.HasSuffix(x.Chunk.Delta, r.Text):
			return fmt.Errorf("holds text that is not a suffix of the delta")
		case x.Chunk.Final && r.Text != "":
			return fmt.Errorf("holds text on the final chunk")
		case done && r.Text != "":
			// The host would not call the guard again to release it.
			return fmt.Errorf("holds text in a verdict that says done (%s)", CodeDone)
		}
	}
	if send > 1 || hold > 1 || hold == 1 && send == 0 {
		return fmt.Errorf("response_chunk rewrites: %d to send, %d to hold (want at most one of each, and none held without one sent)", send, hold)
	}
	return nil
}

// HeaderToken reports whether s is an HTTP token (RFC 9110 5.6.2), the
// syntax of a header name.
func HeaderToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// badHeaderValueByte returns the offset of the first byte a header value
// may not hold (a control character other than tab, or DEL), or -1.
// Bytes from 0x80 up (obs-text, UTF-8) are allowed.
func badHeaderValueByte(v string) int {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return i
		}
	}
	return -1
}
