package mcp

import (
	"context"
	"encoding/json"

	"github.com/decision-gate/dgw/host/audit"
	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/registry"
	"github.com/decision-gate/dgw/host/scenario"
)

type precheckArgs struct {
	TenantID    evidence.TenantID    `json:"tenant_id"`
	NamespaceID evidence.NamespaceID `json:"namespace_id"`
	ScenarioID  *string              `json:"scenario_id"`
	Spec        *scenario.Spec       `json:"spec"`
	StageID     *string              `json:"stage_id"`
	DataShape   struct {
		SchemaID string `json:"schema_id"`
		Version  string `json:"version"`
	} `json:"data_shape"`
	Payload json.RawMessage `json:"payload"`
}

// precheck evaluates asserted evidence (the payload) against a scenario
// stage without touching any run (spec §7.6).
func (s *Service) precheck(ctx context.Context, c *Call) (any, error) {
	var args precheckArgs
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	if s.opts.Registry == nil {
		return nil, controlPlane("schema registry is not configured")
	}
	if err := s.opts.Namespace.check(ctx, &args.TenantID, args.NamespaceID, c.corr()); err != nil {
		return nil, err
	}
	rec, err := s.opts.Registry.Get(ctx, args.TenantID, args.NamespaceID, args.DataShape.SchemaID, args.DataShape.Version)
	if err != nil {
		return nil, err
	}
	compiled, err := s.opts.Registry.Compiled(ctx, args.TenantID, args.NamespaceID, args.DataShape.SchemaID, args.DataShape.Version)
	if err != nil {
		return nil, err
	}
	if err := registry.Validate(compiled, args.Payload); err != nil {
		return nil, err
	}
	spec, inline, err := s.precheckSpec(&args)
	if err != nil {
		return nil, err
	}
	if spec.DefaultTenantID != nil && *spec.DefaultTenantID != args.TenantID {
		return nil, errcode.New(errcode.PermissionDenied, "tenant mismatch for scenario %s", spec.ScenarioID)
	}
	if s.opts.Validation.Strict {
		for _, cond := range spec.Conditions {
			variants, err := compare.ConditionSchemasFromShape(rec.Schema, cond.ConditionID, len(spec.Conditions))
			if err != nil {
				return nil, errcode.Wrap(errcode.InvalidArgument, "", err)
			}
			for _, schema := range variants {
				if err := compare.CheckCondition(cond.ConditionID, cond.Comparator, cond.Expected, schema, s.opts.Validation, provider.ValidateJSON); err != nil {
					return nil, errcode.Wrap(errcode.InvalidArgument, "", err)
				}
			}
		}
	}
	results, err := assertedEvidence(spec, args.Payload)
	if err != nil {
		return nil, err
	}
	stage := ""
	if args.StageID != nil {
		stage = *args.StageID
	}
	out, err := s.opts.Engine.Precheck(spec, stage, results, inline)
	if err != nil {
		return nil, err
	}
	s.auditPrecheck(c, &args, spec, out)
	return out, nil
}

// precheckSpec resolves the spec from scenario_id and/or an inline spec.
func (s *Service) precheckSpec(args *precheckArgs) (*scenario.Spec, bool, error) {
	switch {
	case args.Spec != nil:
		if args.ScenarioID != nil && *args.ScenarioID != args.Spec.ScenarioID {
			return nil, false, invalidParams("scenario_id does not match spec.scenario_id")
		}
		if args.Spec.NamespaceID != args.NamespaceID {
			return nil, false, invalidParams("spec namespace_id does not match the request namespace_id")
		}
		for i := range args.Spec.Conditions {
			cond := &args.Spec.Conditions[i]
			if err := s.opts.Providers.ValidateCondition(cond.Query, cond.Comparator, cond.Expected); err != nil {
				return nil, false, err
			}
		}
		if err := args.Spec.Validate(); err != nil {
			return nil, false, errcode.Wrap(errcode.InvalidArgument, "", err)
		}
		return args.Spec, true, nil
	case args.ScenarioID != nil:
		spec, _, ok := s.opts.Engine.Spec(*args.ScenarioID)
		if !ok {
			return nil, false, notDefined(*args.ScenarioID)
		}
		if spec.NamespaceID != args.NamespaceID {
			return nil, false, errcode.New(errcode.NotFound, "scenario not in namespace")
		}
		return spec, false, nil
	}
	return nil, false, invalidParams("precheck needs scenario_id or spec")
}

// assertedEvidence turns the payload into asserted results: an object gives
// each condition its own key; any other payload is allowed only for a
// single-condition spec. Conditions without a value get an absent value.
func assertedEvidence(spec *scenario.Spec, payload json.RawMessage) (map[string]evidence.Result, error) {
	out := make(map[string]evidence.Result, len(spec.Conditions))
	var obj map[string]json.RawMessage
	isObject := json.Unmarshal(payload, &obj) == nil && obj != nil
	if !isObject && len(spec.Conditions) != 1 {
		return nil, invalidParams("a non-object payload needs a spec with exactly one condition")
	}
	for _, cond := range spec.Conditions {
		r := evidence.Result{Lane: evidence.Asserted}
		switch {
		case !isObject:
			r.Value = evidence.JSONOf(payload)
		case obj[cond.ConditionID] != nil:
			r.Value = evidence.JSONOf(obj[cond.ConditionID])
		}
		out[cond.ConditionID] = r
	}
	return out, nil
}

func (s *Service) auditPrecheck(c *Call, args *precheckArgs, spec *scenario.Spec, out any) {
	ev := &audit.Precheck{
		ServerCorrelationID: c.corr(), TenantID: args.TenantID, NamespaceID: args.NamespaceID,
		StageID: args.StageID, SchemaID: args.DataShape.SchemaID, SchemaVersion: args.DataShape.Version,
	}
	id := spec.ScenarioID
	ev.ScenarioID = &id
	if c.Info != nil {
		ev.UnsafeClientCorrelationID = c.Info.ClientCorrelationID
	}
	if err := ev.SetPayloads(json.RawMessage(c.Args), out, s.opts.LogPrecheckPayloads); err != nil {
		s.opts.Logger.Warn("precheck audit hash failed", "error", err)
		return
	}
	s.opts.Audit.Record(ev)
}
