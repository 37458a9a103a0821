package docs

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
)

// writeFiles creates files (path → content) under dir.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// extraOnly returns options with no embedded corpus and the given paths.
func extraOnly(paths ...string) Options {
	o := DefaultOptions()
	o.IncludeDefaultDocs = false
	o.ExtraPaths = paths
	return o
}

func TestNew_extraDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"b.md":                 "# Bee Guide\n\nbody",
		"a.md":                 "no title here",
		"sub/Deploy Steps.MD":  "  \n# Deploy  \n## Step one\nrun it\n",
		"sub/deep/a.md":        "# Another A",
		"notes.txt":            "# not markdown",
		".md":                  "# stemless",
		"sub/café-ünïcode.md":  "# Unicode",
		"sub/x.markdown":       "# other extension",
		"sub/emptyish.md":      " \n\t\n",
		"sub/deep/deeper/b.md": "# Bee again",
	})
	ix, err := New(extraOnly(dir))
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ id, title, uri, text string }
	var got []row
	for _, d := range ix.Docs() {
		if d.Role != RolePattern {
			t.Errorf("%s: role %s, want pattern", d.ID, d.Role)
		}
		got = append(got, row{d.ID, d.Title, d.URI, d.Text})
	}
	// Lexical walk order: a.md, b.md, sub/Deploy Steps.MD, sub/café…,
	// sub/deep/a.md, sub/deep/deeper/b.md.
	want := []row{
		{"a", "a", "decision-gate://docs/custom/a", "no title here"},
		{"b", "Bee Guide", "decision-gate://docs/custom/b", "# Bee Guide\n\nbody"},
		{"deploy_steps", "Deploy", "decision-gate://docs/custom/deploy_steps", "# Deploy  \n## Step one\nrun it"},
		{"caf___n_code", "Unicode", "decision-gate://docs/custom/caf___n_code", "# Unicode"},
		{"a_2", "Another A", "decision-gate://docs/custom/a_2", "# Another A"},
		{"b_2", "Bee again", "decision-gate://docs/custom/b_2", "# Bee again"},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("docs\n got %q\nwant %q", got, want)
	}
	list := ix.List()
	if list[2].Description != "Custom document from docs.extra_paths: sub/Deploy Steps.MD" {
		t.Fatalf("description: %q", list[2].Description)
	}
}

func TestNew_extraIDs(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"one/security_guide.md": "# Mine",
		"one/x.md":              "# x",
		"two/x.md":              "# x again",
		"two/x_2.md":            "# literally x_2",
		"three/X.md":            "# upper",
		"three/my.notes.v2.md":  "# dotted",
	})
	ix, err := New(Options{
		Enabled: true, IncludeDefaultDocs: true,
		ExtraPaths: []string{filepath.Join(dir, "one"), filepath.Join(dir, "two"), filepath.Join(dir, "three")},
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range ix.Docs()[len(defaultDocs):] {
		ids = append(ids, d.ID)
	}
	// Ids avoid the embedded ones too; two/ walks x.md before x_2.md, and
	// three/ walks X.md before my.notes.v2.md (upper case sorts first).
	want := []string{"security_guide_2", "x", "x_2", "x_2_2", "x_3", "my_notes_v2"}
	if !slices.Equal(ids, want) {
		t.Fatalf("ids %q, want %q", ids, want)
	}
}

func TestNew_extraFileAndOrder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"z.md": "# Zed", "dir/a.md": "# A"})
	// Paths are taken in the order given, files before directories only
	// when listed first.
	ix, err := New(extraOnly(filepath.Join(dir, "z.md"), filepath.Join(dir, "dir")))
	if err != nil {
		t.Fatal(err)
	}
	docs := ix.Docs()
	if len(docs) != 2 || docs[0].ID != "z" || docs[1].ID != "a" {
		t.Fatalf("got %+v", docs)
	}
	if d := ix.List()[0].Description; d != "Custom document from docs.extra_paths: z.md" {
		t.Fatalf("description %q", d)
	}
}

