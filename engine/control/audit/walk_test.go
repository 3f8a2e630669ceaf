package audit

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The walk line by line as it was before walk.go spread it over workers,
// kept as the reference of TestWalkMatchesReference.

func hashHex(line []byte) string {
	h := sha256.Sum256(line)
	return hashPrefix + hex.EncodeToString(h[:])
}

// refWalk is Walk as it was.
func refWalk(paths []string, head *Head, fn func(file string, lineNo int, line []byte, l *Link) error) (*Summary, error) {
	files, err := order(paths)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, f := range files {
			f.f.Close()
		}
	}()
	s := &Summary{}
	var (
		have       bool
		expectSeq  uint64
		expectPrev string
		prevFile   string
		prevLine   int
		buf        []byte
		links      linkParser
	)
	for fi, f := range files {
		s.Files = append(s.Files, f.path)
		for {
			line, complete, err := f.next(buf)
			if err == io.EOF {
				break
			}
			if err != nil {
				return s, err
			}
			buf = line
			if !complete {
				return s, &Problem{File: f.path, Line: f.line, Kind: "incomplete",
					What: "the last line is cut short (a crash during a write, or a truncation)"}
			}
			l, err := links.parse(line)
			if err != nil {
				return s, &Problem{File: f.path, Line: f.line, Kind: "not_a_record", What: err.Error() + " (edited?)"}
			}
			seq := *l.Seq
			if f.line == 1 && l.Kind != "start" {
				return s, &Problem{File: f.path, Line: 1, Seq: seq, Kind: "no_start",
					What: fmt.Sprintf("the file does not begin with a start record (seq %d): its first records were removed, or the file was edited", seq)}
			}
			if !have {
				have = true
				s.First = seq
				s.FromGenesis = seq == 0 && l.Prev == zeroHash
			} else {
				switch {
				case seq == expectSeq && l.Prev != expectPrev:
					return s, &Problem{File: prevFile, Line: prevLine, Seq: seq - 1, Kind: "edited",
						What: fmt.Sprintf("record seq %d was changed: its hash is not the prev of seq %d (%s:%d)", seq-1, seq, f.path, f.line)}
				case seq == expectSeq:
				case seq == 0 && l.Kind == "start" && l.Prev == zeroHash:
					return s, &Problem{File: f.path, Line: f.line, Seq: seq, Kind: "new_chain",
						What: fmt.Sprintf("a new chain begins here after seq %d (the log of another run appended, or the chain was lost)", expectSeq-1)}
				case seq > expectSeq && f.line == 1:
					return s, &Problem{File: f.path, Line: 0, Seq: expectSeq, Kind: "missing_file",
						What: fmt.Sprintf("records seq %d..%d are missing between %s and %s (a file was removed or not given)", expectSeq, seq-1, files[fi-1].path, f.path)}
				case seq > expectSeq:
					if at := lookAhead(f.path, f.line, expectSeq); at > 0 {
						return s, &Problem{File: f.path, Line: f.line, Seq: seq, Kind: "reordered",
							What: fmt.Sprintf("seq %d comes before seq %d (line %d)", seq, expectSeq, at)}
					}
					what := fmt.Sprintf("record seq %d is missing before this one", expectSeq)
					if seq-expectSeq > 1 {
						what = fmt.Sprintf("records seq %d..%d are missing before this one", expectSeq, seq-1)
					}
					return s, &Problem{File: f.path, Line: f.line, Seq: expectSeq, Kind: "deleted", What: what}
				default:
					return s, &Problem{File: f.path, Line: f.line, Seq: seq, Kind: "reordered",
						What: fmt.Sprintf("seq %d comes after seq %d (moved or duplicated)", seq, expectSeq-1)}
				}
			}
			h := hashHex(line)
			if head != nil && seq == head.Seq && h != head.Hash {
				return s, &Problem{File: f.path, Line: f.line, Seq: seq, Kind: "head_mismatch",
					What: fmt.Sprintf("record seq %d differs from the checkpoint %s", seq, head.Hash)}
			}
			if l.CT != "" {
				s.Sealed++
			}
			if fn != nil {
				if err := fn(f.path, f.line, line, &l); err != nil {
					return s, err
				}
			}
			s.Records++
			s.Last = Head{Seq: seq, Hash: h}
			expectSeq, expectPrev, prevFile, prevLine = seq+1, h, f.path, f.line
		}
	}
	if !have {
		return s, &Problem{File: strings.Join(paths, ","), Kind: "no_start", What: "no records"}
	}
	if head != nil {
		if head.Seq > s.Last.Seq {
			return s, &Problem{File: files[len(files)-1].path, Seq: head.Seq, Kind: "truncated",
				What: fmt.Sprintf("the checkpoint names seq %d but the log ends at seq %d: newer records or files were removed", head.Seq, s.Last.Seq)}
		}
		if head.Seq < s.First {
			return s, &Problem{File: files[0].path, Seq: head.Seq, Kind: "truncated",
				What: fmt.Sprintf("the checkpoint names seq %d but the files given begin at seq %d", head.Seq, s.First)}
		}
	}
	return s, nil
}

