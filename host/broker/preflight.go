package broker

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/provider"
)

// Preflight steps, in the order they run (design broker.md §4.3.5).
const (
	StepConfig    = "config"
	StepEnv       = "env"
	StepContract  = "contract"
	StepBinary    = "binary"    // stdio only
	StepEgress    = "egress"    // HTTP only
	StepConnect   = "connect"   // spawn, or first connection, within startup_timeout_ms
	StepHandshake = "handshake" // protocol "mcp" only
	StepTools     = "tools"     // protocol "mcp" only
	StepProbe     = "probe"     // only with preflight.probe_check_id
)

// Step result codes shared by every step. A failed step has its own code:
// config_invalid; required_env_missing, bearer_token_missing;
// contract_missing, contract_read_failed, contract_parse_failed,
// contract_invalid, schema_compile_failed, contract_sha256_mismatch,
// contract_changed; binary_not_found, binary_read_failed,
// command_sha256_mismatch; egress_denied, dns_failed; connect_failed,
// connect_timeout; handshake_failed; tools_missing; probe_invalid,
// probe_failed, probe_timeout, probe_malformed.
const (
	CodeOK      = "ok"
	CodeSkipped = "skipped" // the step does not apply to this backend
	CodeNotRun  = "not_run" // an earlier step failed
)

// StepResult is the outcome of one preflight step.
type StepResult struct {
	Step       string `json:"step"`
	OK         bool   `json:"ok"`
	Code       string `json:"code"`
	Message    string `json:"message,omitempty"`
	DurationMS int64  `json:"duration_ms"`
}

// PreflightReport is the outcome of one preflight. It holds no secret
// value and no stderr. A recorded report must not be modified.
type PreflightReport struct {
	// ID is the hex SHA-256 of the report's canonical JSON with ID empty.
	ID       string       `json:"id"`
	Provider string       `json:"provider"`
	OK       bool         `json:"ok"`
	Steps    []StepResult `json:"steps"`
	// ServerInfo, ProtocolVersion and ToolsSchemaHash come from the
	// handshake (protocol "mcp").
	ServerInfo      map[string]any `json:"server_info,omitempty"`
	ProtocolVersion string         `json:"protocol_version,omitempty"`
	// ContractHash is the hex of the contract's canonical hash, as read
	// by this preflight.
	ContractHash    string `json:"contract_hash,omitempty"`
	ToolsSchemaHash string `json:"tools_schema_hash,omitempty"`
	// ConfigHash is the config hash the provider was built with
	// ([Options.ConfigHash]).
	ConfigHash string    `json:"config_hash"`
	CheckedAt  time.Time `json:"checked_at"`
}

// Failed returns the first step that failed, or nil.
func (r *PreflightReport) Failed() *StepResult {
	for i := range r.Steps {
		if !r.Steps[i].OK {
			return &r.Steps[i]
		}
	}
	return nil
}

// Preflight checks the provider end to end and records the report, which
// decides admission when preflight.required is set (see [Provider.Admitted]).
// The steps run in order and stop at the first failure; steps that do not
// apply are "skipped", steps after a failure "not_run":
//
//   - config: the entry suits its transport and the strict-mode rules;
//   - env: required_env is set and non-empty; auth.bearer_token_env
//     resolves;
//   - contract: capabilities_path loads and checks (spec §8.2), matches
//     contract_sha256, and is the contract being served;
//   - binary (stdio): the executable resolves and matches command_sha256;
//   - egress (HTTP): the url passes the egress policy, resolves, and every
//     address passes the private-range check;
//   - connect: a fresh backend spawns or connects within
//     startup_timeout_ms;
//   - handshake, tools (protocol "mcp"): initialize succeeded with a
//     protocol version; tools/list has evidence_query;
//   - probe: preflight.probe_check_id is a contract check, probe_params
//     validate against its params schema, and the query answers with a
//     well-formed result in time (run_id "preflight"). The value is not
//     compared.
//
// Preflight uses its own backend, closed before it returns (its stderr
// stays available through [Provider.StderrTail], never in the report); it
// does not touch the breaker or the live backend. The connect step times the whole
// connection including the handshake, which the client performs in one
// call; a handshake-class client error is reported by the handshake step.
// Trust and anchor checks of the probe result belong to the caller.
func (p *Provider) Preflight(ctx context.Context) *PreflightReport {
	pf := &preflight{p: p, ctx: ctx, secrets: secretValues(&p.cfg, p.getenv)}
	defer func() {
		if pf.backend != nil {
			p.closeBackend(pf.backend)
		}
	}()
	r := &PreflightReport{Provider: p.name, ConfigHash: p.configHash, CheckedAt: p.clock.Now().UTC()}
	pf.report = r
	steps := []struct {
		name    string
		applies bool
		run     func() *problem
	}{
		{StepConfig, true, pf.config},
		{StepEnv, true, pf.env},
		{StepContract, true, pf.contract},
		{StepBinary, p.stdio, pf.binary},
		{StepEgress, !p.stdio, pf.egress},
		{StepConnect, true, pf.connect},
		{StepHandshake, p.mcp, pf.handshake},
		{StepTools, p.mcp, pf.tools},
		{StepProbe, p.cfg.Preflight.ProbeCheckID != "", pf.probe},
	}
	failed := false
	for _, s := range steps {
		switch {
		case failed:
			r.Steps = append(r.Steps, StepResult{Step: s.name, Code: CodeNotRun})
		case !s.applies:
			r.Steps = append(r.Steps, StepResult{Step: s.name, OK: true, Code: CodeSkipped})
		default:
			start := p.clock.Now()
			pr := s.run()
			sr := StepResult{Step: s.name, OK: pr == nil, Code: CodeOK, DurationMS: p.clock.Now().Sub(start).Milliseconds()}
			if pr != nil {
				failed = true
				sr.Code, sr.Message = pr.code, redact(pr.Error(), pf.secrets)
			}
			r.Steps = append(r.Steps, sr)
		}
	}
	r.OK = !failed
	if h, err := evidence.HashJSON(r); err == nil {
		r.ID = h.Value
	}
	if f := r.Failed(); f != nil {
		p.log.Warn("preflight failed", "provider_id", p.name, "step", f.Step, "code", f.Code, "message", f.Message)
	} else {
		p.log.Info("preflight passed", "provider_id", p.name, "report_id", r.ID)
	}
	p.RecordPreflight(r)
	return r
}

