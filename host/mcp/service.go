package mcp

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/docs"
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/internal/jsonstrict"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/registry"
	"github.com/decision-gate/dgw/host/runpack"
)

// Options configures a [Service]. Engine and Providers are required.
type Options struct {
	Engine    *engine.Engine
	Providers *provider.Registry
	// Evidence answers evidence_query; nil means Providers.
	Evidence engine.EvidenceSource

	Namespace  NamespacePolicy
	Feedback   FeedbackPolicy
	Disclosure DisclosurePolicy
	Discovery  DiscoveryPolicy
	Visibility ToolVisibility

	// Runpacks configures runpack_export and runpack_verify.
	Runpacks RunpackOptions

	// Registry serves the schema registry tools and precheck.
	Registry *registry.Registry
	// Docs serves docs search and resources; nil disables both.
	Docs *docs.Index
	// Audit receives registry, precheck and security events; nil drops them.
	Audit *audit.Sink
	// LogPrecheckPayloads includes raw precheck requests and responses in
	// the precheck audit event (server.audit.log_precheck_payloads).
	LogPrecheckPayloads bool
	// Validation is the strict comparator profile used by precheck.
	Validation compare.Options

	Logger *slog.Logger
}

// RunpackOptions configures runpack export.
type RunpackOptions struct {
	// Store, when set, receives exports instead of the filesystem
	// (runpack_storage); output_dir is then ignored.
	Store RunpackStore
	// Security and AnchorPolicy are recorded in every manifest.
	Security     runpack.Security
	AnchorPolicy *runpack.AnchorPolicy
}

// RunpackStore is an object store for runpacks.
type RunpackStore interface {
	// Sink returns a sink for a run's runpack and its storage URI.
	Sink(ctx context.Context, key RunpackKey) (runpack.Sink, string, error)
}

// RunpackKey names one exported runpack.
type RunpackKey struct {
	TenantID, NamespaceID uint64
	ScenarioID, RunID     string
	SpecHash              string
}

// Call is one tool invocation.
type Call struct {
	Tool      string
	Principal *Principal
	Info      *RequestInfo
	Args      json.RawMessage
}

type handler func(ctx context.Context, c *Call) (any, error)

type tool struct {
	contract ToolContract
	run      handler
}

// Service implements the 18 tools over an engine, providers and the
// optional registry and docs. It is safe for concurrent use.
type Service struct {
	opts  Options
	tools map[string]*tool
	order []*tool
}

// NewService builds the tool service.
func NewService(opts Options) (*Service, error) {
	if opts.Engine == nil || opts.Providers == nil {
		return nil, fmt.Errorf("mcp: Engine and Providers are required")
	}
	if opts.Evidence == nil {
		opts.Evidence = opts.Providers
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Audit == nil {
		opts.Audit = audit.Disabled()
	}
	if opts.Discovery.MaxResponseBytes <= 0 {
		opts.Discovery.MaxResponseBytes = 1 << 20
	}
	s := &Service{opts: opts, tools: map[string]*tool{}}
	handlers := map[string]handler{
		"scenario_define": s.scenarioDefine, "scenario_start": s.scenarioStart,
		"scenario_status": s.scenarioStatus, "scenario_next": s.scenarioNext,
		"scenario_submit": s.scenarioSubmit, "scenario_trigger": s.scenarioTrigger,
		"evidence_query": s.evidenceQuery, "runpack_export": s.runpackExport,
		"runpack_verify": s.runpackVerify, "providers_list": s.providersList,
		"provider_contract_get": s.providerContractGet, "provider_check_schema_get": s.providerCheckSchemaGet,
		"schemas_register": s.schemasRegister, "schemas_list": s.schemasList, "schemas_get": s.schemasGet,
		"scenarios_list": s.scenariosList, "precheck": s.precheck, "decision_gate_docs_search": s.docsSearch,
	}
	for _, c := range Contracts() {
		h, ok := handlers[c.Name]
		if !ok {
			return nil, fmt.Errorf("mcp: no handler for tool %s", c.Name)
		}
		t := &tool{contract: c, run: h}
		s.tools[c.Name] = t
		s.order = append(s.order, t)
	}
	return s, nil
}

// visible reports whether a tool is listed and callable.
func (s *Service) visible(name string) bool {
	if name == "decision_gate_docs_search" && (s.opts.Docs == nil || !s.opts.Docs.SearchEnabled()) {
		return false
	}
	return s.opts.Visibility.allowed(name)
}

// List returns the contracts of the tools to list, in canonical order.
func (s *Service) List() []ToolContract {
	out := make([]ToolContract, 0, len(s.order))
	for _, t := range s.order {
		if t.contract.Name == "decision_gate_docs_search" && (s.opts.Docs == nil || !s.opts.Docs.SearchEnabled()) {
			continue
		}
		if s.opts.Visibility.Passthrough || s.opts.Visibility.allowed(t.contract.Name) {
			out = append(out, t.contract)
		}
	}
	return out
}

// Call runs a tool. The caller has authenticated c.Principal; Call checks
// visibility and decodes the arguments.
func (s *Service) Call(ctx context.Context, c *Call) (any, error) {
	t, ok := s.tools[c.Tool]
	if !ok || !s.visible(c.Tool) {
		return nil, rpcErr(CodeMethodNotFound, "unknown tool")
	}
	return t.run(ctx, c)
}

// decodeArgs decodes tool arguments strictly, naming the JSON path of the
// first problem.
func decodeArgs(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	}
	if err := jsonstrict.Decode(raw, v); err != nil {
		return errcode.Wrap(errcode.InvalidArgument, "", err)
	}
	return nil
}

// corr returns the server correlation id of a call for audit and providers.
func (c *Call) corr() string {
	if c.Info == nil {
		return ""
	}
	return c.Info.ServerCorrelationID
}
