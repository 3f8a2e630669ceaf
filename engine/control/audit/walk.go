package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Walking a log on several cores. What a line needs that does not depend
// on the lines before it (parsing its chain members, hashing it, and the
// caller's prep: opening a sealed record, decoding it for a report) is
// done by worker goroutines over batches of lines; the chain's checks
// (each record's prev is the hash of the one before), the caller's fn and
// the Summary stay on the walking goroutine, in file order, so that every
// error is the one, at the line, that a walk line by line gives.
//
// Memory is bounded: batches hold at most walkBatchLines lines (and stop
// taking lines past walkBatchBytes), at most two per worker are in flight,
// and batches, their lines' buffers and their slots are reused from batch
// to batch.

const (
	walkBatchLines = 64
	walkBatchBytes = 128 << 10
)

// slot is one line of a batch: where it is, and what the workers made of
// it. A slot and its buffers are reused for the lines of later batches.
type slot struct {
	file     int // index into the walk's files
	line     int // 1-based
	complete bool
	off, end int // the line is batch.buf[off:end]

	l    Link
	lerr error // from parsing l
	hash [len(hashPrefix) + 64]byte

	// What a walk's prep leaves (Summarise, Read): out holds the opened
	// record, err its error; rec the record decoded for a report, derr
	// its error.
	out  []byte
	err  error
	rec  reportRecord
	derr error
}

type batch struct {
	buf   []byte
	slots []slot
	n     int // slots used
	// rerr is a read error (not io.EOF) of file rfile after the last
	// slot: the walk stops there.
	rerr  error
	rfile int
	done  chan struct{} // a worker is through with the batch
}

// walkConfig is how a walk uses the machine; the zero value is one
// worker per GOMAXPROCS and the default batches (tests set smaller ones).
type walkConfig struct {
	workers, batchLines, batchBytes int
	// prep runs on a worker for each line that parses as a link, with
	// the line's slot (and nothing else) to write to.
	prep func(s *slot, line []byte)
}

