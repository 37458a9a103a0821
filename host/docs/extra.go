package docs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/decision-gate/dgw/host/errcode"
)

// extraFile is a markdown file found under docs.extra_paths.
type extraFile struct {
	path string // as opened
	rel  string // for the resource description: relative to its extra path
}

// loadExtras reads the files under paths, in order, through l. existing
// are the documents already loaded; extra ids avoid theirs.
func loadExtras(paths []string, l *limiter, existing []entry) ([]entry, error) {
	seen := make(map[string]bool, len(existing))
	for _, e := range existing {
		seen[e.doc.ID] = true
	}
	var out []entry
	for _, p := range paths {
		files, err := findMarkdown(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			e, ok, err := readExtra(f, l, seen)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// findMarkdown lists the .md files that one extra path names: the path
// itself when it is a file, or every .md file below it in lexical order when
// it is a directory. Symbolic links to files are followed; symbolic links to
// directories are not.
func findMarkdown(p string) ([]extraFile, error) {
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errcode.New(errcode.NotFound, "docs: docs.extra_paths: %s does not exist", p)
	}
	if err != nil {
		return nil, errcode.New(errcode.Internal, "docs: docs.extra_paths: %w", err)
	}
	if !st.IsDir() {
		if !st.Mode().IsRegular() || !isMarkdown(p) {
			return nil, errcode.New(errcode.InvalidArgument, "docs: docs.extra_paths: %s is neither a .md file nor a directory", p)
		}
		return []extraFile{{path: p, rel: filepath.Base(p)}}, nil
	}
	var out []extraFile
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isMarkdown(path) {
			return nil
		}
		if !d.Type().IsRegular() {
			// A symbolic link or special file: keep it only if it leads to a
			// regular file.
			st, err := os.Stat(path)
			if err != nil || !st.Mode().IsRegular() {
				return nil
			}
		}
		rel, err := filepath.Rel(p, path)
		if err != nil {
			return err
		}
		out = append(out, extraFile{path: path, rel: filepath.ToSlash(rel)})
		return nil
	})
	if err != nil {
		return nil, errcode.New(errcode.Internal, "docs: docs.extra_paths: %w", err)
	}
	return out, nil
}

// isMarkdown reports whether path names a .md file (any case) with a
// non-empty stem.
func isMarkdown(path string) bool {
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	return strings.EqualFold(ext, ".md") && len(base) > len(ext)
}

// readExtra reads one file through the limits. A file that is empty after
// trimming white space is skipped (ok false).
func readExtra(f extraFile, l *limiter, seen map[string]bool) (e entry, ok bool, err error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return entry{}, false, errcode.New(errcode.Internal, "docs: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return entry{}, false, errcode.New(errcode.Internal, "docs: %w", err)
	}
	// Refuse an oversized file before reading it, and never read more than
	// the cap even if the file grows meanwhile.
	if st.Size() > l.opts.MaxDocBytes {
		return entry{}, false, l.admit(f.path, st.Size(), "an extra document does not fit")
	}
	b, err := io.ReadAll(io.LimitReader(fh, l.opts.MaxDocBytes+1))
	if err != nil {
		return entry{}, false, errcode.New(errcode.Internal, "docs: %s: %w", f.path, err)
	}
	if !utf8.Valid(b) {
		return entry{}, false, errcode.New(errcode.InvalidArgument, "docs: %s is not valid UTF-8", f.path)
	}
	text := strings.TrimSpace(string(b))
	if text == "" {
		return entry{}, false, nil
	}
	if err := l.admit(f.path, int64(len(b)), "an extra document does not fit"); err != nil {
		return entry{}, false, err
	}
	stem := strings.TrimSuffix(filepath.Base(f.path), filepath.Ext(f.path))
	id := uniqueID(normalizeID(stem), seen)
	return newEntry(Doc{
		ID:    id,
		Title: extractTitle(text, stem),
		Role:  RolePattern,
		URI:   customURIPrefix + id,
		Text:  text,
	}, fmt.Sprintf("Custom document from docs.extra_paths: %s", f.rel), int64(len(b)), f.path), true, nil
}

// normalizeID lower-cases ASCII letters and digits of stem and replaces
// every other character with '_'.
func normalizeID(stem string) string {
	var b strings.Builder
	for _, r := range stem {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// uniqueID returns id, or id_2, id_3, … whichever is free first, and marks
// it as taken.
func uniqueID(id string, seen map[string]bool) string {
	out := id
	for n := 2; seen[out]; n++ {
		out = id + "_" + strconv.Itoa(n)
	}
	seen[out] = true
	return out
}

// extractTitle returns the text after "# " when the document's first line
// is a level-one heading, and stem otherwise (also when that heading is
// blank).
func extractTitle(text, stem string) string {
	first, _, _ := strings.Cut(text, "\n")
	if t, ok := strings.CutPrefix(first, "# "); ok {
		if t = strings.TrimSpace(t); t != "" {
			return t
		}
	}
	return stem
}