func TestNew_extraSymlinks(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	writeFiles(t, outside, map[string]string{"target.md": "# Target", "sub/inner.md": "# Inner"})
	writeFiles(t, dir, map[string]string{"real.md": "# Real"})
	if err := os.Symlink(filepath.Join(outside, "target.md"), filepath.Join(dir, "link.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "sub"), filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	ix, err := New(extraOnly(dir))
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, d := range ix.Docs() {
		titles = append(titles, d.Title)
	}
	if !slices.Equal(titles, []string{"Target", "Real"}) {
		t.Fatalf("titles %q: a file symlink is followed, a directory symlink is not", titles)
	}
}

func TestExtractTitle(t *testing.T) {
	tests := []struct{ text, want string }{
		{"# Hello\nbody", "Hello"},
		{"#   Padded   \r\nbody", "Padded"},
		{"#\nbody", "stem"},
		{"#    \nbody", "stem"},
		{"## Second level\n# Later", "stem"},
		{"intro\n# Later heading", "stem"},
		{"#NoSpace", "stem"},
		{"# Only line", "Only line"},
	}
	for _, tc := range tests {
		if got := extractTitle(tc.text, "stem"); got != tc.want {
			t.Errorf("extractTitle(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestNormalizeID(t *testing.T) {
	tests := []struct{ stem, want string }{
		{"Runbook", "runbook"},
		{"on-call guide", "on_call_guide"},
		{"v1.2", "v1_2"},
		{"ÄÖ", "__"},
		{"ABC_def-09", "abc_def_09"},
	}
	for _, tc := range tests {
		if got := normalizeID(tc.stem); got != tc.want {
			t.Errorf("normalizeID(%q) = %q, want %q", tc.stem, got, tc.want)
		}
	}
}

func TestNew_errors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"big/huge.md":     "# Huge\n" + strings.Repeat("x", 200),
		"many/a.md":       "# a",
		"many/b.md":       "# b",
		"many/c.md":       "# c",
		"total/a.md":      "# a\n" + strings.Repeat("y", 60),
		"total/b.md":      "# b\n" + strings.Repeat("y", 60),
		"notes.txt":       "text",
		"bad/invalid.md":  "# bad \xff\xfe",
		"fine/ok.md":      "# ok",
		"fine/ignored.md": "",
	})
	tests := []struct {
		name     string
		opts     Options
		wantCode errcode.Code
		wantMsg  []string
	}{
		{
			name:     "missing path",
			opts:     extraOnly(filepath.Join(dir, "nope")),
			wantCode: errcode.NotFound,
			wantMsg:  []string{"docs.extra_paths", filepath.Join(dir, "nope"), "does not exist"},
		},
		{
			name:     "explicit non-markdown file",
			opts:     extraOnly(filepath.Join(dir, "notes.txt")),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{"notes.txt", "neither a .md file nor a directory"},
		},
		{
			name:     "file over max_doc_bytes",
			opts:     withLimits(extraOnly(filepath.Join(dir, "big")), 100, 0, 0),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{filepath.Join(dir, "big", "huge.md"), "207 bytes", "docs.max_doc_bytes (100)"},
		},
		{
			name:     "past max_docs",
			opts:     withLimits(extraOnly(filepath.Join(dir, "many")), 0, 0, 2),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{filepath.Join(dir, "many", "c.md"), "document 3", "docs.max_docs (2)"},
		},
		{
			name:     "past max_total_bytes",
			opts:     withLimits(extraOnly(filepath.Join(dir, "total")), 0, 100, 0),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{filepath.Join(dir, "total", "b.md"), "128 bytes", "docs.max_total_bytes (100)"},
		},
		{
			name:     "invalid utf-8",
			opts:     extraOnly(filepath.Join(dir, "bad")),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{"invalid.md", "not valid UTF-8"},
		},
		{
			name:     "default corpus over max_doc_bytes",
			opts:     withLimits(DefaultOptions(), 1000, 0, 0),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{"the embedded corpus does not fit", "docs.max_doc_bytes (1000)"},
		},
		{
			name:     "default corpus over max_docs",
			opts:     withLimits(DefaultOptions(), 0, 0, 5),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{"the embedded corpus does not fit", "document 6", "docs.max_docs (5)"},
		},
		{
			name:     "default corpus over max_total_bytes",
			opts:     withLimits(DefaultOptions(), 0, 50000, 0),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{"the embedded corpus does not fit", "docs.max_total_bytes (50000)"},
		},
		{
			name:     "extras count against the default corpus",
			opts:     withLimits(Options{Enabled: true, IncludeDefaultDocs: true, ExtraPaths: []string{filepath.Join(dir, "fine")}}, 0, 0, 13),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{"ok.md", "document 14", "docs.max_docs (13)"},
		},
		{
			name:     "negative limit",
			opts:     withLimits(DefaultOptions(), -1, 0, 0),
			wantCode: errcode.InvalidArgument,
			wantMsg:  []string{"docs.max_doc_bytes must not be negative"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := slices.Clone(tc.opts.ExtraPaths)
			ix, err := New(tc.opts)
			if err == nil {
				t.Fatalf("New succeeded with %d docs", len(ix.Docs()))
			}
			if got := errcode.Of(err); got != tc.wantCode {
				t.Errorf("code %q, want %q (%v)", got, tc.wantCode, err)
			}
			for _, m := range tc.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not mention %q", err, m)
				}
			}
			if !strings.HasPrefix(err.Error(), "docs: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if !slices.Equal(before, tc.opts.ExtraPaths) {
				t.Errorf("ExtraPaths mutated")
			}
		})
	}
}

