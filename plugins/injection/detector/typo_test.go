package detector

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestTypoTwins: no misspelt twin is a word of the system's word lists
// (Debian's wamerican, wbritish, wfrench, wngerman, wspanish, witalian,
// wportuguese, which .ci/run installs), so that a twin fires only on a
// misspelling; the words that misspell makes are listed in typoWords.
func TestTypoTwins(t *testing.T) {
	lists := []string{"american-english", "british-english", "french", "ngerman", "spanish", "italian", "portuguese"}
	dict := map[string]bool{}
	for _, f := range lists {
		fh, err := os.Open("/usr/share/dict/" + f)
		if err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%v (CI installs the word lists)", err)
			}
			t.Skipf("%v: install the Debian word lists to run this test", err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			var st Stats
			dict[string(Normalize(nil, sc.Text(), &st))] = true
		}
		fh.Close()
	}
	var words []string
	for w := range typoAnchors {
		for _, m := range misspellings(w) {
			if dict[m] {
				words = append(words, m)
			}
		}
	}
	if len(words) > 0 {
		t.Errorf("twins that are words, add them to typoWords: %s", strings.Join(words, " "))
	}
	for w := range typoWords {
		if !dict[w] {
			t.Errorf("typoWords holds %q, which is in no word list", w)
		}
	}
}

func TestMisspell(t *testing.T) {
	got := strings.Join(misspell("ignore"), " ")
	want := "ingore igonre ignroe ignoer inore igore ignre ignoe ignor"
	if got != want {
		t.Errorf("misspell(ignore) = %q, want %q", got, want)
	}
	if got := misspell("prior"); len(got) != 3 {
		t.Errorf("misspell(prior) = %q: five letters, swaps only", got)
	}
}

// TestTypoAnchorsUsed: every anchor is a one-word keyword of a typoClass
// class, and every typoClass class holds one (else it has no twins, and
// the table only looks as if it did).
func TestTypoAnchorsUsed(t *testing.T) {
	usedAnchor, usedClass := map[string]bool{}, map[uint8]bool{}
	var st Stats
	for c := uint8(0); c < numClasses; c++ {
		if !typoClass[c] {
			continue
		}
		for _, w := range strings.Split(classWords[c], "|") {
			st.Reset()
			if n := string(Normalize(nil, strings.TrimSuffix(w, "*"), &st)); typoAnchors[n] {
				usedAnchor[n], usedClass[c] = true, true
			}
		}
	}
	for a := range typoAnchors {
		if !usedAnchor[a] {
			t.Errorf("anchor %q is no one-word keyword of a typoClass class", a)
		}
	}
	for c := uint8(0); c < numClasses; c++ {
		if typoClass[c] && !usedClass[c] {
			t.Errorf("typoClass holds class %d, which has no anchor", c)
		}
	}
}
