package sdk

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/abi"
)

// File is a file read through the fs/v1/read capability.
type File struct {
	RelPath string // POSIX path relative to the granted root, after resolving symlinks
	Size    int64  // the file's size in bytes
	Data    []byte // the content; empty when FSRead returned ErrLimit
}

// HTTPRequest is a request for the http/v1/fetch capability. Method is GET
// (the default when empty) or HEAD; URL is absolute. Headers must be on the
// host's header allowlist (Accept, Accept-Language, If-None-Match,
// If-Modified-Since). TimeoutMS lowers the operator's timeout (0 keeps it).
type HTTPRequest struct {
	Method, URL string
	Headers     map[string]string
	TimeoutMS   int
}

// HTTPResponse is the complete response to an [HTTPRequest]. Redirects are
// never followed: a 3xx arrives as the status.
type HTTPResponse struct {
	Status  int
	Headers map[string][]string
	Body    []byte
}

// Log writes msg to the host's log at level "debug", "info", "warn" or
// "error" (any other level logs at "info"). It needs log/v1; lines over
// 4 KiB are cut and lines past 100 per query dropped. Logging never fails
// the caller.
func Log(level string, msg string) {
	l, ok := abi.ParseLogLevel(level)
	if !ok {
		l = abi.LogInfo
	}
	if len(msg) > abi.MaxLogLineBytes {
		msg = msg[:abi.MaxLogLineBytes]
	}
	platformLog(l, msg)
}

// EnvGet reads an environment variable through env/v1/get. A variable that
// is allowed but unset gives found == false and a nil error. A key outside
// the grant gives [ErrDenied]; a key or value over the grant's size caps
// gives [ErrLimit].
func EnvGet(key string) (value string, found bool, err error) {
	if len(key) > abi.MaxHostRequestBytes {
		return "", false, ErrLimit
	}
	return platformEnvGet(key)
}

// FSRead reads a regular file through fs/v1/read. path is relative to the
// granted root with '/' separators; max lowers the grant's byte cap (0 keeps
// it). Errors: [ErrNotFound], [ErrOutsideRoot] (".." or a symlink leaves the
// root), [ErrInvalid] (empty or absolute path, not a regular file),
// [ErrDenied], and [ErrLimit] for a file over the cap — then the returned
// File still names the file (RelPath, Size) but holds no data.
func FSRead(path string, max int) (*File, error) {
	if len(path) > abi.MaxHostRequestBytes/2 {
		return nil, ErrLimit
	}
	if max < 0 {
		return nil, ErrInvalid
	}
	return platformFSRead(abi.FSReadRequest{Path: path, MaxBytes: int64(max)})
}

// HTTPFetch performs req through http/v1/fetch. Errors: [ErrDenied] (scheme,
// host, address, method or header not allowed), [ErrInvalid] (malformed
// URL), [ErrLimit] (body over the cap), [ErrTruncated] (body shorter than
// its Content-Length), [ErrTimeout], [ErrUpstream].
func HTTPFetch(req HTTPRequest) (*HTTPResponse, error) {
	if req.TimeoutMS < 0 {
		return nil, ErrInvalid
	}
	return platformHTTPFetch(abi.HTTPFetchRequest{
		Method: req.Method, URL: req.URL, Headers: req.Headers, TimeoutMS: req.TimeoutMS,
	})
}

// decodeFSRead turns an fs_read response body into a File.
func decodeFSRead(raw []byte) (*File, error) {
	var r abi.FSReadResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%w: fs_read response: %v", ErrInternal, err)
	}
	return fsReadResult(r)
}

// fsReadResult maps an fs_read answer onto a File and the sdk errors.
func fsReadResult(r abi.FSReadResponse) (*File, error) {
	f := &File{RelPath: r.RelPath, Size: r.Size, Data: r.Data}
	switch r.Error {
	case abi.StatusOK:
		return f, nil
	case abi.StatusLimit:
		f.Data = nil
		return f, ErrLimit
	}
	return nil, statusError(r.Error)
}

// decodeFSReadFrame is decodeFSRead for a framed response.
func decodeFSReadFrame(raw []byte) (*File, error) {
	r, err := abi.DecodeFSReadFrame(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: fs_read response: %v", ErrInternal, err)
	}
	return fsReadResult(r)
}

// decodeHTTPFetch turns an http_fetch response body into an HTTPResponse.
func decodeHTTPFetch(raw []byte) (*HTTPResponse, error) {
	var r abi.HTTPFetchResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%w: http_fetch response: %v", ErrInternal, err)
	}
	return &HTTPResponse{Status: r.Status, Headers: r.Headers, Body: r.Body}, nil
}
