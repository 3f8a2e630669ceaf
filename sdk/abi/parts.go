package abi

import (
	"errors"
	"strconv"
)

// Parts is a set of the parts of an exchange a guard reads, declared in
// its description ("reads"). The host sends a guard the parts it reads and
// the others empty: less to encode, copy and decode on every call. The
// scalar fields (phase, api, flags, max_tokens, request_id, route, path,
// model, the response's status and token counts) are always sent.
//
// The zero value, like a description without "reads", means every part.
type Parts uint8

const (
	ReadHeaders     Parts = 1 << iota // Exchange.Headers
	ReadAnnotations                   // Exchange.Annotations
	ReadMessages                      // Exchange.Messages
	ReadTools                         // Exchange.Tools
	ReadResponse                      // Response.Messages and Response.FinishReason
	ReadChunk                         // Chunk.Delta and Chunk.Window

	// ReadAll is every part: what a guard that declares nothing gets.
	ReadAll = ReadHeaders | ReadAnnotations | ReadMessages | ReadTools | ReadResponse | ReadChunk
)

// partNames are the names of the parts in a description, by bit.
var partNames = [...]string{"headers", "annotations", "messages", "tools", "response", "chunk"}

// Names returns the parts' names in bit order ("headers", "annotations",
// "messages", "tools", "response", "chunk"); nil for the zero Parts and
// for ReadAll, which a description states by leaving "reads" out.
func (p Parts) Names() []string {
	if p&ReadAll == 0 || p&ReadAll == ReadAll {
		return nil
	}
	names := make([]string, 0, len(partNames))
	for i, n := range partNames {
		if p&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return names
}

// Effective returns the parts a guard that declared p receives: ReadAll
// for the zero value.
func (p Parts) Effective() Parts {
	if p&ReadAll == 0 {
		return ReadAll
	}
	return p & ReadAll
}

// ParseReads maps a description's "reads" list to Parts. A nil list (the
// key left out) is ReadAll. An empty list, an unknown or a repeated name
// is an error.
func ParseReads(names []string) (Parts, error) {
	if names == nil {
		return ReadAll, nil
	}
	if len(names) == 0 {
		return 0, errors.New("reads: empty list (leave reads out for every part)")
	}
	var p Parts
	for _, n := range names {
		bit := Parts(0)
		for i, pn := range partNames {
			if n == pn {
				bit = 1 << i
			}
		}
		if bit == 0 {
			return 0, errors.New("reads: unknown part " + strconv.Quote(n) + " (want headers, annotations, messages, tools, response or chunk)")
		}
		if p&bit != 0 {
			return 0, errors.New("reads: part " + strconv.Quote(n) + " listed twice")
		}
		p |= bit
	}
	return p, nil
}

// Keep empties, in x, the parts not in p.Effective(), keeping the
// capacity of x's slices. A guest SDK calls it
// after decoding, so that a guard sees the same exchange whether or not
// the host honoured its "reads".
func (p Parts) Keep(x *Exchange) {
	p = p.Effective()
	if p&ReadHeaders == 0 {
		x.Headers = x.Headers[:0]
	}
	if p&ReadAnnotations == 0 {
		x.Annotations = x.Annotations[:0]
	}
	if p&ReadMessages == 0 {
		x.Messages = x.Messages[:0]
	}
	if p&ReadTools == 0 {
		x.Tools = x.Tools[:0]
	}
	if p&ReadResponse == 0 {
		x.Response.Messages = x.Response.Messages[:0]
		x.Response.FinishReason = ""
	}
	if p&ReadChunk == 0 {
		x.Chunk.Delta, x.Chunk.Window = "", ""
	}
}
