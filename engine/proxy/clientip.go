package proxy

import (
	"bytes"
	"net/netip"

	"github.com/valyala/fasthttp"
)

// appendClientAddr appends the client's address as text: the connection's
// peer, or, when the peer is one of the trusted proxies ([server]
// trusted_proxies), the right-most X-Forwarded-For entry that is not
// itself trusted. Walking from the right matters: everything left of the
// last trusted hop was written by the client and proves nothing. When every
// entry is trusted the left-most is the client; a malformed entry ends the
// walk at the hop right of it (the last address a trusted proxy vouched
// for). It does not allocate.
func appendClientAddr(dst []byte, ctx *fasthttp.RequestCtx, trusted []netip.Prefix) []byte {
	peer, ok := netip.AddrFromSlice(ctx.RemoteIP())
	if !ok {
		return append(dst, "unknown"...)
	}
	client := peer.Unmap()
	if len(trusted) == 0 || !inPrefixes(trusted, client) {
		return client.AppendTo(dst)
	}
	// Several X-Forwarded-For fields are one list in field order (RFC 9110
	// 5.3): walk the last field first.
	h := &ctx.Request.Header
	n := 0
	for k := range h.All() {
		if isXFF(k) {
			n++
		}
	}
	for f := n - 1; f >= 0; f-- {
		var xff []byte
		i := 0
		for k, v := range h.All() {
			if isXFF(k) {
				if i == f {
					xff = v
					break
				}
				i++
			}
		}
		var stop bool
		if client, stop = walkXFF(xff, client, trusted); stop {
			break
		}
	}
	return client.AppendTo(dst)
}

// walkXFF walks one X-Forwarded-For field from the right, starting from
// client, the nearest hop known so far (trusted). It returns the new
// nearest hop and whether the walk ended: on an untrusted address (the
// client) or a malformed entry.
func walkXFF(xff []byte, client netip.Addr, trusted []netip.Prefix) (netip.Addr, bool) {
	for end := len(xff); end > 0; {
		start := end - 1
		for start >= 0 && xff[start] != ',' {
			start--
		}
		entry := trimOWS(xff[start+1 : end])
		end = start
		if len(entry) == 0 {
			continue // "a, , b": an empty element (RFC 9110 5.6.1)
		}
		a, err := netip.ParseAddr(b2s(entry))
		if err != nil || a.Zone() != "" {
			return client, true
		}
		client = a.Unmap()
		if !inPrefixes(trusted, client) {
			return client, true
		}
	}
	return client, false
}

func isXFF(k []byte) bool {
	return len(k) == len("X-Forwarded-For") && bytes.EqualFold(k, []byte("X-Forwarded-For"))
}

func inPrefixes(ps []netip.Prefix, a netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// trimOWS trims spaces and tabs on both sides.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
