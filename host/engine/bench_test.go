package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/memstore"
)

// instant answers every query with a fixed result, without locking.
type instant map[string]evidence.Result

func (instant) Has(string) bool { return true }

func (s instant) Query(_ context.Context, q evidence.Query, _ evidence.Context) (evidence.Result, error) {
	return s[q.CheckID], nil
}

// benchSpec has one stage whose gate requires four conditions (the shape
// the OPA comparison in bench/opa uses).
func benchSpec() *scenario.Spec {
	s := &scenario.Spec{ScenarioID: "s", NamespaceID: 1, SpecVersion: "1", Policies: []scenario.PolicyRef{}, Schemas: []scenario.SchemaRef{},
		Conditions: []scenario.Condition{
			cond("env", "env", evidence.Equals, `"production"`),
			cond("tests", "tests", evidence.Equals, "true"),
			cond("coverage", "coverage", evidence.GreaterThanOrEqual, "80"),
			cond("freeze", "freeze", evidence.Equals, "false"),
		}}
	s.Stages = []scenario.Stage{stage("a", terminal, gate("release", scenario.And(
		scenario.Cond("env"), scenario.Cond("tests"), scenario.Cond("coverage"), scenario.Cond("freeze"))))}
	return s
}

// BenchmarkTrigger measures trigger → decision with instant evidence and the
// in-memory store. Coverage is one point short, so every trigger holds and
// the run stays active; a fresh run is started every 64 triggers so the
// per-run logs stay realistic. It reports p50 and p99 latency.
func BenchmarkTrigger(b *testing.B) {
	ctx := context.Background()
	src := instant{
		"env":      {Value: evidence.JSONOf(json.RawMessage(`"production"`))},
		"tests":    {Value: evidence.JSONOf(json.RawMessage(`true`))},
		"coverage": {Value: evidence.JSONOf(json.RawMessage(`79.5`))},
		"freeze":   {Value: evidence.JSONOf(json.RawMessage(`false`))},
	}
	eng := engine.New(src, memstore.New(), nil)
	if _, err := eng.Define(ctx, benchSpec()); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, 1<<16)
	run, n := "", 0
	b.ReportAllocs()
	for b.Loop() {
		if n%64 == 0 {
			b.StopTimer()
			run = "run-" + strconv.Itoa(n)
			if _, err := eng.Start(ctx, scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: run, ScenarioID: "s"}, evidence.AtLogical(0), false); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		n++
		t0 := time.Now()
		res, err := eng.Trigger(ctx, "s", scenario.TriggerEvent{TriggerID: "t" + strconv.Itoa(n), TenantID: 1, NamespaceID: 1,
			RunID: run, Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(uint64(n)), SourceID: "bench"})
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(t0))
		}
		if err != nil || res.Decision.Outcome.Kind != scenario.OutcomeHold {
			b.Fatal(err)
		}
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1e3 }
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

func ExampleEngine_Trigger() {
	ctx := context.Background()
	src := instant{
		"env":      {Value: evidence.JSONOf(json.RawMessage(`"production"`))},
		"tests":    {Value: evidence.JSONOf(json.RawMessage(`true`))},
		"coverage": {Value: evidence.JSONOf(json.RawMessage(`92.5`))},
		"freeze":   {Value: evidence.JSONOf(json.RawMessage(`false`))},
	}
	eng := engine.New(src, memstore.New(), nil)
	spec := benchSpec()
	if _, err := eng.Define(ctx, spec); err != nil {
		panic(err)
	}
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: spec.ScenarioID}
	if _, err := eng.Start(ctx, cfg, evidence.AtLogical(1), false); err != nil {
		panic(err)
	}
	res, err := eng.Trigger(ctx, spec.ScenarioID, scenario.TriggerEvent{TriggerID: "t1", TenantID: 1, NamespaceID: 1,
		RunID: "run-1", Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(2), SourceID: "ci"})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Decision.DecisionID, res.Decision.Outcome.Kind, res.Status)
	// Output: decision-1 complete completed
}
