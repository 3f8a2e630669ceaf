package redact

import (
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// Placeholders.
//
// A tokenized value becomes "<KIND_N>": KIND is the entity kind (1 to
// MaxKindLen bytes of A-Z, 0-9 and '_', starting with a letter), N the
// value's number among the distinct values of that kind in the request,
// counted from 1 in order of first appearance (at most MaxPerKind). The
// same value of the same kind gets the same placeholder everywhere in the
// request (values compare byte for byte).
//
// When the request already contains text of that shape ("<" upper-case
// letters, digits and '_' ending in "_" and digits ">"), a model echoing it
// could not be told from a placeholder, so the request uses a variant
// instead: "<KIND_N_t>", where t is a tag of one to three lower-case letters
// (a, b, ..., z, aa, ..., zzz) chosen as the first one whose ending "_t>"
// does not occur in such text in the request. Every placeholder of a
// request uses the same tag. A request containing all 18278 tags as well
// (hundreds of kilobytes of deliberate text) gets no placeholders: its
// tokenize findings are redacted instead, which loses nothing but
// reversibility.
//
// Restoring is exact: only the placeholders issued for the exchange, with
// their angle brackets and case, are replaced. A model that drops the
// brackets ("EMAIL_1") is not restored: that form is common in code and
// prose (constants, identifiers), and rewriting it would corrupt answers
// that never referred to a placeholder.
//
// For restoring placeholders split across streamed deltas: every
// placeholder is at most MaxPlaceholderLen bytes, starts with '<', ends with
// '>' and uses only A-Z, a-z, 0-9 and '_' in between, so a streaming
// restorer holds back at most MaxPlaceholderLen-1 bytes (HoldBack says how
// many) until the next delta shows whether they complete a placeholder.
const (
	MaxKindLen        = 32
	MaxPerKind        = 99999
	maxTag            = 26 + 26*26 + 26*26*26
	MaxPlaceholderLen = 1 + MaxKindLen + 1 + 5 + 1 + 3 + 1 // 44
)

// ValidKind reports whether k can name an entity in placeholders and
// redaction labels.
func ValidKind(k string) bool {
	if k == "" || len(k) > MaxKindLen || !isUpper(k[0]) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; !isUpper(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isPHByte reports whether c may occur between a placeholder's brackets.
func isPHByte(c byte) bool { return isUpper(c) || isLower(c) || isDigit(c) || c == '_' }

// HoldBack returns how many bytes at the end of s could be the beginning of
// a placeholder (a '<' followed by placeholder bytes, shorter than
// MaxPlaceholderLen): a streaming restorer keeps them until more text comes.
func HoldBack(s string) int {
	from := max(len(s)-(MaxPlaceholderLen-1), 0)
	p := strings.LastIndexByte(s[from:], '<')
	if p < 0 {
		return 0
	}
	p += from
	for i := p + 1; i < len(s); i++ {
		if !isPHByte(s[i]) {
			return 0
		}
	}
	return len(s) - p
}

// Entry is one tokenized value.
type Entry struct {
	Kind        string // empty for entries read back by Unmarshal
	Placeholder string
	Value       string
}

// linearMax is the table size up to which lookups scan the entries instead
// of using maps (no map, no allocation, for the usual handful of values).
const linearMax = 16

type kindCount struct {
	kind string
	n    int
}

// Tokens is the placeholder table of one exchange. Reset it at the start of
// every call; strings it returns are valid until the next Reset (they live
// in its buffer) and its entries alias the texts given to it, which must
// stay unchanged until then. Not safe for concurrent use.
type Tokens struct {
	entries []Entry
	byValue map[[2]string]int32 // (kind, value) -> entry; beyond linearMax
	byPH    map[string]int32    // placeholder -> entry; beyond linearMax
	counts  []kindCount

	conflict0 bool  // the request contains "<UPPER_9>"-shaped text
	tags      []int // tags of "..._t>"-shaped text in the request
	tag       string
	chosen    bool
	failed    bool
	buf       []byte // placeholders
}

// Reset empties t, keeping its memory.
func (t *Tokens) Reset() {
	clear(t.entries)
	t.entries = t.entries[:0]
	if t.byValue != nil {
		clear(t.byValue)
		clear(t.byPH)
	}
	t.counts = t.counts[:0]
	t.conflict0, t.tags, t.tag, t.chosen, t.failed = false, t.tags[:0], "", false, false
	t.buf = t.buf[:0]
}

// Len is the number of entries.
func (t *Tokens) Len() int { return len(t.entries) }

// Entries returns the entries in order of creation; the slice is t's.
func (t *Tokens) Entries() []Entry { return t.entries }

// Avoid notes the placeholder-shaped text in a text of the request, so
// that the placeholders issued afterwards cannot be confused with it. Call
// it for every text of the request before the first Placeholder call.
func (t *Tokens) Avoid(text string) {
	for i := 0; ; {
		p := strings.IndexByte(text[i:], '<')
		if p < 0 {
			return
		}
		p += i
		j := p + 1
		for j < len(text) && j-p < MaxPlaceholderLen && isPHByte(text[j]) {
			j++
		}
		if j < len(text) && text[j] == '>' {
			t.note(text[p+1 : j])
		}
		i = p + 1
	}
}

func (t *Tokens) note(inner string) {
	// "KIND_N" with N digits: the plain form.
	k := len(inner)
	for k > 0 && isDigit(inner[k-1]) {
		k--
	}
	if k < len(inner) && k >= 2 && inner[k-1] == '_' {
		plain := true
		for i := 0; i < k; i++ {
			if c := inner[i]; !isUpper(c) && !isDigit(c) && c != '_' {
				plain = false
				break
			}
		}
		if plain {
			t.conflict0 = true
		}
		return
	}
	// "..._t" with t one to three lower-case letters: a tagged form.
	k = len(inner)
	for k > 0 && isLower(inner[k-1]) {
		k--
	}
	if n := len(inner) - k; n >= 1 && n <= 3 && k >= 1 && inner[k-1] == '_' {
		t.tags = append(t.tags, tagIndex(inner[k:]))
	}
}

// tagIndex is the bijective base-26 value of a tag ("a" = 1, "z" = 26,
// "aa" = 27).
func tagIndex(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*26 + int(s[i]-'a') + 1
	}
	return n
}

func appendTag(dst []byte, n int) []byte {
	var b [3]byte
	i := len(b)
	for n > 0 {
		n--
		i--
		b[i] = 'a' + byte(n%26)
		n /= 26
	}
	return append(dst, b[i:]...)
}

// choose picks the request's tag: none when no plain-form text conflicts,
// else the first tag not in t.tags.
func (t *Tokens) choose() {
	t.chosen = true
	if !t.conflict0 {
		return
	}
	slices.Sort(t.tags)
	k := 1
	for _, n := range t.tags {
		if n == k {
			k++
		} else if n > k {
			break
		}
	}
	if k > maxTag {
		t.failed = true
		return
	}
	m := len(t.buf)
	t.buf = append(t.buf, '_')
	t.buf = appendTag(t.buf, k)
	t.tag = unsafe.String(&t.buf[m], len(t.buf)-m)
}

// Placeholder returns the placeholder of value as an entity of kind (a
// ValidKind), creating it on first use. ok is false when no placeholder
// can be issued (the request holds every tag, or kind has MaxPerKind
// values already): the caller redacts the value instead.
func (t *Tokens) Placeholder(kind, value string) (ph string, ok bool) {
	if !t.chosen {
		t.choose()
	}
	if t.failed || len(value) > MaxValueLen {
		return "", false
	}
	if i := t.findValue(kind, value); i >= 0 {
		return t.entries[i].Placeholder, true
	}
	n := t.next(kind)
	if n > MaxPerKind {
		return "", false
	}
	m := len(t.buf)
	t.buf = append(t.buf, '<')
	t.buf = append(t.buf, kind...)
	t.buf = append(t.buf, '_')
	t.buf = strconv.AppendInt(t.buf, int64(n), 10)
	t.buf = append(t.buf, t.tag...)
	t.buf = append(t.buf, '>')
	ph = unsafe.String(&t.buf[m], len(t.buf)-m)
	t.add(Entry{Kind: kind, Placeholder: ph, Value: value})
	return ph, true
}

func (t *Tokens) next(kind string) int {
	for i := range t.counts {
		if t.counts[i].kind == kind {
			t.counts[i].n++
			return t.counts[i].n
		}
	}
	t.counts = append(t.counts, kindCount{kind, 1})
	return 1
}

func (t *Tokens) add(e Entry) {
	t.entries = append(t.entries, e)
	n := len(t.entries)
	if n <= linearMax {
		return
	}
	if t.byValue == nil {
		t.byValue = make(map[[2]string]int32)
		t.byPH = make(map[string]int32)
	}
	if n == linearMax+1 || len(t.byPH) == 0 {
		for i, e := range t.entries {
			t.byValue[[2]string{e.Kind, e.Value}] = int32(i)
			t.byPH[e.Placeholder] = int32(i)
		}
		return
	}
	t.byValue[[2]string{e.Kind, e.Value}] = int32(n - 1)
	t.byPH[e.Placeholder] = int32(n - 1)
}

func (t *Tokens) findValue(kind, value string) int {
	if len(t.entries) <= linearMax {
		for i := range t.entries {
			if e := &t.entries[i]; e.Value == value && e.Kind == kind {
				return i
			}
		}
		return -1
	}
	if i, ok := t.byValue[[2]string{kind, value}]; ok {
		return int(i)
	}
	return -1
}

func (t *Tokens) findPH(ph string) int {
	if len(t.entries) <= linearMax {
		for i := range t.entries {
			if t.entries[i].Placeholder == ph {
				return i
			}
		}
		return -1
	}
	if i, ok := t.byPH[ph]; ok {
		return int(i)
	}
	return -1
}

// Restore appends text to dst with every placeholder of t replaced by its
// value, and reports whether it replaced any. When it did not, dst is
// returned as it was given (nothing appended).
func (t *Tokens) Restore(dst []byte, text string) ([]byte, bool) {
	if len(t.entries) == 0 {
		return dst, false
	}
	start, last, changed := len(dst), 0, false
	for i := 0; ; {
		p := strings.IndexByte(text[i:], '<')
		if p < 0 {
			break
		}
		p += i
		j := p + 1
		for j < len(text) && j-p < MaxPlaceholderLen && isPHByte(text[j]) {
			j++
		}
		if j < len(text) && text[j] == '>' {
			if e := t.findPH(text[p : j+1]); e >= 0 {
				dst = append(dst, text[last:p]...)
				dst = append(dst, t.entries[e].Value...)
				last, changed = j+1, true
				i = j + 1
				continue
			}
		}
		i = p + 1
	}
	if !changed {
		return dst[:start], false
	}
	return append(dst, text[last:]...), true
}

// Mapping encoding (the plaintext that Sealer seals): a version byte 1,
// then per entry uvarint length and bytes of the placeholder, uvarint
// length and bytes of the value.
const mappingVersion = 1

// MaxValueLen bounds a tokenized value; longer findings are redacted.
const MaxValueLen = 64 << 10

var errMapping = errors.New("redact: malformed placeholder mapping")

// Marshal appends t's mapping (placeholders and values) to dst.
func (t *Tokens) Marshal(dst []byte) []byte {
	dst = append(dst, mappingVersion)
	for i := range t.entries {
		e := &t.entries[i]
		dst = binary.AppendUvarint(dst, uint64(len(e.Placeholder)))
		dst = append(dst, e.Placeholder...)
		dst = binary.AppendUvarint(dst, uint64(len(e.Value)))
		dst = append(dst, e.Value...)
	}
	return dst
}

// Unmarshal adds the entries of a mapping made by Marshal to t. The
// entries alias data, which must stay unchanged while t uses them. On error
// t keeps the entries added before the malformed one.
func (t *Tokens) Unmarshal(data []byte) error {
	if len(data) == 0 || data[0] != mappingVersion {
		return errMapping
	}
	for data = data[1:]; len(data) > 0; {
		ph, rest, ok := field(data, MaxPlaceholderLen)
		if !ok || len(ph) < 3 || ph[0] != '<' || ph[len(ph)-1] != '>' {
			return errMapping
		}
		val, rest, ok := field(rest, MaxValueLen)
		if !ok {
			return errMapping
		}
		data = rest
		t.add(Entry{Placeholder: bstr(ph), Value: bstr(val)})
	}
	return nil
}

func field(b []byte, limit int) (f, rest []byte, ok bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(limit) || n > uint64(len(b)-k) {
		return nil, nil, false
	}
	return b[k : k+int(n)], b[k+int(n):], true
}

func bstr(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
