package engine

import (
	"context"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// issuePackets builds the packet records for entering stage under decision
// d: one envelope per entry packet and one receipt per dispatch target, each
// authorised by the dispatch policy. A denial or policy error is returned as
// a FailedPrecondition error with the reference's text.
func (e *Engine) issuePackets(ctx context.Context, c *compiled, st *scenario.RunState, stage *scenario.Stage, d *scenario.DecisionRecord) ([]scenario.PacketRecord, error) {
	if len(stage.EntryPackets) == 0 {
		return nil, nil
	}
	out := make([]scenario.PacketRecord, 0, len(stage.EntryPackets))
	for i := range stage.EntryPackets {
		ps := &stage.EntryPackets[i]
		h, err := ps.Payload.Hash()
		if err != nil {
			return nil, controlErr("%s", err.Error())
		}
		env := scenario.PacketEnvelope{
			ScenarioID: c.spec.ScenarioID, RunID: st.RunID, StageID: stage.StageID,
			PacketID: ps.PacketID, SchemaID: ps.SchemaID, ContentType: ps.ContentType,
			ContentHash: h,
			Visibility: scenario.Visibility{
				Labels:     nonNilStrings(ps.VisibilityLabels),
				PolicyTags: nonNilStrings(ps.PolicyTags),
			},
			Expiry: ps.Expiry, CorrelationID: d.CorrelationID, IssuedAt: d.DecidedAt,
		}
		rec := scenario.PacketRecord{Envelope: env, Payload: ps.Payload, DecisionID: d.DecisionID}
		if len(st.DispatchTargets) > 0 {
			receipt, err := evidence.HashJSON(&env)
			if err != nil {
				return nil, errcode.Wrap(errcode.Internal, "", err)
			}
			for _, t := range st.DispatchTargets {
				ok, err := e.opts.Dispatch.Authorize(ctx, DispatchRequest{
					ScenarioID: c.spec.ScenarioID, StageID: stage.StageID, Envelope: &env, Target: t,
				})
				if err != nil {
					return nil, controlErr("policy decision error: %s", errcode.Message(err))
				}
				if !ok {
					return nil, controlErr("policy denied disclosure")
				}
				rec.Receipts = append(rec.Receipts, scenario.DispatchReceipt{
					DispatchID: "mcp-" + ps.PacketID, Target: t, ReceiptHash: receipt,
					DispatchedAt: env.IssuedAt, Dispatcher: "mcp",
				})
			}
		}
		out = append(out, rec)
	}
	return out, nil
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
