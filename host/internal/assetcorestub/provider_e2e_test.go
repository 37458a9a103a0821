package assetcorestub_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/capability"
	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/assetcorestub"
	"github.com/decision-gate/dgw/host/provider"
	"github.com/decision-gate/dgw/host/trust"
	"github.com/decision-gate/dgw/host/wasm"
	"github.com/decision-gate/dgw/plugins"
)

// These tests load the embedded, signed assetcore module through host/wasm
// exactly as the server loads a built-in, grant it http/v1/fetch for the
// stub's loopback address only, and query the stub seeded from the
// reference seed plan.

// anchorPolicy is the reference's recommended anchor policy for AssetCore.
var anchorPolicy = engine.AnchorRequirement{
	AnchorType:     "assetcore.anchor_set",
	RequiredFields: []string{"assetcore.namespace_id", "assetcore.commit_id", "assetcore.world_seq"},
}

// loadAssetCore loads the built-in module with a grant for base's host and
// port only, and the guest config pointing at base.
func loadAssetCore(t *testing.T, base string, timeoutMS int) *wasm.Module {
	t.Helper()
	mod, manifest, sig, err := plugins.Module("assetcore")
	if err != nil {
		t.Fatal(err)
	}
	key, err := trust.ParsePublicKey(plugins.PublicKey(), plugins.Names...)
	if err != nil {
		t.Fatal(err)
	}
	hostPort := strings.TrimPrefix(base, "http://")
	grant, err := capability.ParseGrant([]byte(`{"log/v1":{},"http/v1/fetch":{"allowed_hosts":["` + hostPort +
		`"],"allow_http":true,"allow_private":true,"max_response_bytes":1048576,"timeout_ms":` + itoa(timeoutMS) + `}}`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, err := wasm.Load(ctx, wasm.LoadSpec{
		Module: mod, Manifest: manifest, Signature: sig,
		ModuleName: "builtin:assetcore/assetcore.wasm", ManifestName: "builtin:assetcore/provider.json",
		SignatureName: "builtin:assetcore/provider.json.sig",
		TrustedKeys:   []*trust.PublicKey{key}, Grant: grant,
		Config:    json.RawMessage(`{"base_url":"` + base + `","namespace_id":"1"}`),
		Transport: provider.Builtin,
		Limits:    wasm.Limits{PoolSize: 1},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(ctx) })
	return m
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// evidenceContext is the interop trigger's context.
func evidenceContext(t *testing.T) evidence.Context {
	var trig struct {
		TriggerID string `json:"trigger_id"`
		RunID     string `json:"run_id"`
		Time      struct {
			Value int64 `json:"value"`
		} `json:"time"`
	}
	if err := json.Unmarshal(assetcorestub.ReadFixture(t, "interop", "triggers", "assetcore-interop-full.json"), &trig); err != nil {
		t.Fatal(err)
	}
	return evidence.Context{TenantID: 1, NamespaceID: 1, RunID: trig.RunID, ScenarioID: "assetcore-interop-full",
		StageID: "stage-1", TriggerID: trig.TriggerID, TriggerTime: evidence.AtMillis(trig.Time.Value)}
}

// fixtureMap is interop/fixture_map.json.
type fixtureMap struct {
	NamespaceID uint64 `json:"assetcore_namespace_id"`
	ProviderID  string `json:"provider_id"`
	Fixtures    []struct {
		CheckID    string          `json:"check_id"`
		Comparator string          `json:"comparator"`
		Expected   json.RawMessage `json:"expected"`
		Params     json.RawMessage `json:"params"`
	} `json:"fixtures"`
}

// wantAnchored checks a successful result: a value, no error, the verified
// lane, the URL reference, JSON content, and an anchor that satisfies the
// anchor policy and names the stub's head commit.
func wantAnchored(t *testing.T, res evidence.Result, base string, head assetcorestub.Commit, chain bool) {
	t.Helper()
	if res.Error != nil || res.Value == nil || res.Value.Kind != evidence.JSONValue {
		t.Fatalf("result error %+v value %+v", res.Error, res.Value)
	}
	if res.Lane != evidence.Verified || res.ContentType == nil || *res.ContentType != "application/json" {
		t.Errorf("lane %v content type %v", res.Lane, res.ContentType)
	}
	if res.EvidenceRef == nil || !strings.HasPrefix(res.EvidenceRef.URI, base+"/v1/read/namespaces/1/containers/") {
		t.Errorf("ref = %+v", res.EvidenceRef)
	}
	if err := engine.CheckAnchor(res.EvidenceAnchor, anchorPolicy); err != nil {
		t.Fatalf("anchor policy: %v (%+v)", err, res.EvidenceAnchor)
	}
	want := `{"assetcore.commit_id":"` + head.CommitID + `","assetcore.namespace_id":1,"assetcore.world_seq":` + itoa(int(head.WorldSeq)) + `}`
	if chain {
		want = `{"assetcore.chain_hash":"` + head.ChainHash + `",` + want[1:]
	}
	if res.EvidenceAnchor.AnchorValue != want {
		t.Errorf("anchor value = %s, want %s", res.EvidenceAnchor.AnchorValue, want)
	}
}

// Every fixture of the reference fixture map, against the stub seeded from
// the reference seed plan, through the real module.
func TestProvider_fixtures(t *testing.T) {
	for _, chain := range []bool{false, true} {
		name := "anchor"
		if chain {
			name = "anchor_with_chain_hash"
		}
		t.Run(name, func(t *testing.T) {
			stub := assetcorestub.Seeded(t, &assetcorestub.Options{ChainHash: chain})
			base := stub.Start(t)
			head, _ := stub.Head(1)
			m := loadAssetCore(t, base, 2000)
			if c := m.Contract(); c.ProviderID != "assetcore" || c.Transport != provider.Builtin || len(c.Checks) != 22 {
				t.Fatalf("contract %s %s with %d checks", c.ProviderID, c.Transport, len(c.Checks))
			}
			reg, err := provider.NewRegistry(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := reg.CompileContracts(); err != nil {
				t.Fatal(err)
			}
			var fm fixtureMap
			if err := json.Unmarshal(assetcorestub.ReadFixture(t, "interop", "fixture_map.json"), &fm); err != nil {
				t.Fatal(err)
			}
			if fm.NamespaceID != 1 || fm.ProviderID != "assetcore_read" || len(fm.Fixtures) != 22 {
				t.Fatalf("fixture map: namespace %d provider %s, %d fixtures", fm.NamespaceID, fm.ProviderID, len(fm.Fixtures))
			}
			ec := evidenceContext(t)
			seen := map[string]bool{}
			for _, fx := range fm.Fixtures {
				seen[fx.CheckID] = true
				q := evidence.Query{ProviderID: "assetcore", CheckID: fx.CheckID, Params: fx.Params}
				cmp, err := evidence.ParseComparator(fx.Comparator)
				if err != nil {
					t.Fatal(err)
				}
				// The condition is valid against the served contract, as
				// scenario_define checks it.
				if err := reg.ValidateCondition(q, cmp, fx.Expected); err != nil {
					t.Errorf("%s: condition refused: %v", fx.CheckID, err)
				}
				before := len(stub.Requests())
				res, err := m.Query(context.Background(), q, ec)
				if err != nil {
					t.Fatalf("%s: %v", fx.CheckID, err)
				}
				wantAnchored(t, res, base, head, chain)
				if got := compare.Evaluate(cmp, res.Value, fx.Expected); got != evidence.True {
					t.Errorf("%s: %s %s against %s = %v", fx.CheckID, fx.Comparator, fx.Expected, res.Value.JSON, got)
				}
				if err := provider.ValidateJSON(m.Contract().Check(fx.CheckID).ResultSchema, res.Value.JSON); err != nil {
					t.Errorf("%s: value %s does not fit the result schema: %v", fx.CheckID, res.Value.JSON, err)
				}
				if n := len(stub.Requests()) - before; n != 1 {
					t.Errorf("%s: %d requests, want 1", fx.CheckID, n)
				}
			}
			for _, id := range m.Contract().CheckIDs() {
				if !seen[id] {
					t.Errorf("no fixture for %s", id)
				}
			}
		})
	}
}

// Failures are in-band evidence errors, never values; an anchor appears
// only when AssetCore named a commit.
func TestProvider_failures(t *testing.T) {
	stub := assetcorestub.Seeded(t, nil)
	base := stub.Start(t)
	m := loadAssetCore(t, base, 300)
	ec := evidenceContext(t)
	query := func(check, params string) evidence.Result {
		t.Helper()
		res, err := m.Query(context.Background(), evidence.Query{ProviderID: "assetcore", CheckID: check, Params: json.RawMessage(params)}, ec)
		if err != nil {
			t.Fatalf("%s %s: %v", check, params, err)
		}
		return res
	}
	tests := []struct {
		name          string
		fault         assetcorestub.Fault
		check, params string
		code          string
		anchored      bool
	}{
		{"5xx", assetcorestub.Fault{Status: 503}, "container_kind", `{"container_id":"vault-001"}`, "upstream_unavailable", false},
		{"500", assetcorestub.Fault{Status: 500}, "slot_occupied", `{"container_id":"slots-gear","slot_index":1}`, "upstream_unavailable", false},
		{"malformed body", assetcorestub.Fault{Malformed: true}, "container_kind", `{"container_id":"vault-001"}`, "invalid_response", false},
		{"slow", assetcorestub.Fault{Delay: 5 * time.Second}, "container_kind", `{"container_id":"vault-001"}`, "request_failed", false},
		{"unknown container", assetcorestub.Fault{}, "container_kind", `{"container_id":"vault-999"}`, "container_not_found", true},
		{"unknown class", assetcorestub.Fault{}, "balance_amount_scaled", `{"class_id":"lead","container_id":"vault-001"}`, "class_not_found", true},
		{"wrong kind (server)", assetcorestub.Fault{}, "slot_occupied", `{"container_id":"belt-01","slot_index":1}`, "kind_mismatch", true},
		{"wrong kind (descriptor)", assetcorestub.Fault{}, "grid_width", `{"container_id":"belt-01"}`, "kind_mismatch", true},
		{"no quantization", assetcorestub.Fault{}, "container_quantization_inv", `{"container_id":"slots-gear"}`, "kind_mismatch", true},
		{"out of range", assetcorestub.Fault{}, "grid2d_cell_instance_present", `{"container_id":"grid-007","x":6,"y":1}`, "out_of_range", true},
		{"bad params", assetcorestub.Fault{}, "slot_occupied", `{"container_id":"slots-gear","slot_index":0}`, "params_invalid", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stub.SetFault(tc.fault)
			defer stub.SetFault(assetcorestub.Fault{})
			t0 := time.Now()
			res := query(tc.check, tc.params)
			if res.Error == nil || res.Error.Code != tc.code || res.Value != nil {
				t.Fatalf("error %+v value %+v, want %s", res.Error, res.Value, tc.code)
			}
			if (res.EvidenceAnchor != nil) != tc.anchored {
				t.Errorf("anchor = %+v, want present=%v", res.EvidenceAnchor, tc.anchored)
			}
			if res.EvidenceAnchor != nil {
				if err := engine.CheckAnchor(res.EvidenceAnchor, anchorPolicy); err != nil {
					t.Errorf("anchor on an error: %v", err)
				}
			}
			if d := time.Since(t0); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// After the faults the module still answers (the instance survived).
	wantAnchored(t, query("container_kind", `{"container_id":"vault-001"}`), base, mustHead(t, stub), false)
}

// The grant is the boundary: a module granted another host cannot reach
// the stub, and a stub that demands a token refuses requests without one.
func TestProvider_grantAndToken(t *testing.T) {
	stub := assetcorestub.Seeded(t, &assetcorestub.Options{Token: "s3cret"})
	base := stub.Start(t)
	ec := evidenceContext(t)
	q := evidence.Query{ProviderID: "assetcore", CheckID: "container_kind", Params: json.RawMessage(`{"container_id":"vault-001"}`)}

	m := loadAssetCore(t, base, 2000)
	res, err := m.Query(context.Background(), q, ec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Error == nil || res.Error.Code != "unauthorized" || res.Value != nil {
		t.Errorf("without a token: %+v", res.Error)
	}
	if r := stub.Requests(); len(r) != 1 || r[0].Authorization != "" {
		t.Errorf("requests = %+v", r)
	}

	other := assetcorestub.Seeded(t, nil)
	otherBase := other.Start(t)
	m2 := loadAssetCore(t, otherBase, 2000) // granted the other stub only
	res, err = m2.Query(context.Background(), evidence.Query{ProviderID: "assetcore", CheckID: "container_kind",
		Params: json.RawMessage(`{"container_id":"vault-001"}`)}, ec)
	if err != nil || res.Error != nil {
		t.Fatalf("granted stub: %v %+v", err, res.Error)
	}
	if len(stub.Requests()) != 1 {
		t.Errorf("a module reached a host it was not granted")
	}
}

func mustHead(t *testing.T, s *assetcorestub.Server) assetcorestub.Commit {
	t.Helper()
	h, ok := s.Head(1)
	if !ok {
		t.Fatal("no head")
	}
	return h
}
