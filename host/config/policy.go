package config

// PolicyEngine is policy.engine (spec §7.8).
type PolicyEngine string

// Dispatch policy engines.
const (
	EnginePermitAll PolicyEngine = "permit_all"
	EngineDenyAll   PolicyEngine = "deny_all"
	EngineStatic    PolicyEngine = "static"
)

// PolicyEffect is the effect of a static dispatch rule.
type PolicyEffect string

// Static dispatch rule effects; EffectError is not allowed as the default.
const (
	EffectPermit PolicyEffect = "permit"
	EffectDeny   PolicyEffect = "deny"
	EffectError  PolicyEffect = "error"
)

// Dispatch target kinds.
const (
	TargetAgent    = "agent"
	TargetSession  = "session"
	TargetExternal = "external"
	TargetChannel  = "channel"
)

// Policy is [policy], the dispatch policy engine.
type Policy struct {
	Engine PolicyEngine `toml:"engine"` // default permit_all
	// Static is set exactly when Engine is static.
	Static *StaticPolicy `toml:"static"`
}

// StaticPolicy is [policy.static]: the first matching rule wins, else
// Default applies.
type StaticPolicy struct {
	Default PolicyEffect `toml:"default"` // default deny; never error
	Rules   []PolicyRule `toml:"rules"`
}

// PolicyRule is one [[policy.static.rules]] entry. An empty list matches
// anything, but a rule must set at least one criterion.
type PolicyRule struct {
	Effect PolicyEffect `toml:"effect"`
	// ErrorMessage is required when Effect is error.
	ErrorMessage      string           `toml:"error_message"`
	TargetKinds       []string         `toml:"target_kinds"`
	Targets           []TargetSelector `toml:"targets"`
	RequireLabels     []string         `toml:"require_labels"`
	ForbidLabels      []string         `toml:"forbid_labels"`
	RequirePolicyTags []string         `toml:"require_policy_tags"`
	ForbidPolicyTags  []string         `toml:"forbid_policy_tags"`
	ContentTypes      []string         `toml:"content_types"`
	SchemaIDs         []string         `toml:"schema_ids"`
	PacketIDs         []string         `toml:"packet_ids"`
	StageIDs          []string         `toml:"stage_ids"`
	ScenarioIDs       []string         `toml:"scenario_ids"`
}

// TargetSelector selects dispatch targets. A nil field is a wildcard; an
// external selector uses System and/or Target, any other kind only
// TargetID.
type TargetSelector struct {
	TargetKind string  `toml:"target_kind"`
	TargetID   *string `toml:"target_id"`
	System     *string `toml:"system"`
	Target     *string `toml:"target"`
}
