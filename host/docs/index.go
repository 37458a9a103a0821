package docs

import (
	"slices"

	"github.com/decision-gate/dgw/host/errcode"
)

// Defaults and hard limits of [Options], the same as the [docs] config
// table's.
const (
	DefaultMaxDocBytes   = 256 << 10 // docs.max_doc_bytes
	DefaultMaxTotalBytes = 1 << 20   // docs.max_total_bytes
	DefaultMaxDocs       = 32        // docs.max_docs
	DefaultMaxSections   = 10        // docs.max_sections
	// DefaultSearchSections is how many sections a search returns when the
	// caller gives no max_sections.
	DefaultSearchSections = 3
	// HardMaxSections caps max_sections whatever the configuration says.
	HardMaxSections = 10
)

// Doc is one document of an [Index].
type Doc struct {
	ID    string // "security_guide", or a custom id from the file name
	Title string // shown as doc_title and as the resource name
	Role  Role
	URI   string // decision-gate://docs/…
	Text  string // the markdown
}

// Options mirrors the [docs] config table. Booleans are taken as given, so
// the zero Options is a disabled index; start from [DefaultOptions]. A zero
// numeric limit means its default.
type Options struct {
	// Enabled turns the whole corpus on; when false the index is empty and
	// ExtraPaths is not read.
	Enabled bool
	// EnableSearch and EnableResources say whether the MCP layer exposes
	// decision_gate_docs_search and resources/list|read. The index answers
	// either way; see [Index.SearchEnabled] and [Index.ResourcesEnabled].
	EnableSearch    bool
	EnableResources bool
	// IncludeDefaultDocs adds the embedded corpus.
	IncludeDefaultDocs bool
	// ExtraPaths are .md files or directories searched recursively for
	// .md files. Relative paths are relative to the working directory.
	ExtraPaths []string
	// MaxDocBytes caps each document, MaxTotalBytes all of them, MaxDocs
	// their number. The embedded corpus must fit; an extra file that does
	// not fit is an error naming the file.
	MaxDocBytes   int64
	MaxTotalBytes int64
	MaxDocs       int
	// MaxSections is the most sections one search may return; values over
	// [HardMaxSections] are lowered to it.
	MaxSections int
}

// DefaultOptions returns the [docs] defaults: everything enabled, the
// embedded corpus, no extra paths, and the default limits.
func DefaultOptions() Options {
	return Options{
		Enabled:            true,
		EnableSearch:       true,
		EnableResources:    true,
		IncludeDefaultDocs: true,
		MaxDocBytes:        DefaultMaxDocBytes,
		MaxTotalBytes:      DefaultMaxTotalBytes,
		MaxDocs:            DefaultMaxDocs,
		MaxSections:        DefaultMaxSections,
	}
}

// Index is a loaded, sectioned documentation corpus. It is immutable after
// [New] and safe for concurrent use. The zero Index is empty.
type Index struct {
	entries     []entry
	maxSections int // 1..HardMaxSections
	search      bool
	resources   bool
}

// entry is a document plus what the index derives from it once.
type entry struct {
	doc         Doc
	description string    // resource description
	size        int64     // bytes counted against the limits
	source      string    // file name for error messages
	sections    []section // in document order
}

func newEntry(d Doc, description string, size int64, source string) entry {
	return entry{doc: d, description: description, size: size, source: source, sections: splitSections(d.Title, d.Text)}
}