// refRead is Read as it was.
func refRead(paths []string, keys *Keyring, w io.Writer) (*Summary, error) {
	// The chain is checked and every record opened first, so that nothing
	// is printed from a log that does not verify or open.
	var pt []byte
	open := func(file string, n int, line []byte, l *Link) error {
		var err error
		pt, err = Open(pt[:0], line, l, keys)
		if err != nil {
			return fmt.Errorf("%s:%d: record seq %d: %w", file, n, *l.Seq, err)
		}
		return nil
	}
	if _, err := refWalk(paths, nil, open); err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	s, err := refWalk(paths, nil, func(file string, n int, line []byte, l *Link) error {
		if err := open(file, n, line, l); err != nil {
			return err
		}
		bw.Write(pt)
		return bw.WriteByte('\n')
	})
	clear(pt)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return s, err
}

// refSummarise is Summarise as it was.
func refSummarise(paths []string, keys *Keyring, from, to time.Time) (*Report, error) {
	s := NewSummariser(from, to)
	var pt []byte
	sum, err := refWalk(paths, nil, func(file string, n int, line []byte, l *Link) error {
		var err error
		if pt, err = Open(pt[:0], line, l, keys); err != nil {
			return fmt.Errorf("%s:%d: record seq %d: %w", file, n, *l.Seq, err)
		}
		// A plain line was checked as JSON by Walk (parseLink).
		if err := s.add(pt, l.CT == ""); err != nil {
			return fmt.Errorf("%s:%d: %w", file, n, err)
		}
		return nil
	})
	clear(pt)
	var files []string
	if sum != nil {
		files = sum.Files
	}
	chain := "verified"
	if err != nil {
		p, ok := err.(*Problem)
		if !ok {
			return nil, err
		}
		chain = "BROKEN: " + p.Error()
	} else {
		chain = fmt.Sprintf("verified (seq %d..%d, last %s)", sum.First, sum.Last.Seq, sum.Last.Hash)
	}
	return s.Report(files, chain), err
}

// walkConfigs are the configurations the parallel walk is compared in:
// one worker, batches of one line, batches ending at file and batch
// boundaries anywhere, batches cut by size, and the default.
var walkConfigs = []walkConfig{
	{workers: 1, batchLines: 1},
	{workers: 2, batchLines: 2},
	{workers: 3, batchLines: 3, batchBytes: 900},
	{workers: 4, batchLines: 7},
	{},
}

// sameError reports how got differs from the reference's error: its
// message, its type, what it wraps, a *Problem's fields, ErrWrongKey.
func sameError(got, want error) string {
	switch {
	case got == nil && want == nil:
		return ""
	case got == nil || want == nil:
		return fmt.Sprintf("error %v, reference %v", got, want)
	case got.Error() != want.Error():
		return fmt.Sprintf("error %q, reference %q", got, want)
	case reflect.TypeOf(got) != reflect.TypeOf(want) || reflect.TypeOf(errors.Unwrap(got)) != reflect.TypeOf(errors.Unwrap(want)):
		return fmt.Sprintf("error %T (%T), reference %T (%T)", got, errors.Unwrap(got), want, errors.Unwrap(want))
	case errors.Is(got, ErrWrongKey) != errors.Is(want, ErrWrongKey):
		return fmt.Sprintf("error %v is ErrWrongKey: %v", got, errors.Is(got, ErrWrongKey))
	}
	var gp, wp *Problem
	if errors.As(got, &gp) != errors.As(want, &wp) || gp != nil && *gp != *wp {
		return fmt.Sprintf("problem %+v, reference %+v", gp, wp)
	}
	return ""
}

type walkCall struct {
	file string
	n    int
	line string
	l    Link
	seq  uint64
}

