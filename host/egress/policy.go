package egress

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// Sentinels wrapped by every [*Error].
var (
	// ErrRefused: the policy does not allow the destination.
	ErrRefused = errors.New("refused by egress policy")
	// ErrInvalidURL: the URL is malformed or carries user information.
	ErrInvalidURL = errors.New("invalid URL")
)

// Error is a refusal by a [Policy]. Err is [ErrRefused] or
// [ErrInvalidURL].
type Error struct {
	// Host is the "host:port" of a URL, or the literal address of a dial;
	// empty when the URL has no usable host.
	Host   string
	Reason string
	Err    error
}

// Error returns "egress: <reason>".
func (e *Error) Error() string { return "egress: " + e.Reason }

// Unwrap returns [ErrRefused] or [ErrInvalidURL].
func (e *Error) Unwrap() error { return e.Err }

func refused(host, format string, args ...any) *Error {
	return &Error{Host: host, Reason: fmt.Sprintf(format, args...), Err: ErrRefused}
}

func invalid(format string, args ...any) *Error {
	return &Error{Reason: fmt.Sprintf(format, args...), Err: ErrInvalidURL}
}

// Policy says where outbound HTTP may go. The zero Policy refuses every
// URL (empty allowlist) and every non-public address; a nil *Policy
// refuses everything.
type Policy struct {
	// Allowlist holds the hosts a URL may name; nil allows none. A "*"
	// pattern allows any host (the dial-time check still applies).
	Allowlist []Pattern
	// AnyPort makes a pattern without a port match every port (the http
	// capability's rule). Otherwise such a pattern matches only the URL
	// scheme's default port, 443 or 80 (the egress_allowlist rule).
	AnyPort bool
	// AllowHTTP allows http URLs as well as https.
	AllowHTTP bool
	// AllowPrivate turns the dial-time address check off.
	AllowPrivate bool
	// PrivateCIDRAllowlist lists otherwise blocked ranges that may be
	// dialled, e.g. 10.20.0.0/16.
	PrivateCIDRAllowlist []netip.Prefix
}

// CheckURL parses raw and checks it against the policy: absolute, no user
// information, https (or http when AllowHTTP is set), and a host that
// matches the allowlist. It returns the parsed URL.
//
// # Errors
//
// An [*Error] wrapping [ErrInvalidURL] (not absolute, no host, user
// information, bad host name) or [ErrRefused] (scheme, host or port not
// allowed, or a nil policy).
func (p *Policy) CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return nil, invalid("not an absolute URL: %q", raw)
	}
	var defPort string
	switch strings.ToLower(u.Scheme) {
	case "https":
		defPort = "443"
	case "http":
		defPort = "80"
	default:
		return nil, refused("", "scheme %q not allowed", u.Scheme)
	}
	if u.Host == "" || u.Opaque != "" {
		return nil, invalid("URL has no host: %q", raw)
	}
	if u.User != nil {
		return nil, invalid("URL carries user information")
	}
	host := strings.ToLower(u.Hostname())
	if a, err := netip.ParseAddr(host); err == nil && a.Zone() == "" {
		host = a.String()
	} else if !ValidName(strings.TrimSuffix(host, ".")) {
		return nil, invalid("bad host %q", u.Hostname())
	}
	port := u.Port()
	if port == "" {
		port = defPort
	}
	hostPort := net.JoinHostPort(host, port)
	if p == nil {
		return nil, refused(hostPort, "no egress policy: %s refused", hostPort)
	}
	if defPort == "80" && !p.AllowHTTP {
		return nil, refused(hostPort, "scheme http not allowed")
	}
	for _, pat := range p.Allowlist {
		if pat.Port == "" && !p.AnyPort && port != defPort {
			continue
		}
		if pat.Match(host, port) {
			return u, nil
		}
	}
	return nil, refused(hostPort, "host %s not on the allowlist", hostPort)
}

// CheckAddr reports whether the policy allows connecting to a: nil when it
// is public, when AllowPrivate is set, or when every blocked form of it
// lies in PrivateCIDRAllowlist; otherwise an [*Error] wrapping
// [ErrRefused]. A nil policy refuses every address.
func (p *Policy) CheckAddr(a netip.Addr) error {
	if p == nil {
		return refused(a.String(), "no egress policy: address %s refused", a)
	}
	if p.AllowPrivate {
		return nil
	}
	for _, c := range candidates(a) {
		if c.IsValid() && !blockedRange(c) || p.excepted(c) {
			continue
		}
		return refused(a.String(), "address %s is not a public address", a)
	}
	return nil
}

func (p *Policy) excepted(a netip.Addr) bool {
	for _, pre := range p.PrivateCIDRAllowlist {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// Control checks the literal address being dialled against the policy
// ([Policy.CheckAddr]). Install it as [net.Dialer.Control]: it runs after
// DNS resolution, just before connect, for every address tried.
func (p *Policy) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return refused(address, "address %s: %v", address, err)
	}
	if err := p.CheckAddr(ap.Addr()); err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Host = address
		}
		return err
	}
	return nil
}
