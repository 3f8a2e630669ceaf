package redact

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzAppendMask: the mask keeps every separator, hides every letter and
// digit but the last min(keep, n/2) of them (never more, so a short value
// is never mostly revealed), is valid UTF-8 and never longer than the
// value.
func FuzzAppendMask(f *testing.F) {
	for _, s := range []string{"4111 1111 1111 1111", "jane@example.com", "Zürich 8001", "a\xffb c", "", "ab", "\uFFFD1", "١٢٣٤ 12"} {
		f.Add(s, 4)
	}
	f.Add("secret", -3)
	f.Fuzz(func(t *testing.T, v string, keep int) {
		out := AppendMask([]byte("prefix"), v, keep)
		if string(out[:6]) != "prefix" {
			t.Fatal("dst's bytes changed")
		}
		out = out[6:]
		if !utf8.Valid(out) {
			t.Fatalf("mask of %q is not UTF-8: %q", v, out)
		}
		if len(out) > len(v) {
			t.Fatalf("mask of %q is longer: %q", v, out)
		}
		n := 0
		for i := 0; i < len(v); {
			r, size := utf8.DecodeRuneInString(v[i:])
			if maskable(r) {
				n++
			}
			i += size
		}
		// The last want letters and digits are shown, except invalid
		// bytes, which are always masked.
		want := max(0, min(keep, n/2))
		j, o := 0, 0
		for i := 0; i < len(v); {
			r, size := utf8.DecodeRuneInString(v[i:])
			if !maskable(r) {
				if !bytes.HasPrefix(out[o:], []byte(v[i:i+size])) {
					t.Fatalf("mask of %q changed separator %q at %d: %q", v, v[i:i+size], i, out)
				}
				o += size
				i += size
				continue
			}
			show := j >= n-want && !(r == utf8.RuneError && size == 1)
			j++
			switch {
			case !show && o < len(out) && out[o] == '*':
				o++
			case show && bytes.HasPrefix(out[o:], []byte(v[i:i+size])):
				o += size
			default:
				t.Fatalf("mask of %q (keep %d, %d maskable, %d shown): %q at byte %d of the mask, letter %d shown=%v",
					v, keep, n, want, out, o, j-1, show)
			}
			i += size
		}
		if o != len(out) {
			t.Fatalf("mask of %q has %d extra bytes: %q", v, len(out)-o, out)
		}
	})
}

var fuzzKinds = []string{"EMAIL", "CREDIT_CARD", "PHONE", "X9", "A_1"}

// FuzzTokens: placeholders are well-formed, one per (kind, value) and
// never text the request already holds (so restoring the request's own
// text changes nothing); an answer made of placeholders restores to their
// values, also after the mapping went through Marshal and Unmarshal; the
// held-back tail of any text is a placeholder's possible beginning.
func FuzzTokens(f *testing.F) {
	f.Add("my mail is jane@example.com", "jane@example.com\n4111 1111 1111 1111\njane@example.com", []byte{0, 1, 0})
	f.Add("echo <EMAIL_1> and <EMAIL_1_a> <X_2_b>", "a\nb\nc", []byte{0, 0, 3})
	f.Add("<EMAIL_1><", "", []byte{})
	f.Fuzz(func(t *testing.T, request, values string, kinds []byte) {
		var tk Tokens
		tk.Avoid(request)
		vals := strings.Split(values, "\n")
		if len(vals) > 12 {
			vals = vals[:12]
		}
		type issued struct{ kind, value, ph string }
		var got []issued
		var answer, want strings.Builder
		for i, val := range vals {
			kind := fuzzKinds[0]
			if i < len(kinds) {
				kind = fuzzKinds[int(kinds[i])%len(fuzzKinds)]
			}
			ph, ok := tk.Placeholder(kind, val)
			if !ok {
				t.Fatalf("no placeholder for %s %q", kind, val)
			}
			if len(ph) > MaxPlaceholderLen || len(ph) < 3 || ph[0] != '<' || ph[len(ph)-1] != '>' {
				t.Fatalf("placeholder %q", ph)
			}
			for j := 1; j < len(ph)-1; j++ {
				if !isPHByte(ph[j]) {
					t.Fatalf("placeholder %q", ph)
				}
			}
			for _, g := range got {
				if (g.kind == kind && g.value == val) != (g.ph == ph) {
					t.Fatalf("%s %q -> %q, %s %q -> %q", g.kind, g.value, g.ph, kind, val, ph)
				}
			}
			if strings.Contains(request, ph) {
				t.Fatalf("placeholder %q occurs in the request %q", ph, request)
			}
			got = append(got, issued{kind, val, ph})
			answer.WriteString(ph + " ")
			want.WriteString(val + " ")
		}
		if out, changed := tk.Restore([]byte("x"), request); changed || string(out) != "x" {
			t.Fatalf("restoring the request changed it: %q", out)
		}
		check := func(tk *Tokens, what string) {
			out, changed := tk.Restore(nil, answer.String())
			if !changed || string(out) != want.String() {
				t.Fatalf("%s: restored %q, want %q", what, out, want.String())
			}
		}
		check(&tk, "restore")
		var back Tokens
		if err := back.Unmarshal(tk.Marshal(nil)); err != nil {
			t.Fatalf("unmarshal of a marshalled mapping: %v", err)
		}
		check(&back, "restore after marshal")
		for _, s := range []string{request, answer.String(), values} {
			h := HoldBack(s)
			if h < 0 || h > len(s) || h >= MaxPlaceholderLen || h > 0 && s[len(s)-h] != '<' {
				t.Fatalf("HoldBack(%q) = %d", s, h)
			}
		}
	})
}

