//go:build wasip1

// Command goguest is a WASI reactor used by the fuel package's tests and
// benchmarks: a CPU-bound hash, an endless loop, and a function that pulls in
// enough of the standard library to make the module several megabytes.
package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

var buf [1024]byte

func init() {
	for i := range buf {
		buf[i] = byte(i*7 + 1)
	}
}

// hash returns FNV-1a over buf, repeated rounds times.
//
//go:wasmexport hash
func hash(rounds uint32) uint64 {
	h := uint64(14695981039346656037)
	for r := uint32(0); r < rounds; r++ {
		for _, c := range buf {
			h ^= uint64(c)
			h *= 1099511628211
		}
	}
	return h
}

var sink uint64

// spin never returns.
//
//go:wasmexport spin
func spin() {
	for i := uint64(0); ; i++ {
		sink = i
	}
}

// describe exercises fmt, encoding/json and regexp and returns a checksum of
// their output.
//
//go:wasmexport describe
func describe(n uint32) uint64 {
	type item struct {
		N    uint32   `json:"n"`
		Tags []string `json:"tags"`
	}
	b, err := json.Marshal(item{N: n, Tags: []string{fmt.Sprintf("x%03d", n), strings.Repeat("ab", int(n%5))}})
	if err != nil {
		return 0
	}
	re := regexp.MustCompile(`"x(\d+)"`)
	m := re.FindSubmatch(b)
	var h uint64 = uint64(len(b))
	for _, s := range m {
		for _, c := range s {
			h = h*31 + uint64(c)
		}
	}
	return h
}

func main() {}
