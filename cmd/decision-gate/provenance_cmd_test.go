package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/boltstore"
	"github.com/decision-gate/dgw/host/store/storetest"
)

// TestStore_provenance: the provenance stored with each decision is
// printed per run, and for one decision.
func TestStore_provenance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.db")
	st, err := boltstore.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	eng := engine.New(storetest.NewSource(), st, &engine.Options{Specs: st,
		Provenance: func(in engine.ProvenanceInput) scenario.Provenance {
			return scenario.Provenance{DecisionID: in.Decision.DecisionID, PolicyVersion: "2026-11-22.1",
				ConfigHash: evidence.HashBytes([]byte("config")), HostVersion: "v-test",
				DegradedProviders: []scenario.DegradedProvider{{Provider: "ext", Code: "circuit_open"}}}
		}})
	if _, err := eng.Define(ctx, storetest.Spec()); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Start(ctx, scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "r", ScenarioID: storetest.ScenarioID}, evidence.AtLogical(1), false); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"t1", "t2"} {
		if _, err := eng.Trigger(ctx, storetest.ScenarioID, scenario.TriggerEvent{TriggerID: id, TenantID: 1, NamespaceID: 1,
			RunID: "r", Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(5), SourceID: "ci"}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	at := []string{"--store-path", path, "--tenant-id", "1", "--namespace-id", "1", "--run-id", "r"}
	code, out, errOut := runCLI(t, "", append([]string{"store", "provenance"}, at...)...)
	if code != 0 || strings.Count(out, "config_hash") != 2 || !strings.Contains(out, "ext (circuit_open)") ||
		!strings.Contains(out, evidence.HashBytes([]byte("config")).Value) {
		t.Fatalf("provenance: code %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", append([]string{"store", "provenance", "--format", "json", "--decision-id", "decision-2"}, at...)...)
	var recs []scenario.Provenance
	if err := json.Unmarshal([]byte(out), &recs); err != nil || code != 0 || len(recs) != 1 || recs[0].DecisionID != "decision-2" || recs[0].PolicyVersion != "2026-11-22.1" {
		t.Fatalf("provenance json: %d %s", code, out)
	}
	code, _, errOut = runCLI(t, "", append([]string{"store", "provenance", "--decision-id", "decision-9"}, at...)...)
	if code != 1 || !strings.Contains(errOut, `no provenance for decision "decision-9"`) {
		t.Fatalf("missing decision: %d %s", code, errOut)
	}
}