// compareWalks runs Summarise, Verify (with head), Read and Walk with a
// callback that fails at its failAt-th call, the reference way and the
// parallel way in every walkConfig, and reports the first difference.
func compareWalks(t *testing.T, name string, files []string, keys *Keyring, head *Head, failAt int) {
	t.Helper()
	from, to := testNow.Add(-3*24*time.Hour), testNow
	wantR, wantErr := refSummarise(files, keys, from, to)
	wantS, wantVErr := refWalk(files, head, nil)
	var wantOut bytes.Buffer
	wantRS, wantRErr := refRead(files, keys, &wantOut)
	var wantCalls []walkCall
	record := func(calls *[]walkCall) func(file string, n int, line []byte, l *Link) error {
		return func(file string, n int, line []byte, l *Link) error {
			*calls = append(*calls, walkCall{file, n, string(line), *l, *l.Seq})
			if len(*calls) == failAt {
				return fmt.Errorf("stop at %d", failAt)
			}
			return nil
		}
	}
	wantWS, wantWErr := refWalk(files, head, record(&wantCalls))
	configs := walkConfigs
	if raceEnabled {
		configs = []walkConfig{{workers: 2, batchLines: 2}, {workers: 4, batchLines: 7}}
	}
	for _, cfg := range configs {
		where := fmt.Sprintf("%s, %+v", name, cfg)
		r, err := summarise(files, keys, from, to, cfg)
		if d := sameError(err, wantErr); d != "" {
			t.Fatalf("%s: Summarise: %s", where, d)
		}
		if !reflect.DeepEqual(r, wantR) {
			t.Fatalf("%s: Summarise = %+v, reference %+v", where, r, wantR)
		}
		if r != nil {
			var got, want bytes.Buffer
			r.WriteJSON(&got)
			wantR.WriteJSON(&want)
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("%s: report %s, reference %s", where, got.Bytes(), want.Bytes())
			}
		}
		s, err := walk(files, head, cfg, nil)
		if d := sameError(err, wantVErr); d != "" {
			t.Fatalf("%s: Verify: %s", where, d)
		}
		if !reflect.DeepEqual(s, wantS) {
			t.Fatalf("%s: Verify = %+v, reference %+v", where, s, wantS)
		}
		var out bytes.Buffer
		s, err = read(files, keys, &out, cfg)
		if d := sameError(err, wantRErr); d != "" {
			t.Fatalf("%s: Read: %s", where, d)
		}
		if !reflect.DeepEqual(s, wantRS) || !bytes.Equal(out.Bytes(), wantOut.Bytes()) {
			t.Fatalf("%s: Read = %+v, %d bytes; reference %+v, %d bytes", where, s, out.Len(), wantRS, wantOut.Len())
		}
		var calls []walkCall
		fn := record(&calls)
		s, err = walk(files, head, cfg, func(file string, n int, line []byte, sl *slot) error { return fn(file, n, line, &sl.l) })
		if d := sameError(err, wantWErr); d != "" {
			t.Fatalf("%s: Walk: %s", where, d)
		}
		if !reflect.DeepEqual(s, wantWS) || !reflect.DeepEqual(calls, wantCalls) {
			t.Fatalf("%s: Walk = %+v after %d calls; reference %+v after %d", where, s, len(calls), wantWS, len(wantCalls))
		}
	}
}

var prevRE = regexp.MustCompile(`"prev":"sha256:[0-9a-f]{64}"`)

// rechain sets the prev of every line after k to the hash of the line
// before it, as someone rewriting the log from k on would.
func rechain(ls []string, k int) {
	for i := k + 1; i < len(ls); i++ {
		h := hashHex([]byte(strings.TrimSuffix(ls[i-1], "\n")))
		ls[i] = prevRE.ReplaceAllLiteralString(ls[i], `"prev":"`+h+`"`)
	}
}

