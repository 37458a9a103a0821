// Package assetcorestub is an in-process stand-in for an AssetCore
// deployment, for tests: the namespace catalogue the assetcore_http
// namespace authority asks (GET /v1/write/namespaces/{id}) and the read API
// the built-in assetcore provider speaks (GET
// /v1/read/namespaces/{ns}/containers/…, specified in
// plugins/assetcore/README.md). It uses the standard library only.
//
// # State
//
// A [Server] holds namespaces of classes and containers (balances, 1D and
// 2D grids, slots, continuous lines and planes). State changes only through
// commits: [Server.Apply] applies a [CommitRequest] atomically and advances
// the namespace's world_seq by one, with a commit id and chain hash derived
// from the previous chain hash and the commit's content, so the same
// commits always give the same ids. [Seeded] applies the reference interop
// seed plan (testdata/assetcore/interop/seed_plan.json); [ParseSeedPlan]
// refuses any field or operation the stub does not implement, so a seed
// plan is never half understood.
//
// # Failure modes
//
// [Options.Token] requires a bearer token (401 without one, 403 for
// another). [Server.SetFault] delays answers, replaces them with a status
// (5xx) or with a body that is not JSON. [Server.RemoveNamespace] makes a
// namespace unknown. [Server.Requests] records every request with its
// Authorization and x-correlation-id headers.
//
// # Concurrency
//
// A Server is safe for concurrent use. Commits publish a new copy of a
// namespace; readers never see a half-applied commit. [Server.Start] serves
// it on loopback for the life of a test.
package assetcorestub
