package audit

import (
	"encoding/json"
	"fmt"
	"time"
)

// Event queues one audit line that is not a request record, such as a
// quarantine or an operator's admin action:
//
//	{"time":"2026-11-26T05:20:00Z","kind":"quarantine",...fields}
//
// fields must encode (encoding/json) to a JSON object; its keys follow
// "time" and "kind" and must not repeat them. Like request records, the
// line is dropped and counted when the queue is full, and dropped after
// Close. Event is safe for concurrent use; it allocates, so it is meant
// for the control plane, not for every request.
func (l *Logger) Event(kind string, at time.Time, fields any) error {
	obj, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("audit: event %q: %w", kind, err)
	}
	if len(obj) < 2 || obj[0] != '{' {
		return fmt.Errorf("audit: event %q: fields are not a JSON object", kind)
	}
	it := l.items.Get().(*item)
	b := append(it.line[:0], `{"time":"`...)
	b = at.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","kind":`...)
	b = appendString(b, kind, 64)
	if len(obj) > 2 {
		b = append(b, ',')
	}
	it.line = append(b, obj[1:]...) // the writer adds the newline
	it.hasPrompt, it.hasAnswer = false, false

	l.closeMu.RLock()
	defer l.closeMu.RUnlock()
	if l.closed {
		l.put(it)
		return nil
	}
	l.queue(it)
	return nil
}
