package wasm

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/tetratelabs/wazero"
)

// Cache is a compilation cache shared by all modules of a process: compiled
// native code keyed by module hash. Create one with [NewCache], pass it in
// [Options], and Close it after every module that uses it.
//
// A directory cache holds native code that is executed without further
// checks (wazero guards entries with a CRC only), so the directory is part
// of the trusted computing base: NewCache refuses a directory that other
// users can write.
type Cache struct {
	cc  wazero.CompilationCache
	dir string // "" for in-memory
}

// NewCache returns a cache in dir, created 0700 if missing, or an in-memory
// cache when dir is empty.
//
// # Errors
//
// errcode.FailedPrecondition when dir (or a wazero version directory in it)
// is not a directory owned by the current user, is a symlink, or is group-
// or world-writable.
func NewCache(dir string) (*Cache, error) {
	if dir == "" {
		return &Cache{cc: wazero.NewCompilationCache()}, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, errcode.Wrap(errcode.FailedPrecondition, "wasm: cache", err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, errcode.Wrap(errcode.FailedPrecondition, "wasm: cache", err)
	}
	if err := checkPrivateDir(abs); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, errcode.Wrap(errcode.FailedPrecondition, "wasm: cache", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "wazero-") {
			if err := checkPrivateDir(filepath.Join(abs, e.Name())); err != nil {
				return nil, err
			}
		}
	}
	cc, err := wazero.NewCompilationCacheWithDir(abs)
	if err != nil {
		return nil, errcode.Wrap(errcode.FailedPrecondition, "wasm: cache", err)
	}
	return &Cache{cc: cc, dir: abs}, nil
}

// checkPrivateDir refuses anything but a real directory that only its
// owner, the current user, can write.
func checkPrivateDir(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil {
		return errcode.Wrap(errcode.FailedPrecondition, "wasm: cache", err)
	}
	switch {
	case st.Mode()&os.ModeSymlink != 0:
		return errcode.New(errcode.FailedPrecondition, "wasm: cache directory %s is a symlink", dir)
	case !st.IsDir():
		return errcode.New(errcode.FailedPrecondition, "wasm: cache path %s is not a directory", dir)
	case st.Mode().Perm()&0o022 != 0:
		return errcode.New(errcode.FailedPrecondition,
			"wasm: cache directory %s is group- or world-writable (mode %04o); refusing to run native code from it", dir, st.Mode().Perm())
	}
	return checkOwner(dir, st)
}

// Dir returns the cache directory, or "" for an in-memory cache.
func (c *Cache) Dir() string { return c.dir }

// Close releases the cache. Modules compiled through it must be closed
// first.
func (c *Cache) Close(ctx context.Context) error {
	if err := c.cc.Close(ctx); err != nil {
		return fmt.Errorf("wasm: close cache: %w", err)
	}
	return nil
}

var (
	sharedOnce  sync.Once
	sharedCache *Cache
)

// defaultCache is the process-wide in-memory cache used when Options has
// none. It lives as long as the process.
func defaultCache() *Cache {
	sharedOnce.Do(func() { sharedCache = &Cache{cc: wazero.NewCompilationCache()} })
	return sharedCache
}
