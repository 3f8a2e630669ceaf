package reload

import (
	"os"
	"strings"
	"sync"
	"time"

	"github.com/wardgate/ward/engine/config"
	"github.com/wardgate/ward/engine/proxy"
)

// moduleCache remembers the guard modules a reload read, so that the next
// reload returns the very same bytes for a file that did not change (same
// size, modification time and file identity) instead of reading and
// hashing megabytes of unchanged modules again. Built-in modules never
// change while the process runs. Returned slices are never modified.
type moduleCache struct {
	mu    sync.Mutex
	files map[string]cachedModule
}

type cachedModule struct {
	id   fileID
	data []byte
}

// fileID tells two versions of a file apart without reading it.
type fileID struct {
	size  int64
	mtime time.Time
	sys   sysID // inode and change time where the platform has them
}

func statID(fi os.FileInfo) fileID {
	return fileID{size: fi.Size(), mtime: fi.ModTime(), sys: sysIdentity(fi)}
}

// wrap returns a resolver that serves unchanged modules from the cache and
// reads the others with resolve. Entries for paths resolve was not asked
// for in a reload stay until replaced; their number is bounded by the
// paths configurations name.
func (c *moduleCache) wrap(resolve proxy.Resolver) proxy.Resolver {
	return func(path string) ([]byte, error) {
		builtin := strings.HasPrefix(path, config.BuiltinPrefix)
		var id fileID
		if !builtin {
			fi, err := os.Stat(path)
			if err != nil {
				return resolve(path) // let the resolver word the error
			}
			id = statID(fi)
		}
		c.mu.Lock()
		m, ok := c.files[path]
		c.mu.Unlock()
		if ok && m.id == id {
			return m.data, nil
		}
		data, err := resolve(path)
		if err != nil {
			return nil, err
		}
		if !builtin {
			// A file written between the Stat and the read would be
			// cached under the old identity: check it did not change.
			if fi, err := os.Stat(path); err != nil || statID(fi) != id {
				return data, nil
			}
		}
		c.mu.Lock()
		if c.files == nil {
			c.files = map[string]cachedModule{}
		}
		c.files[path] = cachedModule{id: id, data: data}
		c.mu.Unlock()
		return data, nil
	}
}
