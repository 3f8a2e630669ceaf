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
	buf = buf[:0]
	for {
		chunk, err := f.r.ReadSlice('\n')
		buf = append(buf, chunk...)
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			if len(buf) == 0 {
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
// reach that record and hold it unchanged.
func Walk(paths []string, head *Head, fn func(file string, lineNo int, line []byte, l *Link) error) (*Summary, error) {
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
	if _, err := Walk(paths, nil, open); err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	s, err := Walk(paths, nil, func(file string, n int, line []byte, l *Link) error {
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
