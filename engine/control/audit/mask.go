package audit

import (
	"slices"
	"unsafe"

	"github.com/wardgate/ward/sdk/abi"
	"github.com/wardgate/ward/sdk/detect"
)

// maskSlack is how much text past prompt_max the request goroutine copies,
// so that a secret that straddles prompt_max is still seen whole by the
// detectors (a PEM private key is the longest, ~3.3 KB for RSA-4096).
const maskSlack = 16 << 10

// appendMessages appends the messages as "[role] text" lines to dst, at
// most limit bytes; cut reports that text was left out.
func appendMessages(dst []byte, msgs []abi.Message, limit int) (_ []byte, cut bool) {
	for i := range msgs {
		m := &msgs[i]
		if len(dst) >= limit {
			return dst, true
		}
		if i > 0 {
			dst = append(dst, '\n')
		}
		dst = append(dst, '[')
		dst = append(dst, m.Role...)
		if m.Kind != abi.KindText {
			dst = append(dst, ' ')
			dst = append(dst, m.Kind.String()...)
		}
		dst = append(dst, "] "...)
		room := limit - len(dst)
		if room <= 0 {
			return dst, len(m.Text) > 0 || i < len(msgs)-1
		}
		if len(m.Text) > room {
			return append(dst, m.Text[:room]...), true
		}
		dst = append(dst, m.Text...)
	}
	return dst, false
}

// masker masks secrets and personal data in text with sdk/detect, the
// detectors the secrets and pii guards use. It belongs to the writer
// goroutine.
type masker struct {
	finds []detect.Finding
	out   []byte
}

// mask returns text with every finding replaced by "[KIND]" (secrets:
// "[SECRET]"); overlapping findings are merged. When cut is set, text was
// copied only in part: the last maskSlack bytes are dropped (a finding
// that starts before them is masked whole). The result is valid until the
// next call.
func (m *masker) mask(text []byte, cut bool) []byte {
	s := unsafe.String(unsafe.SliceData(text), len(text))
	m.finds = detect.Secrets(s, m.finds[:0])
	m.finds = detect.PII(s, m.finds, nil)
	slices.SortFunc(m.finds, func(a, b detect.Finding) int { return a.Start - b.Start })
	end := len(text)
	if cut {
		end = max(len(text)-maskSlack, 0)
	}
	m.out = m.out[:0]
	last := 0
	for i := 0; i < len(m.finds) && m.finds[i].Start < end; {
		f := m.finds[i]
		stop := f.End
		for i++; i < len(m.finds) && m.finds[i].Start < stop; i++ {
			stop = max(stop, m.finds[i].End)
		}
		if f.Start > last {
			m.out = append(m.out, text[last:f.Start]...)
		}
		m.out = append(m.out, '[')
		m.out = append(m.out, f.Kind...)
		m.out = append(m.out, ']')
		last = max(last, stop)
	}
	if last < end {
		m.out = append(m.out, text[last:end]...)
	}
	return m.out
}
