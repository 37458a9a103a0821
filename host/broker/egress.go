package broker

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/egress"
)

// Egress problem codes (preflight step "egress").
const (
	codeEgressDenied = "egress_denied"
	codeDNSFailed    = "dns_failed"
)

// egressPolicy builds the egress policy of an HTTP backend (design
// broker.md §4.3.3): the egress_allowlist patterns, or the url's own host
// and port when the list is empty (the destination is fixed by config);
// http only with allow_insecure_http; private ranges refused unless
// external_mcp.allow_private_networks is set or the address lies in
// external_mcp.private_cidr_allowlist. A pattern without a port matches
// only the scheme's default port.
func egressPolicy(p config.Provider, em config.ExternalMCP) (*egress.Policy, error) {
	list := p.EgressAllowlist
	if len(list) == 0 {
		u, err := url.Parse(p.URL)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("url: not an absolute URL")
		}
		list = []string{u.Host}
	}
	patterns, err := egress.ParsePatterns(list)
	if err != nil {
		return nil, fmt.Errorf("egress_allowlist: %w", err)
	}
	cidrs := make([]netip.Prefix, 0, len(em.PrivateCIDRAllowlist))
	for _, s := range em.PrivateCIDRAllowlist {
		pre, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("external_mcp.private_cidr_allowlist: %w", err)
		}
		cidrs = append(cidrs, pre)
	}
	return &egress.Policy{
		Allowlist:            patterns,
		AllowHTTP:            p.AllowInsecureHTTP,
		AllowPrivate:         em.AllowPrivateNetworks,
		PrivateCIDRAllowlist: cidrs,
	}, nil
}

// checkEgress is the preflight egress step of an HTTP backend: the url
// passes the policy, its host resolves, and every resolved address passes
// the private-range check. The dial-time check in the client still runs
// on every connection; this step only reports problems early.
func checkEgress(ctx context.Context, pol *egress.Policy, rawURL string, r Resolver) *problem {
	u, err := pol.CheckURL(rawURL)
	if err != nil {
		return newProblem(codeEgressDenied, "url", "%v", err)
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		addrs, err = r.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return newProblem(codeDNSFailed, "url", "resolve %s: %v", host, err)
		}
		if len(addrs) == 0 {
			return newProblem(codeDNSFailed, "url", "resolve %s: no addresses", host)
		}
	}
	for _, a := range addrs {
		if err := pol.CheckAddr(a); err != nil {
			return newProblem(codeEgressDenied, "url", "%s resolves to %s: %v", host, a, err)
		}
	}
	return nil
}