// walk is Walk, with prep done on workers and fn called with each line's
// slot in chain order.
func walk(paths []string, head *Head, cfg walkConfig, fn func(file string, lineNo int, line []byte, s *slot) error) (*Summary, error) {
	files, err := order(paths)
	if err != nil {
		return nil, err
	}
	workers := cfg.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	lines, maxBytes := cfg.batchLines, cfg.batchBytes
	if lines <= 0 {
		lines = walkBatchLines
	}
	if maxBytes <= 0 {
		maxBytes = walkBatchBytes
	}
	inflight := 2 * workers
	free := make([]*batch, inflight)
	for i := range free {
		free[i] = &batch{slots: make([]slot, lines), done: make(chan struct{}, 1)}
	}
	all := append([]*batch(nil), free...) // free's array is reordered as batches come and go
	work := make(chan *batch, inflight)
	var (
		wg      sync.WaitGroup
		stopped atomic.Bool
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var links linkParser
			for b := range work {
				if !stopped.Load() {
					prepare(b, &links, cfg.prep)
				}
				b.done <- struct{}{}
			}
		}()
	}
	defer func() {
		stopped.Store(true)
		close(work)
		wg.Wait()
		for _, f := range files {
			f.f.Close()
		}
		for _, b := range all {
			for i := range b.slots {
				// Opened records are not left behind (nor the tails of
				// longer ones opened into the same slot before).
				clear(b.slots[i].out[:cap(b.slots[i].out)])
			}
		}
	}()

	// The reading side: files in order, line by line, into batches.
	var (
		readFile int
		eof      bool
	)
	fill := func(b *batch) {
		b.buf, b.n, b.rerr = b.buf[:0], 0, nil
		for b.n < len(b.slots) && len(b.buf) < maxBytes && !eof {
			f := files[readFile]
			at := len(b.buf)
			buf, complete, err := f.appendNext(b.buf)
			switch {
			case err == io.EOF:
				if readFile++; readFile == len(files) {
					eof = true
				}
				continue
			case err != nil:
				b.rerr, b.rfile, eof = err, readFile, true
				return
			}
			b.buf = buf
			b.slots[b.n] = slot{file: readFile, line: f.line, complete: complete, off: at, end: len(buf),
				out: b.slots[b.n].out[:0], rec: b.slots[b.n].rec}
			b.n++
			if !complete {
				eof = true // the walk stops at a line cut short
			}
		}
	}
	queue := make([]*batch, 0, inflight) // dispatched, in file order

	s := &Summary{}
	var (
		have       bool
		expectSeq  uint64
		expectPrev [len(hashPrefix) + 64]byte
		prevFile   string
		prevLine   int
		last       Head // s.Last but for its Hash
		lastHash   [len(hashPrefix) + 64]byte
		seenFiles  int // files put in s.Files
	)
	defer func() {
		if s.Records > 0 {
			s.Last = Head{Seq: last.Seq, Hash: string(lastHash[:])}
		}
	}()
	// reach puts the files up to and including fi in s.Files.
	reach := func(fi int) {
		for ; seenFiles <= fi; seenFiles++ {
			s.Files = append(s.Files, files[seenFiles].path)
		}
	}
	for {
		for len(free) > 0 && !eof {
			b := free[len(free)-1]
			free = free[:len(free)-1]
			fill(b)
			if b.n == 0 && b.rerr == nil {
				free = append(free, b)
				break
			}
			work <- b
			queue = append(queue, b)
		}
		if len(queue) == 0 {
			break
		}
		b := queue[0]
		queue = append(queue[:0], queue[1:]...)
		<-b.done
		for i := range b.n {
			sl := &b.slots[i]
			f := files[sl.file]
			reach(sl.file)
			line := b.buf[sl.off:sl.end]
			if !sl.complete {
				return s, &Problem{File: f.path, Line: sl.line, Kind: "incomplete",
					What: "the last line is cut short (a crash during a write, or a truncation)"}
			}
			if sl.lerr != nil {
				return s, &Problem{File: f.path, Line: sl.line, Kind: "not_a_record", What: sl.lerr.Error() + " (edited?)"}
			}
			l := &sl.l
			seq := *l.Seq
			if sl.line == 1 && l.Kind != "start" {
				return s, &Problem{File: f.path, Line: 1, Seq: seq, Kind: "no_start",
					What: fmt.Sprintf("the file does not begin with a start record (seq %d): its first records were removed, or the file was edited", seq)}
			}
			if !have {
				have = true
				s.First = seq
				s.FromGenesis = seq == 0 && l.Prev == zeroHash
			} else {
				switch {
				case seq == expectSeq && l.Prev != string(expectPrev[:]):
					return s, &Problem{File: prevFile, Line: prevLine, Seq: seq - 1, Kind: "edited",
						What: fmt.Sprintf("record seq %d was changed: its hash is not the prev of seq %d (%s:%d)", seq-1, seq, f.path, sl.line)}
				case seq == expectSeq:
				case seq == 0 && l.Kind == "start" && l.Prev == zeroHash:
					return s, &Problem{File: f.path, Line: sl.line, Seq: seq, Kind: "new_chain",
						What: fmt.Sprintf("a new chain begins here after seq %d (the log of another run appended, or the chain was lost)", expectSeq-1)}
				case seq > expectSeq && sl.line == 1:
					return s, &Problem{File: f.path, Line: 0, Seq: expectSeq, Kind: "missing_file",
						What: fmt.Sprintf("records seq %d..%d are missing between %s and %s (a file was removed or not given)", expectSeq, seq-1, files[sl.file-1].path, f.path)}
				case seq > expectSeq:
					if at := lookAhead(f.path, sl.line, expectSeq); at > 0 {
						return s, &Problem{File: f.path, Line: sl.line, Seq: seq, Kind: "reordered",
							What: fmt.Sprintf("seq %d comes before seq %d (line %d)", seq, expectSeq, at)}
					}
					what := fmt.Sprintf("record seq %d is missing before this one", expectSeq)
					if seq-expectSeq > 1 {
						what = fmt.Sprintf("records seq %d..%d are missing before this one", expectSeq, seq-1)
					}
					return s, &Problem{File: f.path, Line: sl.line, Seq: expectSeq, Kind: "deleted", What: what}
				default:
					return s, &Problem{File: f.path, Line: sl.line, Seq: seq, Kind: "reordered",
						What: fmt.Sprintf("seq %d comes after seq %d (moved or duplicated)", seq, expectSeq-1)}
				}
			}
			if head != nil && seq == head.Seq && string(sl.hash[:]) != head.Hash {
				return s, &Problem{File: f.path, Line: sl.line, Seq: seq, Kind: "head_mismatch",
					What: fmt.Sprintf("record seq %d differs from the checkpoint %s", seq, head.Hash)}
			}
			if l.CT != "" {
				s.Sealed++
			}
			if fn != nil {
				if err := fn(f.path, sl.line, line, sl); err != nil {
					return s, err
				}
			}
			s.Records++
			last.Seq, lastHash = seq, sl.hash
			expectSeq, expectPrev, prevFile, prevLine = seq+1, sl.hash, f.path, sl.line
		}
		if b.rerr != nil {
			reach(b.rfile)
			return s, b.rerr
		}
		free = append(free, b)
	}
	reach(len(files) - 1)
	if !have {
		return s, &Problem{File: strings.Join(paths, ","), Kind: "no_start", What: "no records"}
	}
	if head != nil {
		if head.Seq > last.Seq {
			return s, &Problem{File: files[len(files)-1].path, Seq: head.Seq, Kind: "truncated",
				What: fmt.Sprintf("the checkpoint names seq %d but the log ends at seq %d: newer records or files were removed", head.Seq, last.Seq)}
		}
		if head.Seq < s.First {
			return s, &Problem{File: files[0].path, Seq: head.Seq, Kind: "truncated",
				What: fmt.Sprintf("the checkpoint names seq %d but the files given begin at seq %d", head.Seq, s.First)}
		}
	}
	return s, nil
}

// prepare is a worker's part of a batch: each complete line parsed as a
// link and hashed, and prep's work on it.
func prepare(b *batch, links *linkParser, prep func(*slot, []byte)) {
	for i := range b.n {
		sl := &b.slots[i]
		if !sl.complete {
			continue
		}
		line := b.buf[sl.off:sl.end]
		if sl.l, sl.lerr = links.parse(line); sl.lerr != nil {
			continue
		}
		sum := sha256.Sum256(line)
		copy(sl.hash[:], hashPrefix)
		hex.Encode(sl.hash[len(hashPrefix):], sum[:])
		if prep != nil {
			prep(sl, line)
		}
	}
}
