package audittest

import (
	"strings"
	"testing"

	"github.com/wardgate/ward/sdk/detect"
)

// TestSamplesAreDetected: every sample is found by sdk/detect, so a test
// that does not find it in a log proves the masking, not a miss.
func TestSamplesAreDetected(t *testing.T) {
	for seed := uint32(1); seed <= 3; seed++ {
		for _, s := range Samples(seed) {
			f := detect.Secrets(s.Text, nil)
			f = detect.PII(s.Text, f, nil)
			found := false
			for _, x := range f {
				if x.Start <= strings.Index(s.Text, s.Value) && x.End >= strings.Index(s.Text, s.Value)+len(s.Value) {
					found = true
				}
			}
			if !found {
				t.Errorf("seed %d: %s %q not detected (findings %+v)", seed, s.Kind, s.Value, f)
			}
		}
	}
}
