package config

import "fmt"

// policy checks [policy] (spec §7.8).
func (v *validator) policy() {
	p := &v.c.Policy
	v.enum("policy.engine", string(p.Engine), "permit_all", "deny_all", "static")
	switch {
	case p.Engine == EngineStatic && p.Static == nil:
		v.add("policy.static", "is required with engine = %q", EngineStatic)
	case p.Engine != EngineStatic && p.Static != nil:
		v.add("policy.static", "is allowed only with engine = %q", EngineStatic)
	}
	if p.Static == nil {
		return
	}
	if p.Static.Default == EffectError {
		v.add("policy.static.default", "cannot be %q; use \"permit\" or \"deny\"", EffectError)
	} else {
		v.enum("policy.static.default", string(p.Static.Default), "permit", "deny")
	}
	kinds := []string{TargetAgent, TargetSession, TargetExternal, TargetChannel}
	for i, r := range p.Static.Rules {
		key := index("policy.static.rules", i)
		v.enum(key+".effect", string(r.Effect), "permit", "deny", "error")
		if r.Effect == EffectError && r.ErrorMessage == "" {
			v.add(key+".error_message", "is required with effect = %q", EffectError)
		}
		criteria := [][]string{r.TargetKinds, r.RequireLabels, r.ForbidLabels,
			r.RequirePolicyTags, r.ForbidPolicyTags, r.ContentTypes, r.SchemaIDs,
			r.PacketIDs, r.StageIDs, r.ScenarioIDs}
		some := len(r.Targets) > 0
		for _, c := range criteria {
			some = some || len(c) > 0
		}
		if !some {
			v.add(key, "must set at least one match criterion")
		}
		for j, k := range r.TargetKinds {
			v.enum(index(key+".target_kinds", j), k, kinds...)
		}
		for j, t := range r.Targets {
			tk := index(key+".targets", j)
			v.enum(tk+".target_kind", t.TargetKind, kinds...)
			switch t.TargetKind {
			case TargetExternal:
				if t.TargetID != nil {
					v.add(tk+".target_id", "is not allowed for an external target; use system and target")
				}
				if t.System == nil && t.Target == nil {
					v.add(tk, "an external target needs system or target")
				}
			case TargetAgent, TargetSession, TargetChannel:
				if t.System != nil {
					v.add(tk+".system", "is allowed only for an external target")
				}
				if t.Target != nil {
					v.add(tk+".target", "is allowed only for an external target")
				}
			}
		}
	}
}

// store checks the backend selection of a run-state store or registry.
func (v *validator) store(s *Store, key string) {
	v.enum(key+".type", string(s.Type), "memory", "sqlite", "bbolt", "postgres")
	pathKey := key + ".path"
	switch s.Type {
	case StoreMemory, StorePostgres:
		if s.Path.IsSet() || v.isSet(pathKey) {
			v.add(pathKey, "is not allowed with type = %q", s.Type)
		}
	case StoreSQLite, StoreBolt:
		v.path(pathKey, s.Path, true)
	}
	v.atLeast(key+".busy_timeout_ms", s.BusyTimeoutMS, 0)
	v.enum(key+".journal_mode", s.JournalMode, "wal", "delete")
	v.enum(key+".sync_mode", s.SyncMode, "full", "normal")
	if s.Type == StoreBolt || s.Type == StorePostgres {
		why := fmt.Sprintf("is a SQLite setting, not allowed with type = %q", s.Type)
		for _, k := range []string{"busy_timeout_ms", "journal_mode", "sync_mode"} {
			v.forbid(key+"."+k, why)
		}
	}
	pgKeys := []string{"dsn_env", "host", "port", "database", "user", "password_env", "sslmode", "max_conns"}
	if s.Type != StorePostgres {
		for _, k := range pgKeys {
			v.forbid(key+"."+k, `is allowed only with type = "postgres"`)
		}
		return
	}
	pg := &s.Postgres
	if pg.DSNEnv != "" {
		v.envName(key+".dsn_env", pg.DSNEnv)
		for _, k := range pgKeys[1:7] {
			v.forbid(key+"."+k, "is not allowed with dsn_env (the connection string carries it)")
		}
	} else {
		if pg.Host == "" && pg.Database == "" && pg.User == "" {
			v.add(key, `type = "postgres" needs dsn_env, or host, database and user`)
		} else {
			v.nonBlank(key+".host", pg.Host)
			v.nonBlank(key+".database", pg.Database)
			v.nonBlank(key+".user", pg.User)
		}
		if pg.PasswordEnv != "" || v.isSet(key+".password_env") {
			v.envName(key+".password_env", pg.PasswordEnv)
		}
		v.between(key+".port", pg.Port, 1, 65535)
		v.enum(key+".sslmode", pg.SSLMode, "disable", "allow", "prefer", "require", "verify-ca", "verify-full")
	}
	v.between(key+".max_conns", pg.MaxConns, 1, 1024)
}

// registry checks [schema_registry] and its ACL (spec §7.4, §7.5).
func (v *validator) registry() {
	r := &v.c.SchemaRegistry
	v.store(&r.Store, "schema_registry")
	v.between("schema_registry.max_schema_bytes", r.MaxSchemaBytes, 1, 10<<20)
	if r.MaxEntries != nil {
		v.atLeast("schema_registry.max_entries", *r.MaxEntries, 1)
	}
	const key = "schema_registry.acl"
	a := &r.ACL
	v.enum(key+".mode", string(a.Mode), "builtin", "custom")
	v.enum(key+".default", a.Default, "deny", "allow")
	switch a.Mode {
	case ACLBuiltin:
		// Settings the builtin ACL would silently ignore are refused: a
		// misplaced security setting must not look like it took effect.
		v.forbid(key+".default", `is used only with mode = "custom"`)
		if len(a.Rules) > 0 {
			v.add(key+".rules", `are used only with mode = "custom"`)
		}
	case ACLCustom:
		if a.AllowLocalOnly {
			v.add(key+".allow_local_only", `is used only with mode = "builtin"`)
		}
	}
	if !v.maxItems(key+".rules", len(a.Rules), 256) {
		return
	}
	for i, rule := range a.Rules {
		rk := index(key+".rules", i)
		v.enum(rk+".effect", rule.Effect, "allow", "deny")
		for j, act := range rule.Actions {
			v.enum(index(rk+".actions", j), act, "register", "list", "get")
		}
		v.ids(rk+".tenants", rule.Tenants)
		v.ids(rk+".namespaces", rule.Namespaces)
		v.nonBlankItems(rk+".subjects", rule.Subjects)
		v.nonBlankItems(rk+".roles", rule.Roles)
		v.nonBlankItems(rk+".policy_classes", rule.PolicyClasses)
	}
}
