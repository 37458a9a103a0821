// Package server builds a running Decision Gate server from a validated
// [config.Config]: providers (Wasm modules), the engine and its stores, the
// schema registry, docs, audit, and the MCP transports. It owns start-up and
// shutdown order.
//
// # Lifetime
//
// [New] builds every component and fails closed on the first problem,
// closing what it already built. [Server.Serve] runs the configured
// transport until its context ends (HTTP/SSE) or stdin closes (stdio).
// [Server.Close] stops components in reverse start order; it is idempotent.
package server
