package abi

import (
	"errors"
	"strconv"
	"strings"
)

// The messages are built without fmt, which would otherwise be linked
// into every guard module that imports the package (guards do not call
// ValidateVerdict, but importing fmt links its package initialisation).

func itoa(i int) string { return strconv.Itoa(i) }

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
		return errors.New("unknown decision " + itoa(int(v.Decision)))
	}
	if v.Decision == Deny && v.Status != 0 && (v.Status < 400 || v.Status > 599) {
		return errors.New("deny with status " + itoa(int(v.Status)) + " (want 400-599 or 0)")
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
				return errors.New("rewrites[" + itoa(i) + "]: message index " + strconv.FormatUint(uint64(r.Index), 10) +
					" out of range (" + itoa(n) + " messages in phase " + x.Phase.String() + ")")
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
			return errors.New("scores[" + itoa(i) + "] " + strconv.Quote(s.Name) + ": value " +
				strconv.FormatFloat(s.Value, 'g', -1, 64) + " outside [0,1]")
		}
	}
	for i, h := range v.SetHeaders {
		if !HeaderToken(h.Key) {
			return errors.New("set_headers[" + itoa(i) + "]: invalid header name " + strconv.Quote(h.Key))
		}
		if j := badHeaderValueByte(h.Value); j >= 0 {
			return errors.New("set_headers[" + itoa(i) + "] " + strconv.Quote(h.Key) + ": value has control character 0x" +
				strconv.FormatUint(uint64(h.Value[j]), 16) + " at byte " + itoa(j))
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
			return errors.New("holds " + itoa(len(r.Text)) + " bytes (at most " + itoa(MaxHold) + ")")
		case !strings.HasSuffix(x.Chunk.Delta, r.Text):
			return errors.New("holds text that is not a suffix of the delta")
		case x.Chunk.Final && r.Text != "":
			return errors.New("holds text on the final chunk")
		case done && r.Text != "":
			// The host would not call the guard again to release it.
			return errors.New("holds text in a verdict that says done (" + CodeDone + ")")
		}
	}
	if send > 1 || hold > 1 || hold == 1 && send == 0 {
		return errors.New("response_chunk rewrites: " + itoa(send) + " to send, " + itoa(hold) +
			" to hold (want at most one of each, and none held without one sent)")
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
