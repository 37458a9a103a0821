//go:build !wasip1

package plugintest

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/decision-gate/dgw/sdk"
)

// Host is a test host. Its zero value grants nothing: every capability
// answers [sdk.ErrDenied]. Set the fields before installing it with
// [sdk.SetTestHost]; it is safe for concurrent use afterwards.
type Host struct {
	// Env holds the variables env_get can see; nil denies env_get.
	Env map[string]string
	// EnvAllow, when non-nil, is the exact list of keys env_get may read.
	EnvAllow []string

	// Root is the directory fs_read reads under; "" denies fs_read.
	Root string
	// FSMaxBytes is the grant's per-read cap; 0 means none.
	FSMaxBytes int

	// HTTP is the http_fetch grant; nil denies http_fetch.
	HTTP *HTTPGrant

	mu       sync.Mutex // guards the fields below
	logs     []string
	requests []sdk.HTTPRequest
}

// HTTPGrant is the http/v1/fetch grant of a [Host].
type HTTPGrant struct {
	AllowHTTP    bool          // allow http:// as well as https://
	AllowedHosts []string      // host names (without port); nil allows any
	MaxBytes     int           // response body cap; 0 means 1 MiB
	Timeout      time.Duration // 0 means 5 s
	UserAgent    string        // sent as User-Agent; "" sends none
	Transport    http.RoundTripper
}

// Logs returns the lines the module logged.
func (h *Host) Logs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.logs)
}

// Requests returns the HTTP requests the module made.
func (h *Host) Requests() []sdk.HTTPRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.requests)
}

// Log implements [sdk.TestHost].
func (h *Host) Log(level, msg string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.logs = append(h.logs, level+": "+msg)
}

// EnvGet implements [sdk.TestHost].
func (h *Host) EnvGet(key string) (string, bool, error) {
	if h.Env == nil {
		return "", false, sdk.ErrDenied
	}
	if h.EnvAllow != nil && !slices.Contains(h.EnvAllow, key) {
		return "", false, sdk.ErrDenied
	}
	v, ok := h.Env[key]
	return v, ok, nil
}

// FSRead implements [sdk.TestHost]. It resolves symlinks like the
// reference: a path that does not resolve is [sdk.ErrNotFound], one that
// resolves outside the root [sdk.ErrOutsideRoot], the root itself or a
// non-regular file [sdk.ErrInvalid].
func (h *Host) FSRead(path string, max int) (*sdk.File, error) {
	if h.Root == "" {
		return nil, sdk.ErrDenied
	}
	if path == "" || strings.HasPrefix(path, "/") {
		return nil, sdk.ErrInvalid
	}
	root, err := filepath.EvalSymlinks(h.Root)
	if err != nil {
		return nil, sdk.ErrInternal
	}
	real, err := filepath.EvalSymlinks(filepath.Join(root, filepath.FromSlash(path)))
	if err != nil {
		return nil, sdk.ErrNotFound
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || !filepath.IsLocal(rel) && rel != "." {
		return nil, sdk.ErrOutsideRoot
	}
	if rel == "." {
		return nil, sdk.ErrInvalid
	}
	info, err := os.Stat(real)
	if err != nil || !info.Mode().IsRegular() {
		return nil, sdk.ErrInvalid
	}
	f := &sdk.File{RelPath: filepath.ToSlash(rel), Size: info.Size()}
	limit := h.FSMaxBytes
	if max > 0 && (limit == 0 || max < limit) {
		limit = max
	}
	if limit > 0 && info.Size() > int64(limit) {
		return f, sdk.ErrLimit
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, sdk.ErrInternal
	}
	defer r.Close()
	data, err := r.ReadFile(rel)
	if err != nil {
		return nil, sdk.ErrUpstream
	}
	f.Data = data
	return f, nil
}

// HTTPFetch implements [sdk.TestHost].
func (h *Host) HTTPFetch(req sdk.HTTPRequest) (*sdk.HTTPResponse, error) {
	h.mu.Lock()
	h.requests = append(h.requests, req)
	h.mu.Unlock()
	g := h.HTTP
	if g == nil {
		return nil, sdk.ErrDenied
	}
	if req.Method != "" && req.Method != http.MethodGet && req.Method != http.MethodHead {
		return nil, sdk.ErrDenied
	}
	u, err := url.Parse(req.URL)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, sdk.ErrInvalid
	}
	if !(u.Scheme == "https" || (u.Scheme == "http" && g.AllowHTTP)) {
		return nil, sdk.ErrDenied
	}
	if g.AllowedHosts != nil && !slices.Contains(g.AllowedHosts, u.Hostname()) {
		return nil, sdk.ErrDenied
	}
	timeout := g.Timeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	if req.TimeoutMS > 0 && time.Duration(req.TimeoutMS)*time.Millisecond < timeout {
		timeout = time.Duration(req.TimeoutMS) * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	hreq, err := http.NewRequestWithContext(ctx, method, req.URL, nil)
	if err != nil {
		return nil, sdk.ErrInvalid
	}
	if g.UserAgent != "" {
		hreq.Header.Set("User-Agent", g.UserAgent)
	}
	client := &http.Client{
		Transport:     g.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(hreq)
	if err != nil {
		return nil, classify(err)
	}
	defer resp.Body.Close()
	limit := g.MaxBytes
	if limit == 0 {
		limit = 1 << 20
	}
	if resp.ContentLength > int64(limit) {
		return nil, sdk.ErrLimit
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, sdk.ErrTruncated
	case err != nil:
		return nil, classify(err)
	case len(body) > limit:
		return nil, sdk.ErrLimit
	case resp.ContentLength >= 0 && int64(len(body)) < resp.ContentLength:
		return nil, sdk.ErrTruncated
	}
	return &sdk.HTTPResponse{Status: resp.StatusCode, Headers: resp.Header, Body: body}, nil
}

func classify(err error) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return sdk.ErrTimeout
	}
	if errors.Is(err, fs.ErrNotExist) {
		return sdk.ErrNotFound
	}
	return sdk.ErrUpstream
}

var _ sdk.TestHost = (*Host)(nil)
