// Package guides holds the Decision Gate documentation corpus: the markdown
// guides that the docs search tool and the docs resources serve.
//
// The package exists only to embed the files: go:embed cannot reach outside
// a package's own directory, so the corpus and its embedding live together
// here and host/docs reads them through [FS]. The file list, titles, roles
// and URIs are defined by host/docs.
package guides

import "embed"

// FS holds every *.md file of this directory, read-only.
//
//go:embed *.md
var FS embed.FS
