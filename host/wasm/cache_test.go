package wasm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
)

func TestNewCache(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, mode os.FileMode) string {
		p := filepath.Join(base, name)
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(mk("target", 0o700), link); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	badVersion := mk("badversion", 0o700)
	if err := os.Mkdir(filepath.Join(badVersion, "wazero-v0-old"), 0o777); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(filepath.Join(badVersion, "wazero-v0-old"), 0o777)

	cases := []struct {
		name, dir, want string
	}{
		{"world writable", mk("world", 0o777), "group- or world-writable"},
		{"group writable", mk("group", 0o770), "group- or world-writable"},
		{"symlink", link, "is a symlink"},
		{"file", file, "not a directory"},
		{"writable version dir", badVersion, "wazero-v0-old"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCache(tc.dir)
			if errcode.Of(err) != errcode.FailedPrecondition || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v", err)
			}
		})
	}

	fresh := filepath.Join(base, "new", "cache")
	c, err := NewCache(fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	st, err := os.Stat(fresh)
	if err != nil || st.Mode().Perm() != 0o700 || c.Dir() != fresh {
		t.Fatalf("created %v %v dir %s", st.Mode(), err, c.Dir())
	}
	mem, err := NewCache("")
	if err != nil || mem.Dir() != "" {
		t.Fatal(err)
	}
	_ = mem.Close(context.Background())
}

// TestCacheDirUsed loads a module through a directory cache and checks
// that compiled code lands there.
func TestCacheDirUsed(t *testing.T) {
	noLeaks(t)
	dir := filepath.Join(t.TempDir(), "cache")
	c, err := NewCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	load(t, signedSpec(t, wat(t, "ok"), "wat", `{}`), &Options{Cache: c})
	entries, _ := filepath.Glob(filepath.Join(dir, "wazero-*", "*"))
	if len(entries) == 0 {
		t.Fatal("no compiled code in the cache directory")
	}
	if _, err := NewCache(dir); err != nil {
		t.Fatalf("reopening the cache: %v", err)
	}
}
