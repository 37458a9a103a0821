package registry

import (
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
)

func u64(v uint64) *uint64 { return &v }

func mustACL(t *testing.T, cfg ACLConfig) *ACL {
	t.Helper()
	a, err := NewACL(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestACL_builtinMatrix checks every builtin role against every action,
// policy class and kind of tenant/namespace binding.
func TestACL_builtinMatrix(t *testing.T) {
	const tenant, namespace = 4, 9
	acl := mustACL(t, ACLConfig{})
	roles := []string{RoleTenantAdmin, RoleNamespaceOwner, RoleNamespaceAdmin, RoleNamespaceWriter,
		RoleNamespaceReader, RoleSchemaManager, "Auditor", "tenantadmin", ""}
	readers := map[string]bool{RoleTenantAdmin: true, RoleNamespaceOwner: true, RoleNamespaceAdmin: true,
		RoleNamespaceWriter: true, RoleNamespaceReader: true, RoleSchemaManager: true}
	writers := map[string]bool{RoleTenantAdmin: true, RoleNamespaceOwner: true, RoleNamespaceAdmin: true}
	// Policy class → non-prod in the builtin ACL's eyes (lower-cased; only
	// "prod" and "missing" are prod).
	classes := map[string]bool{"": false, "prod": false, "PROD": false, "Prod": false,
		"project": true, "scratch": true, "production": true, " prod": true, "other": true}
	bindings := []struct {
		name    string
		t, n    *uint64
		matches bool
	}{
		{"any/any", nil, nil, true},
		{"tenant/any", u64(tenant), nil, true},
		{"any/namespace", nil, u64(namespace), true},
		{"tenant/namespace", u64(tenant), u64(namespace), true},
		{"other tenant/any", u64(tenant + 1), nil, false},
		{"other tenant/namespace", u64(tenant + 1), u64(namespace), false},
		{"tenant/other namespace", u64(tenant), u64(namespace + 1), false},
		{"any/other namespace", nil, u64(namespace + 1), false},
	}
	for _, role := range roles {
		for class, nonProd := range classes {
			for _, b := range bindings {
				p := &Principal{Subject: "token:abc", PolicyClass: class,
					Roles: []Role{{Name: role, TenantID: b.t, NamespaceID: b.n}}}
				for _, action := range []Action{ActionRegister, ActionList, ActionGet} {
					for _, local := range []bool{false, true} { // local means nothing without allow_local_only
						var want Decision
						if action == ActionRegister {
							ok := b.matches && (writers[role] || (role == RoleSchemaManager && nonProd))
							want = Decision{ok, map[bool]string{true: ReasonBuiltinAllowWrite, false: ReasonBuiltinDenyWrite}[ok]}
						} else {
							ok := b.matches && readers[role]
							want = Decision{ok, map[bool]string{true: ReasonBuiltinAllowRead, false: ReasonBuiltinDenyRead}[ok]}
						}
						got := acl.Decide(p, local, action, tenant, namespace)
						if got != want {
							t.Errorf("role %q class %q binding %s action %s local %v: got %+v, want %+v",
								role, class, b.name, action, local, got, want)
						}
					}
				}
			}
		}
	}
}

func TestACL_builtin(t *testing.T) {
	strict := mustACL(t, ACLConfig{})
	local := mustACL(t, ACLConfig{AllowLocalOnly: true})
	admin := &Principal{Subject: "loopback", Roles: []Role{{Name: RoleTenantAdmin, TenantID: u64(1), NamespaceID: u64(1)}}}
	for _, tc := range []struct {
		name   string
		acl    *ACL
		p      *Principal
		local  bool
		action Action
		t      evidence.TenantID
		n      evidence.NamespaceID
		want   Decision
	}{
		{"no principal reads", strict, nil, false, ActionGet, 1, 1, Decision{false, ReasonBuiltinDenyRead}},
		{"no principal writes", strict, nil, false, ActionRegister, 1, 1, Decision{false, ReasonBuiltinDenyWrite}},
		{"no roles", strict, &Principal{Subject: "stdio"}, true, ActionList, 1, 1, Decision{false, ReasonBuiltinDenyRead}},
		{"local caller, allow_local_only", local, nil, true, ActionRegister, 5, 5, Decision{true, ReasonBuiltinAllowLocalOnly}},
		{"local caller, allow_local_only, list", local, nil, true, ActionList, 5, 5, Decision{true, ReasonBuiltinAllowLocalOnly}},
		{"remote caller, allow_local_only", local, nil, false, ActionGet, 5, 5, Decision{false, ReasonBuiltinDenyRead}},
		{"remote admin, allow_local_only", local, admin, false, ActionRegister, 1, 1, Decision{true, ReasonBuiltinAllowWrite}},
		{"admin in scope", strict, admin, false, ActionRegister, 1, 1, Decision{true, ReasonBuiltinAllowWrite}},
		{"admin out of scope", strict, admin, false, ActionGet, 1, 2, Decision{false, ReasonBuiltinDenyRead}},
		{"unknown action", strict, admin, false, Action("delete"), 1, 1, Decision{false, ReasonBuiltinDenyWrite}},
		{"second binding matches", strict, &Principal{Roles: []Role{
			{Name: RoleTenantAdmin, TenantID: u64(2)},
			{Name: RoleNamespaceReader, TenantID: u64(1), NamespaceID: u64(1)},
		}}, false, ActionGet, 1, 1, Decision{true, ReasonBuiltinAllowRead}},
		{"manager in scope, other binding prod", strict, &Principal{PolicyClass: "scratch", Roles: []Role{
			{Name: RoleSchemaManager, TenantID: u64(2)},
			{Name: RoleNamespaceReader, TenantID: u64(1)},
		}}, false, ActionRegister, 1, 1, Decision{false, ReasonBuiltinDenyWrite}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.acl.Decide(tc.p, tc.local, tc.action, tc.t, tc.n); got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestACL_custom(t *testing.T) {
	editor := &Principal{Subject: "token:ed", PolicyClass: "project",
		Roles: []Role{{Name: "Editor", TenantID: u64(1)}}}
	prod := &Principal{Subject: "token:prod", Roles: []Role{{Name: "Editor"}}}
	rules := []Rule{
		{Effect: EffectDeny, Actions: []Action{ActionRegister}, Subjects: []string{"token:blocked"}},
		{Effect: EffectAllow, Actions: []Action{ActionGet}, Tenants: []evidence.TenantID{1, 2}, Namespaces: []evidence.NamespaceID{3}},
		{Effect: EffectAllow, Actions: []Action{ActionRegister, ActionList}, Roles: []string{"Editor"}, PolicyClasses: []string{"project"}},
		{Effect: EffectDeny, PolicyClasses: []string{"Prod"}}, // case-sensitive: never matches "prod"
		{Effect: EffectAllow, Actions: []Action{ActionList}, PolicyClasses: []string{"prod"}},
	}
	denyDefault := mustACL(t, ACLConfig{Mode: ModeCustom, Rules: rules})
	allowDefault := mustACL(t, ACLConfig{Mode: ModeCustom, Default: EffectAllow, Rules: rules})
	for _, tc := range []struct {
		name   string
		p      *Principal
		action Action
		t      evidence.TenantID
		n      evidence.NamespaceID
		want   string // reason with the deny default
	}{
		{"first rule wins over a later allow", &Principal{Subject: "token:blocked", PolicyClass: "project",
			Roles: []Role{{Name: "Editor"}}}, ActionRegister, 1, 1, ReasonCustomDeny},
		{"blocked subject may still list", &Principal{Subject: "token:blocked"}, ActionList, 1, 1, ReasonCustomAllow},
		{"tenant and namespace lists", nil, ActionGet, 2, 3, ReasonCustomAllow},
		{"tenant outside list", nil, ActionGet, 3, 3, ReasonDefaultDeny},
		{"namespace outside list", nil, ActionGet, 1, 4, ReasonDefaultDeny},
		{"role and class", editor, ActionRegister, 1, 9, ReasonCustomAllow},
		{"role bound to another tenant", editor, ActionRegister, 2, 9, ReasonDefaultDeny},
		{"role with wrong class", prod, ActionRegister, 1, 1, ReasonDefaultDeny},
		{"missing class is prod, compared exactly", prod, ActionList, 1, 1, ReasonCustomAllow},
		{"nil principal has class prod", nil, ActionList, 8, 8, ReasonCustomAllow},
		{"upper-case class does not match", &Principal{PolicyClass: "PROD"}, ActionList, 1, 1, ReasonDefaultDeny},
		{"class Prod matches only Prod", &Principal{PolicyClass: "Prod"}, ActionList, 1, 1, ReasonCustomDeny},
		{"unknown action", editor, Action("delete"), 1, 1, ReasonDefaultDeny},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := denyDefault.Decide(tc.p, false, tc.action, tc.t, tc.n)
			if want := (Decision{strings.HasSuffix(tc.want, "_allow"), tc.want}); got != want {
				t.Fatalf("deny default: got %+v, want %+v", got, want)
			}
			// The default only matters when no rule matched; local means nothing.
			want := got
			if tc.want == ReasonDefaultDeny && tc.action.valid() {
				want = Decision{true, ReasonDefaultAllow}
			}
			if got := allowDefault.Decide(tc.p, true, tc.action, tc.t, tc.n); got != want {
				t.Fatalf("allow default: got %+v, want %+v", got, want)
			}
		})
	}
}

func TestACL_customEmptyListsMatchAnything(t *testing.T) {
	acl := mustACL(t, ACLConfig{Mode: ModeCustom, Rules: []Rule{{Effect: EffectAllow}}})
	for _, p := range []*Principal{nil, {}, {Subject: "x", PolicyClass: "weird", Roles: []Role{{Name: "R", TenantID: u64(9)}}}} {
		for _, a := range []Action{ActionRegister, ActionList, ActionGet} {
			if got := acl.Decide(p, false, a, 1<<63, 1); got != (Decision{true, ReasonCustomAllow}) {
				t.Fatalf("%+v %s: %+v", p, a, got)
			}
		}
	}
	none := mustACL(t, ACLConfig{Mode: ModeCustom})
	if got := none.Decide(nil, true, ActionGet, 1, 1); got != (Decision{false, ReasonDefaultDeny}) {
		t.Fatalf("no rules: %+v", got)
	}
}

func TestNewACL(t *testing.T) {
	tooMany := make([]Rule, MaxRules+1)
	for i := range tooMany {
		tooMany[i].Effect = EffectAllow
	}
	for _, tc := range []struct {
		name string
		cfg  ACLConfig
		ok   bool
	}{
		{"zero", ACLConfig{}, true},
		{"builtin", ACLConfig{Mode: ModeBuiltin, AllowLocalOnly: true, RequireSigning: true}, true},
		{"custom", ACLConfig{Mode: ModeCustom, Default: EffectAllow, Rules: tooMany[:MaxRules], RequireSigning: true}, true},
		{"unknown mode", ACLConfig{Mode: "open"}, false},
		{"builtin with rules", ACLConfig{Rules: []Rule{{Effect: EffectAllow}}}, false},
		{"builtin with default", ACLConfig{Default: EffectAllow}, false},
		{"custom with allow_local_only", ACLConfig{Mode: ModeCustom, AllowLocalOnly: true}, false},
		{"unknown default", ACLConfig{Mode: ModeCustom, Default: "maybe"}, false},
		{"unknown effect", ACLConfig{Mode: ModeCustom, Rules: []Rule{{Effect: "Allow"}}}, false},
		{"unknown action", ACLConfig{Mode: ModeCustom, Rules: []Rule{{Effect: EffectAllow, Actions: []Action{"delete"}}}}, false},
		{"too many rules", ACLConfig{Mode: ModeCustom, Rules: tooMany}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewACL(tc.cfg)
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v, want ok %v", err, tc.ok)
			}
			if err != nil && errcode.Of(err) != errcode.InvalidArgument {
				t.Fatalf("code %s", errcode.Of(err))
			}
		})
	}
}

func TestNewACL_copiesRules(t *testing.T) {
	cfg := ACLConfig{Mode: ModeCustom, Rules: []Rule{{Effect: EffectAllow, Subjects: []string{"a"}}}}
	acl := mustACL(t, cfg)
	cfg.Rules[0].Subjects[0] = "b"
	cfg.Rules[0].Effect = EffectDeny
	if got := acl.Decide(&Principal{Subject: "a"}, false, ActionGet, 1, 1); !got.Allowed {
		t.Fatalf("changing the config after NewACL changed the ACL: %+v", got)
	}
}

func TestNewAuditFields(t *testing.T) {
	p := &Principal{Subject: "token:ab", Roles: []Role{{Name: RoleTenantAdmin}, {Name: "Other", TenantID: u64(2)}}}
	id, ver := "orders", "v1"
	for _, tc := range []struct {
		p       *Principal
		action  Action
		id, ver *string
		d       Decision
		want    string
	}{
		{p, ActionGet, &id, &ver, Decision{true, ReasonBuiltinAllowRead},
			`{"tenant_id":"18446744073709551615","namespace_id":"2","action":"get","allowed":true,"reason":"builtin_allow_read","principal_id":"token:ab","roles":["TenantAdmin","Other"],"policy_class":"prod","schema_id":"orders","schema_version":"v1"}`},
		{nil, ActionList, nil, nil, Decision{false, ReasonBuiltinDenyRead},
			`{"tenant_id":"18446744073709551615","namespace_id":"2","action":"list","allowed":false,"reason":"builtin_deny_read","principal_id":"","roles":[],"policy_class":"prod","schema_id":null,"schema_version":null}`},
	} {
		got := marshalString(t, NewAuditFields(tc.p, tc.action, 1<<64-1, 2, tc.id, tc.ver, tc.d))
		if got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}
