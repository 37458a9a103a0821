package nsauth

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

// Default timeouts, as namespace.authority.assetcore defaults them.
const (
	DefaultConnectTimeout = 500 * time.Millisecond
	DefaultRequestTimeout = 2 * time.Second
)

// maxCorrelationIDBytes is the longest correlation id forwarded (spec
// §7.12).
const maxCorrelationIDBytes = 128

// Sentinels wrapped by refusals; test with errors.Is.
var (
	// ErrDenied: the authority answered that the namespace does not exist
	// (404) or refused the credentials (401, 403).
	ErrDenied = errors.New("namespace denied by the authority")
	// ErrUnavailable: the authority could not be asked, timed out, or
	// answered another status.
	ErrUnavailable = errors.New("namespace authority unavailable")
)

// Token is a bearer token. It never prints: String, every fmt verb and
// slog render "[REDACTED]" (or "" when empty).
type Token string

// String returns "[REDACTED]", or "" for an empty token.
func (t Token) String() string {
	if t == "" {
		return ""
	}
	return "[REDACTED]"
}

// Format renders the redacted form for every verb.
func (t Token) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, t.String()) }

// LogValue implements [slog.LogValuer] with the redacted form.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// Options configure an [AssetCoreHTTP]. A nil *Options means the defaults.
type Options struct {
	// AuthToken is sent as "Authorization: Bearer <token>"; empty sends
	// none. It must be visible ASCII (no spaces or control characters).
	AuthToken Token
	// ConnectTimeout bounds dialling and the TLS handshake
	// (connect_timeout_ms); 0 means DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// RequestTimeout bounds a whole check, from dialling to the end of the
	// response (request_timeout_ms); 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// TLSConfig is used for https base URLs; nil means the system roots.
	TLSConfig *tls.Config
	// Logger gets a debug line per check and a warning when the authority
	// is unavailable; nil discards. The token is never logged.
	Logger *slog.Logger
}

// AssetCoreHTTP is the assetcore_http namespace authority. Create it with
// [NewAssetCoreHTTP]; it is safe for concurrent use.
type AssetCoreHTTP struct {
	base    string // base URL without trailing slashes
	token   Token
	timeout time.Duration
	tr      *http.Transport
	client  *http.Client
	log     *slog.Logger
	closed  atomic.Bool
}

// NewAssetCoreHTTP returns an authority that asks the AssetCore deployment
// at baseURL (absolute http or https, optionally with a path prefix; no
// user information, query or fragment).
//
// # Errors
//
// errcode.InvalidArgument for a bad base URL, a token that is not visible
// ASCII, or a negative timeout.
func NewAssetCoreHTTP(baseURL string, opts *Options) (*AssetCoreHTTP, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	u, err := url.Parse(baseURL)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
		return nil, errcode.New(errcode.InvalidArgument, "nsauth: base URL %q is not an absolute http or https URL", baseURL)
	case u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, errcode.New(errcode.InvalidArgument, "nsauth: base URL must not carry user information, a query or a fragment")
	case !visibleASCII(string(o.AuthToken)):
		return nil, errcode.New(errcode.InvalidArgument, "nsauth: invalid auth token: it must be visible ASCII without spaces")
	case o.ConnectTimeout < 0 || o.RequestTimeout < 0:
		return nil, errcode.New(errcode.InvalidArgument, "nsauth: timeouts must not be negative")
	}
	if o.ConnectTimeout == 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.RequestTimeout == 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dialer := &net.Dialer{Timeout: o.ConnectTimeout}
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		TLSClientConfig:     o.TLSConfig,
		TLSHandshakeTimeout: o.ConnectTimeout,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &AssetCoreHTTP{
		base:    strings.TrimRight(baseURL, "/"),
		token:   o.AuthToken,
		timeout: o.RequestTimeout,
		tr:      tr,
		client: &http.Client{
			Transport:     tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		log: log,
	}, nil
}

// Check asks AssetCore whether namespace ns exists: nil when it answers 200.
// The tenant is not sent (AssetCore namespace ids are global); a non-empty
// correlationID is forwarded as x-correlation-id. See the package
// documentation for the errors.
func (a *AssetCoreHTTP) Check(ctx context.Context, tenant *evidence.TenantID, ns evidence.NamespaceID, correlationID string) error {
	op := "nsauth: namespace " + strconv.FormatUint(uint64(ns), 10)
	if ns == 0 {
		return errcode.New(errcode.InvalidArgument, "nsauth: namespace id must be at least 1")
	}
	if correlationID != "" && !validCorrelationID(correlationID) {
		return errcode.New(errcode.InvalidArgument, "invalid correlation id")
	}
	if a.closed.Load() {
		return a.unavailable(op, ns, tenant, errors.New("authority closed"))
	}
	start := time.Now()
	rctx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, a.base+"/v1/write/namespaces/"+strconv.FormatUint(uint64(ns), 10), nil)
	if err != nil {
		return a.unavailable(op, ns, tenant, err)
	}
	req.Header.Set("Accept", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+string(a.token))
	}
	if correlationID != "" {
		req.Header.Set("X-Correlation-Id", correlationID)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return errcode.Wrap(errcode.Canceled, op, ctx.Err())
		}
		return a.unavailable(op, ns, tenant, redact(err))
	}
	// Drain a little so the connection can be reused; the body is not used.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	_ = resp.Body.Close()
	a.log.Debug("namespace check", "namespace_id", uint64(ns), "status", resp.StatusCode,
		"duration_ms", time.Since(start).Milliseconds(), "correlation_id", correlationID)
	switch resp.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusNotFound, http.StatusUnauthorized, http.StatusForbidden:
		return &errcode.Error{Code: errcode.PermissionDenied, Op: op, Err: fmt.Errorf("%w: status %d", ErrDenied, resp.StatusCode)}
	}
	return a.unavailable(op, ns, tenant, fmt.Errorf("status %d", resp.StatusCode))
}

// unavailable logs and returns a fail-closed refusal.
func (a *AssetCoreHTTP) unavailable(op string, ns evidence.NamespaceID, tenant *evidence.TenantID, cause error) error {
	attrs := []any{"namespace_id", uint64(ns), "error", cause.Error()}
	if tenant != nil {
		attrs = append(attrs, "tenant_id", uint64(*tenant))
	}
	a.log.Warn("namespace authority unavailable", attrs...)
	return &errcode.Error{Code: errcode.PermissionDenied, Op: op, Err: fmt.Errorf("%w: %v", ErrUnavailable, cause)}
}

// redact shortens a transport error to its cause, without the request
// URL (op already names the namespace).
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Close releases idle connections; later checks fail closed. It is
// idempotent and always returns nil.
func (a *AssetCoreHTTP) Close() error {
	if a.closed.CompareAndSwap(false, true) {
		a.tr.CloseIdleConnections()
	}
	return nil
}

// validCorrelationID applies the rules of spec §7.12: at most 128 bytes
// of RFC 7230 tchars (letters, digits and !#$%&'*+-.^_`|~).
func validCorrelationID(s string) bool {
	if len(s) > maxCorrelationIDBytes {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// visibleASCII reports whether s holds only 0x21..0x7E.
func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

var (
	_ fmt.Stringer   = Token("")
	_ fmt.Formatter  = Token("")
	_ slog.LogValuer = Token("")
)
