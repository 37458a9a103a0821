package capability

import (
	"strings"

	"github.com/decision-gate/dgw/host/egress"
)

// HostPattern is one entry of an HTTP host allowlist: an exact host name or
// IP literal, "*.suffix" (any subdomain of suffix, not suffix itself), or "*"
// (any host), with an optional port. In an [HTTPGrant] a pattern without a
// port matches every port. It is the shared egress pattern,
// [egress.Pattern].
type HostPattern = egress.Pattern

// ParseHostPattern parses "host", "host:port", "*.suffix[:port]", "*" or
// "[v6]:port" with [egress.ParsePattern].
func ParseHostPattern(s string) (HostPattern, error) { return egress.ParsePattern(s) }

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
	return HostPattern{Host: a}.MatchHost(b)
}
