package policy

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/scenario"
)

// Effect is what a static rule (or the static default) decides.
type Effect string

// The effects. EffectError is allowed on rules only, never as the default.
const (
	EffectPermit Effect = "permit"
	EffectDeny   Effect = "deny"
	EffectError  Effect = "error"
)

// The dispatch target kinds, as in [scenario.DispatchTarget.Kind].
const (
	TargetAgent    = "agent"
	TargetSession  = "session"
	TargetExternal = "external"
	TargetChannel  = "channel"
)

// Rule is one static policy rule. Every non-empty list is a criterion; an
// empty list matches anything, but a rule must set at least one criterion.
// A rule matches when all its criteria match:
//
//   - TargetKinds: the target's kind is listed;
//   - Targets: at least one selector matches the target;
//   - RequireLabels / RequirePolicyTags: every listed value is among the
//     envelope's visibility labels / policy tags;
//   - ForbidLabels / ForbidPolicyTags: none of the listed values is;
//   - ContentTypes, SchemaIDs, PacketIDs, StageIDs, ScenarioIDs: the
//     envelope's value is listed.
//
// Comparisons are exact and case-sensitive.
type Rule struct {
	Effect Effect `json:"effect"`
	// ErrorMessage is required (non-empty) when Effect is error.
	ErrorMessage      string           `json:"error_message,omitempty"`
	TargetKinds       []string         `json:"target_kinds,omitempty"`
	Targets           []TargetSelector `json:"targets,omitempty"`
	RequireLabels     []string         `json:"require_labels,omitempty"`
	ForbidLabels      []string         `json:"forbid_labels,omitempty"`
	RequirePolicyTags []string         `json:"require_policy_tags,omitempty"`
	ForbidPolicyTags  []string         `json:"forbid_policy_tags,omitempty"`
	ContentTypes      []string         `json:"content_types,omitempty"`
	SchemaIDs         []string         `json:"schema_ids,omitempty"`
	PacketIDs         []string         `json:"packet_ids,omitempty"`
	StageIDs          []string         `json:"stage_ids,omitempty"`
	ScenarioIDs       []string         `json:"scenario_ids,omitempty"`
}

// TargetSelector selects dispatch targets of one kind. A nil field is a
// wildcard. An external selector may set System and/or Target (at least
// one) and never TargetID; a selector of any other kind may set only
// TargetID, which is compared with the agent id, session id or channel.
type TargetSelector struct {
	TargetKind string  `json:"target_kind"`
	TargetID   *string `json:"target_id,omitempty"`
	System     *string `json:"system,omitempty"`
	Target     *string `json:"target,omitempty"`
}

// Static is the static dispatch policy: the first matching rule decides,
// else Default. Build it with [NewStatic], which validates it and takes a
// private copy; the result is immutable and safe for concurrent use.
//
// A zero Static denies everything (an empty Default means deny).
type Static struct {
	// Default applies when no rule matches: permit or deny ("" = deny).
	Default Effect `json:"default"`
	// Rules are evaluated in order.
	Rules []Rule `json:"rules"`
}

// NewStatic validates cfg and returns a policy that shares no memory with
// it, so later changes to cfg have no effect.
//
// # Errors
//
// InvalidArgument, listing every problem with its path ("rules[1].targets[0]:
// …"): a default other than permit or deny; a rule with an unknown effect,
// no criterion, an error effect without error_message, an unknown target
// kind, or a target selector that sets fields its kind does not have.
func NewStatic(cfg Static) (*Static, error) {
	if err := cfg.validate(); err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, "policy", err)
	}
	out := &Static{Default: cfg.Default, Rules: make([]Rule, len(cfg.Rules))}
	if out.Default == "" {
		out.Default = EffectDeny
	}
	for i := range cfg.Rules {
		out.Rules[i] = cfg.Rules[i].clone()
	}
	return out, nil
}

// Authorize implements [engine.DispatchPolicy]. It returns (true, nil) to
// permit, (false, nil) to deny, and (false, err) for an error effect, where
// err's client message ([errcode.Message]) is the rule's error_message.
//
// # Errors
//
// FailedPrecondition for an error effect; Internal when the request has no
// envelope or a rule carries an unknown effect (fail closed).
func (s *Static) Authorize(_ context.Context, req engine.DispatchRequest) (bool, error) {
	if req.Envelope == nil {
		return false, errcode.New(errcode.Internal, "dispatch request has no packet envelope")
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		if r.matches(req.Target, req.Envelope) {
			return decide(r.Effect, r.ErrorMessage)
		}
	}
	return decide(s.Default, "")
}

// decide turns an effect into the engine's (permitted, error) pair.
func decide(e Effect, message string) (bool, error) {
	switch e {
	case EffectPermit:
		return true, nil
	case EffectDeny, "":
		return false, nil
	case EffectError:
		if message == "" {
			message = "policy rule error"
		}
		return false, &errcode.Error{Code: errcode.FailedPrecondition, Op: "policy", Err: errors.New(message)}
	}
	return false, errcode.New(errcode.Internal, "unknown policy effect %q", string(e))
}

// matches reports whether every criterion of r holds for the target and
// envelope.
func (r *Rule) matches(t scenario.DispatchTarget, env *scenario.PacketEnvelope) bool {
	if len(r.TargetKinds) > 0 && !slices.Contains(r.TargetKinds, t.Kind) {
		return false
	}
	if len(r.Targets) > 0 && !slices.ContainsFunc(r.Targets, func(sel TargetSelector) bool { return sel.matches(t) }) {
		return false
	}
	labels, tags := env.Visibility.Labels, env.Visibility.PolicyTags
	if !containsAll(labels, r.RequireLabels) || containsAny(labels, r.ForbidLabels) {
		return false
	}
	if !containsAll(tags, r.RequirePolicyTags) || containsAny(tags, r.ForbidPolicyTags) {
		return false
	}
	return listed(r.ContentTypes, env.ContentType) &&
		listed(r.SchemaIDs, env.SchemaID) &&
		listed(r.PacketIDs, env.PacketID) &&
		listed(r.StageIDs, env.StageID) &&
		listed(r.ScenarioIDs, env.ScenarioID)
}

