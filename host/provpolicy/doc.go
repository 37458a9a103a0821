// Package provpolicy enforces [provider_policy]: which provider checks
// scenarios may use, by tenant and namespace.
//
// Rules are allow or deny over provider names and check ids (or "*"),
// optionally scoped to tenants and namespaces. A matching deny always wins;
// when no rule matches, default_effect decides, except that strict mode
// ([external_mcp] strict = true) denies every unmatched non-built-in
// provider. The policy is enforced twice: [Policy.CheckSpec] refuses a
// scenario_define whose conditions use a check denied for every tenant
// the spec could run in, and [Policy.Guard] re-checks each evidence query
// with its run's tenant and namespace, so a query the policy denies never
// reaches the provider and the condition is Unknown with code
// policy_denied. There is no path on which an evaluation error allows.
package provpolicy
