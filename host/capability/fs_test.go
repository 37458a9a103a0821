package capability

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/decision-gate/dgw/abi"
)

// fsTree builds root/{a.json, sub/b.json, big.bin, link-in → sub/b.json,
// link-out → ../outside/secret, dir-link → sub} beside outside/secret, and
// a FIFO root/pipe.
func fsTree(t *testing.T) (root string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "sub"), 0o755))
	must(os.MkdirAll(filepath.Join(base, "outside"), 0o755))
	must(os.WriteFile(filepath.Join(root, "a.json"), []byte(`{"a":1}`), 0o644))
	must(os.WriteFile(filepath.Join(root, "sub", "b.json"), []byte(`{"b":2}`), 0o644))
	must(os.WriteFile(filepath.Join(root, "big.bin"), []byte(strings.Repeat("x", 64)), 0o644))
	must(os.WriteFile(filepath.Join(base, "outside", "secret"), []byte("secret"), 0o644))
	must(os.Symlink(filepath.Join("sub", "b.json"), filepath.Join(root, "link-in")))
	must(os.Symlink(filepath.Join("..", "outside", "secret"), filepath.Join(root, "link-out")))
	must(os.Symlink(filepath.Join(base, "outside"), filepath.Join(root, "abs-link-out")))
	must(os.Symlink("sub", filepath.Join(root, "dir-link")))
	must(os.Symlink("nowhere", filepath.Join(root, "dangling")))
	must(syscall.Mkfifo(filepath.Join(root, "pipe"), 0o644))
	return root
}

func TestFSGrantRead(t *testing.T) {
	root := fsTree(t)
	g, err := NewFSGrant(root, 32)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		g       *FSGrant
		path    string
		max     int64
		state   abi.Status
		rel     string
		data    string
		limited bool
	}{
		{"plain file", g, "a.json", 0, abi.StatusOK, "a.json", `{"a":1}`, false},
		{"nested", g, "sub/b.json", 0, abi.StatusOK, "sub/b.json", `{"b":2}`, false},
		{"dot segments inside", g, "sub/../a.json", 0, abi.StatusOK, "a.json", `{"a":1}`, false},
		{"symlink inside resolves", g, "link-in", 0, abi.StatusOK, "sub/b.json", `{"b":2}`, false},
		{"through dir symlink", g, "dir-link/b.json", 0, abi.StatusOK, "sub/b.json", `{"b":2}`, false},
		{"dotdot escape", g, "../outside/secret", 0, abi.StatusOutsideRoot, "", "", false},
		{"deep dotdot escape", g, "sub/../../outside/secret", 0, abi.StatusOutsideRoot, "", "", false},
		{"symlink escape", g, "link-out", 0, abi.StatusOutsideRoot, "", "", false},
		{"absolute symlink escape", g, "abs-link-out/secret", 0, abi.StatusOutsideRoot, "", "", false},
		{"absolute path", g, filepath.Join(root, "a.json"), 0, abi.StatusInvalid, "", "", false},
		{"empty path", g, "", 0, abi.StatusInvalid, "", "", false},
		{"nul byte", g, "a\x00.json", 0, abi.StatusInvalid, "", "", false},
		{"missing", g, "missing.json", 0, abi.StatusNotFound, "", "", false},
		{"dangling symlink", g, "dangling", 0, abi.StatusNotFound, "", "", false},
		{"directory", g, "sub", 0, abi.StatusInvalid, "", "", false},
		{"root itself", g, ".", 0, abi.StatusInvalid, "", "", false},
		{"fifo is not opened", g, "pipe", 0, abi.StatusInvalid, "", "", false},
		{"over grant cap", g, "big.bin", 0, abi.StatusOK, "big.bin", "", true},
		{"call lowers cap", g, "a.json", 3, abi.StatusOK, "a.json", "", true},
		{"call cannot raise cap", g, "big.bin", 1 << 20, abi.StatusOK, "big.bin", "", true},
		{"nil grant denies", nil, "a.json", 0, abi.StatusDenied, "", "", false},
		{"zero grant denies", &FSGrant{}, "a.json", 0, abi.StatusDenied, "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := tc.g.Read(tc.path, tc.max)
			if st := StatusOf(err); st != tc.state {
				t.Fatalf("Read(%q) status %s (%v), want %s", tc.path, st, err, tc.state)
			}
			if err != nil {
				return
			}
			if resp.RelPath != tc.rel {
				t.Fatalf("rel_path %q, want %q", resp.RelPath, tc.rel)
			}
			if tc.limited {
				if resp.Error != abi.StatusLimit || resp.Data != nil || resp.Size == 0 {
					t.Fatalf("want limit response, got %+v", resp)
				}
				return
			}
			if resp.Error != abi.StatusOK || string(resp.Data) != tc.data || resp.Size != int64(len(tc.data)) {
				t.Fatalf("response %+v", resp)
			}
		})
	}
}

