package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// RotatingFile is an append-only file rotated by size: when a write would
// take it past MaxSize, path.N-1 becomes path.N (path.MaxFiles is removed),
// ..., path becomes path.1, and a new path is started. Files are created
// with mode 0600 (an audit log names who called what). It is safe for
// concurrent use.
type RotatingFile struct {
	path     string
	maxSize  int64
	maxFiles int

	mu   sync.Mutex
	f    *os.File
	size int64
}

// OpenRotating opens (appending) or creates path, and its directory.
func OpenRotating(path string, maxSize int64, maxFiles int) (*RotatingFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, describe(path, err)
	}
	r := &RotatingFile{path: path, maxSize: maxSize, maxFiles: max(maxFiles, 1)}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *RotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return describe(r.path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return describe(r.path, err)
	}
	r.f, r.size = f, fi.Size()
	return nil
}

// Write appends p, rotating first when p would not fit. A single write
// larger than MaxSize goes whole into a fresh file.
func (r *RotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, ErrClosed
	}
	if r.size > 0 && r.size+int64(len(p)) > r.maxSize {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// writeNoRotate appends p to the current file, whatever its size (the
// Logger decides when to rotate, between records).
func (r *RotatingFile) writeNoRotate(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, ErrClosed
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// Size is the size of the current file.
func (r *RotatingFile) Size() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.size
}

// Rotate starts a new file now (the current one becomes path.1), unless the
// current one is empty.
func (r *RotatingFile) Rotate() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return ErrClosed
	}
	if r.size == 0 {
		return nil
	}
	return r.rotate()
}

func (r *RotatingFile) rotate() error {
	if err := r.f.Close(); err != nil {
		r.f = nil
		return describe(r.path, err)
	}
	r.f = nil
	// A failed rename still reopens path, so the log goes on (growing past
	// MaxSize) rather than stopping.
	var rerr error
	for i := r.maxFiles - 1; i >= 1 && rerr == nil; i-- {
		from := fmt.Sprintf("%s.%d", r.path, i)
		if _, err := os.Stat(from); err == nil {
			rerr = os.Rename(from, fmt.Sprintf("%s.%d", r.path, i+1))
		}
	}
	if rerr == nil {
		if err := os.Rename(r.path, r.path+".1"); err != nil && !os.IsNotExist(err) {
			rerr = err
		}
	}
	if err := r.open(); err != nil {
		return err
	}
	if rerr != nil {
		return describe(r.path, rerr)
	}
	return nil
}

// Close closes the file; later writes fail with ErrClosed.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
