package engine

import (
	"context"
	"log/slog"
	"time"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
)

// MaxEvidenceBytes caps one evidence value (canonical JSON or raw bytes).
const MaxEvidenceBytes = 1 << 20

// AnchorRequirement is the anchor policy of one provider: results must carry
// an anchor of this type whose JSON object value has every required field as
// a string or number.
type AnchorRequirement struct {
	AnchorType     string   `json:"anchor_type"`
	RequiredFields []string `json:"required_fields"`
}

// TrustPolicy sets the minimum trust lane evidence must reach.
type TrustPolicy struct {
	// MinLane is the default requirement (trust.min_lane).
	MinLane evidence.TrustLane
	// ProviderLane, when set, gives a provider's base requirement (for
	// example dev-permissive mode lowers every provider but the exempt ones
	// to asserted). Nil means MinLane for every provider.
	ProviderLane func(providerID string) evidence.TrustLane
}

// Options configures an [Engine]. A nil *Options means the defaults.
type Options struct {
	// Trust is the trust-lane policy; the zero value requires verified.
	Trust TrustPolicy
	// Anchors maps provider ids to their anchor requirement.
	Anchors map[string]AnchorRequirement
	// Dispatch decides packet disclosure; nil means [PermitAll].
	Dispatch DispatchPolicy
	// DefineCheck, when set, runs on every spec at Define after the
	// duplicate check and before structural validation (capability and
	// strict comparator validation live there).
	DefineCheck func(*scenario.Spec) error
	// Logger receives debug and lifecycle logs; nil discards them.
	Logger *slog.Logger
	// Specs, when set, persists defined specs (see [SpecStore] and
	// [Engine.Restore]); nil keeps them in memory only.
	Specs SpecStore
	// BaseContext, like http.Server.BaseContext, returns the parent
	// context of spec-store lookups made by calls that carry no context of
	// their own ([Engine.Spec] and [Engine.Specs] on a miss, which is how
	// engines sharing a database see each other's definitions). Nil means
	// such calls use only the specs this engine holds.
	BaseContext func() context.Context
	// SpecLookupTimeout bounds each of those lookups; 0 means 5 seconds.
	SpecLookupTimeout time.Duration
	// Provenance, when set, is called for every new trigger decision and
	// its record is stored beside the decision, in the same save. It must
	// be fast and must not block.
	Provenance func(ProvenanceInput) scenario.Provenance
	// OnDecision, when set, is called after a new trigger decision is
	// durable (never for a replay), with its provenance when one was
	// recorded.
	OnDecision func(ctx context.Context, key scenario.RunKey, d *scenario.DecisionRecord, p *scenario.Provenance)
}

// ProvenanceInput is what a provenance recorder sees of one decision.
type ProvenanceInput struct {
	Key      scenario.RunKey
	Decision *scenario.DecisionRecord
	// Evidence are the records evaluated for this decision, one per
	// condition, sorted by condition id; empty for a timeout decision.
	Evidence []ConsultedEvidence
}

// ConsultedEvidence is one condition's evidence as a decision saw it.
type ConsultedEvidence struct {
	ConditionID string
	ProviderID  string
	Status      evidence.TriState
	// Hash is the evidence hash of a valued result; nil on error.
	Hash *evidence.HashDigest
	// ErrorCode is the result's error code ("" when none).
	ErrorCode string
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.Dispatch == nil {
		out.Dispatch = PermitAll{}
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.SpecLookupTimeout <= 0 {
		out.SpecLookupTimeout = 5 * time.Second
	}
	return out
}
