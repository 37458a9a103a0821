package egress

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// Pattern is one entry of a host allowlist: an exact host name or IP
// literal, "*.suffix" (any subdomain of suffix, not suffix itself), or "*"
// (any host), with an optional port. Host names are compared lower-case;
// IP literals are kept in their canonical form.
//
// The zero Pattern matches nothing useful; build patterns with
// [ParsePattern].
type Pattern struct {
	Host string // "api.example.com", "*.example.com", "*", "127.0.0.1", "::1"
	Port string // "" = no port given
}

// ParsePattern parses "host", "host:port", "*.suffix", "*.suffix:port",
// "*", "*:port", an IPv4 literal with an optional port, or an IPv6 literal
// either bare ("::1") or bracketed with a port ("[::1]:443").
func ParsePattern(s string) (Pattern, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return Pattern{}, fmt.Errorf("egress: empty host pattern")
	}
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != p {
			return Pattern{}, fmt.Errorf("egress: host pattern %q: bad port", s)
		}
	} else if strings.Count(s, ":") == 1 {
		return Pattern{}, fmt.Errorf("egress: host pattern %q: %v", s, err)
	}
	bracketed := strings.HasPrefix(s, "[")
	if bracketed && port == "" {
		if !strings.HasSuffix(host, "]") {
			return Pattern{}, fmt.Errorf("egress: host pattern %q: unbalanced brackets", s)
		}
		host = host[1 : len(host)-1]
	}
	if bracketed {
		if a, err := netip.ParseAddr(host); err != nil || !a.Is6() {
			return Pattern{}, fmt.Errorf("egress: host pattern %q: brackets only around an IPv6 address", s)
		}
	}
	switch {
	case host == "*":
	case strings.HasPrefix(host, "*."):
		if !ValidName(host[2:]) {
			return Pattern{}, fmt.Errorf("egress: host pattern %q: bad suffix", s)
		}
	case strings.Contains(host, "*"):
		return Pattern{}, fmt.Errorf("egress: host pattern %q: '*' only as a whole label prefix", s)
	default:
		if a, err := netip.ParseAddr(host); err == nil {
			if a.Zone() != "" {
				return Pattern{}, fmt.Errorf("egress: host pattern %q: bad host name", s)
			}
			host = a.String()
		} else if !ValidName(host) {
			return Pattern{}, fmt.Errorf("egress: host pattern %q: bad host name", s)
		}
	}
	return Pattern{Host: host, Port: port}, nil
}

// ParsePatterns parses every entry of list with [ParsePattern] and stops at
// the first error.
func ParsePatterns(list []string) ([]Pattern, error) {
	out := make([]Pattern, 0, len(list))
	for _, s := range list {
		p, err := ParsePattern(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// ValidName reports whether s is an ASCII DNS name: dot-separated labels of
// lower-case letters, digits, '-' and '_', each 1–63 bytes, 253 in all.
func ValidName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// String returns the pattern in the form ParsePattern reads.
func (p Pattern) String() string {
	if p.Port == "" {
		if strings.Contains(p.Host, ":") {
			return "[" + p.Host + "]"
		}
		return p.Host
	}
	return net.JoinHostPort(p.Host, p.Port)
}

// Match reports whether host (lower-case, without brackets) and port match
// the pattern. A pattern without a port matches every port; [Policy] can
// narrow that to the scheme's default port.
func (p Pattern) Match(host, port string) bool {
	if p.Port != "" && p.Port != port {
		return false
	}
	return p.MatchHost(host)
}

// MatchHost reports whether host (lower-case, without brackets) matches the
// pattern's host part: "*" matches any host, "*.example.com" matches
// "a.example.com" and "a.b.example.com" but neither "example.com" nor
// "badexample.com".
func (p Pattern) MatchHost(host string) bool {
	switch {
	case p.Host == "*":
		return true
	case strings.HasPrefix(p.Host, "*."):
		return len(host) > len(p.Host)-1 && strings.HasSuffix(host, p.Host[1:])
	}
	return p.Host == host
}