// TestWalkMatchesReference: the walk on workers gives what the walk line
// by line gave (the report, the summary, the opened records, the calls,
// and every error with its message, type and place) over plain and sealed
// logs, untouched and tampered with at the first, last, middle and random
// records and around batch boundaries, with the right key, a wrong one and
// none, with and without a checkpoint.
func TestWalkMatchesReference(t *testing.T) {
	keys, _ := ParseKeys("k:" + testKey(1))
	wrong, _ := ParseKeys("k:" + testKey(2))
	for _, c := range []struct {
		name string
		keys *Keyring
		week bool
	}{{"plain", nil, true}, {"sealed", keys, true}, {"report plain", nil, false}, {"report sealed", keys, false}} {
		t.Run(c.name, func(t *testing.T) {
			src := t.TempDir()
			var paths []string
			if c.week {
				paths = weekLog(t, src, 100, 12<<10, c.keys)
			} else {
				paths = reportLog(t, src, c.keys)
			}
			// The files in chain order (newest first on disk: path, path.1, ...).
			files := logFiles(t, filepath.Join(src, "audit.log"))
			if len(files) != len(paths) || len(files) < 2 {
				t.Fatalf("files %v, %v", files, paths)
			}
			var orig [][]string
			for i := len(files) - 1; i >= 0; i-- {
				ls := lines(t, files[i])
				ls[len(ls)-1] += "\n"
				orig = append(orig, ls)
			}
			dir := t.TempDir()
			names := make([]string, len(orig))
			for i := range orig {
				names[i] = filepath.Join(dir, "audit.log."+strconv.Itoa(len(orig)-1-i))
			}
			write := func(fs [][]string) []string {
				for _, p := range names {
					os.Remove(p)
				}
				var out []string
				for i, ls := range fs {
					if ls == nil {
						continue // removed
					}
					b := []byte(strings.Join(ls, ""))
					if err := os.WriteFile(names[i], b, 0o600); err != nil {
						t.Fatal(err)
					}
					out = append(out, names[i])
				}
				return out
			}
			total := 0
			for _, ls := range orig {
				total += len(ls)
			}
			ks := []*Keyring{c.keys}
			if c.keys != nil {
				ks = append(ks, wrong, nil)
			}
			// Untouched: every key, checkpoints right and wrong, older
			// files left out.
			var all []string
			for _, ls := range orig {
				all = append(all, ls...)
			}
			headAt := func(i int) *Head {
				return &Head{Seq: uint64(i), Hash: hashHex([]byte(strings.TrimSuffix(all[i], "\n")))}
			}
			for _, k := range ks {
				fs := write(orig)
				for _, h := range []*Head{nil, headAt(0), headAt(total / 2), headAt(total - 1),
					{Seq: uint64(total / 3), Hash: headAt(1).Hash}, {Seq: uint64(total + 5), Hash: headAt(1).Hash}} {
					compareWalks(t, fmt.Sprintf("untouched, head %v", h), fs, k, h, total/2)
				}
				compareWalks(t, "newest files", fs[len(fs)/2:], k, headAt(1), 3)
				compareWalks(t, "fn fails at first", fs, k, nil, 1)
			}
			// Tampered with at line k of the whole log.
			rng := rand.New(rand.NewPCG(1, uint64(len(c.name))))
			// First and last records, around the boundaries of batches of
			// 2, 3, 7 and 64 lines (walkConfigs), the middle, at random.
			positions := []int{0, 1, 2, 3, 6, 7, 8, 14, 15, 63, 64, total / 2, total - 2, total - 1}
			if raceEnabled {
				positions = []int{0, 7, total / 2, total - 1} // 10x slower: the boundaries of each size once
			}
			for range 2 {
				positions = append(positions, rng.IntN(total))
			}
			edit := func(s string) string {
				b := []byte(s)
				for i := rng.IntN(len(b) - 1); ; i = (i + 1) % (len(b) - 1) {
					switch ch := b[i]; {
					case ch >= 'a' && ch <= 'y', ch >= 'A' && ch <= 'Y', ch >= '0' && ch <= '8':
						b[i]++
						return string(b)
					}
				}
			}
			mutations := []struct {
				name string
				fn   func(ls []string, k int) []string
			}{
				{"edited", func(ls []string, k int) []string { ls[k] = edit(ls[k]); return ls }},
				{"deleted", func(ls []string, k int) []string { return append(ls[:k], ls[k+1:]...) }},
				{"swapped", func(ls []string, k int) []string {
					if k+1 < len(ls) {
						ls[k], ls[k+1] = ls[k+1], ls[k]
					}
					return ls
				}},
				{"duplicated", func(ls []string, k int) []string { return append(ls[:k+1], ls[k:]...) }},
				{"garbage", func(ls []string, k int) []string { ls[k] = "{oops\n"; return ls }},
				{"cut", func(ls []string, k int) []string { return append(ls[:k], ls[k][:len(ls[k])/2]) }},
				{"edited and rechained", func(ls []string, k int) []string {
					s := ls[k]
					switch {
					case strings.Contains(s, `"status":`):
						s = strings.Replace(s, `"status":`, `"status":"x","s":`, 1)
					case strings.Contains(s, `"time":"`):
						s = strings.Replace(s, `"time":"`, `"time":"x`, 1)
					default:
						s = edit(s)
					}
					ls[k] = s
					rechain(ls, k)
					return ls
				}},
				{"changed ciphertext, rechained", func(ls []string, k int) []string {
					if i := strings.Index(ls[k], `"ct":"`); i >= 0 {
						ls[k] = ls[k][:i+6] + edit(ls[k][i+6:])
					}
					rechain(ls, k)
					return ls
				}},
			}
			for _, m := range mutations {
				for _, k := range positions {
					if k >= total {
						continue
					}
					// Tamper with line k of the whole log, then split it
					// back into its files.
					fs := make([][]string, len(orig))
					ls := append([]string(nil), all...)
					ls = m.fn(ls, k)
					at := 0
					for i := range orig {
						n := len(orig[i])
						if i == len(orig)-1 {
							n = len(ls) - at
						}
						n = min(n, len(ls)-at)
						fs[i] = ls[at : at+n]
						at += n
					}
					paths := write(fs)
					for _, key := range ks[:1] {
						compareWalks(t, fmt.Sprintf("%s at %d", m.name, k), paths, key, headAt(total-1), total)
					}
				}
			}
			// A file missing in the middle, and at the end.
			fs := append([][]string(nil), orig...)
			fs[1] = nil
			compareWalks(t, "missing file", write(fs), c.keys, nil, 0)
			fs = append([][]string(nil), orig...)
			fs[len(fs)-1] = nil
			compareWalks(t, "newest file missing", write(fs), c.keys, headAt(total-1), 0)
		})
	}
}

