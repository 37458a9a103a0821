package abi

// FSReadRequest is the input of [FuncFSRead]. The module writes it; the
// host reads it.
//
// Path is relative to the granted root, with '/' separators. MaxBytes lowers
// the grant's per-read cap for this call (0 keeps the grant's cap).
type FSReadRequest struct {
	Path     string `json:"path"`
	MaxBytes int64  `json:"max_bytes,omitempty"`
	// Frames asks for the response as an [FSReadFrame] instead of JSON, so
	// the content is not base64 inside JSON.
	Frames bool `json:"frames,omitempty"`
}

// FSReadResponse is the output of [FuncFSRead]. The host writes it; the
// module reads it.
//
// RelPath is the file's path relative to the root after symlinks were
// resolved, as POSIX components joined by '/'. Size is the file's size in
// bytes. Data (base64 in JSON) holds the content.
//
// Error is [StatusLimit] when the file is larger than the cap: then RelPath
// and Size are set and Data is empty, so that a module can still name the
// file it refused. Every other failure is answered with a negative status
// and no response.
type FSReadResponse struct {
	RelPath string `json:"rel_path"`
	Size    int64  `json:"size"`
	Data    []byte `json:"data"`
	Error   Status `json:"error,omitempty"`
}

// HTTPFetchRequest is the input of [FuncHTTPFetch]. The module writes it;
// the host reads it.
//
// Method is "GET" (the default when empty) or "HEAD". URL must be absolute.
// Headers are request headers from the host's header allowlist. TimeoutMS
// lowers the grant's timeout for this call (0 keeps it). Redirects are never
// followed: a 3xx comes back as the status.
type HTTPFetchRequest struct {
	Method    string            `json:"method,omitempty"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers,omitempty"`
	TimeoutMS int               `json:"timeout_ms,omitempty"`
	// Frames asks for the response as an [HTTPFetchFrame] instead of JSON.
	Frames bool `json:"frames,omitempty"`
}

// HTTPFetchResponse is the output of [FuncHTTPFetch]. The host writes it;
// the module reads it. Header names are canonical MIME header keys. Body
// (base64 in JSON) holds the complete body: a body over the grant's cap
// answers [StatusLimit] and a body shorter than its Content-Length answers
// [StatusTruncated] instead.
type HTTPFetchResponse struct {
	Status  int                 `json:"status"`
	Headers map[string][]string `json:"headers"`
	Body    []byte              `json:"body"`
}