// preflight holds the state one preflight run passes between steps.
type preflight struct {
	p       *Provider
	ctx     context.Context
	report  *PreflightReport
	secrets []string

	contractDoc  *provider.Contract // read by the contract step
	backend      Backend            // connected by the connect step
	info         mcpclient.Info
	handshakeErr error // a handshake-class failure of the connect step
}

func (pf *preflight) config() *problem { return checkConfig(&pf.p.cfg, &pf.p.em) }

func (pf *preflight) env() *problem {
	p := pf.p
	if p.stdio {
		_, pr := childEnv(&p.cfg, &p.em, p.getenv)
		return pr
	}
	if pr := checkRequiredEnv(&p.cfg, p.getenv); pr != nil {
		return pr
	}
	_, pr := bearerToken(&p.cfg, p.getenv)
	return pr
}

func (pf *preflight) contract() *problem {
	c, pr := loadContract(&pf.p.cfg)
	if pr != nil {
		return pr
	}
	pf.contractDoc = c
	pf.report.ContractHash = contractHash(c)
	if served := contractHash(pf.p.contract); served != pf.report.ContractHash {
		return newProblem(codeContractChanged, "capabilities_path", "the file's contract (sha256 %s) differs from the one being served (sha256 %s); restart to serve it", pf.report.ContractHash, served)
	}
	return nil
}

func (pf *preflight) binary() *problem {
	_, _, pr := resolveBinary(&pf.p.cfg)
	return pr
}

func (pf *preflight) egress() *problem {
	pol, err := egressPolicy(pf.p.cfg, pf.p.em)
	if err != nil {
		return newProblem("config_invalid", "", "egress policy: %v", err)
	}
	return checkEgress(pf.ctx, pol, pf.p.cfg.URL, pf.p.resolver)
}

func (pf *preflight) connect() *problem {
	p := pf.p
	hctx, cancel := context.WithTimeout(pf.ctx, p.startupTimeout)
	defer cancel()
	c, err := p.connect(hctx)
	if err == nil {
		pf.backend, pf.info = c.be, c.info
		pf.report.ServerInfo = c.info.ServerInfo
		pf.report.ProtocolVersion = c.info.ProtocolVersion
		pf.report.ToolsSchemaHash = c.info.ToolsSchemaHash
		return nil
	}
	var pr *problem
	if errors.As(err, &pr) {
		return pr
	}
	var ce *mcpclient.Error
	if errors.As(err, &ce) {
		switch ce.Code {
		case mcpclient.CodeHandshake, mcpclient.CodeRPCError, mcpclient.CodeMalformed,
			mcpclient.CodeTextResult, mcpclient.CodeEmptyResult:
			if p.mcp {
				pf.handshakeErr = err // connected; the handshake step reports it
				return nil
			}
		case mcpclient.CodeTimeout:
			return newProblem("connect_timeout", "timeouts.startup_timeout_ms", "no connection within %d ms: %v", p.startupTimeout.Milliseconds(), err)
		case mcpclient.CodeEgressDenied:
			return newProblem(codeEgressDenied, "url", "%v", err)
		}
		return newProblem("connect_failed", "", "%v", err)
	}
	if pf.ctx.Err() == nil && errors.Is(hctx.Err(), context.DeadlineExceeded) {
		return newProblem("connect_timeout", "timeouts.startup_timeout_ms", "no connection within %d ms", p.startupTimeout.Milliseconds())
	}
	return newProblem("connect_failed", "", "%v", err)
}

