package runpack_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/internal/testutil"
	"github.com/decision-gate/dgw/host/runpack"
)

var referencePacks = [][]string{
	{"runpacks", "golden", "golden_time_after_pass"},
	{"runpacks", "golden", "golden_visibility_packet"},
	{"runpacks", "backcompat", "v1"},
}

func TestVerifyReferencePacks(t *testing.T) {
	for _, rel := range referencePacks {
		t.Run(strings.Join(rel, "/"), func(t *testing.T) {
			dir := testutil.Conformance(t, rel...)
			rep, m, err := runpack.Verify(context.Background(), runpack.Dir{Root: dir}, "manifest.json")
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Passed() || rep.CheckedFiles != 8 {
				t.Fatalf("report = %+v", rep)
			}
			if m.ManifestVersion != "v1" {
				t.Fatalf("manifest version %q", m.ManifestVersion)
			}
		})
	}
}

// copyPack copies a reference pack into a temporary directory.
func copyPack(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	for _, f := range listFiles(t, src) {
		data := testutil.ReadFile(t, filepath.Join(src, f))
		p := filepath.Join(dst, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// generatedAtSpan returns the byte range of the generated_at value digits,
// the one manifest field no artifact authenticates.
func generatedAtSpan(manifest []byte) (int, int) {
	key := []byte(`"generated_at":{"kind":"logical","value":`)
	i := strings.Index(string(manifest), string(key))
	if i < 0 {
		return -1, -1
	}
	start := i + len(key)
	end := start
	for end < len(manifest) && manifest[end] >= '0' && manifest[end] <= '9' {
		end++
	}
	return start, end
}

// TestVerifyDetectsEveryByte flips each byte of each file of a golden pack
// and requires verification to fail and to name the changed file. In the
// manifest, the digits of generated_at are exempt: that field is metadata
// no artifact authenticates (runpacks carry no signature).
func TestVerifyDetectsEveryByte(t *testing.T) {
	if testing.Short() {
		t.Skip("flips every byte of every file")
	}
	src := testutil.Conformance(t, "runpacks", "golden", "golden_visibility_packet")
	dir := copyPack(t, src)
	ctx := context.Background()
	for _, f := range listFiles(t, src) {
		path := filepath.Join(dir, filepath.FromSlash(f))
		orig := testutil.ReadFile(t, path)
		skipFrom, skipTo := -1, -1
		if f == "manifest.json" {
			skipFrom, skipTo = generatedAtSpan(orig)
			if skipFrom < 0 {
				t.Fatal("generated_at not found in manifest")
			}
		}
		undetected := 0
		for i := range orig {
			if i >= skipFrom && i < skipTo {
				continue
			}
			mut := append([]byte(nil), orig...)
			mut[i] ^= 0x01
			if err := os.WriteFile(path, mut, 0o644); err != nil {
				t.Fatal(err)
			}
			rep, _, err := runpack.Verify(ctx, runpack.Dir{Root: dir}, "manifest.json")
			switch {
			case err != nil:
				if f != "manifest.json" {
					t.Fatalf("%s byte %d: manifest error for an artifact change: %v", f, i, err)
				}
				if !strings.Contains(err.Error(), "manifest.json") {
					t.Fatalf("%s byte %d: error does not name the manifest: %v", f, i, err)
				}
			case rep.Passed():
				undetected++
				t.Errorf("%s byte %d (%q→%q): verification passed", f, i, orig[i], mut[i])
			case !strings.Contains(strings.Join(rep.Errors, "\n"), f):
				t.Errorf("%s byte %d: errors do not name the file: %v", f, i, rep.Errors)
			}
			if undetected > 5 {
				t.Fatal("too many undetected changes")
			}
		}
		if err := os.WriteFile(path, orig, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, _, err := runpack.Verify(ctx, runpack.Dir{Root: dir}, "manifest.json")
	if err != nil || !rep.Passed() {
		t.Fatalf("restored pack no longer verifies: %v %+v", err, rep)
	}
}

func TestVerifyMissingAndHostileFiles(t *testing.T) {
	src := testutil.Conformance(t, "runpacks", "golden", "golden_time_after_pass")
	ctx := context.Background()
	t.Run("missing artifact", func(t *testing.T) {
		dir := copyPack(t, src)
		os.Remove(filepath.Join(dir, "artifacts", "packets.json"))
		rep, _, err := runpack.Verify(ctx, runpack.Dir{Root: dir}, "manifest.json")
		if err != nil || rep.Passed() || !strings.Contains(strings.Join(rep.Errors, " "), "artifact read failed for artifacts/packets.json") {
			t.Fatalf("err=%v rep=%+v", err, rep)
		}
		if rep.CheckedFiles != 7 {
			t.Fatalf("checked = %d, want 7", rep.CheckedFiles)
		}
	})
	t.Run("symlink escape", func(t *testing.T) {
		dir := copyPack(t, src)
		outside := filepath.Join(t.TempDir(), "x.json")
		os.WriteFile(outside, []byte("[]"), 0o644)
		target := filepath.Join(dir, "artifacts", "submissions.json")
		os.Remove(target)
		os.Symlink(outside, target)
		sub := filepath.Join(dir, "artifacts")
		os.Rename(sub, sub+".real")
		os.Symlink(filepath.Dir(outside), sub)
		rep, _, err := runpack.Verify(ctx, runpack.Dir{Root: dir}, "manifest.json")
		if err != nil || rep.Passed() || !strings.Contains(strings.Join(rep.Errors, " "), "escapes the runpack root") {
			t.Fatalf("err=%v rep=%+v", err, rep)
		}
	})
	t.Run("unparsable manifest", func(t *testing.T) {
		dir := copyPack(t, src)
		os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{"), 0o644)
		if _, _, err := runpack.Verify(ctx, runpack.Dir{Root: dir}, "manifest.json"); err == nil {
			t.Fatal("want manifest error")
		}
	})
	t.Run("traversal manifest path", func(t *testing.T) {
		if _, _, err := runpack.Verify(ctx, runpack.Dir{Root: src}, "../manifest.json"); err == nil {
			t.Fatal("want path error")
		}
	})
	t.Run("unsupported version", func(t *testing.T) {
		dir := copyPack(t, src)
		p := filepath.Join(dir, "manifest.json")
		data := strings.Replace(string(testutil.ReadFile(t, p)), `"manifest_version":"v1"`, `"manifest_version":"v9"`, 1)
		os.WriteFile(p, []byte(data), 0o644)
		rep, _, err := runpack.Verify(ctx, runpack.Dir{Root: dir}, "manifest.json")
		if err != nil || rep.Passed() || rep.CheckedFiles != 0 || !strings.HasPrefix(rep.Errors[0], "unsupported manifest version: v9") {
			t.Fatalf("err=%v rep=%+v", err, rep)
		}
	})
}

func TestCheckPath(t *testing.T) {
	bad := []string{"", "/abs", "a/../b", "./a", "a//b", `a\b`, "C:/x", "a/\x00", strings.Repeat("a", 256), strings.Repeat("a/", 2100)}
	for _, p := range bad {
		if runpack.CheckPath(p) == nil {
			t.Errorf("CheckPath(%q) accepted", p)
		}
	}
	for _, p := range []string{"manifest.json", "artifacts/x.json", "a/b/c"} {
		if err := runpack.CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q) = %v", p, err)
		}
	}
}

func FuzzParseManifest(f *testing.F) {
	for _, rel := range referencePacks {
		p := filepath.Join(append([]string{"..", "..", "..", "shared", "conformance", "decision-gate"}, append(rel, "manifest.json")...)...)
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"manifest_version":"v1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := runpack.ParseManifest(data)
		if err != nil {
			return
		}
		if _, err := runpack.RootHash(m.Integrity.FileHashes); err != nil {
			t.Fatalf("root hash of parsed manifest: %v", err)
		}
	})
}
