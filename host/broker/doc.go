// Package broker governs the external MCP evidence providers (type = "mcp"
// [[providers]] entries): it loads their contracts, keeps their
// environment clean, pins their executables and contracts, preflights
// them, and puts every query behind admission, a circuit breaker and a
// bounded concurrency limiter (design broker.md §4; spec §8). The wire
// protocol itself is host/broker/mcpclient's.
//
// # Types
//
// [Provider] is one governed backend; it implements provider.Provider, so
// the engine queries it like any other provider. [Broker] builds the
// providers of a config, runs start-up preflight and applies strict mode.
// [Provider.Preflight] returns a [PreflightReport]; [Provider.Health]
// returns a [Health] for status pages and provenance.
//
// # Failures are unknown, never values
//
// Every refusal or failure is an error implementing evidence.CodedError
// (provider_unavailable, circuit_open, backend_busy, timeout,
// provider_error), which the engine records as status Unknown. No mode,
// flag or outcome turns a failure into a result with a value. An
// optional provider differs only at start-up and in log levels.
//
// # Breaker
//
// Each provider has a passive, in-memory breaker driven by an injectable
// [Clock]: failure_threshold consecutive counted failures open it; while
// open it refuses with circuit_open and sends no traffic; after open_ms it
// admits half_open_max probes, whose successes close it and whose first
// failure reopens it. Counted are client failures whose
// mcpclient.Error.Counted is true, and timeouts; not counted are
// well-formed results carrying an in-band error, egress refusals, host
// refusals (environment, pins) and calls the caller abandoned. Integrity
// failures (signatures, anchors) are checked by the caller and never reach
// the breaker. Every transition is logged and reported to
// [Options.OnTransition].
//
// # Start-up and admission
//
// A provider whose preflight.required is set serves queries only while
// its most recent preflight passed for the current config hash. In strict
// mode a non-optional provider that fails start-up preflight stops [New];
// an optional one starts unavailable. In non-strict mode a failure is a
// warning and makes the provider unavailable only if preflight.required is
// set; without it the provider stays in service and the breaker handles
// the outage, since nothing would ever re-admit it otherwise.
//
// # Secrets
//
// Environment values and bearer tokens never appear in errors, logs or
// reports; names do. A child's stderr is kept by the client and is
// available only through [Provider.StderrTail].
//
// # Concurrency and lifetime
//
// Providers and the Broker are safe for concurrent use. Close the Broker
// (or each Provider built alone) when done; Close is idempotent and kills
// stdio children. Nothing in the package starts a goroutine that outlives
// a call.
package broker
