// Package docs serves the Decision Gate documentation corpus to MCP
// clients: the decision_gate_docs_search tool and the resources/list and
// resources/read methods (reference spec §7.13, §1.2).
//
// # Corpus
//
// Thirteen markdown guides are embedded from docs/guides (package
// [github.com/decision-gate/dgw/docs/guides]), each with a fixed id, title,
// [Role] and URI under [URIPrefix]. [Options].ExtraPaths adds the operator's
// own .md files, or every .md file below a directory (walked in lexical
// order, so the index is the same on every start). An extra document has
// the role pattern, an id made from its file stem (lower-cased, every
// character other than an ASCII letter or digit replaced by '_', made
// unique with _2, _3, …), the URI decision-gate://docs/custom/<id>, and as
// title its first line's "# " heading, or else its stem. Its text is
// trimmed; a file that is only white space is skipped.
//
// The limits max_doc_bytes, max_docs and max_total_bytes apply to every
// document, embedded or extra, by file size. The embedded corpus must fit;
// an extra file that does not is an error naming the file, so a server
// never starts with part of the documentation an operator configured.
//
// # Sections and search
//
// Each document is cut into sections at lines starting with "## " or
// "### "; the text before the first such line is a section headed by the
// document title. [Index.Search] scores sections lexically, adds a bonus
// for the roles that words in the query hint at, and returns the best ones
// with the documents they come from and suggestions for roles the answer
// does not cover. An empty query returns an overview, one introduction per
// role. See [Index.Search] for the exact rules; the output is deterministic.
//
// # Lifetime and concurrency
//
// [New] reads everything once; an [Index] is immutable afterwards and safe
// for concurrent use. It holds no files or goroutines and needs no Close.
// The index answers whatever [Options].EnableSearch and EnableResources
// say; the MCP layer asks [Index.SearchEnabled] and [Index.ResourcesEnabled]
// to decide what to expose.
package docs
