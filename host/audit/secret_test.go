package audit_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/audit"
)

// TestSecrets_neverWritten builds every event the way the server does for
// a bearer-authenticated request whose tool read an environment value, and
// checks that neither secret reaches the audit sink, the authz log or slog.
func TestSecrets_neverWritten(t *testing.T) {
	const (
		token    = "dg-hardened-demo-token-0123456789"
		envValue = "ENV-SECRET-5f1c2a"
	)
	t.Setenv("DG_TEST_SECRET", envValue)
	header := "Bearer " + token // what the transport received
	fp := audit.FingerprintToken(strings.TrimPrefix(header, "Bearer "))
	principal := fp.PrincipalID()
	scid := audit.NewIDGeneratorWithBootID(7).Next()

	var sinkOut, authzOut, logOut bytes.Buffer
	sink := audit.New(&sinkOut, fixedClock)
	authz := audit.NewAuthzLog(&authzOut)
	logger := slog.New(slog.NewJSONHandler(&logOut, nil))

	pre := &audit.Precheck{ServerCorrelationID: scid, TenantID: 1, NamespaceID: 2, SchemaID: "s", SchemaVersion: "v1"}
	// The env value is part of the tool response; by default only its hash
	// is logged.
	if err := pre.SetPayloads(map[string]any{"x": 1}, map[string]any{"value": envValue}, false); err != nil {
		t.Fatal(err)
	}
	events := []audit.Event{
		&audit.MCPRequest{ServerCorrelationID: scid, Transport: audit.TransportHTTP, PeerIP: audit.PeerIP(netip.MustParseAddr("10.1.2.3")),
			Method: audit.MethodToolsCall, Tool: new("evidence_query"), Outcome: audit.OutcomeOK},
		pre,
		&audit.Registry{ServerCorrelationID: scid, TenantID: 1, NamespaceID: 2, Action: audit.ActionGet, Allowed: true,
			Reason: "builtin_allow_read", PrincipalID: principal},
		&audit.TenantAuthz{ServerCorrelationID: scid, Allowed: true, Reason: audit.ReasonNoopAllow, PrincipalID: principal},
		&audit.Usage{ServerCorrelationID: scid, PrincipalID: principal, Metric: audit.MetricEvidenceQueries, Units: 1,
			Allowed: true, Reason: audit.ReasonNoopAllow},
		&audit.Security{ServerCorrelationID: &scid, Kind: audit.KindDevPermissiveEnabled, DevPermissive: true, NamespaceAuthority: "none"},
	}
	for _, ev := range events {
		if err := sink.Record(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := authz.Record(audit.ToolAuthz{Decision: audit.DecisionAllow, Action: "evidence_query", Transport: audit.TransportHTTP,
		AuthMethod: audit.AuthBearerToken, TokenFingerprint: fp, ServerCorrelationID: &scid}); err != nil {
		t.Fatal(err)
	}
	if err := authz.Record(audit.ToolAuthz{Decision: audit.DecisionDeny, Action: "evidence_query", Transport: audit.TransportHTTP,
		Reason: new("unauthenticated: invalid bearer token"), ServerCorrelationID: &scid}); err != nil {
		t.Fatal(err)
	}
	logger.Info("caller authenticated", "token_fingerprint", fp, "principal_id", principal)
	formatted := fmt.Sprintf("%v %+v %#v %s", fp, fp, fp, fp)

	for name, out := range map[string]string{"audit sink": sinkOut.String(), "authz log": authzOut.String(),
		"slog": logOut.String(), "fmt": formatted} {
		for _, secret := range []string{token, envValue} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output contains a secret:\n%s", name, out)
			}
		}
		if !strings.Contains(out, fp.String()) {
			t.Errorf("%s output lacks the fingerprint:\n%s", name, out)
		}
	}
	if len(fp.String()) != 64 || principal != "token:"+fp.String() {
		t.Fatalf("fingerprint %q principal %q", fp, principal)
	}
}

// TestSecrets_noRawTokenFields checks the API shape: the only token-carrying
// field of any event is a TokenFingerprint, so a raw token string cannot be
// assigned, and no event has a field for secrets or environment values.
func TestSecrets_noRawTokenFields(t *testing.T) {
	fpType := reflect.TypeFor[audit.TokenFingerprint]()
	if fpType.NumField() != 1 || fpType.Field(0).IsExported() {
		t.Fatal("TokenFingerprint must keep its digest unexported")
	}
	for _, v := range []any{audit.MCPRequest{}, audit.Precheck{}, audit.Registry{}, audit.TenantAuthz{},
		audit.Usage{}, audit.Security{}, audit.ToolAuthz{}} {
		typ := reflect.TypeOf(v)
		for f := range typ.Fields() {
			name := strings.ToLower(f.Name)
			if strings.Contains(name, "token") && f.Type != fpType {
				t.Errorf("%s.%s has type %s; tokens must be TokenFingerprint", typ.Name(), f.Name, f.Type)
			}
			for _, bad := range []string{"secret", "password", "env", "authorization", "header"} {
				if strings.Contains(name, bad) {
					t.Errorf("%s.%s looks like a secret-bearing field", typ.Name(), f.Name)
				}
			}
		}
	}
	var zero audit.TokenFingerprint
	if b, _ := zero.MarshalJSON(); string(b) != "null" || !zero.IsZero() || zero.PrincipalID() != "" {
		t.Fatalf("zero fingerprint: %s", b)
	}
}
