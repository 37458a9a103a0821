package capability

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/decision-gate/dgw/abi"
	"github.com/decision-gate/dgw/host/egress"
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
	AllowHTTP    bool
	AllowPrivate bool
	// PrivateCIDRs are private ranges allowed even without AllowPrivate
	// ([external_mcp] private_cidr_allowlist: one egress rule for Wasm
	// http and MCP-over-HTTP).
	PrivateCIDRs     []netip.Prefix
	Hosts            []HostPattern
	MaxResponseBytes int64
	TimeoutMS        int
	UserAgent        string
	// BearerToken, set by the host and never by a grant document, is sent
	// as Authorization: Bearer on every request, so a module can reach an
	// authenticated service without ever holding its credential.
	BearerToken string
}

// CheckURL parses raw and checks it against the grant: absolute, no user
// information, an allowed scheme, and a host on the allowlist.
func (g *HTTPGrant) CheckURL(raw string) (*url.URL, error) {
	const name = abi.CapHTTPFetch
	if g == nil {
		return nil, fail(name, abi.StatusDenied, "not granted")
	}
	u, err := g.policy().CheckURL(raw)
	if err != nil {
		return nil, egressFailure(err)
	}
	return u, nil
}

// policy is the grant as an egress policy. A pattern without a port matches
// every port, as it always has for this capability.
func (g *HTTPGrant) policy() *egress.Policy {
	return &egress.Policy{Allowlist: g.Hosts, AnyPort: true, AllowHTTP: g.AllowHTTP, AllowPrivate: g.AllowPrivate,
		PrivateCIDRAllowlist: g.PrivateCIDRs}
}

// egressFailure maps an egress refusal onto an ABI status: a malformed URL
// is invalid, anything else the policy refused is denied.
func egressFailure(err error) error {
	const name = abi.CapHTTPFetch
	detail := err.Error()
	var e *egress.Error
	if errors.As(err, &e) {
		detail = e.Reason
	}
	if errors.Is(err, egress.ErrInvalidURL) {
		return fail(name, abi.StatusInvalid, "%s", detail)
	}
	return fail(name, abi.StatusDenied, "%s", detail)
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
	if g.BearerToken != "" {
		hr.Header.Set("Authorization", "Bearer "+g.BearerToken)
	}
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
	return g.policy().Client(10*time.Second, &egress.ClientOptions{
		DisableKeepAlives:  true,
		DisableCompression: true,
	})
}

func transportFailure(ctx context.Context, err error) error {
	const name = abi.CapHTTPFetch
	switch {
	case errors.Is(err, egress.ErrRefused):
		return fail(name, abi.StatusDenied, "%v", err)
	case ctx.Err() != nil:
		return fail(name, abi.StatusTimeout, "%v", err)
	}
	return fail(name, abi.StatusUpstream, "%v", err)
}
