package ratelimit

import (
	"strconv"
	"unsafe"
)

// arena holds the strings one call builds (state keys, annotation values):
// appended to one buffer that is reset at the start of every call, instead
// of one allocation each. Allocating is the main cost of this guard in Wasm
// (a Go allocation there costs hundreds of nanoseconds), and a request
// builds about a dozen strings.
//
// A string from the arena is valid until the next reset: the host copies
// state keys during ward.Incr/Get, and the SDK encodes the verdict (and so
// its annotations) before the handler's next call. When the buffer grows,
// strings already handed out keep pointing into the old one, which is
// never written again.
type arena struct{ buf []byte }

func (a *arena) reset() {
	if a.buf == nil {
		a.buf = make([]byte, 0, 1024)
	}
	a.buf = a.buf[:0]
}

// mark returns the current end, where the next string starts.
func (a *arena) mark() int { return len(a.buf) }

// since returns what was appended after mark, as a string aliasing the
// arena.
func (a *arena) since(mark int) string {
	if len(a.buf) == mark {
		return ""
	}
	return unsafe.String(&a.buf[mark], len(a.buf)-mark)
}

func (a *arena) str(s string) *arena { a.buf = append(a.buf, s...); return a }
func (a *arena) byte(c byte) *arena  { a.buf = append(a.buf, c); return a }
func (a *arena) int(n int64) *arena  { a.buf = strconv.AppendInt(a.buf, n, 10); return a }

// counterKey is the state key of a limit's counter of kind ('r' requests,
// 't' tokens) for subject: "NAME:KIND:SUBJECT", with long subjects hashed
// (see keySubject).
func (a *arena) counterKey(name string, kind byte, subject string) string {
	m := a.mark()
	a.str(name).byte(':').byte(kind).byte(':').str(keySubject(subject))
	return a.since(m)
}
