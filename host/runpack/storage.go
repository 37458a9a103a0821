package runpack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Sink receives the files of a runpack being written. Put must be atomic per
// file: a reader sees the whole file or nothing.
type Sink interface {
	Put(ctx context.Context, path string, data []byte) error
}

// Source reads the files of a runpack. Get must refuse files over
// [MaxArtifactBytes].
type Source interface {
	Get(ctx context.Context, path string) ([]byte, error)
}

// Dir is a runpack stored in a local directory; it is both a [Sink] and a
// [Source]. Paths are checked with [CheckPath] and must resolve, after
// following symlinks, inside the directory.
type Dir struct {
	Root string
}

// Put writes data to root/path through a temporary file and a rename.
func (d Dir) Put(_ context.Context, path string, data []byte) error {
	if err := CheckPath(path); err != nil {
		return err
	}
	if len(data) > MaxArtifactBytes {
		return fmt.Errorf("artifact %s is %d bytes, limit %d", path, len(data), MaxArtifactBytes)
	}
	full := filepath.Join(d.Root, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return fmt.Errorf("create directory for %s: %w", path, err)
	}
	if err := d.within(filepath.Dir(full)); err != nil {
		return fmt.Errorf("artifact %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(full), ".runpack-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), full)
}

// Get reads root/path, refusing files over MaxArtifactBytes.
func (d Dir) Get(_ context.Context, path string) ([]byte, error) {
	if err := CheckPath(path); err != nil {
		return nil, err
	}
	full := filepath.Join(d.Root, filepath.FromSlash(path))
	if err := d.within(filepath.Dir(full)); err != nil {
		return nil, err
	}
	f, err := os.Open(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("file not found")
		}
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxArtifactBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxArtifactBytes {
		return nil, fmt.Errorf("file exceeds %d bytes", MaxArtifactBytes)
	}
	return data, nil
}

// within checks that dir, with symlinks resolved, is inside the root.
func (d Dir) within(dir string) error {
	root, err := filepath.EvalSymlinks(d.Root)
	if err != nil {
		return fmt.Errorf("runpack root: %w", err)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fmt.Errorf("resolve parent: %w", err)
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return fmt.Errorf("path escapes the runpack root")
	}
	return nil
}

var (
	_ Sink   = Dir{}
	_ Source = Dir{}
)
