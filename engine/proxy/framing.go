package proxy

import (
	"bytes"
	"errors"

	"github.com/valyala/fasthttp"
)

// ambiguousFraming reports whether a request's raw header block (as
// received, before fasthttp unfolded or merged anything) carries framing
// that two HTTP parsers may read differently, which is how requests are
// smuggled past a gateway:
//
//   - obs-fold, a header line continued on the next line (RFC 9112 5.2
//     lets a server either reject it or unfold it; fasthttp unfolds, a
//     proxy in front of Ward may not, so "Transfer-Encoding:\r\n chunked"
//     would frame the body differently on each side);
//   - both Content-Length and Transfer-Encoding (RFC 9112 6.3 lets a server
//     reject it; fasthttp reads the body as chunked, a front proxy may use
//     the length).
//
// fasthttp itself refuses duplicate Content-Length, repeated or unknown
// Transfer-Encoding, Transfer-Encoding on HTTP/1.0, white space before a
// colon and control characters in values. It is one pass over the header
// block and allocates nothing.
func ambiguousFraming(raw []byte) bool {
	var cl, te bool
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			return true // obs-fold
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		switch k := line[:colon]; {
		case len(k) == len("Content-Length") && bytes.EqualFold(k, []byte("Content-Length")):
			cl = true
		case len(k) == len("Transfer-Encoding") && bytes.EqualFold(k, []byte("Transfer-Encoding")):
			te = true
		}
	}
	return cl && te
}

// refuseAmbiguousFraming answers 400 and closes the connection (what
// follows on it cannot be framed with confidence) when the request's
// framing is ambiguous. It reports whether it refused.
func (s *Server) refuseAmbiguousFraming(ctx *fasthttp.RequestCtx, st *reqState) bool {
	if !ambiguousFraming(ctx.Request.Header.RawHeaders()) {
		return false
	}
	ctx.SetConnectionClose()
	s.fail(ctx, st, st.rec.API, fasthttp.StatusBadRequest, "bad_request", "ambiguous request framing (obs-fold, or both Content-Length and Transfer-Encoding)")
	return true
}

// isHeaderTooLarge reports whether fasthttp could not read a request's
// headers because they exceed server.max_header_bytes (its read buffer).
func isHeaderTooLarge(err error) bool {
	var sb *fasthttp.ErrSmallBuffer
	return errors.As(err, &sb) || errors.Is(err, fasthttp.ErrSmallReadBuffer)
}
