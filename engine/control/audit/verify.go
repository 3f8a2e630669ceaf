package audit

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// zeroHash is the prev of the first record of a chain.
var zeroHash = hashPrefix + strings.Repeat("0", 64)

// Problem is the first break of a chain that Verify found.
type Problem struct {
	File string
	Line int    // 1-based; 0 when the problem is between files
	Seq  uint64 // the record's seq, when known
	// Kind is a stable code: "edited", "deleted", "reordered",
	// "missing_file", "not_a_record", "no_start", "incomplete",
	// "new_chain", "duplicate_file", "truncated", "head_mismatch".
	Kind string
	What string
}

func (p *Problem) Error() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s: %s", p.File, p.Kind, p.What)
	}
	return fmt.Sprintf("%s:%d: %s: %s", p.File, p.Line, p.Kind, p.What)
}

// Head is a checkpoint of the chain: the seq and hash of one record.
type Head struct {
	Seq  uint64
	Hash string // "sha256:HEX"
}

// ParseHead parses "SEQ:sha256:HEX" (what the checkpoint log line shows).
func ParseHead(s string) (Head, error) {
	seq, hash, ok := strings.Cut(s, ":")
	n, err := strconv.ParseUint(seq, 10, 64)
	if !ok || err != nil || len(hash) != len(hashPrefix)+64 || !strings.HasPrefix(hash, hashPrefix) {
		return Head{}, fmt.Errorf("checkpoint %q: want SEQ:sha256:HEX", s)
	}
	return Head{Seq: n, Hash: hash}, nil
}

// Summary is what Verify saw.
type Summary struct {
	Files   []string // in chain order
	Records uint64   // lines checked, start records included
	First   uint64   // seq of the first record
	Last    Head     // the newest record
	// FromGenesis is set when the first record is the first of its chain
	// (seq 0); otherwise older files were rotated away or not given.
	FromGenesis bool
	Sealed      uint64 // sealed records
}

// file is one audit file being read.
type file struct {
	path  string
	first uint64
	r     *bufio.Reader
	f     *os.File
	line  int
}

func openFile(path string) (*file, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &file{path: path, f: f, r: bufio.NewReaderSize(f, 64<<10)}, nil
}

// next returns the next line without its newline; complete is false for
// a last line without one. io.EOF at the end.
func (f *file) next(buf []byte) (line []byte, complete bool, err error) {
	return f.appendNext(buf[:0])
}

// appendNext is next appending the line to buf: the line is
// buf[len(buf):] of what it returns (the returned slice is nil on an
// error).
func (f *file) appendNext(buf []byte) (line []byte, complete bool, err error) {
	at := len(buf)
	for {
		chunk, err := f.r.ReadSlice('\n')
		buf = append(buf, chunk...)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			if len(buf) == at {
				return nil, false, io.EOF
			}
			f.line++
			return buf, false, nil
		case err != nil:
			return nil, false, err
		}
		f.line++
		return buf[:len(buf)-1], true, nil
	}
}

// ExpandPaths expands glob patterns among paths (arguments a shell left
// alone); a path without a match is kept, to fail when opened.
func ExpandPaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		if strings.ContainsAny(p, "*?[") {
			if m, err := filepath.Glob(p); err == nil && len(m) > 0 {
				out = append(out, m...)
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// order opens paths and sorts them by the seq of their first record.
func order(paths []string) ([]*file, error) {
	var files []*file
	fail := func(err error) ([]*file, error) {
		for _, f := range files {
			f.f.Close()
		}
		return nil, err
	}
	seen := map[string]bool{}
	for _, p := range paths {
		if abs, err := filepath.Abs(p); err == nil {
			if seen[abs] {
				continue
			}
			seen[abs] = true
		}
		f, err := openFile(p)
		if err != nil {
			return fail(err)
		}
		files = append(files, f)
		line, _, err := f.next(nil)
		if err == io.EOF {
			return fail(&Problem{File: p, Kind: "no_start", What: "empty file"})
		}
		if err != nil {
			return fail(err)
		}
		l, err := parseLink(line)
		if err != nil {
			return fail(&Problem{File: p, Line: 1, Kind: "not_a_record", What: err.Error()})
		}
		f.first = *l.Seq
		if _, err := f.f.Seek(0, io.SeekStart); err != nil {
			return fail(err)
		}
		f.r.Reset(f.f)
		f.line = 0
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].first < files[j].first })
	for i := 1; i < len(files); i++ {
		if files[i].first == files[i-1].first {
			return fail(&Problem{File: files[i].path, Kind: "duplicate_file",
				What: fmt.Sprintf("begins at seq %d like %s", files[i].first, files[i-1].path)})
		}
	}
	return files, nil
}

// Walk reads the audit files (in any order: they are sorted by the seq of
// their first record), checks the chain, and calls fn with each record's
// line and Link, in chain order. It stops at the first break of the chain
// and returns it as a *Problem, or fn's error. With head, the chain must
// reach that record and hold it unchanged. The lines are parsed and hashed
// on GOMAXPROCS worker goroutines (walk.go); fn is called on Walk's
// goroutine; line and *l are reused once it returns (copy what must
// outlive the call; l's strings may be kept).
func Walk(paths []string, head *Head, fn func(file string, lineNo int, line []byte, l *Link) error) (*Summary, error) {
	if fn == nil {
		return walk(paths, head, walkConfig{}, nil)
	}
	return walk(paths, head, walkConfig{}, func(file string, n int, line []byte, s *slot) error {
		return fn(file, n, line, &s.l)
	})
}

