package audit

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wardgate/ward/engine/control/audit/audittest"
	"github.com/wardgate/ward/engine/proxy"
	"github.com/wardgate/ward/sdk/abi"
)

var testNow = time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)

func testKey(b byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)) }

// writeLog writes n request records through a Logger into dir/audit.log,
// rotated at maxSize, and returns the files (newest first: path, path.1, ...).
func writeLog(t *testing.T, dir string, n int, maxSize int64, keys *Keyring) []string {
	t.Helper()
	path := filepath.Join(dir, "audit.log")
	f, err := OpenRotating(path, maxSize, 100)
	if err != nil {
		t.Fatal(err)
	}
	l := New(Options{W: f, Keys: keys, Version: "test", Now: func() time.Time { return testNow }, Buffer: 1 << 12})
	r := sampleRecord()
	for i := range n {
		r.RequestID = fmt.Sprintf("req-%d", i)
		l.ObserveRequest(r)
		if i%50 == 49 {
			time.Sleep(time.Millisecond) // let the writer drain: nothing is dropped
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return logFiles(t, path)
}

func logFiles(t *testing.T, path string) []string {
	files := []string{path}
	for i := 1; ; i++ {
		p := fmt.Sprintf("%s.%d", path, i)
		if _, err := os.Stat(p); err != nil {
			break
		}
		files = append(files, p)
	}
	return files
}

func lines(t *testing.T, path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.SplitAfter(strings.TrimSuffix(string(b), "\n"), "\n")
}

func writeLines(t *testing.T, path string, ls []string) {
	s := strings.Join(ls, "")
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestChainVerifies(t *testing.T) {
	dir := t.TempDir()
	files := writeLog(t, dir, 200, 8<<10, nil)
	if len(files) < 4 {
		t.Fatalf("want several rotated files, got %v", files)
	}
	// Any order, and a repeated name, verifies the same.
	shuffled := append(slices.Clone(files[1:]), files[0], files[2])
	s, err := Verify(shuffled, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !s.FromGenesis || s.First != 0 || s.Records != 200+uint64(len(files)) || len(s.Files) != len(files) ||
		s.Files[0] != files[len(files)-1] || s.Files[len(s.Files)-1] != files[0] {
		t.Errorf("summary %+v for %v", s, files)
	}
	// Every file begins with a start record.
	for _, f := range files {
		var st struct{ Kind, Version string }
		if err := json.Unmarshal([]byte(lines(t, f)[0]), &st); err != nil || st.Kind != "start" || st.Version != "test" {
			t.Errorf("%s begins with %s", f, lines(t, f)[0])
		}
	}
	// Only the newest files: the chain is fine, it just does not begin at 0.
	s, err = Verify(files[:2], nil)
	if err != nil || s.FromGenesis {
		t.Errorf("newest two files: %+v %v", s, err)
	}
}

// TestChainBreaks: each way of tampering with the log is reported at the
// right place with the right kind.
func TestChainBreaks(t *testing.T) {
	for _, c := range []struct {
		name   string
		tamper func(t *testing.T, files []string) []string // returns the files to verify
		kind   string
		file   int // index into files (-1: any)
		line   int
	}{
		{"deleted", func(t *testing.T, files []string) []string {
			ls := lines(t, files[1])
			writeLines(t, files[1], slices.Delete(ls, 4, 5))
			return files
		}, "deleted", 1, 5},
		{"deleted last of file", func(t *testing.T, files []string) []string {
			ls := lines(t, files[2])
			writeLines(t, files[2], ls[:len(ls)-1])
			return files
		}, "missing_file", 1, 0},
		{"reordered", func(t *testing.T, files []string) []string {
			ls := lines(t, files[1])
			ls[3], ls[4] = ls[4], ls[3]
			writeLines(t, files[1], ls)
			return files
		}, "reordered", 1, 4},
		{"edited", func(t *testing.T, files []string) []string {
			ls := lines(t, files[1])
			ls[2] = strings.Replace(ls[2], `"status":403`, `"status":200`, 1)
			writeLines(t, files[1], ls)
			return files
		}, "edited", 1, 3},
		{"edited into garbage", func(t *testing.T, files []string) []string {
			ls := lines(t, files[1])
			ls[2] = "{oops\n"
			writeLines(t, files[1], ls)
			return files
		}, "not_a_record", 1, 3},
		{"missing middle file", func(t *testing.T, files []string) []string {
			return slices.Delete(slices.Clone(files), 2, 3)
		}, "missing_file", 1, 0},
		{"head of a file cut", func(t *testing.T, files []string) []string {
			ls := lines(t, files[1])
			writeLines(t, files[1], ls[1:])
			return files
		}, "no_start", 1, 1},
		{"cut mid-line", func(t *testing.T, files []string) []string {
			b, _ := os.ReadFile(files[0])
			os.WriteFile(files[0], b[:len(b)-10], 0o600)
			return files
		}, "incomplete", 0, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			files := writeLog(t, t.TempDir(), 120, 6<<10, nil)
			if len(files) < 4 {
				t.Fatalf("files %v", files)
			}
			_, err := Verify(c.tamper(t, files), nil)
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("got %v, want a %s problem", err, c.kind)
			}
			if p.Kind != c.kind || (c.file >= 0 && p.File != files[c.file]) || (c.line >= 0 && p.Line != c.line) {
				t.Errorf("got %v, want %s at %s:%d", p, c.kind, files[max(c.file, 0)], c.line)
			}
		})
	}
}

// TestChainCheckpoint: a chain cannot show that its newest records were
// removed; a checkpoint logged elsewhere can.
func TestChainCheckpoint(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.log")
	f, _ := OpenRotating(path, 1<<20, 3)
	var heads []Head
	l := New(Options{W: f, Checkpoint: 20 * time.Millisecond, OnCheckpoint: func(seq uint64, hash string) {
		heads = append(heads, Head{seq, hash})
	}})
	for range 10 {
		l.ObserveRequest(sampleRecord())
	}
	time.Sleep(100 * time.Millisecond)
	l.Close()
	if len(heads) == 0 {
		t.Fatal("no checkpoint")
	}
	head := heads[len(heads)-1]
	if head.Seq != 10 {
		t.Errorf("head %+v, want seq 10", head)
	}
	if _, err := Verify([]string{path}, &head); err != nil {
		t.Fatal(err)
	}
	ls := lines(t, path)
	writeLines(t, path, ls[:len(ls)-2])
	if _, err := Verify([]string{path}, nil); err != nil {
		t.Errorf("without the checkpoint the cut is not seen, got %v", err)
	}
	var p *Problem
	if _, err := Verify([]string{path}, &head); !errors.As(err, &p) || p.Kind != "truncated" {
		t.Errorf("got %v, want truncated", err)
	}
	if h, err := ParseHead(fmt.Sprintf("%d:%s", head.Seq, head.Hash)); err != nil || h != head {
		t.Errorf("ParseHead: %+v %v", h, err)
	}
}

// TestChainResumes: a restarted writer continues the chain of the file it
// finds, and a stdout log of two runs shows where the second began.
func TestChainResumes(t *testing.T) {
	dir := t.TempDir()
	writeLog(t, dir, 5, 1<<20, nil)
	files := writeLog(t, dir, 5, 1<<20, nil)
	s, err := Verify(files, nil)
	if err != nil || s.Records != 12 || len(files) != 1 {
		t.Fatalf("%+v %v %v", s, err, files)
	}
	if !strings.Contains(lines(t, files[0])[6], `"restart":true`) {
		t.Errorf("no restart record: %s", lines(t, files[0])[6])
	}

	// A cut last line: the next run goes on in a new file, verify reports
	// the cut.
	b, _ := os.ReadFile(files[0])
	os.WriteFile(files[0], b[:len(b)-5], 0o600)
	files = writeLog(t, dir, 3, 1<<20, nil)
	var p *Problem
	if _, err := Verify(files, nil); !errors.As(err, &p) || p.Kind != "incomplete" || p.File != files[1] {
		t.Errorf("got %v, want incomplete in %s", err, files[1])
	}

	var out bytes.Buffer
	for range 2 {
		l := New(Options{W: &out})
		l.ObserveRequest(sampleRecord())
		l.Close()
	}
	p2 := filepath.Join(dir, "stdout.log")
	os.WriteFile(p2, out.Bytes(), 0o600)
	if _, err := Verify([]string{p2}, nil); !errors.As(err, &p) || p.Kind != "new_chain" || p.Line != 3 {
		t.Errorf("got %v, want new_chain at line 3", err)
	}
}

func TestParseKeys(t *testing.T) {
	k, err := ParseKeys("# audit keys\nold:" + testKey(1) + "\n new:" + strings.TrimRight(testKey(2), "=") + " # current\nactive:new\n")
	if err != nil {
		t.Fatal(err)
	}
	if k.Active() != "new" || !slices.Equal(k.IDs(), []string{"old", "new"}) {
		t.Errorf("active %q ids %v", k.Active(), k.IDs())
	}
	if k, err := ParseKeys("a:" + testKey(1) + ",b:" + testKey(2)); err != nil || k.Active() != "a" {
		t.Errorf("comma list: %v %v", k, err)
	}
	short := base64.StdEncoding.EncodeToString([]byte("sixteen byte key"))
	for text, want := range map[string]string{
		"":                                      "no key given",
		"# nothing\n":                           "no key given",
		"k1" + testKey(1):                       "entry 1: want ID:BASE64KEY",
		"k1:" + short:                           "entry 1 (key \"k1\"): key is 16 bytes, want 32",
		"k1:***":                                "entry 1 (key \"k1\"): key is not base64",
		"k/1:" + testKey(1):                     `entry 1: invalid key id "k/1"`,
		"k:" + testKey(1) + "\nk:" + testKey(2): `entry 2: key id "k" given twice`,
		"k:" + testKey(1) + "\nactive:x":        `active key "x" is not in the list`,
	} {
		_, err := ParseKeys(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %s", text, err, want)
		}
		if err != nil && strings.Contains(err.Error(), testKey(1)[:20]) {
			t.Errorf("error quotes the key: %v", err)
		}
	}
}

// TestSealedRoundTrip: sealed records verify without the key, open with
// it into the same records a clear log holds, and fail cleanly otherwise.
func TestSealedRoundTrip(t *testing.T) {
	keys, _ := ParseKeys("k1:" + testKey(1))
	dir := t.TempDir()
	files := writeLog(t, dir, 60, 8<<10, keys)
	plain := writeLog(t, t.TempDir(), 60, 8<<10, nil)
	s, err := Verify(files, nil)
	if err != nil || s.Sealed != 60 {
		t.Fatalf("verify sealed: %+v %v", s, err)
	}
	all := strings.Join(func() []string {
		var ls []string
		for _, f := range files {
			ls = append(ls, lines(t, f)...)
		}
		return ls
	}(), "")
	if strings.Contains(all, "req-1") || strings.Contains(all, "alice") || strings.Contains(all, "denylist.phrase") {
		t.Fatal("sealed log holds clear text")
	}
	if !strings.Contains(all, `"kind":"start"`) || !strings.Contains(all, `"kid":"k1"`) {
		t.Error("start records lack kind or kid")
	}
	var got, want bytes.Buffer
	if _, err := Read(files, keys, &got); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(plain, nil, &want); err != nil {
		t.Fatal(err)
	}
	norm := func(b []byte) []string {
		var out []string
		for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("%v: %s", err, l)
			}
			delete(m, "prev")
			delete(m, "kid")
			delete(m, "seq")
			if m["kind"] == "start" {
				continue // files rotate at other records
			}
			j, _ := json.Marshal(m)
			out = append(out, string(j))
		}
		return out
	}
	if g, w := norm(got.Bytes()), norm(want.Bytes()); !slices.Equal(g, w) || len(g) != 60 {
		t.Errorf("sealed round trip: %d records, want %d equal to the clear log", len(g), len(w))
	}

	// A wrong key, no key, an unknown key id: a clear error naming the
	// file and line, nothing printed.
	wrong, _ := ParseKeys("k1:" + testKey(9))
	other, _ := ParseKeys("k2:" + testKey(1))
	for _, c := range []struct {
		keys *Keyring
		want error
		msg  string
	}{
		{wrong, ErrWrongKey, "wrong key"},
		{other, ErrUnknownKey, `"k1"`},
		{nil, nil, "a key file is needed"},
	} {
		var out bytes.Buffer
		_, err := Read(files, c.keys, &out)
		if err == nil || (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(err.Error(), c.msg) ||
			!strings.HasPrefix(err.Error(), files[len(files)-1]+":2: record seq 1") {
			t.Errorf("got %v, want %v", err, c.msg)
		}
		if out.Len() != 0 {
			t.Errorf("printed %q before failing", out.String())
		}
	}

	// A sealed record moved elsewhere (its seq and prev rewritten and the
	// chain recomputed) does not open: the position is authenticated.
	f := files[0]
	ls := lines(t, f)
	var a, b map[string]any
	json.Unmarshal([]byte(ls[1]), &a)
	json.Unmarshal([]byte(ls[2]), &b)
	a["nonce"], a["ct"] = b["nonce"], b["ct"]
	j, _ := json.Marshal(a)
	ls[1] = string(j) + "\n"
	writeLines(t, f, ls[:2]) // keep the chain valid: the moved record is the last
	var out bytes.Buffer
	if _, err := Read([]string{f}, keys, &out); !errors.Is(err, ErrWrongKey) {
		t.Errorf("moved record: got %v", err)
	}
}

// TestKeyRotation: files sealed with an old key stay readable by its id
// once a new key is active.
func TestKeyRotation(t *testing.T) {
	dir := t.TempDir()
	k1, _ := ParseKeys("k1:" + testKey(1))
	writeLog(t, dir, 30, 4<<10, k1)
	both, _ := ParseKeys("k1:" + testKey(1) + "\nk2:" + testKey(2) + "\nactive:k2")
	files := writeLog(t, dir, 30, 4<<10, both)
	var out bytes.Buffer
	if _, err := Read(files, both, &out); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), `"request_id"`); n != 60 {
		t.Errorf("%d records read, want 60", n)
	}
	var used []string
	for _, f := range files {
		for _, l := range lines(t, f) {
			var k struct{ Kid string }
			json.Unmarshal([]byte(l), &k)
			if k.Kid != "" && !slices.Contains(used, k.Kid) {
				used = append(used, k.Kid)
			}
		}
	}
	slices.Sort(used)
	if !slices.Equal(used, []string{"k1", "k2"}) {
		t.Errorf("key ids used %v", used)
	}
	onlyNew, _ := ParseKeys("k2:" + testKey(2))
	if _, err := Read(files, onlyNew, &bytes.Buffer{}); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("old files without the old key: %v", err)
	}
}

