package extismguard

import (
	"testing"
)

func uleb(v uint32) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

func section(id byte, body []byte) []byte {
	return append(append([]byte{id}, uleb(uint32(len(body)))...), body...)
}

func wasmName(s string) []byte { return append(uleb(uint32(len(s))), s...) }

// moduleWithImports assembles a module with one function type () -> () and
// one function import of that type per (module, field) pair, preceded by a
// custom section and by a memory import (to exercise limits parsing).
func moduleWithImports(t testing.TB, imports ...[2]string) []byte {
	t.Helper()
	m := []byte("\x00asm\x01\x00\x00\x00")
	m = append(m, section(0, append(wasmName("note"), 1, 2, 3))...)
	m = append(m, section(1, []byte{1, 0x60, 0, 0})...)
	body := uleb(uint32(len(imports) + 1))
	body = append(body, wasmName("env")...)
	body = append(body, wasmName("mem")...)
	body = append(body, 0x02, 0x01, 0x01, 0x80, 0x01) // memory, min 1 max 128
	for _, im := range imports {
		body = append(body, wasmName(im[0])...)
		body = append(body, wasmName(im[1])...)
		body = append(body, 0x00, 0x00)
	}
	return append(m, section(2, body)...)
}

func TestIsExtism(t *testing.T) {
	ext := moduleWithImports(t, [2]string{"wasi_snapshot_preview1", "fd_write"}, [2]string{"extism:host/env", "alloc"})
	tests := []struct {
		name string
		wasm []byte
		want bool
	}{
		{"example guard", exampleWasm, true},
		{"fixture", misbehaveWasm, true},
		{"extism import", ext, true},
		{"other imports", moduleWithImports(t, [2]string{"env", "f"}), false},
		{"similar name", moduleWithImports(t, [2]string{"extism:host/envx", "f"}), false},
		{"no imports", []byte("\x00asm\x01\x00\x00\x00"), false},
		{"nil", nil, false},
		{"bad magic", []byte("\x00asn\x01\x00\x00\x00"), false},
		{"truncated", ext[:len(ext)-3], false},
		{"section size past end", append([]byte("\x00asm\x01\x00\x00\x00"), 2, 0xff, 0xff, 0x03), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsExtism(tc.wasm); got != tc.want {
				t.Fatalf("IsExtism = %v, want %v", got, tc.want)
			}
		})
	}
}

func FuzzIsExtism(f *testing.F) {
	f.Add(moduleWithImports(f, [2]string{"extism:host/env", "alloc"}))
	f.Add(misbehaveWasm)
	f.Fuzz(func(t *testing.T, b []byte) {
		IsExtism(b) // must not panic
	})
}