// TestWalkOneProc: with GOMAXPROCS=1 (one worker, two batches in flight)
// Summarise, Verify and Read give what the walk line by line gives.
func TestWalkOneProc(t *testing.T) {
	keys, _ := ParseKeys("k:" + testKey(1))
	n := 1500
	if raceEnabled {
		n = 500
	}
	files := weekLog(t, t.TempDir(), n, 128<<10, keys)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	from, to := testNow.Add(-3*24*time.Hour), testNow
	want, werr := refSummarise(files, keys, from, to)
	got, err := Summarise(files, keys, from, to)
	if werr != nil || err != nil || !reflect.DeepEqual(got, want) || got.Requests == 0 {
		t.Fatalf("Summarise = %+v, %v; reference %+v, %v", got, err, want, werr)
	}
	wantS, werr := refWalk(files, nil, nil)
	s, err := Verify(files, nil)
	if werr != nil || err != nil || !reflect.DeepEqual(s, wantS) {
		t.Fatalf("Verify = %+v, %v; reference %+v, %v", s, err, wantS, werr)
	}
	var gotOut, wantOut bytes.Buffer
	wantS, werr = refRead(files, keys, &wantOut)
	s, err = Read(files, keys, &gotOut)
	if werr != nil || err != nil || !reflect.DeepEqual(s, wantS) || !bytes.Equal(gotOut.Bytes(), wantOut.Bytes()) {
		t.Fatalf("Read = %+v, %v; reference %+v, %v", s, err, wantS, werr)
	}
}

// TestWalkClearsOpened: when a walk ends (through, or stopped by a break
// or fn's error), no slot's buffer holds what prep opened into it.
func TestWalkClearsOpened(t *testing.T) {
	files := writeLog(t, t.TempDir(), 300, 16<<10, nil)
	const secret = "SECRET-PLAINTEXT"
	var (
		mu    sync.Mutex
		slots map[*slot]bool
	)
	prep := func(sl *slot, line []byte) {
		// Longer and shorter records into the same slot.
		sl.out = append(sl.out[:0], strings.Repeat(secret, 1+int(*sl.l.Seq%7))...)
		mu.Lock()
		slots[sl] = true
		mu.Unlock()
	}
	for _, stopAt := range []int{0, 1, 9, 17, 30, 65, 100, 200} {
		slots = map[*slot]bool{}
		n := 0
		_, err := walk(files, nil, walkConfig{workers: 2, batchLines: 8, prep: prep}, func(string, int, []byte, *slot) error {
			if n++; n == stopAt {
				return errors.New("stop")
			}
			return nil
		})
		if (err != nil) != (stopAt > 0) || len(slots) == 0 {
			t.Fatalf("stop at %d: %v, %d slots used", stopAt, err, len(slots))
		}
		for sl := range slots {
			if bytes.Contains(sl.out[:cap(sl.out)], []byte(secret[:8])) {
				t.Fatalf("stop at %d: an opened record is left in a slot", stopAt)
			}
		}
	}
}
