package exchange

import "bytes"

// SSE splits a text/event-stream body into events as its bytes arrive
// (https://html.spec.whatwg.org/multipage/server-sent-events.html): an
// event ends at a blank line, lines end in LF, CRLF or CR. It keeps the
// bytes of the event being received and nothing else. The zero value is
// ready; not safe for concurrent use.
type SSE struct {
	buf  []byte
	next int // start of the unread bytes in buf
	scan int // bytes of buf[next:] already known not to end an event
	data []byte
}

// MaxEventSize bounds one event (its lines and terminator): an upstream
// that sends more without a blank line is not streaming events.
const MaxEventSize = 1 << 20

// Write appends stream bytes. It never fails; an event too large is
// reported by Next.
func (s *SSE) Write(p []byte) (int, error) {
	if s.next > 0 && s.next == len(s.buf) {
		s.buf, s.next, s.scan = s.buf[:0], 0, 0
	} else if s.next > len(s.buf)/2 && s.next > 4096 {
		n := copy(s.buf, s.buf[s.next:])
		s.buf, s.next = s.buf[:n], 0
	}
	s.buf = append(s.buf, p...)
	return len(p), nil
}

// Next returns the next complete event, terminator included (the bytes
// to forward when it passes unchanged), valid until the next Write. ok is
// false when no complete event is buffered. An error means the stream is
// not an event stream (an event larger than MaxEventSize).
func (s *SSE) Next() (ev []byte, ok bool, err error) {
	b := s.buf[s.next:]
	for i := s.scan; i < len(b); i++ {
		c := b[i]
		if c != '\n' && c != '\r' {
			continue
		}
		// A line ends at i; the event ends if the next line is empty.
		j := i + 1
		if c == '\r' {
			if j == len(b) {
				s.scan = i // CR at the end: wait for a possible LF
				return nil, false, s.tooLarge(b)
			}
			if b[j] == '\n' {
				j++
			}
		}
		if j == len(b) {
			s.scan = i
			return nil, false, s.tooLarge(b)
		}
		switch b[j] {
		case '\n':
			ev = b[:j+1]
		case '\r':
			k := j + 1
			if k == len(b) {
				s.scan = i
				return nil, false, s.tooLarge(b)
			}
			if b[k] == '\n' {
				k++
			}
			ev = b[:k]
		default:
			i = j - 1
			continue
		}
		s.next += len(ev)
		s.scan = 0
		return ev, true, nil
	}
	s.scan = len(b)
	return nil, false, s.tooLarge(b)
}

func (s *SSE) tooLarge(pending []byte) error {
	if len(pending) > MaxEventSize {
		return upstreamError("event stream: an event is larger than %d bytes", MaxEventSize)
	}
	return nil
}

// Pending returns the bytes received after the last complete event (an
// unterminated event when the stream ends).
func (s *SSE) Pending() []byte { return s.buf[s.next:] }

// Reset empties s for another stream, keeping its buffer.
func (s *SSE) Reset() { s.buf, s.next, s.scan = s.buf[:0], 0, 0 }

// EventFields returns the event's name (the value of its last "event:"
// line) and data (the values of its "data:" lines joined by LF; a single
// data line is returned without copying, more are joined into scratch).
// Comment lines (":...") and other fields are ignored. one reports
// whether the data came from exactly one line, so that its bytes sit in ev
// (data is then a subslice of ev at offset dataAt).
func (s *SSE) EventFields(ev []byte) (name, data []byte, dataAt int, one bool) {
	s.data = s.data[:0]
	lines := 0
	dataAt = -1
	for i := 0; i < len(ev); {
		j := i
		for j < len(ev) && ev[j] != '\n' && ev[j] != '\r' {
			j++
		}
		line := ev[i:j]
		field, value := line, []byte(nil)
		valueAt := j
		if c := bytes.IndexByte(line, ':'); c >= 0 {
			field, value = line[:c], line[c+1:]
			valueAt = i + c + 1
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
				valueAt++
			}
		}
		switch string(field) {
		case "event":
			name = value
		case "data":
			if lines == 0 {
				data, dataAt = value, valueAt
			} else {
				if lines == 1 {
					s.data = append(s.data[:0], data...)
				}
				s.data = append(s.data, '\n')
				s.data = append(s.data, value...)
				data = s.data
			}
			lines++
		}
		// Past the line ending.
		if j < len(ev) && ev[j] == '\r' {
			j++
		}
		if j < len(ev) && ev[j] == '\n' {
			j++
		}
		i = j
	}
	return name, data, dataAt, lines == 1
}
