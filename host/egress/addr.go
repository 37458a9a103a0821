package egress

import "net/netip"

// blocked lists the address ranges that are refused unless a policy allows
// private networks: loopback, RFC 1918 and unique-local (which holds the
// AWS IPv6 metadata endpoint fd00:ec2::254), link-local (which holds the
// cloud metadata endpoint 169.254.169.254), carrier-grade NAT, multicast,
// unspecified, and the special-purpose ranges that are never a public
// service.
var blocked = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network", unspecified
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // carrier-grade NAT
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, cloud metadata
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, broadcast
		"::/96",           // unspecified, loopback, deprecated IPv4-compatible
		"64:ff9b:1::/48",  // local-use NAT64
		"100::/64",        // discard-only
		"2001::/32",       // Teredo
		"2001:db8::/32",   // documentation
		"fc00::/7",        // unique-local, fd00:ec2::254
		"fe80::/10",       // link-local
		"ff00::/8",        // multicast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// Prefixes that carry an IPv4 address inside an IPv6 one; the IPv4 address
// is checked in turn.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // well-known NAT64: last 32 bits
	sixToFour = netip.MustParsePrefix("2002::/16")    // 6to4: bits 16–47
)

// Blocked reports whether a lies in a range that a policy refuses unless
// it allows private networks. IPv4-mapped, NAT64 and 6to4 addresses are
// judged by the IPv4 address they carry as well. The invalid zero Addr is
// blocked.
func Blocked(a netip.Addr) bool {
	if !a.IsValid() {
		return true
	}
	for _, c := range candidates(a) {
		if blockedRange(c) {
			return true
		}
	}
	return false
}

func blockedRange(a netip.Addr) bool {
	for _, p := range blocked {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// candidates returns a without any zone and unmapped, followed by the IPv4
// address it embeds, if any.
func candidates(a netip.Addr) []netip.Addr {
	a = a.WithZone("").Unmap()
	out := []netip.Addr{a}
	if !a.Is6() {
		return out
	}
	b := a.As16()
	switch {
	case nat64.Contains(a):
		out = append(out, netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	case sixToFour.Contains(a):
		out = append(out, netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
	}
	return out
}
