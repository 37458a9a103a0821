package docs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/decision-gate/dgw/host/errcode"
)

// ResourceInfo is one entry of resources/list.
type ResourceInfo struct {
	URI         string `json:"uri"`
	Name        string `json:"name"` // the document title
	Description string `json:"description"`
	MIMEType    string `json:"mimeType"` // always [MIMEType]
}

// Content is one entry of a resources/read result.
type Content struct {
	URI      string `json:"uri"`
	MIMEType string `json:"mimeType"` // always [MIMEType]
	Text     string `json:"text"`
}

// Resource errors, reachable with [errors.Is]. Both carry the code
// invalid_argument.
var (
	// ErrUnknownURI: the URI has the docs prefix but names no document.
	ErrUnknownURI = errors.New("unknown resource uri")
	// ErrForeignURI: the URI does not start with [URIPrefix].
	ErrForeignURI = errors.New("resource uri must start with " + URIPrefix)
)

// List returns every document as a resource, in index order. The slice is
// never nil.
func (ix *Index) List() []ResourceInfo {
	out := make([]ResourceInfo, len(ix.entries))
	for i, e := range ix.entries {
		out[i] = ResourceInfo{URI: e.doc.URI, Name: e.doc.Title, Description: e.description, MIMEType: MIMEType}
	}
	return out
}

// Read returns the markdown of the document at uri.
//
// # Errors
//
// invalid_argument, with the message "unknown resource uri: <uri>"
// ([ErrUnknownURI]) for a docs URI that names no document, and
// "resource uri must start with decision-gate://docs/: <uri>"
// ([ErrForeignURI]) for any other URI.
func (ix *Index) Read(uri string) (Content, error) {
	if !strings.HasPrefix(uri, URIPrefix) {
		return Content{}, &errcode.Error{Code: errcode.InvalidArgument, Err: fmt.Errorf("%w: %s", ErrForeignURI, uri)}
	}
	for _, e := range ix.entries {
		if e.doc.URI == uri {
			return Content{URI: uri, MIMEType: MIMEType, Text: e.doc.Text}, nil
		}
	}
	return Content{}, &errcode.Error{Code: errcode.InvalidArgument, Err: fmt.Errorf("%w: %s", ErrUnknownURI, uri)}
}
