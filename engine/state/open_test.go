package state

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestOpen(t *testing.T) {
	cases := []struct {
		name    string
		opts    Options
		want    string // type of the store, or
		wantErr string // a fragment of the error
	}{
		{"default is memory", Options{}, "*state.Memory", ""},
		{"memory", Options{Backend: "memory", MaxKeys: 10}, "*state.Memory", ""},
		{"redis", Options{Backend: "redis", RedisURL: "redis://127.0.0.1:1/0", Timeout: 10 * time.Millisecond}, "*state.Redis", ""},
		{"redis without URL", Options{Backend: "redis"}, "", "URL is required"},
		{"unknown backend", Options{Backend: "memcached"}, "", `unknown backend "memcached" (want memory|redis)`},
		{"conflicting metrics", Options{Registerer: conflictingRegistry(t)}, "", "registering metrics"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := typeName(s); got != tc.want {
				t.Fatalf("store is %s, want %s", got, tc.want)
			}
		})
	}
}

func TestOpenMemoryMaxKeys(t *testing.T) {
	s, err := Open(Options{MaxKeys: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Incr(ctx, "a", 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Incr(ctx, "b", 1, time.Minute); err == nil {
		t.Fatal("second key accepted with MaxKeys 1")
	}
}

// conflictingRegistry holds a different collector under the name of the
// operations counter.
func conflictingRegistry(t *testing.T) prometheus.Registerer {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "ward_state_operations_total", Help: "other"}))
	return reg
}

func typeName(s Store) string {
	switch s.(type) {
	case *Memory:
		return "*state.Memory"
	case *Redis:
		return "*state.Redis"
	}
	return "?"
}