func withLimits(o Options, docBytes, totalBytes int64, docs int) Options {
	o.MaxDocBytes, o.MaxTotalBytes, o.MaxDocs = docBytes, totalBytes, docs
	return o
}

func TestNew_limitsAtBoundary(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.md": "12345", "b.md": "67890"})
	ix, err := New(withLimits(extraOnly(dir), 5, 10, 2))
	if err != nil {
		t.Fatalf("documents exactly at the limits: %v", err)
	}
	if len(ix.Docs()) != 2 {
		t.Fatalf("got %d docs", len(ix.Docs()))
	}
}

func TestNew_emptyFilesAreSkipped(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"blank.md": "\n \t\n", "real.md": "# Real"})
	ix, err := New(withLimits(extraOnly(dir), 0, 0, 1))
	if err != nil {
		t.Fatalf("an empty file must not count against max_docs: %v", err)
	}
	if docs := ix.Docs(); len(docs) != 1 || docs[0].ID != "real" {
		t.Fatalf("got %+v", docs)
	}
}

func TestNew_disabled(t *testing.T) {
	o := DefaultOptions()
	o.Enabled = false
	o.ExtraPaths = []string{filepath.Join(t.TempDir(), "missing")} // not read
	ix, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	if len(ix.Docs()) != 0 || len(ix.List()) != 0 || ix.SearchEnabled() || ix.ResourcesEnabled() {
		t.Fatalf("disabled index: %d docs, search %v, resources %v", len(ix.Docs()), ix.SearchEnabled(), ix.ResourcesEnabled())
	}
}

func TestNew_switches(t *testing.T) {
	tests := []struct {
		name              string
		search, resources bool
	}{
		{"both", true, true},
		{"search only", true, false},
		{"resources only", false, true},
		{"neither", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			o.EnableSearch, o.EnableResources = tc.search, tc.resources
			ix, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			if ix.SearchEnabled() != tc.search || ix.ResourcesEnabled() != tc.resources {
				t.Fatalf("search %v resources %v", ix.SearchEnabled(), ix.ResourcesEnabled())
			}
			if len(ix.Docs()) != len(defaultDocs) {
				t.Fatalf("the corpus loads whatever the switches say: %d docs", len(ix.Docs()))
			}
		})
	}
}

func TestNew_zeroLimitsMeanDefaults(t *testing.T) {
	ix, err := New(Options{Enabled: true, IncludeDefaultDocs: true})
	if err != nil {
		t.Fatal(err)
	}
	if ix.maxSections != DefaultMaxSections || len(ix.Docs()) != len(defaultDocs) {
		t.Fatalf("maxSections %d, %d docs", ix.maxSections, len(ix.Docs()))
	}
}

func TestNew_noDefaults(t *testing.T) {
	ix, err := New(extraOnly())
	if err != nil {
		t.Fatal(err)
	}
	if len(ix.Docs()) != 0 {
		t.Fatalf("got %d docs", len(ix.Docs()))
	}
	if _, err := ix.Read(URIPrefix + "security"); !errors.Is(err, ErrUnknownURI) {
		t.Fatalf("Read of an excluded default: %v", err)
	}
}
