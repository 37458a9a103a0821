// Package plugintest supports native tests of the built-in provider modules.
//
// [Host] is an [sdk.TestHost] that answers the host capabilities the way
// the Decision Gate host does, against real resources: environment lookups
// from a map with an allowlist, file reads under a real root directory with
// symlink resolution and escape detection, and real HTTP fetches (GET only,
// redirects never followed, scheme and host allowlist, response size cap,
// truncation detection). [ContractHash] computes a provider's contract hash
// (SHA-256 of the RFC 8785 canonical JSON) independently of the host's
// canonicaliser. [NewCall] builds a query call.
//
// The package is for tests only; provider modules never import it.
package plugintest