// lookAhead reports the line at which seq appears after line in path, or 0.
func lookAhead(path string, after int, seq uint64) int {
	f, err := openFile(path)
	if err != nil {
		return 0
	}
	defer f.f.Close()
	var buf []byte
	for {
		line, _, err := f.next(buf)
		if err != nil {
			return 0
		}
		buf = line
		if f.line <= after {
			continue
		}
		if l, err := parseLink(line); err == nil && *l.Seq == seq {
			return f.line
		}
	}
}

// Verify checks the chain of the audit files (see Walk).
func Verify(paths []string, head *Head) (*Summary, error) {
	return Walk(paths, head, nil)
}

// Read checks the chain of the audit files and writes each record, in
// chain order, to w as one plain JSON line ({"seq":N,...}); sealed records
// are opened with keys (nil: a sealed record is an error). Start records
// are written as they are. It stops at the first error: a break of the
// chain (*Problem), or a record that does not open, reported with its file
// and line and never with its bytes.
func Read(paths []string, keys *Keyring, w io.Writer) (*Summary, error) {
	return read(paths, keys, w, walkConfig{})
}

// read is Read with the walks' configuration.
func read(paths []string, keys *Keyring, w io.Writer, cfg walkConfig) (*Summary, error) {
	// The chain is checked and every record opened first, so that nothing
	// is printed from a log that does not verify or open. Records are
	// opened on the walks' workers.
	cfg.prep = func(s *slot, line []byte) {
		out, err := Open(s.out[:0], line, &s.l, keys)
		if err != nil {
			s.err = err
			return
		}
		s.out = out
	}
	opened := func(file string, n int, s *slot) error {
		if s.err != nil {
			return fmt.Errorf("%s:%d: record seq %d: %w", file, n, *s.l.Seq, s.err)
		}
		return nil
	}
	if _, err := walk(paths, nil, cfg, func(file string, n int, _ []byte, s *slot) error { return opened(file, n, s) }); err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	s, err := walk(paths, nil, cfg, func(file string, n int, _ []byte, s *slot) error {
		if err := opened(file, n, s); err != nil {
			return err
		}
		bw.Write(s.out)
		return bw.WriteByte('\n')
	})
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return s, err
}

// Open appends the plain record of a line to dst: for a sealed line
// {"seq":N,"prev":...,<the record's fields>}, else the line itself. A
// sealed record is decoded and decrypted in dst's own room, after the
// prefix it gets, so opening the records of a log one after another into
// the same buffer allocates nothing per record; the plaintext is never
// left outside the returned bytes (nor in dst's room past them).
func Open(dst, line []byte, l *Link, keys *Keyring) ([]byte, error) {
	if l.CT == "" {
		return append(dst, line...), nil
	}
	if keys == nil {
		return nil, fmt.Errorf("sealed with key %q: a key file is needed", l.Kid)
	}
	enc := base64.RawStdEncoding
	var nonceBuf [32]byte
	var nonce []byte
	var err1 error
	if enc.DecodedLen(len(l.Nonce)) <= len(nonceBuf) {
		var n int
		n, err1 = enc.Decode(nonceBuf[:], unsafeBytes(l.Nonce))
		nonce = nonceBuf[:n]
	} else {
		nonce, err1 = enc.DecodeString(l.Nonce) // not a nonce: refused below
	}
	dst = append(dst, `{"seq":`...)
	dst = strconv.AppendUint(dst, *l.Seq, 10)
	dst = append(dst, `,"prev":"`...)
	dst = append(dst, l.Prev...)
	dst = append(dst, '"')
	at := len(dst)
	need := enc.DecodedLen(len(l.CT))
	dst = slices.Grow(dst, need)
	room := dst[at : at+need]
	n, err2 := enc.Decode(room, unsafeBytes(l.CT))
	if err1 != nil || err2 != nil {
		clear(room)
		return nil, errors.New("nonce or ciphertext is not base64")
	}
	ct := room[:n]
	pt, err := keys.open(ct[:0], l.Kid, *l.Seq, l.Prev, nonce, ct)
	if err != nil {
		clear(room)
		return nil, fmt.Errorf("key %q: %w", l.Kid, err)
	}
	body := bytes.TrimSpace(pt)
	if len(body) < 2 || body[0] != '{' {
		clear(room)
		return nil, errors.New("opened record is not a JSON object")
	}
	// dst[:at] + "," + the record's members and its "}" (or "}" alone for
	// an empty record); copy moves overlapping bytes correctly.
	if len(body) > 2 {
		dst = dst[:at+1]
		dst[at] = ','
		dst = append(dst, body[1:]...)
	} else {
		dst = append(dst[:at], '}')
	}
	clear(room[len(dst)-at:])
	return dst, nil
}

// unsafeBytes is s's bytes without a copy, for reading only.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
