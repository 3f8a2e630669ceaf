//go:build !race

package denylist

import (
	"strings"
	"testing"
)

func TestFindDoesNotAllocate(t *testing.T) {
	m, _, err := newMatcher([]string{"ignore previous", "système", "password"}, false, false)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("Quelle est la capitale de la France? Ünïcödé ", 30)
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := m.Find(text); ok {
			t.Fatal("unexpected match")
		}
	})
	if allocs != 0 {
		t.Fatalf("Find allocates %v times per call", allocs)
	}
}
