package provider

import (
	"context"

	"github.com/decision-gate/dgw/host/evidence"
)

// Transport says how a provider is reached, as reported by providers_list.
type Transport string

// The transports.
const (
	Builtin Transport = "builtin" // embedded in the server (a built-in Wasm module)
	MCP     Transport = "mcp"     // an external MCP server, or a third-party Wasm module
)

// Provider answers evidence queries for the checks of one contract.
//
// Query returns an evidence result, which may carry an in-band error
// (Result.Error) for failures the provider understands (a missing file, a
// malformed parameter). A returned error means the provider itself failed;
// the engine turns it into a provider_error result whose status is Unknown.
// Error text from a provider is untrusted: callers truncate it.
type Provider interface {
	// ID returns the provider id, unique within a registry.
	ID() string
	// Contract returns the provider's capability contract.
	Contract() *Contract
	// Query runs one check. ctx carries the deadline for this call.
	Query(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error)
}

// Describer is implemented by providers that report transport details
// beyond their contract (for example the source of the contract).
type Describer interface {
	// Source is "builtin" or "file", as reported by provider_contract_get.
	Source() string
}