func TestLogRecord(t *testing.T) {
	var out bytes.Buffer
	l := New(Options{W: &out})
	if err := l.LogRecord([]byte(`{"kind":"admin","operator":"ops","action":"reload"}` + "\n")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "[1]", "{\n}", "nope"} {
		if l.LogRecord([]byte(bad)) == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	l.Close()
	if err := l.LogRecord([]byte(`{}`)); err != ErrClosed {
		t.Errorf("after close: %v", err)
	}
	ls := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(ls) != 2 || !strings.HasPrefix(ls[1], `{"seq":1,"prev":"sha256:`) || !strings.HasSuffix(ls[1], `,"kind":"admin","operator":"ops","action":"reload"}`) {
		t.Errorf("lines %q", ls)
	}
}

// TestMaskedPrompts: the prompt and answer are masked before they are
// written, cut to PromptMax, and the raw values appear nowhere.
func TestMaskedPrompts(t *testing.T) {
	var raw []string
	r := sampleRecord()
	r.Prompt = []abi.Message{{Role: "system", Text: "be nice"}}
	for _, s := range audittest.Samples(1) {
		raw = append(raw, s.Value)
		r.Prompt = append(r.Prompt, abi.Message{Role: "user", Text: s.Text})
	}
	mail := audittest.Samples(1)[8].Value
	r.Answer = []abi.Message{{Role: "assistant", Text: "ok, writing to " + mail + strings.Repeat(" blah", 2000)}}
	var out bytes.Buffer
	keys, _ := ParseKeys("k:" + testKey(3))
	for _, k := range []*Keyring{nil, keys} {
		out.Reset()
		l := New(Options{W: &out, Prompts: true, PromptMax: 2048, Keys: k})
		l.ObserveRequest(r)
		l.ObserveRequest(&proxy.Record{RequestID: "no-exchange"})
		l.Close()
		log := out.String()
		if k != nil {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "a.log"), out.Bytes(), 0o600)
			var plain bytes.Buffer
			if _, err := Read([]string{filepath.Join(dir, "a.log")}, keys, &plain); err != nil {
				t.Fatal(err)
			}
			log = plain.String()
		}
		for _, s := range raw {
			if strings.Contains(log, s) {
				t.Errorf("log holds %q", s)
			}
		}
		var rec struct{ Prompt, Answer *string }
		if err := json.Unmarshal([]byte(strings.Split(log, "\n")[1]), &rec); err != nil || rec.Prompt == nil || rec.Answer == nil {
			t.Fatalf("%v: %s", err, log)
		}
		for _, want := range []string{"[system] be nice\n[user] my AWS key id is [SECRET], why does s3 fail?\n[user] git push fails with [SECRET]\n"} {
			if !strings.HasPrefix(*rec.Prompt, want) {
				t.Errorf("prompt %q, want prefix %q", *rec.Prompt, want)
			}
		}
		if !strings.HasPrefix(*rec.Answer, "[assistant] ok, writing to [EMAIL] blah") || !strings.HasSuffix(*rec.Answer, "…") || len(*rec.Answer) > 2048+3 {
			t.Errorf("answer %q (%d bytes)", *rec.Answer, len(*rec.Answer))
		}
		if strings.Contains(strings.Split(log, "\n")[2], `"prompt"`) {
			t.Errorf("a record without an exchange has a prompt: %s", strings.Split(log, "\n")[2])
		}
	}
}