func TestNewFSGrant(t *testing.T) {
	root := fsTree(t)
	cases := []struct {
		name, root string
		max        int64
		want       string
	}{
		{"empty", "", 0, "root is empty"},
		{"missing", filepath.Join(root, "nope"), 0, "no such file"},
		{"file", filepath.Join(root, "a.json"), 0, "not a directory"},
		{"negative", root, -1, "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewFSGrant(tc.root, tc.max); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	g, err := NewFSGrant(filepath.Join(root, "dir-link"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if g.Root() != filepath.Join(root, "sub") || g.MaxBytes() != DefaultMaxReadBytes {
		t.Fatalf("root %s max %d", g.Root(), g.MaxBytes())
	}
}

// A root directory replaced after the grant was made is followed while its
// path stays canonical, and refused once the path leads elsewhere through a
// symlink, as when every read resolved the whole path.
func TestFSGrantRootReplaced(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(root, 0o755))
	must(os.WriteFile(filepath.Join(root, "a.json"), []byte(`old`), 0o644))
	g, err := NewFSGrant(root, 0)
	must(err)
	read := func() (string, error) {
		resp, err := g.Read("a.json", 0)
		if err != nil {
			return "", err
		}
		return string(resp.Data), nil
	}
	if got, err := read(); err != nil || got != "old" {
		t.Fatalf("first read = %q, %v", got, err)
	}

	// rm -rf root && mkdir root: the new directory is read.
	must(os.RemoveAll(root))
	must(os.Mkdir(root, 0o755))
	must(os.WriteFile(filepath.Join(root, "a.json"), []byte(`new`), 0o644))
	if got, err := read(); err != nil || got != "new" {
		t.Fatalf("after re-creation = %q, %v", got, err)
	}

	// The root path becomes a symlink to a directory outside: refused.
	outside := filepath.Join(base, "outside")
	must(os.Mkdir(outside, 0o755))
	must(os.WriteFile(filepath.Join(outside, "a.json"), []byte(`secret`), 0o644))
	must(os.RemoveAll(root))
	must(os.Symlink(outside, root))
	got, err := read()
	if err == nil || StatusOf(err) != abi.StatusOutsideRoot {
		t.Fatalf("through a swapped root = %q, %v; want %v", got, err, abi.StatusOutsideRoot)
	}
}

// The fast and slow resolution paths answer alike: every path of the tree
// read with the pinned root and with a grant whose pin never matches.
func TestFSGrantResolvePathsAgree(t *testing.T) {
	root := fsTree(t)
	fast, err := NewFSGrant(root, 32)
	if err != nil {
		t.Fatal(err)
	}
	slow := *fast
	slow.pin = nil // no pinned root: always the slow path
	for _, p := range []string{"a.json", "sub/b.json", "sub/../a.json", "big.bin", "link-in", "link-out", "abs-link-out/secret",
		"dir-link/b.json", "dangling", "pipe", "sub", ".", "missing.json", "sub/missing/x", "a.json/x", "../root/a.json"} {
		fr, ferr := fast.Read(p, 0)
		sr, serr := slow.Read(p, 0)
		if (ferr == nil) != (serr == nil) || (ferr != nil && ferr.Error() != serr.Error()) {
			t.Errorf("%s: fast error %v, slow error %v", p, ferr, serr)
			continue
		}
		if ferr == nil && (fr.RelPath != sr.RelPath || fr.Size != sr.Size || string(fr.Data) != string(sr.Data) || fr.Error != sr.Error) {
			t.Errorf("%s: fast %+v, slow %+v", p, fr, sr)
		}
	}
}
