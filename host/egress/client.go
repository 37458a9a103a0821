package egress

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// Defaults of [ClientOptions] and [Policy.Transport].
const (
	DefaultConnectTimeout         = 10 * time.Second
	DefaultMaxResponseHeaderBytes = 64 << 10
	DefaultIdleConnTimeout        = 90 * time.Second
)

// ClientOptions tune a transport built by [Policy.Transport]. The zero
// value (or nil) gives the defaults.
type ClientOptions struct {
	// TLSHandshakeTimeout bounds the TLS handshake; 0 = the connect timeout.
	TLSHandshakeTimeout time.Duration
	// ResponseHeaderTimeout bounds the wait for response headers after the
	// request is written; 0 = only the request's context.
	ResponseHeaderTimeout time.Duration
	// MaxResponseHeaderBytes caps the response header; 0 = 64 KiB.
	MaxResponseHeaderBytes int64
	// IdleConnTimeout closes idle keep-alive connections; 0 = 90 s.
	IdleConnTimeout time.Duration
	// MaxIdleConnsPerHost; 0 = net/http's default (2).
	MaxIdleConnsPerHost int
	// DisableKeepAlives makes every request use a fresh connection.
	DisableKeepAlives bool
	// DisableCompression stops transparent gzip, so a body is exactly
	// what the server sent.
	DisableCompression bool
}

// Transport returns a transport that only goes where p allows: every
// request's URL is checked with [Policy.CheckURL] and every dialled address
// with [Policy.Control]; no proxy is used, whatever the environment says.
// connectTimeout bounds each dial (≤ 0 = [DefaultConnectTimeout]).
//
// The caller owns the transport and calls CloseIdleConnections when done.
func (p *Policy) Transport(connectTimeout time.Duration, o *ClientOptions) http.RoundTripper {
	if o == nil {
		o = &ClientOptions{}
	}
	if connectTimeout <= 0 {
		connectTimeout = DefaultConnectTimeout
	}
	tlsTimeout := o.TLSHandshakeTimeout
	if tlsTimeout <= 0 {
		tlsTimeout = connectTimeout
	}
	maxHeader := o.MaxResponseHeaderBytes
	if maxHeader <= 0 {
		maxHeader = DefaultMaxResponseHeaderBytes
	}
	idle := o.IdleConnTimeout
	if idle <= 0 {
		idle = DefaultIdleConnTimeout
	}
	dialer := &net.Dialer{Timeout: connectTimeout, Control: p.Control}
	base := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    tlsTimeout,
		ResponseHeaderTimeout:  o.ResponseHeaderTimeout,
		MaxResponseHeaderBytes: maxHeader,
		IdleConnTimeout:        idle,
		MaxIdleConnsPerHost:    o.MaxIdleConnsPerHost,
		DisableKeepAlives:      o.DisableKeepAlives,
		DisableCompression:     o.DisableCompression,
	}
	return &checkedTransport{policy: p, base: base}
}

// Client returns an HTTP client over [Policy.Transport] that never follows
// a redirect (a 3xx is returned as the response) and keeps no cookies.
// Close its idle connections with [http.Client.CloseIdleConnections].
func (p *Policy) Client(connectTimeout time.Duration, o *ClientOptions) *http.Client {
	return &http.Client{
		Transport:     p.Transport(connectTimeout, o),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// checkedTransport checks each request's URL before handing it on.
type checkedTransport struct {
	policy *Policy
	base   *http.Transport
}

func (t *checkedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if _, err := t.policy.CheckURL(req.URL.String()); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	return t.base.RoundTrip(req)
}

// CloseIdleConnections closes the idle keep-alive connections.
func (t *checkedTransport) CloseIdleConnections() { t.base.CloseIdleConnections() }
