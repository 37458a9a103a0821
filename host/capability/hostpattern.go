package capability

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// HostPattern is one entry of an HTTP host allowlist: an exact host name or
// IP literal, "*.suffix" (any subdomain of suffix, not suffix itself), or
// "*" (any host), with an optional port. A pattern without a port matches
// every port. Host names are compared lower-case.
type HostPattern struct {
	Host string // "api.example.com", "*.example.com", "*", "127.0.0.1", "::1"
	Port string // "" matches any port
}

// ParseHostPattern parses "host", "host:port", "*.suffix[:port]", "*" or
// "[v6]:port".
func ParseHostPattern(s string) (HostPattern, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return HostPattern{}, fmt.Errorf("capability: empty host pattern")
	}
	host, port := s, ""
	if h, p, err := net.SplitHostPort(s); err == nil {
		host, port = h, p
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return HostPattern{}, fmt.Errorf("capability: host pattern %q: bad port", s)
		}
	} else if strings.Count(s, ":") == 1 {
		return HostPattern{}, fmt.Errorf("capability: host pattern %q: %v", s, err)
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	switch {
	case host == "*":
	case strings.HasPrefix(host, "*."):
		if !validName(host[2:]) {
			return HostPattern{}, fmt.Errorf("capability: host pattern %q: bad suffix", s)
		}
	case strings.Contains(host, "*"):
		return HostPattern{}, fmt.Errorf("capability: host pattern %q: '*' only as a whole label prefix", s)
	case net.ParseIP(host) == nil && !validName(host):
		return HostPattern{}, fmt.Errorf("capability: host pattern %q: bad host name", s)
	}
	return HostPattern{Host: host, Port: port}, nil
}

// validName accepts ASCII DNS names: labels of letters, digits, '-' and '_'.
func validName(s string) bool {
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

// String returns the pattern in the form ParseHostPattern reads.
func (p HostPattern) String() string {
	if p.Port == "" {
		return p.Host
	}
	return net.JoinHostPort(p.Host, p.Port)
}

// Match reports whether host (lower-case, without brackets) and port (never
// empty: the scheme's default when the URL has none) match the pattern.
func (p HostPattern) Match(host, port string) bool {
	if p.Port != "" && p.Port != port {
		return false
	}
	return hostMatch(p.Host, host)
}

func hostMatch(pattern, host string) bool {
	switch {
	case pattern == "*":
		return true
	case strings.HasPrefix(pattern, "*."):
		return strings.HasSuffix(host, pattern[1:]) && len(host) > len(pattern)-1
	}
	return pattern == host
}

// intersectPatterns returns the patterns that allow exactly what both lists
// allow: for each pair, the narrower pattern when one contains the other.
func intersectPatterns(a, b []HostPattern) []HostPattern {
	var out []HostPattern
	add := func(p HostPattern) {
		for _, q := range out {
			if q == p {
				return
			}
		}
		out = append(out, p)
	}
	for _, x := range a {
		for _, y := range b {
			port := x.Port
			switch {
			case x.Port == "":
				port = y.Port
			case y.Port != "" && y.Port != x.Port:
				continue
			}
			switch {
			case covers(x.Host, y.Host):
				add(HostPattern{Host: y.Host, Port: port})
			case covers(y.Host, x.Host):
				add(HostPattern{Host: x.Host, Port: port})
			}
		}
	}
	return out
}

// covers reports whether host pattern a allows everything pattern b allows.
func covers(a, b string) bool {
	switch {
	case a == "*":
		return true
	case b == "*":
		return false
	case strings.HasPrefix(b, "*."):
		return strings.HasPrefix(a, "*.") && (a == b || strings.HasSuffix(b, a[1:]))
	}
	return hostMatch(a, b)
}
