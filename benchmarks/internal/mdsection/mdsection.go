// Package mdsection rewrites the generated sections of benchmarks/README.md:
// the text between "<!-- NAME:begin -->" and "<!-- NAME:end -->", every
// other byte left as it is. loadbench, swapbench and soak each own one.
package mdsection

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Markers returns the begin and end markers of section name.
func Markers(name string) (begin, end string) {
	return "<!-- " + name + ":begin -->", "<!-- " + name + ":end -->"
}

// Replace returns doc with the text between name's markers replaced by
// section (ending in exactly one newline), and whether doc had the markers
// in order. Without them doc is returned as it is.
func Replace(doc, name, section string) (string, bool) {
	begin, end := Markers(name)
	section = strings.TrimRight(section, "\n") + "\n"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return doc, false
	}
	return doc[:i] + begin + "\n" + section + doc[j:], true
}

// Append returns doc with a new section of name, markers included, at its
// end after a blank line.
func Append(doc, name, section string) string {
	begin, end := Markers(name)
	if doc != "" && !strings.HasSuffix(doc, "\n") {
		doc += "\n"
	}
	if doc != "" {
		doc += "\n"
	}
	return doc + begin + "\n" + strings.TrimRight(section, "\n") + "\n" + end + "\n"
}

// Update rewrites name's section of the file at path atomically. A file
// without the markers is an error, unless create is set: then the section
// is appended (and a missing file created).
func Update(path, name, section string, create bool) error {
	old, err := os.ReadFile(path)
	if err != nil && !(create && os.IsNotExist(err)) {
		return err
	}
	doc, ok := Replace(string(old), name, section)
	if !ok {
		if !create {
			return fmt.Errorf("no %s markers in %s", name, path)
		}
		doc = Append(doc, name, section)
	}
	return WriteFileAtomic(path, doc)
}

// WriteFileAtomic writes content to path through a temporary file and a
// rename, so that readers never see half a file.
func WriteFileAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mdsection-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Round shortens a duration for a report: 10 ms steps from a second up,
// 100 µs steps from a millisecond, microseconds below.
func Round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond).String()
	}
	return d.Round(time.Microsecond).String()
}
