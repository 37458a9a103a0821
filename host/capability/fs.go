package capability

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/decision-gate/dgw/abi"
)

// DefaultMaxReadBytes is the per-read cap of an [FSGrant] built with 0.
const DefaultMaxReadBytes = 1 << 20

// FSGrant is the fs/v1/read grant: regular files under one root directory,
// at most a number of bytes per read. Build it with [NewFSGrant]; the zero
// value and nil deny.
type FSGrant struct {
	root     string // absolute, symlinks resolved; "" denies
	maxBytes int64
}

// NewFSGrant returns a grant for the directory root, which must exist. The
// root is made absolute and its symlinks are resolved now, once, so that
// later checks compare against a fixed path. maxBytes 0 means
// [DefaultMaxReadBytes].
func NewFSGrant(root string, maxBytes int64) (*FSGrant, error) {
	if root == "" {
		return nil, fmt.Errorf("capability: fs root is empty")
	}
	if maxBytes < 0 {
		return nil, fmt.Errorf("capability: fs max_bytes is negative")
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("capability: fs root %s: %w", root, err)
	}
	canon, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("capability: fs root %s: %w", root, err)
	}
	st, err := os.Stat(canon)
	if err != nil {
		return nil, fmt.Errorf("capability: fs root %s: %w", root, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("capability: fs root %s is not a directory", root)
	}
	if maxBytes == 0 {
		maxBytes = DefaultMaxReadBytes
	}
	return &FSGrant{root: canon, maxBytes: maxBytes}, nil
}

// Root returns the canonical root directory.
func (g *FSGrant) Root() string { return g.root }

// MaxBytes returns the per-read cap.
func (g *FSGrant) MaxBytes() int64 { return g.maxBytes }

// Read reads the regular file at path, relative to the root with '/'
// separators. max lowers the cap for this read (0 keeps the grant's).
//
// Statuses: [abi.StatusInvalid] for an empty, absolute or NUL-carrying path
// or a file that is not regular; [abi.StatusOutsideRoot] when ".." or a
// symlink leads outside the root; [abi.StatusNotFound] when nothing is
// there; [abi.StatusUpstream] for other filesystem errors. A file over the
// cap is not an error: the response carries RelPath, Size and Error
// [abi.StatusLimit], and no data.
//
// The path is resolved with symlinks followed and checked against the root,
// then opened through an [os.Root], which refuses to leave the root even if
// a symlink is swapped between the check and the open.
func (g *FSGrant) Read(path string, max int64) (*abi.FSReadResponse, error) {
	const name = abi.CapFSRead
	if g == nil || g.root == "" {
		return nil, fail(name, abi.StatusDenied, "not granted")
	}
	if path == "" || strings.ContainsRune(path, 0) {
		return nil, fail(name, abi.StatusInvalid, "empty path or NUL byte")
	}
	if strings.HasPrefix(path, "/") || filepath.IsAbs(path) || filepath.VolumeName(path) != "" {
		return nil, fail(name, abi.StatusInvalid, "absolute path %q", path)
	}
	joined := filepath.Join(g.root, filepath.FromSlash(path))
	if !within(g.root, joined) {
		return nil, fail(name, abi.StatusOutsideRoot, "%q leaves the root lexically", path)
	}
	resolved, err := filepath.EvalSymlinks(joined)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fail(name, abi.StatusNotFound, "%q: %v", path, err)
		}
		return nil, fail(name, abi.StatusUpstream, "%q: %v", path, err)
	}
	if !within(g.root, resolved) {
		return nil, fail(name, abi.StatusOutsideRoot, "%q resolves to %s", path, resolved)
	}
	rel, err := filepath.Rel(g.root, resolved)
	if err != nil {
		return nil, fail(name, abi.StatusOutsideRoot, "%q: %v", path, err)
	}
	limit := g.maxBytes
	if max > 0 && max < limit {
		limit = max
	}
	return g.readRel(rel, path, limit)
}

func (g *FSGrant) readRel(rel, path string, limit int64) (*abi.FSReadResponse, error) {
	const name = abi.CapFSRead
	root, err := os.OpenRoot(g.root)
	if err != nil {
		return nil, fail(name, abi.StatusUpstream, "open root: %v", err)
	}
	defer root.Close()
	// Stat before opening, so that a FIFO or device is never opened.
	st, err := root.Stat(rel)
	if err != nil {
		return nil, openFailure(path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fail(name, abi.StatusInvalid, "%q is not a regular file (%s)", path, st.Mode().Type())
	}
	f, err := root.Open(rel)
	if err != nil {
		return nil, openFailure(path, err)
	}
	defer f.Close()
	if fst, err := f.Stat(); err != nil || !os.SameFile(st, fst) {
		return nil, fail(name, abi.StatusUpstream, "%q changed while being opened", path)
	}
	resp := &abi.FSReadResponse{RelPath: filepath.ToSlash(rel), Size: st.Size()}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fail(name, abi.StatusUpstream, "read %q: %v", path, err)
	}
	if int64(len(data)) > limit {
		resp.Size = max(resp.Size, int64(len(data)))
		resp.Error = abi.StatusLimit
		return resp, nil
	}
	resp.Data, resp.Size = data, int64(len(data))
	return resp, nil
}

func openFailure(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(abi.CapFSRead, abi.StatusNotFound, "%q: %v", path, err)
	case strings.Contains(err.Error(), "escapes from parent"):
		return fail(abi.CapFSRead, abi.StatusOutsideRoot, "%q: %v", path, err)
	}
	return fail(abi.CapFSRead, abi.StatusUpstream, "%q: %v", path, err)
}

// within reports whether p is root or below it. Both must be clean and
// absolute.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
