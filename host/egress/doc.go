// Package egress is the one outbound-connection policy of the host: it
// decides which URLs a provider may reach and refuses, at dial time, the
// addresses that are never a public service.
//
// The same [Policy] serves the Wasm http capability (host/capability) and
// MCP-over-HTTP evidence backends (host/broker/mcpclient).
//
// # Checks
//
// Before a request, [Policy.CheckURL] requires an absolute URL without user
// information, https (http only when AllowHTTP is set) and a host that
// matches an allowlist [Pattern]: an exact host or IP literal, "*.suffix"
// on a dot boundary, or "*", each with an optional port.
//
// At dial time, [Policy.Control] (installed as [net.Dialer.Control] by
// [Policy.Transport] and [Policy.Client]) checks the literal address being
// connected to, after DNS resolution, so a name that resolves to a public
// address when checked and to 127.0.0.1 when used is still refused.
// Loopback, private, link-local (cloud metadata), carrier-grade NAT,
// multicast, unspecified and the other special-purpose ranges ([Blocked])
// are refused unless AllowPrivate is set or the address lies in
// PrivateCIDRAllowlist.
//
// # Errors
//
// Refusals are [*Error] values that wrap [ErrRefused] (the policy said no)
// or [ErrInvalidURL] (the URL is malformed); test with [errors.Is]. A
// refused dial reaches callers wrapped in [net.OpError] and [url.Error],
// which unwrap to the same sentinel.
//
// # Concurrency
//
// A Policy is a value: do not change it after handing it to a client. All
// methods are safe for concurrent use.
package egress
