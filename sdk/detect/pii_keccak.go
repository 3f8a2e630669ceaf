package detect

import "math/bits"

// keccak256 is the original Keccak-256 (pad 0x01, as used by Ethereum and
// EIP-55; not FIPS-202 SHA3-256, which pads with 0x06). Inputs here are
// short (40 bytes), so one absorbing block suffices for them, but any
// length is handled.
func keccak256(in []byte) (out [32]byte) {
	var st [25]uint64
	const rate = 136
	for len(in) >= rate {
		for i := 0; i < rate/8; i++ {
			st[i] ^= le64(in[i*8:])
		}
		keccakF(&st)
		in = in[rate:]
	}
	var block [rate]byte
	copy(block[:], in)
	block[len(in)] ^= 0x01
	block[rate-1] ^= 0x80
	for i := 0; i < rate/8; i++ {
		st[i] ^= le64(block[i*8:])
	}
	keccakF(&st)
	for i := 0; i < 4; i++ {
		v := st[i]
		for j := 0; j < 8; j++ {
			out[i*8+j] = byte(v >> (8 * j))
		}
	}
	return out
}

func le64(b []byte) uint64 {
	_ = b[7]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

var keccakRC = [24]uint64{
	0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
	0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
	0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
	0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
	0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
	0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
}

// keccakF is the Keccak-f[1600] permutation. The five-lane steps (theta,
// chi) are written out over locals: array indexing modulo 5 made it
// several times slower, inside Wasm most of all.
func keccakF(a *[25]uint64) {
	for r := 0; r < 24; r++ {
		// Theta: xor each lane with the parities of two nearby columns.
		c0 := a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20]
		c1 := a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21]
		c2 := a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22]
		c3 := a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23]
		c4 := a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24]
		d0 := c4 ^ bits.RotateLeft64(c1, 1)
		d1 := c0 ^ bits.RotateLeft64(c2, 1)
		d2 := c1 ^ bits.RotateLeft64(c3, 1)
		d3 := c2 ^ bits.RotateLeft64(c4, 1)
		d4 := c3 ^ bits.RotateLeft64(c0, 1)
		for j := 0; j < 25; j += 5 {
			a[j] ^= d0
			a[j+1] ^= d1
			a[j+2] ^= d2
			a[j+3] ^= d3
			a[j+4] ^= d4
		}
		// Rho and pi: rotate each lane and move it, along the cycle of
		// lane positions that starts at 1.
		t := a[1]
		t, a[10] = a[10], bits.RotateLeft64(t, 1)
		t, a[7] = a[7], bits.RotateLeft64(t, 3)
		t, a[11] = a[11], bits.RotateLeft64(t, 6)
		t, a[17] = a[17], bits.RotateLeft64(t, 10)
		t, a[18] = a[18], bits.RotateLeft64(t, 15)
		t, a[3] = a[3], bits.RotateLeft64(t, 21)
		t, a[5] = a[5], bits.RotateLeft64(t, 28)
		t, a[16] = a[16], bits.RotateLeft64(t, 36)
		t, a[8] = a[8], bits.RotateLeft64(t, 45)
		t, a[21] = a[21], bits.RotateLeft64(t, 55)
		t, a[24] = a[24], bits.RotateLeft64(t, 2)
		t, a[4] = a[4], bits.RotateLeft64(t, 14)
		t, a[15] = a[15], bits.RotateLeft64(t, 27)
		t, a[23] = a[23], bits.RotateLeft64(t, 41)
		t, a[19] = a[19], bits.RotateLeft64(t, 56)
		t, a[13] = a[13], bits.RotateLeft64(t, 8)
		t, a[12] = a[12], bits.RotateLeft64(t, 25)
		t, a[2] = a[2], bits.RotateLeft64(t, 43)
		t, a[20] = a[20], bits.RotateLeft64(t, 62)
		t, a[14] = a[14], bits.RotateLeft64(t, 18)
		t, a[22] = a[22], bits.RotateLeft64(t, 39)
		t, a[9] = a[9], bits.RotateLeft64(t, 61)
		t, a[6] = a[6], bits.RotateLeft64(t, 20)
		t, a[1] = a[1], bits.RotateLeft64(t, 44)
		// Chi: the only non-linear step, row by row.
		for j := 0; j < 25; j += 5 {
			b0, b1, b2, b3, b4 := a[j], a[j+1], a[j+2], a[j+3], a[j+4]
			a[j] = b0 ^ ^b1&b2
			a[j+1] = b1 ^ ^b2&b3
			a[j+2] = b2 ^ ^b3&b4
			a[j+3] = b3 ^ ^b4&b0
			a[j+4] = b4 ^ ^b0&b1
		}
		// Iota.
		a[0] ^= keccakRC[r]
	}
}
