package ratelimit

import (
	"strconv"
	"time"
	"unsafe"

	ward "github.com/wardgate/ward/sdk/go"
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
func (a *arena) int(n int64) *arena  { a.buf = appendInt(a.buf, n); return a }

// counterKey is the state key of a limit's counter of kind ('r' requests,
// 't' tokens) for subject: "NAME:KIND:SUBJECT", with long subjects hashed
// (see keySubject).
func (a *arena) counterKey(name string, kind byte, subject string) string {
	m := a.mark()
	a.str(name).byte(':').byte(kind).byte(':').str(keySubject(subject))
	return a.since(m)
}

// digitPairs holds "00" to "99".
const digitPairs = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" + "60616263646566676869" +
	"70717273747576777879" + "80818283848586878889" + "90919293949596979899"

// appendInt appends n in decimal, as strconv.AppendInt(b, n, 10) does
// (TestAppendIntAgrees). Inside Wasm strconv's path is three calls
// (AppendInt, AppendUint, formatBase10) and a request formats about a
// dozen numbers; this is one, two digits per step, in 32-bit arithmetic
// below 2^32 (a 64-bit division by a constant is a real division in Go's
// Wasm, a 32-bit one a multiplication).
func appendInt(b []byte, n int64) []byte {
	if n < 0 {
		return strconv.AppendInt(b, n, 10) // never in the handlers' paths
	}
	if n < 10 {
		return append(b, byte('0'+n))
	}
	var t [20]byte
	i := len(t)
	u := uint64(n)
	for u >= 1<<32 {
		// The low 8 digits in 32-bit steps: one 64-bit division for 8
		// digits instead of one for 2.
		q := u / 1e8
		lo := uint32(u - q*1e8)
		u = q
		p := lo / 100
		r := (lo - p*100) * 2
		t[i-2], t[i-1] = digitPairs[r], digitPairs[r+1]
		lo = p
		p = lo / 100
		r = (lo - p*100) * 2
		t[i-4], t[i-3] = digitPairs[r], digitPairs[r+1]
		lo = p
		p = lo / 100
		r = (lo - p*100) * 2
		t[i-6], t[i-5] = digitPairs[r], digitPairs[r+1]
		r = (p % 100) * 2
		t[i-8], t[i-7] = digitPairs[r], digitPairs[r+1]
		i -= 8
	}
	w := uint32(u)
	for w >= 100 {
		q := w / 100
		r := (w - q*100) * 2
		i -= 2
		t[i], t[i+1] = digitPairs[r], digitPairs[r+1]
		w = q
	}
	if w >= 10 {
		i -= 2
		t[i], t[i+1] = digitPairs[2*w], digitPairs[2*w+1]
	} else {
		i--
		t[i] = byte('0' + w)
	}
	return append(b, t[i:]...)
}

// appendSmall appends 0 <= n < 100 in decimal.
func appendSmall(b []byte, n int64) []byte {
	if n < 10 {
		return append(b, byte('0'+n))
	}
	return append(b, digitPairs[2*n:2*n+2]...)
}

// load64 reads the 8 bytes of s at i (i+8 <= len(s)) as one unaligned
// load (Wasm and x86 allow them); the byte order does not matter for
// equality.
func load64(s string, i int) uint64 {
	return *(*uint64)(unsafe.Add(unsafe.Pointer(unsafe.StringData(s)), i))
}

// pushOp appends the op {key, delta, ttl, get} to ops field by field.
// append(ops, ward.StateOp{...}) builds the 56-byte op in a temporary,
// zeroed and then copied: inside Wasm a zeroing of more than 32 bytes is a
// memory.fill, which wazero runs as one memmove call per doubling (six
// here), and the copy a memory.copy, one more call. Field stores are plain
// stores.
func pushOp(ops []ward.StateOp, key string, delta int64, ttl time.Duration, get bool) []ward.StateOp {
	n := len(ops)
	if n == cap(ops) {
		ops = append(ops, ward.StateOp{})
	} else {
		ops = ops[:n+1]
	}
	o := &ops[n]
	o.Key, o.Delta, o.TTL, o.Get = key, delta, ttl, get
	o.Result.Value, o.Result.TTL = 0, 0
	return ops
}
