package mcp

import (
	"context"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

func (s *Service) scenarioDefine(ctx context.Context, c *Call) (any, error) {
	var args struct {
		Spec scenario.Spec `json:"spec"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	if err := s.opts.Namespace.check(ctx, args.Spec.DefaultTenantID, args.Spec.NamespaceID, c.corr()); err != nil {
		return nil, err
	}
	h, err := s.opts.Engine.Define(ctx, &args.Spec)
	if err != nil {
		return nil, err
	}
	return map[string]any{"scenario_id": args.Spec.ScenarioID, "spec_hash": h}, nil
}

func (s *Service) scenarioStart(ctx context.Context, c *Call) (any, error) {
	var args struct {
		ScenarioID        string             `json:"scenario_id"`
		RunConfig         scenario.RunConfig `json:"run_config"`
		StartedAt         evidence.Timestamp `json:"started_at"`
		IssueEntryPackets bool               `json:"issue_entry_packets"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	t := args.RunConfig.TenantID
	if err := s.opts.Namespace.check(ctx, &t, args.RunConfig.NamespaceID, c.corr()); err != nil {
		return nil, err
	}
	if _, _, ok := s.opts.Engine.Spec(args.ScenarioID); !ok {
		return nil, notDefined(args.ScenarioID)
	}
	if args.RunConfig.ScenarioID != args.ScenarioID {
		return nil, controlPlane("scenario mismatch for run: " + args.RunConfig.ScenarioID)
	}
	return s.opts.Engine.Start(ctx, args.RunConfig, args.StartedAt, args.IssueEntryPackets)
}

func (s *Service) scenarioStatus(ctx context.Context, c *Call) (any, error) {
	var args struct {
		ScenarioID string                 `json:"scenario_id"`
		Request    scenario.StatusRequest `json:"request"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	if err := s.checkRun(ctx, c, args.ScenarioID, args.Request.TenantID, args.Request.NamespaceID); err != nil {
		return nil, err
	}
	return s.opts.Engine.Status(ctx, args.ScenarioID, args.Request)
}

func (s *Service) scenarioSubmit(ctx context.Context, c *Call) (any, error) {
	var args struct {
		ScenarioID string                 `json:"scenario_id"`
		Request    scenario.SubmitRequest `json:"request"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	if err := s.checkRun(ctx, c, args.ScenarioID, args.Request.TenantID, args.Request.NamespaceID); err != nil {
		return nil, err
	}
	return s.opts.Engine.Submit(ctx, args.ScenarioID, args.Request)
}

func (s *Service) scenarioTrigger(ctx context.Context, c *Call) (any, error) {
	var args struct {
		ScenarioID string                `json:"scenario_id"`
		Trigger    scenario.TriggerEvent `json:"trigger"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	if err := s.checkRun(ctx, c, args.ScenarioID, args.Trigger.TenantID, args.Trigger.NamespaceID); err != nil {
		return nil, err
	}
	return s.opts.Engine.Trigger(ctx, args.ScenarioID, args.Trigger)
}

// nextOutput is scenario_next's result; feedback is omitted when absent.
type nextOutput struct {
	scenario.NextResult
	Feedback *nextFeedback `json:"feedback,omitempty"`
}

// MarshalJSON flattens the embedded result (which has its own marshaller).
func (n nextOutput) MarshalJSON() ([]byte, error) {
	type flat struct {
		Decision scenario.DecisionRecord `json:"decision"`
		Packets  []scenario.PacketRecord `json:"packets"`
		Status   scenario.RunStatus      `json:"status"`
		Feedback *nextFeedback           `json:"feedback,omitempty"`
	}
	p := n.Packets
	if p == nil {
		p = []scenario.PacketRecord{}
	}
	return jsonMarshal(flat{n.Decision, p, n.Status, n.Feedback})
}

type nextFeedback struct {
	Level           string                    `json:"level"`
	DeniedReason    *string                   `json:"denied_reason,omitempty"`
	GateEvaluations []scenario.GateEvaluation `json:"gate_evaluations,omitempty"`
	GateRecords     []scenario.GateEvalRecord `json:"gate_records,omitempty"`
}

func (s *Service) scenarioNext(ctx context.Context, c *Call) (any, error) {
	var args struct {
		ScenarioID string               `json:"scenario_id"`
		Request    scenario.NextRequest `json:"request"`
		Feedback   *string              `json:"feedback"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	var requested *FeedbackLevel
	if args.Feedback != nil {
		l, err := ParseFeedbackLevel(*args.Feedback)
		if err != nil {
			return nil, invalidParams(err.Error())
		}
		requested = &l
	}
	if err := s.checkRun(ctx, c, args.ScenarioID, args.Request.TenantID, args.Request.NamespaceID); err != nil {
		return nil, err
	}
	res, err := s.opts.Engine.Next(ctx, args.ScenarioID, args.Request)
	if err != nil {
		return nil, err
	}
	out := nextOutput{NextResult: *res}
	granted, asked, denied := s.opts.Feedback.resolve(c.Principal, requested)
	if granted == FeedbackSummary && requested == nil && !denied {
		return out, nil
	}
	fb := &nextFeedback{Level: granted.String()}
	if denied {
		msg := "feedback level denied (requested=" + asked.String() + ", allowed=" + granted.String() + ")"
		fb.DeniedReason = &msg
	}
	if granted >= FeedbackTrace {
		st, err := s.opts.Engine.Run(ctx, args.Request.Key())
		if err != nil {
			return nil, err
		}
		for _, ge := range st.GateEvals {
			if ge.TriggerID != args.Request.TriggerID {
				continue
			}
			if granted == FeedbackTrace {
				fb.GateEvaluations = append(fb.GateEvaluations, ge.Evaluation)
				continue
			}
			rec := ge
			rec.Evidence = append([]scenario.EvidenceRecord(nil), ge.Evidence...)
			spec, _, _ := s.opts.Engine.Spec(args.ScenarioID)
			for i := range rec.Evidence {
				r := &rec.Evidence[i].Result
				if r.Error != nil {
					r.Value, r.ContentType, r.EvidenceHash = nil, nil, nil
				}
				if cond := spec.Condition(rec.Evidence[i].ConditionID); cond != nil {
					s.opts.Disclosure.redact(cond.Query.ProviderID, r)
				}
			}
			fb.GateRecords = append(fb.GateRecords, rec)
		}
	}
	out.Feedback = fb
	return out, nil
}

// checkRun runs the namespace check and requires the scenario to be
// defined.
func (s *Service) checkRun(ctx context.Context, c *Call, scenarioID string, tenant evidence.TenantID, ns evidence.NamespaceID) error {
	if err := s.opts.Namespace.check(ctx, &tenant, ns, c.corr()); err != nil {
		return err
	}
	if _, _, ok := s.opts.Engine.Spec(scenarioID); !ok {
		return notDefined(scenarioID)
	}
	return nil
}
