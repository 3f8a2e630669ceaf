//go:build pprof

package main

// A profiling build (go build -tags pprof ./cmd/ward) serves net/http/pprof
// on the address in WARD_PPROF (e.g. 127.0.0.1:6060), for profiling the
// gateway under load. Release builds do not contain it: pprof exposes
// memory contents and must never be reachable in production.

import (
	"log/slog"
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	addr := os.Getenv("WARD_PPROF")
	if addr == "" {
		return
	}
	go func() {
		if err := http.ListenAndServe(addr, nil); err != nil {
			slog.Error("pprof listener", "addr", addr, "err", err)
		}
	}()
}
