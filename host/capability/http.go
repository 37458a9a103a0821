package capability

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/decision-gate/dgw/abi"
)

// Defaults of [HTTPGrant].
const (
	DefaultMaxResponseBytes = 1 << 20
	DefaultHTTPTimeoutMS    = 5000
	DefaultUserAgent        = "decision-gate/0.1"
)

// AllowedRequestHeaders are the request headers a module may set; any
// other header is denied. User-Agent is set by the grant.
var AllowedRequestHeaders = []string{"Accept", "Accept-Language", "If-Modified-Since", "If-None-Match"}

// HTTPGrant is the http/v1/fetch grant.
//
// Only https URLs are allowed, and http too when AllowHTTP is set. The URL's
// host must match one of Hosts (nil allows none). Unless AllowPrivate is
// set, a connection to a loopback, private, link-local or other
// non-public address is refused when it is dialled, after DNS resolution,
// which defeats DNS rebinding. Requests are GET or HEAD; redirects are
// never followed (a 3xx is returned as the status). MaxResponseBytes,
// TimeoutMS and UserAgent fall back to the Default constants when zero.
type HTTPGrant struct {
	AllowHTTP        bool
	AllowPrivate     bool
	Hosts            []HostPattern
	MaxResponseBytes int64
	TimeoutMS        int
	UserAgent        string
}

// errDialRefused marks a dial the grant refused.
var errDialRefused = errors.New("address not allowed")

// CheckURL parses raw and checks it against the grant: absolute, no user
// information, an allowed scheme, and a host on the allowlist.
func (g *HTTPGrant) CheckURL(raw string) (*url.URL, error) {
	const name = abi.CapHTTPFetch
	if g == nil {
		return nil, fail(name, abi.StatusDenied, "not granted")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return nil, fail(name, abi.StatusInvalid, "not an absolute URL: %q", raw)
	}
	port := u.Port()
	switch strings.ToLower(u.Scheme) {
	case "https":
		if port == "" {
			port = "443"
		}
	case "http":
		if !g.AllowHTTP {
			return nil, fail(name, abi.StatusDenied, "scheme http not allowed")
		}
		if port == "" {
			port = "80"
		}
	default:
		return nil, fail(name, abi.StatusDenied, "scheme %q not allowed", u.Scheme)
	}
	if u.Host == "" || u.Opaque != "" {
		return nil, fail(name, abi.StatusInvalid, "URL has no host: %q", raw)
	}
	if u.User != nil {
		return nil, fail(name, abi.StatusInvalid, "URL carries user information")
	}
	host := strings.ToLower(u.Hostname())
	if net.ParseIP(host) == nil && !validName(strings.TrimSuffix(host, ".")) {
		return nil, fail(name, abi.StatusInvalid, "bad host %q", u.Hostname())
	}
	for _, p := range g.Hosts {
		if p.Match(host, port) {
			return u, nil
		}
	}
	return nil, fail(name, abi.StatusDenied, "host %s not on the allowlist", net.JoinHostPort(host, port))
}

// Fetch performs req under the grant and the deadline of ctx, lowered to
// the grant's timeout and req.TimeoutMS.
//
// Statuses: [abi.StatusDenied] (scheme, host, method, header or address not
// allowed), [abi.StatusInvalid] (malformed URL or header value),
// [abi.StatusLimit] (Content-Length or body over the cap),
// [abi.StatusTruncated] (body shorter than Content-Length),
// [abi.StatusTimeout], [abi.StatusUpstream] (any other network failure).
func (g *HTTPGrant) Fetch(ctx context.Context, req abi.HTTPFetchRequest) (*abi.HTTPFetchResponse, error) {
	const name = abi.CapHTTPFetch
	u, err := g.CheckURL(req.URL)
	if err != nil {
		return nil, err
	}
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	if method != http.MethodGet && method != http.MethodHead {
		return nil, fail(name, abi.StatusDenied, "method %q not allowed", req.Method)
	}
	timeout := time.Duration(orDefault(g.TimeoutMS, DefaultHTTPTimeoutMS)) * time.Millisecond
	if req.TimeoutMS > 0 && time.Duration(req.TimeoutMS)*time.Millisecond < timeout {
		timeout = time.Duration(req.TimeoutMS) * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, fail(name, abi.StatusInvalid, "request: %v", err)
	}
	for k, v := range req.Headers {
		ck := textproto.CanonicalMIMEHeaderKey(k)
		if !slices.Contains(AllowedRequestHeaders, ck) {
			return nil, fail(name, abi.StatusDenied, "request header %q not allowed", k)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return nil, fail(name, abi.StatusInvalid, "request header %q has a control character", k)
		}
		hr.Header.Set(ck, v)
	}
	ua := g.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	hr.Header.Set("User-Agent", ua)
	resp, err := g.client().Do(hr)
	if err != nil {
		return nil, transportFailure(ctx, err)
	}
	defer resp.Body.Close()
	return g.readBody(ctx, method, resp)
}

func (g *HTTPGrant) readBody(ctx context.Context, method string, resp *http.Response) (*abi.HTTPFetchResponse, error) {
	const name = abi.CapHTTPFetch
	limit := g.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	if resp.ContentLength > limit {
		return nil, fail(name, abi.StatusLimit, "Content-Length %d over %d", resp.ContentLength, limit)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, fail(name, abi.StatusTimeout, "read body: %v", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fail(name, abi.StatusTruncated, "body ended early: %v", err)
	case err != nil:
		return nil, fail(name, abi.StatusUpstream, "read body: %v", err)
	case int64(len(body)) > limit:
		return nil, fail(name, abi.StatusLimit, "body over %d bytes", limit)
	case method != http.MethodHead && resp.ContentLength >= 0 && int64(len(body)) < resp.ContentLength:
		return nil, fail(name, abi.StatusTruncated, "body %d of %d bytes", len(body), resp.ContentLength)
	}
	return &abi.HTTPFetchResponse{Status: resp.StatusCode, Headers: resp.Header, Body: body}, nil
}

// client returns a client for one request: no proxy, no cookie jar, no
// redirects, no keep-alive (so nothing outlives the call), no transparent
// decompression (the body is what the server sent), and a dialer that
// checks every resolved address against the grant.
func (g *HTTPGrant) client() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: g.control}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		DisableKeepAlives:      true,
		DisableCompression:     true,
		TLSHandshakeTimeout:    10 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// control runs after DNS resolution, just before connect, with the literal
// address being dialled.
func (g *HTTPGrant) control(network, address string, _ syscall.RawConn) error {
	if g.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", errDialRefused, address, err)
	}
	if privateAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s is not a public address", errDialRefused, address)
	}
	return nil
}

func transportFailure(ctx context.Context, err error) error {
	const name = abi.CapHTTPFetch
	switch {
	case errors.Is(err, errDialRefused):
		return fail(name, abi.StatusDenied, "%v", err)
	case ctx.Err() != nil:
		return fail(name, abi.StatusTimeout, "%v", err)
	}
	return fail(name, abi.StatusUpstream, "%v", err)
}
