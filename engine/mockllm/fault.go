package mockllm

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Values of the x-mock-fault header. Matching is case-insensitive and ignores
// surrounding spaces; an unknown value is answered with a 400 error in the
// API's shape.
const (
	// FaultReset closes the connection without answering (RST on TCP).
	FaultReset = "reset"
	// FaultSlow sleeps x-mock-delay (default 1s) before the headers, then
	// answers normally.
	FaultSlow = "slow"
	// FaultTruncate sends the headers with a Content-Length of the whole
	// answer, half of the body, then closes the connection.
	FaultTruncate = "truncate"
	// FaultStatusPrefix followed by a code in 400..599 ("status:503") answers
	// that status with an error body in the API's shape; 429 adds
	// retry-after: 1.
	FaultStatusPrefix = "status:"
	// FaultStreamCut sends chunked headers and the first half of the SSE
	// events (half the bytes of a JSON answer), then closes the connection
	// without the terminating chunk.
	FaultStreamCut = "stream-cut"
)

// maxSlowDelay bounds x-mock-delay so a typo cannot hang a test run.
const maxSlowDelay = 5 * time.Minute

type faultKind int

const (
	faultNone faultKind = iota
	faultReset
	faultSlow
	faultTruncate
	faultStatus
	faultStreamCut
)

type fault struct {
	kind   faultKind
	delay  time.Duration // faultSlow
	status int           // faultStatus
}

func (f fault) String() string {
	switch f.kind {
	case faultReset:
		return FaultReset
	case faultSlow:
		return FaultSlow + "(" + f.delay.String() + ")"
	case faultTruncate:
		return FaultTruncate
	case faultStatus:
		return FaultStatusPrefix + strconv.Itoa(f.status)
	case faultStreamCut:
		return FaultStreamCut
	}
	return "none"
}

// parseFault reads the fault and delay header values. Empty means no fault.
func parseFault(value, delay []byte) (fault, error) {
	v := strings.ToLower(strings.TrimSpace(string(value)))
	switch {
	case v == "":
		return fault{}, nil
	case v == FaultReset:
		return fault{kind: faultReset}, nil
	case v == FaultTruncate:
		return fault{kind: faultTruncate}, nil
	case v == FaultStreamCut:
		return fault{kind: faultStreamCut}, nil
	case v == FaultSlow:
		d := time.Second
		if ds := strings.TrimSpace(string(delay)); ds != "" {
			var err error
			d, err = time.ParseDuration(ds)
			if err != nil || d < 0 || d > maxSlowDelay {
				return fault{}, errors.New("mockllm: " + HeaderDelay + ": want a duration between 0s and 5m, got " + strconv.Quote(ds))
			}
		}
		return fault{kind: faultSlow, delay: d}, nil
	case strings.HasPrefix(v, FaultStatusPrefix):
		code, err := strconv.Atoi(v[len(FaultStatusPrefix):])
		if err != nil || code < 400 || code > 599 {
			return fault{}, errors.New("mockllm: " + HeaderFault + ": status must be 400..599, got " + strconv.Quote(v))
		}
		return fault{kind: faultStatus, status: code}, nil
	}
	return fault{}, errors.New("mockllm: " + HeaderFault + ": unknown fault " + strconv.Quote(v) +
		" (want reset|slow|truncate|stream-cut|status:NNN)")
}