// FuzzUnmarshal: any bytes either fail or give entries of placeholder
// shape that marshal to a mapping which reads back to the same entries.
func FuzzUnmarshal(f *testing.F) {
	var tk Tokens
	tk.Placeholder("EMAIL", "jane@example.com")
	tk.Placeholder("PHONE", "")
	f.Add(tk.Marshal(nil))
	f.Add([]byte{1})
	f.Add([]byte{1, 3, '<', 'A', '>', 0x80, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Tokens
		if a.Unmarshal(data) != nil {
			return
		}
		for _, e := range a.Entries() {
			if len(e.Placeholder) < 3 || len(e.Placeholder) > MaxPlaceholderLen || e.Placeholder[0] != '<' ||
				e.Placeholder[len(e.Placeholder)-1] != '>' || len(e.Value) > MaxValueLen {
				t.Fatalf("entry %+v", e)
			}
		}
		var b Tokens
		if err := b.Unmarshal(a.Marshal(nil)); err != nil {
			t.Fatalf("re-read: %v", err)
		}
		if len(a.Entries()) != len(b.Entries()) {
			t.Fatalf("%d entries, %d after re-marshalling", len(a.Entries()), len(b.Entries()))
		}
		for i, e := range a.Entries() {
			if b.Entries()[i] != e {
				t.Fatalf("entry %d: %+v, then %+v", i, e, b.Entries()[i])
			}
		}
	})
}

// FuzzSeal: a sealed mapping opens to its plaintext with the same key and
// associated data, and to nothing else: not under other associated data,
// not with a bit of the ciphertext flipped, and no arbitrary string opens.
func FuzzSeal(f *testing.F) {
	f.Add("0123456789abcdef0123456789abcdef", "pii\x00r1", []byte("\x01\x09<EMAIL_1>\x10jane@example.com"), uint16(10), "v1.AAAA")
	f.Add("k", "", []byte{}, uint16(0), "")
	f.Fuzz(func(t *testing.T, key, ad string, plain []byte, flip uint16, junk string) {
		if len(key) < MinKeyLen {
			key += strings.Repeat("k", MinKeyLen-len(key))
		}
		s, err := NewSealer(key)
		if err != nil {
			t.Fatal(err)
		}
		sealed := string(s.Seal(nil, ad, plain))
		if !strings.HasPrefix(sealed, sealPrefix) {
			t.Fatalf("sealed %q", sealed)
		}
		if len(plain) >= 8 && strings.Contains(sealed, string(plain)) {
			t.Fatalf("plaintext visible in %q", sealed)
		}
		got, err := s.Open([]byte("d"), ad, sealed)
		if err != nil || !bytes.Equal(got, append([]byte("d"), plain...)) {
			t.Fatalf("open: %q, %v", got, err)
		}
		if out, err := s.Open([]byte("d"), ad+"\x00", sealed); err == nil || string(out) != "d" {
			t.Fatalf("opened under other associated data (or wrote to dst): %q", out)
		}
		raw, err := base64.RawURLEncoding.DecodeString(sealed[len(sealPrefix):])
		if err != nil {
			t.Fatal(err)
		}
		i := int(flip) % (8 * len(raw))
		raw[i/8] ^= 1 << (i % 8)
		if _, err := s.Open(nil, ad, sealPrefix+base64.RawURLEncoding.EncodeToString(raw)); err == nil {
			t.Fatalf("opened with bit %d flipped", i)
		}
		if junk != sealed {
			if out, err := s.Open(nil, ad, junk); err == nil {
				t.Fatalf("arbitrary %q opened to %q", junk, out)
			}
		}
	})
}
