package memo

import (
	"encoding/binary"
	"strings"
	"testing"
)

// FuzzMemo runs the operations the input spells against a Memo and a
// reference map: a lookup may miss, but never return another text's
// value. Each operation is 4 bytes: a store or a lookup, the flag, a
// length (0 to MaxText+8, around every limit) and which of a few base
// texts, one byte changed by the operation's position, it is made of, so
// that texts of the same length and set differ in one byte.
func FuzzMemo(f *testing.F) {
	f.Add([]byte{0, 0, 16, 0, 1, 0, 16, 0})
	f.Add([]byte{0, 1, 255, 255, 1, 1, 255, 255, 0, 0, 15, 0, 1, 0, 15, 0})
	bases := [3]string{strings.Repeat("abcdefgh", MaxText/8+2), strings.Repeat("ab", MaxText/2+8), strings.Repeat("a", MaxText+16)}
	f.Fuzz(func(t *testing.T, ops []byte) {
		var m Memo[int]
		type key struct {
			text string
			flag bool
		}
		ref := map[key]int{}
		for i := 0; i+4 <= len(ops) && i < 4*512; i += 4 {
			op := ops[i : i+4]
			n := int(binary.LittleEndian.Uint16(op[2:])) % (MaxText + 9)
			b := []byte(bases[op[1]>>1%3][:n])
			if n > 0 {
				b[int(op[1])*7%n] = 'Z'
			}
			k := key{string(b), op[1]&1 == 1}
			if op[0]&1 == 0 {
				m.Store(k.text, k.flag, i)
				ref[k] = i
				continue
			}
			v, ok := m.Lookup(k.text, k.flag)
			if want, known := ref[k]; ok && (!known || v != want) {
				t.Fatalf("op %d: lookup of %d bytes gave %d, stored %d (known %v)", i/4, n, v, want, known)
			}
		}
	})
}