func (pf *preflight) handshake() *problem {
	if pf.handshakeErr != nil {
		return newProblem("handshake_failed", "protocol", "%v", pf.handshakeErr)
	}
	if pf.info.ProtocolVersion == "" {
		return newProblem("handshake_failed", "protocol", "initialize returned no protocol version")
	}
	return nil
}

func (pf *preflight) tools() *problem {
	if pf.info.ToolsSchemaHash == "" {
		return newProblem("tools_missing", "protocol", "tools/list has no evidence_query tool")
	}
	return nil
}

func (pf *preflight) probe() *problem {
	p := pf.p
	id := p.cfg.Preflight.ProbeCheckID
	check := pf.contractDoc.Check(id)
	if check == nil {
		return newProblem("probe_invalid", "preflight.probe_check_id", "check %q is not in the contract", id)
	}
	var params json.RawMessage
	if p.cfg.Preflight.ProbeParams != nil {
		b, err := json.Marshal(p.cfg.Preflight.ProbeParams)
		if err != nil {
			return newProblem("probe_invalid", "preflight.probe_params", "%v", err)
		}
		params = b
	}
	if len(params) == 0 && check.ParamsRequired {
		return newProblem("probe_invalid", "preflight.probe_params", "check %q requires params", id)
	}
	if len(params) > 0 {
		if err := provider.ValidateJSON(check.ParamsSchema, params); err != nil {
			return newProblem("probe_invalid", "preflight.probe_params", "do not match the params schema of %q: %v", id, err)
		}
	}
	cctx, cancel := context.WithTimeout(pf.ctx, p.requestTimeout)
	defer cancel()
	q := evidence.Query{ProviderID: p.name, CheckID: id, Params: params}
	res, err := pf.backend.Call(cctx, q, probeContext(p.clock.Now()))
	if err != nil {
		var ce *mcpclient.Error
		if errors.As(err, &ce) && ce.Code == mcpclient.CodeTimeout || pf.ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
			return newProblem("probe_timeout", "timeouts.request_timeout_ms", "no answer within %d ms", p.requestTimeout.Milliseconds())
		}
		return newProblem("probe_failed", "preflight.probe_check_id", "%v", err)
	}
	if why := malformed(res); why != "" {
		return newProblem("probe_malformed", "preflight.probe_check_id", "%s", why)
	}
	return nil
}

// probeContext is the synthetic evidence context of a probe.
func probeContext(now time.Time) evidence.Context {
	return evidence.Context{
		TenantID:    1,
		NamespaceID: 1,
		RunID:       "preflight",
		ScenarioID:  "preflight",
		StageID:     "preflight",
		TriggerID:   "preflight",
		TriggerTime: evidence.AtMillis(now.UnixMilli()),
	}
}

// malformed says why a result is not a well-formed EvidenceResult, or "".
func malformed(r evidence.Result) string {
	switch {
	case r.Lane != evidence.Verified && r.Lane != evidence.Asserted:
		return "unknown trust lane"
	case r.Value != nil && r.Value.Kind != evidence.JSONValue && r.Value.Kind != evidence.BytesValue:
		return "value has no kind"
	case r.Value != nil && r.Value.Kind == evidence.JSONValue && len(r.Value.JSON) > 0 && !json.Valid(r.Value.JSON):
		return "value is not valid JSON"
	case r.Error != nil && r.Error.Code == "":
		return "error has no code"
	}
	return ""
}

// checkConfig is the config step: the entry names exactly one transport
// and a known protocol, and, in strict mode, obeys the strict rules
// (design broker.md §4.3.7). [config.Parse] enforces the same; the step
// also covers configs built in code.
func checkConfig(p *config.Provider, em *config.ExternalMCP) *problem {
	const code = "config_invalid"
	stdio := len(p.Command) > 0
	switch {
	case stdio == (p.URL != ""):
		return newProblem(code, "", "set exactly one of command and url")
	case p.Protocol != "" && p.Protocol != config.ProtocolMCP && p.Protocol != config.ProtocolDGEvidence:
		return newProblem(code, "protocol", "unknown protocol %q", p.Protocol)
	case !em.Strict:
		return nil
	case !p.Preflight.Required:
		return newProblem(code, "preflight.required", "must be true in strict mode")
	case p.ContractSHA256 == "":
		return newProblem(code, "contract_sha256", "is required in strict mode")
	case p.Auth != nil && p.Auth.BearerToken.IsSet():
		return newProblem(code, "auth.bearer_token", "literal tokens are refused in strict mode")
	case stdio && p.CommandSHA256 == "":
		return newProblem(code, "command_sha256", "is required in strict mode")
	case stdio && !p.AllowUnenforcedEgress:
		return newProblem(code, "allow_unenforced_egress", "must be true in strict mode")
	case !stdio && len(p.EgressAllowlist) == 0:
		return newProblem(code, "egress_allowlist", "must not be empty in strict mode")
	}
	return nil
}
