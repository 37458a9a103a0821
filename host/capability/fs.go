package capability

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

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
	pin      *atomic.Pointer[pinnedRoot] // the open root directory; shared by copies
}

// pinnedRoot is the root directory held open, with its identity. A
// replaced one is dropped, not closed (a read may still be using it); its
// descriptor is closed when it is collected.
type pinnedRoot struct {
	dir  *os.Root
	info os.FileInfo
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
	g := &FSGrant{root: canon, maxBytes: maxBytes, pin: new(atomic.Pointer[pinnedRoot])}
	g.pinnedRoot() // opens it now; a failure is retried by the first read
	return g, nil
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
// a symlink is swapped between the check and the open. The root directory
// is held open; every read first checks that the root's path still names
// it. A directory replaced since the grant was made is followed while its
// path stays canonical; a path that now leads elsewhere through a symlink
// resolves outside the root and is refused.
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
	lexical, err := filepath.Rel(g.root, joined)
	if err != nil || !relWithin(lexical) {
		return nil, fail(name, abi.StatusOutsideRoot, "%q leaves the root lexically", path)
	}
	limit := g.maxBytes
	if max > 0 && max < limit {
		limit = max
	}
	root := g.pinnedRoot()
	if root != nil {
		if st, ok := fastResolve(root, lexical); ok {
			return readRel(root, lexical, path, st, limit)
		}
	}
	// The slow path: resolve the whole absolute path, as a check that knows
	// nothing of the pinned root would.
	resolved, err := filepath.EvalSymlinks(joined)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fail(name, abi.StatusNotFound, "%q: %v", path, err)
		}
		return nil, fail(name, abi.StatusUpstream, "%q: %v", path, err)
	}
	rel, err := filepath.Rel(g.root, resolved)
	if err != nil || !relWithin(rel) {
		return nil, fail(name, abi.StatusOutsideRoot, "%q resolves to %s", path, resolved)
	}
	if root == nil {
		if root, err = os.OpenRoot(g.root); err != nil {
			return nil, fail(name, abi.StatusUpstream, "open root: %v", err)
		}
		defer root.Close()
	}
	return readRel(root, rel, path, nil, limit)
}

// fastResolve returns the Lstat of rel, a clean path below the root, when
// no component of it is a symlink: then rel is already the resolved path,
// found at one fstatat per component. ok is false for anything else — a
// symlink, a missing component, the root itself — which the slow path
// resolves, so that every error reads the same on both paths.
func fastResolve(root *os.Root, rel string) (st os.FileInfo, ok bool) {
	if rel == "." {
		return nil, false
	}
	for i := 0; i <= len(rel); i++ {
		if i < len(rel) && rel[i] != filepath.Separator {
			continue
		}
		st, err := root.Lstat(rel[:i])
		if err != nil || st.Mode()&fs.ModeSymlink != 0 {
			return nil, false
		}
		if i == len(rel) {
			return st, true
		}
	}
	return nil, false
}

// pinnedRoot returns the root directory held open, when the root's path
// still names it (one stat). A directory replaced since (removed and
// created again) is opened and pinned anew if its path is still canonical.
// nil means neither holds — the path is gone or now leads elsewhere — and
// the caller takes the slow path.
func (g *FSGrant) pinnedRoot() *os.Root {
	if g.pin == nil {
		return nil
	}
	st, err := os.Stat(g.root)
	if err != nil {
		return nil
	}
	if p := g.pin.Load(); p != nil && os.SameFile(p.info, st) {
		return p.dir
	}
	if canon, err := filepath.EvalSymlinks(g.root); err != nil || canon != g.root {
		return nil
	}
	dir, err := os.OpenRoot(g.root)
	if err != nil {
		return nil
	}
	info, err := dir.Stat(".")
	if err != nil || !os.SameFile(info, st) {
		dir.Close()
		return nil
	}
	g.pin.Store(&pinnedRoot{dir: dir, info: info})
	return dir
}

// readRel reads the regular file at rel under root. st is its Lstat when
// the caller has it (nil otherwise); for a file that is not a symlink,
// Lstat and Stat agree.
func readRel(root *os.Root, rel, path string, st os.FileInfo, limit int64) (*abi.FSReadResponse, error) {
	const name = abi.CapFSRead
	// Stat before opening, so that a FIFO or device is never opened.
	if st == nil {
		var err error
		if st, err = root.Stat(rel); err != nil {
			return nil, openFailure(path, err)
		}
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

// relWithin reports whether rel, a path relative to the root, stays below it.
func relWithin(rel string) bool {
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
