//go:build race

package audit

// raceEnabled: the race detector is on (tests that walk many logs walk
// fewer).
const raceEnabled = true
