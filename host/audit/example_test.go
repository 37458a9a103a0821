package audit_test

import (
	"fmt"
	"os"
	"time"

	"github.com/decision-gate/dgw/host/audit"
)

func ExampleSink_Record() {
	clock := func() time.Time { return time.UnixMilli(1770724800123) }
	sink := audit.New(os.Stdout, &audit.Options{Now: clock})
	defer sink.Close()

	_ = sink.Record(&audit.Security{
		Kind:               audit.KindDevPermissiveEnabled,
		DevPermissive:      true,
		NamespaceAuthority: "none",
	})
	// Output:
	// {"event":"security_audit","timestamp_ms":1770724800123,"unsafe_client_correlation_id":null,"server_correlation_id":null,"kind":"dev_permissive_enabled","message":null,"dev_permissive":true,"namespace_authority":"none"}
}

func ExampleAuthzLog_Record() {
	log := audit.NewAuthzLog(os.Stdout) // the server passes nil: stderr
	_ = log.Record(audit.ToolAuthz{
		Decision:         audit.DecisionAllow,
		Action:           audit.ActionToolsList,
		Transport:        audit.TransportHTTP,
		PeerIP:           new("127.0.0.1"),
		AuthMethod:       audit.AuthBearerToken,
		TokenFingerprint: audit.FingerprintToken("example-token"),
	})
	// Output:
	// {"event":"mcp_tool_authz","decision":"allow","action":"tools/list","transport":"http","peer_ip":"127.0.0.1","auth_method":"bearer_token","subject":null,"token_fingerprint":"4d1566a1d7df42a8517456d60ea06ed284e535cfe4c956aa6ee172dbcdf945f7","reason":null,"request_id":null,"unsafe_client_correlation_id":null,"server_correlation_id":null}
}

func ExampleSanitizeClientCorrelationID() {
	id, err := audit.SanitizeClientCorrelationID("  build-42  ")
	fmt.Println(id, err)
	_, err = audit.SanitizeClientCorrelationID("build 42")
	fmt.Println(err)
	// Output:
	// build-42 <nil>
	// invalid correlation id: contains_whitespace
}

func ExampleIDGenerator_Next() {
	g := audit.NewIDGeneratorWithBootID(0x1f2e3d4c5b6a7988)
	fmt.Println(g.Next())
	fmt.Println(g.Next())
	// Output:
	// dg-1f2e3d4c5b6a7988-0000000000000001
	// dg-1f2e3d4c5b6a7988-0000000000000002
}