// New loads the corpus that opts describes: the embedded documents (when
// IncludeDefaultDocs) followed by the extra paths in the order given, each
// directory walked in lexical order.
//
//	ix, err := docs.New(docs.DefaultOptions())
//	res := ix.Search("precheck trust lane", nil)
//	body, err := ix.Read("decision-gate://docs/security")
//
// # Errors
//
//   - invalid_argument: a negative limit; the embedded corpus does not fit
//     the limits; an extra file over max_doc_bytes, past max_docs or past
//     max_total_bytes; an extra path that is not a .md file or directory;
//     a file that is not UTF-8.
//   - not_found: an extra path does not exist.
//   - internal: reading an extra path failed.
func New(opts Options) (*Index, error) {
	if err := normalize(&opts); err != nil {
		return nil, err
	}
	ix := &Index{
		maxSections: opts.MaxSections,
		search:      opts.Enabled && opts.EnableSearch,
		resources:   opts.Enabled && opts.EnableResources,
	}
	if !opts.Enabled {
		return ix, nil
	}
	l := limiter{opts: opts}
	if opts.IncludeDefaultDocs {
		defaults, err := loadDefaults()
		if err != nil {
			return nil, err
		}
		for _, e := range defaults {
			if err := l.admit(e.source, e.size, "the embedded corpus does not fit"); err != nil {
				return nil, err
			}
		}
		ix.entries = defaults
	}
	extras, err := loadExtras(opts.ExtraPaths, &l, ix.entries)
	if err != nil {
		return nil, err
	}
	ix.entries = append(ix.entries, extras...)
	return ix, nil
}

// normalize fills zero limits with defaults and rejects negative ones.
func normalize(o *Options) error {
	for _, f := range []struct {
		key string
		v   int64
	}{
		{"max_doc_bytes", o.MaxDocBytes},
		{"max_total_bytes", o.MaxTotalBytes},
		{"max_docs", int64(o.MaxDocs)},
		{"max_sections", int64(o.MaxSections)},
	} {
		if f.v < 0 {
			return errcode.New(errcode.InvalidArgument, "docs: docs.%s must not be negative (got %d)", f.key, f.v)
		}
	}
	if o.MaxDocBytes == 0 {
		o.MaxDocBytes = DefaultMaxDocBytes
	}
	if o.MaxTotalBytes == 0 {
		o.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if o.MaxDocs == 0 {
		o.MaxDocs = DefaultMaxDocs
	}
	if o.MaxSections == 0 {
		o.MaxSections = DefaultMaxSections
	}
	o.MaxSections = min(o.MaxSections, HardMaxSections)
	return nil
}

// limiter enforces max_doc_bytes, max_docs and max_total_bytes as documents
// are added.
type limiter struct {
	opts  Options
	docs  int
	total int64
}

// admit counts a document of size bytes read from source, or explains which
// limit it breaks; context starts the message.
func (l *limiter) admit(source string, size int64, context string) error {
	o := l.opts
	switch {
	case size > o.MaxDocBytes:
		return errcode.New(errcode.InvalidArgument, "docs: %s: %s is %d bytes, over docs.max_doc_bytes (%d)", context, source, size, o.MaxDocBytes)
	case l.docs+1 > o.MaxDocs:
		return errcode.New(errcode.InvalidArgument, "docs: %s: %s would be document %d, over docs.max_docs (%d)", context, source, l.docs+1, o.MaxDocs)
	case l.total+size > o.MaxTotalBytes:
		return errcode.New(errcode.InvalidArgument, "docs: %s: %s brings the corpus to %d bytes, over docs.max_total_bytes (%d)", context, source, l.total+size, o.MaxTotalBytes)
	}
	l.docs++
	l.total += size
	return nil
}

// SearchEnabled reports whether decision_gate_docs_search should be listed
// and callable: docs.enabled and docs.enable_search.
func (ix *Index) SearchEnabled() bool { return ix.search }

// ResourcesEnabled reports whether resources/list and resources/read should
// be served: docs.enabled and docs.enable_resources.
func (ix *Index) ResourcesEnabled() bool { return ix.resources }

// Docs returns the documents in index order (a copy).
func (ix *Index) Docs() []Doc {
	out := make([]Doc, len(ix.entries))
	for i, e := range ix.entries {
		out[i] = e.doc
	}
	return out
}

// Doc returns the document with the given id.
func (ix *Index) Doc(id string) (Doc, bool) {
	i := slices.IndexFunc(ix.entries, func(e entry) bool { return e.doc.ID == id })
	if i < 0 {
		return Doc{}, false
	}
	return ix.entries[i].doc, true
}
