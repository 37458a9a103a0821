// Package nsauth implements namespace authorities: external catalogues that
// decide whether a namespace exists before a tenant- or namespace-scoped
// tool runs (spec §7.3, namespace.authority.mode). The MCP layer consumes
// them through its NamespaceAuthority interface; this package does not
// import it.
//
// [AssetCoreHTTP] is the assetcore_http mode: it asks an AssetCore
// deployment with GET {base_url}/v1/write/namespaces/{id}, optionally with
// a bearer token, and forwards the request's correlation id.
//
//	a, err := nsauth.NewAssetCoreHTTP("https://asc.internal", &nsauth.Options{AuthToken: nsauth.Token(tok)})
//	defer a.Close()
//	err = a.Check(ctx, &tenant, ns, correlationID) // nil: allowed
//
// # Errors
//
// Every refusal is an *errcode.Error with code errcode.PermissionDenied
// (JSON-RPC -32003, "unauthorized"), wrapping [ErrDenied] when AssetCore
// answered 404, 401 or 403, and [ErrUnavailable] for any other status, a
// transport failure or a timeout: an authority that cannot answer never
// allows. A correlation id or namespace id that cannot be sent safely is
// errcode.InvalidArgument (-32602) and no request is made.
//
// # Concurrency and lifetime
//
// An AssetCoreHTTP is safe for concurrent use and keeps a small pool of
// idle connections; [AssetCoreHTTP.Close] releases them and makes later
// checks fail closed. Close is idempotent.
package nsauth