// TestMaskCut: text copied only in part loses its last maskSlack bytes,
// and a secret that starts before them is masked whole.
func TestMaskCut(t *testing.T) {
	var m masker
	text := []byte(strings.Repeat("a ", 10) + "ghp_R2d9kLmQ7vXzT4bN8cW1yH6sJ3fP0aE5uG9i" + strings.Repeat(" b", maskSlack/2))
	got := string(m.mask(text, true))
	if got != strings.Repeat("a ", 10)+"[SECRET]" {
		t.Errorf("got %q", got)
	}
	got = string(m.mask(text[:30], true))
	if got != "" {
		t.Errorf("short cut text: %q", got)
	}
}

// TestPromptsAcrossRotation: records with prompts, sealed, rotated often:
// every line verifies and opens into a whole record.
func TestPromptsAcrossRotation(t *testing.T) {
	keys, _ := ParseKeys("k:" + testKey(4))
	path := filepath.Join(t.TempDir(), "audit.log")
	f, _ := OpenRotating(path, 4<<10, 100)
	l := New(Options{W: f, Keys: keys, Prompts: true})
	r := sampleRecord()
	r.Prompt = []abi.Message{{Role: "user", Text: strings.Repeat("hello there ", 60)}}
	for range 40 {
		l.ObserveRequest(r)
		time.Sleep(100 * time.Microsecond)
	}
	l.Close()
	files := logFiles(t, path)
	var out bytes.Buffer
	if _, err := Read(files, keys, &out); err != nil || len(files) < 5 {
		t.Fatalf("%v (%d files)", err, len(files))
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var rec struct {
			Kind, RequestID, Prompt string
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if rec.Kind == "" {
			n++
			if !strings.HasPrefix(rec.Prompt, "[user] hello there") {
				t.Errorf("prompt %q", rec.Prompt)
			}
		}
	}
	if n != 40 {
		t.Errorf("%d records", n)
	}
}