// matches reports whether the selector selects t.
func (sel *TargetSelector) matches(t scenario.DispatchTarget) bool {
	if sel.TargetKind != t.Kind {
		return false
	}
	if t.Kind == TargetExternal {
		return wildcardOr(sel.System, t.System) && wildcardOr(sel.Target, t.Target)
	}
	return wildcardOr(sel.TargetID, t.ID())
}

// wildcardOr reports whether want is unset or equal to got.
func wildcardOr(want *string, got string) bool { return want == nil || *want == got }

// listed reports whether an allow-list is empty or contains v.
func listed(allow []string, v string) bool { return len(allow) == 0 || slices.Contains(allow, v) }

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

func containsAny(have, unwanted []string) bool {
	for _, u := range unwanted {
		if slices.Contains(have, u) {
			return true
		}
	}
	return false
}

// validate returns every problem with the configuration, joined.
func (s *Static) validate() error {
	var errs []error
	switch s.Default {
	case "", EffectPermit, EffectDeny:
	case EffectError:
		errs = append(errs, errors.New("default: must be permit or deny, not error"))
	default:
		errs = append(errs, fmt.Errorf("default: unknown effect %q, expected permit or deny", string(s.Default)))
	}
	for i := range s.Rules {
		for _, err := range s.Rules[i].problems() {
			errs = append(errs, fmt.Errorf("rules[%d]%s", i, err))
		}
	}
	return errors.Join(errs...)
}

// problems lists what is wrong with r; each message starts with ": " or
// with a sub-path such as ".targets[0]: ".
func (r *Rule) problems() []string {
	var out []string
	switch r.Effect {
	case EffectPermit, EffectDeny:
	case EffectError:
		if r.ErrorMessage == "" {
			out = append(out, ": error effect requires error_message")
		}
	default:
		out = append(out, fmt.Sprintf(": unknown effect %q, expected permit, deny or error", string(r.Effect)))
	}
	if !r.hasCriterion() {
		out = append(out, ": rule must set at least one match criterion")
	}
	for j, k := range r.TargetKinds {
		if !validKind(k) {
			out = append(out, fmt.Sprintf(".target_kinds[%d]: unknown target kind %q", j, k))
		}
	}
	for j := range r.Targets {
		if msg := r.Targets[j].problem(); msg != "" {
			out = append(out, fmt.Sprintf(".targets[%d]: %s", j, msg))
		}
	}
	return out
}

func (r *Rule) hasCriterion() bool {
	return len(r.TargetKinds) > 0 || len(r.Targets) > 0 ||
		len(r.RequireLabels) > 0 || len(r.ForbidLabels) > 0 ||
		len(r.RequirePolicyTags) > 0 || len(r.ForbidPolicyTags) > 0 ||
		len(r.ContentTypes) > 0 || len(r.SchemaIDs) > 0 || len(r.PacketIDs) > 0 ||
		len(r.StageIDs) > 0 || len(r.ScenarioIDs) > 0
}

// problem describes what is wrong with the selector, or returns "".
func (sel *TargetSelector) problem() string {
	switch {
	case !validKind(sel.TargetKind):
		return fmt.Sprintf("unknown target kind %q", sel.TargetKind)
	case sel.TargetKind == TargetExternal && sel.TargetID != nil:
		return "external selector must not set target_id"
	case sel.TargetKind == TargetExternal && sel.System == nil && sel.Target == nil:
		return "external selector requires system or target"
	case sel.TargetKind != TargetExternal && (sel.System != nil || sel.Target != nil):
		return sel.TargetKind + " selector may set only target_id, not system or target"
	}
	return ""
}

func validKind(k string) bool {
	switch k {
	case TargetAgent, TargetSession, TargetExternal, TargetChannel:
		return true
	}
	return false
}

// clone returns a copy of r that shares no slices or pointers with it.
func (r *Rule) clone() Rule {
	c := *r
	c.TargetKinds = slices.Clone(r.TargetKinds)
	c.RequireLabels = slices.Clone(r.RequireLabels)
	c.ForbidLabels = slices.Clone(r.ForbidLabels)
	c.RequirePolicyTags = slices.Clone(r.RequirePolicyTags)
	c.ForbidPolicyTags = slices.Clone(r.ForbidPolicyTags)
	c.ContentTypes = slices.Clone(r.ContentTypes)
	c.SchemaIDs = slices.Clone(r.SchemaIDs)
	c.PacketIDs = slices.Clone(r.PacketIDs)
	c.StageIDs = slices.Clone(r.StageIDs)
	c.ScenarioIDs = slices.Clone(r.ScenarioIDs)
	if r.Targets != nil {
		c.Targets = make([]TargetSelector, len(r.Targets))
		for i, sel := range r.Targets {
			c.Targets[i] = TargetSelector{TargetKind: sel.TargetKind, TargetID: cloneStr(sel.TargetID),
				System: cloneStr(sel.System), Target: cloneStr(sel.Target)}
		}
	}
	return c
}

func cloneStr(p *string) *string {
	if p == nil {
		return nil
	}
	return new(*p)
}

var _ engine.DispatchPolicy = (*Static)(nil)
