package runpack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/testutil"
	"github.com/decision-gate/dgw/host/runpack"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// timeSource answers time.after like the built-in time provider: the
// trigger time is strictly after the integer threshold. It stands in for the
// Wasm time module, whose own parity is tested with the plugins.
type timeSource struct{}

func (timeSource) Has(id string) bool { return id == "time" }

func (timeSource) Query(_ context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	var p struct {
		Timestamp uint64 `json:"timestamp"`
	}
	if err := json.Unmarshal(q.Params, &p); err != nil {
		return evidence.Result{}, err
	}
	ct := "application/json"
	return evidence.Result{
		Value:          evidence.JSONOf(json.RawMessage(strconv.FormatBool(ec.TriggerTime.Counter > p.Timestamp))),
		EvidenceAnchor: &evidence.Anchor{AnchorType: "trigger_time_logical", AnchorValue: ec.TriggerTime.String()},
		ContentType:    &ct,
	}, nil
}

func goldenSpec(t *testing.T, name string) *scenario.Spec {
	t.Helper()
	data := testutil.ReadFile(t, testutil.Conformance(t, "runpacks", "golden", name, "artifacts", "scenario_spec.json"))
	spec, err := scenario.ParseSpec(data)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// TestGoldenRunpacks drives the engine through the flows of spec §4.4 and
// requires the exported directory to equal the golden one byte for byte.
func TestGoldenRunpacks(t *testing.T) {
	cases := []struct {
		name, runID string
		issue       bool
		root        string
	}{
		{"golden_time_after_pass", "run-1", false, "fceca5534f343d4266f89d29a1519a6c0ed2935964ad5757a70ed58661dba228"},
		{"golden_visibility_packet", "run-2", true, "3ae18bfe63690d16e27a68ede93b6143f3d86ed1d510936f18891df133c55721"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			spec := goldenSpec(t, tc.name)
			eng := engine.New(timeSource{}, memstore.New(), nil)
			if _, err := eng.Define(ctx, spec); err != nil {
				t.Fatal(err)
			}
			cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: tc.runID, ScenarioID: spec.ScenarioID}
			if _, err := eng.Start(ctx, cfg, evidence.AtLogical(1), tc.issue); err != nil {
				t.Fatal(err)
			}
			ev := scenario.TriggerEvent{
				TriggerID: "trigger-1", TenantID: 1, NamespaceID: 1, RunID: tc.runID,
				Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(2), SourceID: "system-tests",
			}
			if _, err := eng.Trigger(ctx, spec.ScenarioID, ev); err != nil {
				t.Fatal(err)
			}
			st, err := eng.Run(ctx, cfg.Key())
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			m, rep, err := runpack.Export(ctx, spec, st, runpack.Dir{Root: out}, runpack.ExportOptions{
				GeneratedAt: evidence.AtLogical(10), IncludeVerification: true,
				Security: &runpack.Security{NamespaceAuthority: "dg_registry"},
			})
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Passed() || rep.CheckedFiles != 7 {
				t.Fatalf("report = %+v", rep)
			}
			if m.Integrity.RootHash.Value != tc.root {
				t.Errorf("root hash = %s, want %s", m.Integrity.RootHash.Value, tc.root)
			}
			compareTrees(t, testutil.Conformance(t, "runpacks", "golden", tc.name), out)
		})
	}
}

// compareTrees requires two directories to hold the same files with the
// same bytes.
func compareTrees(t *testing.T, want, got string) {
	t.Helper()
	wf, gf := listFiles(t, want), listFiles(t, got)
	if fmt.Sprint(wf) != fmt.Sprint(gf) {
		t.Fatalf("file sets differ:\nwant %v\ngot  %v", wf, gf)
	}
	for _, f := range wf {
		w := testutil.ReadFile(t, filepath.Join(want, f))
		g := testutil.ReadFile(t, filepath.Join(got, f))
		if !bytes.Equal(w, g) {
			t.Errorf("%s differs:\nwant %s\ngot  %s", f, w, g)
		}
	}
}

func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}
