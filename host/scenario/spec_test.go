package scenario

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/internal/canonjson"
	"github.com/decision-gate/dgw/host/internal/testutil"
)

func TestExampleSpecHash(t *testing.T) {
	data := testutil.ReadFile(t, testutil.Conformance(t, "contract", "examples", "scenario.json"))
	spec, err := ParseSpec(data)
	if err != nil {
		t.Fatal(err)
	}
	h, err := spec.Hash()
	if err != nil {
		t.Fatal(err)
	}
	if h.Value != "409337f68069806e3a4b628dde12907a967abb4b5b500fd0aabb4d05c5c2dd33" {
		t.Fatalf("spec hash = %s", h.Value)
	}
}

// TestGoldenSpecRoundTrip: parsing then re-encoding a golden spec artifact
// gives back its exact bytes, field presence included.
func TestGoldenSpecRoundTrip(t *testing.T) {
	for _, name := range []string{"golden_time_after_pass", "golden_visibility_packet"} {
		data := testutil.ReadFile(t, testutil.Conformance(t, "runpacks", "golden", name, "artifacts", "scenario_spec.json"))
		spec, err := ParseSpec(data)
		if err != nil {
			t.Fatal(err)
		}
		out, err := canonjson.Marshal(spec)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(data) {
			t.Errorf("%s:\n got %s\nwant %s", name, out, data)
		}
	}
}

func TestReleaseGateTemplateParses(t *testing.T) {
	data := testutil.ReadFile(t, testutil.Conformance(t, "configs", "ci", "release_gate_scenario.json"))
	spec, probs, _ := Check(data)
	if len(probs) > 0 || spec == nil {
		t.Fatalf("problems: %v", probs)
	}
}

func TestParseSpecErrorsNamePaths(t *testing.T) {
	base := func(mod func(m map[string]any)) []byte {
		var m map[string]any
		json.Unmarshal([]byte(`{"scenario_id":"s","namespace_id":1,"spec_version":"1","policies":[],"schemas":[],
			"conditions":[{"condition_id":"c","query":{"provider_id":"time","check_id":"now"},"comparator":"exists","policy_tags":[]}],
			"stages":[{"stage_id":"a","entry_packets":[],"gates":[{"gate_id":"g","requirement":{"Condition":"c"}}],
			"advance_to":{"kind":"terminal"},"on_timeout":"fail"}]}`), &m)
		mod(m)
		out, _ := json.Marshal(m)
		return out
	}
	stage := func(m map[string]any) map[string]any { return m["stages"].([]any)[0].(map[string]any) }
	cases := []struct {
		name string
		mod  func(m map[string]any)
		want string
	}{
		{"ok", func(map[string]any) {}, ""},
		{"missing stages", func(m map[string]any) { delete(m, "stages") }, "$: missing field `stages`"},
		{"namespace zero", func(m map[string]any) { m["namespace_id"] = 0 }, "$.namespace_id: namespace_id must be at least 1"},
		{"bad comparator", func(m map[string]any) { m["conditions"].([]any)[0].(map[string]any)["comparator"] = "eq" }, "$.conditions[0].comparator: unknown comparator `eq`"},
		{"missing gate id", func(m map[string]any) { delete(stage(m)["gates"].([]any)[0].(map[string]any), "gate_id") }, "$.stages[0].gates[0]: missing field `gate_id`"},
		{"bad advance", func(m map[string]any) { stage(m)["advance_to"] = map[string]any{"kind": "sideways"} }, "$.stages[0].advance_to: advance_to: unknown variant `sideways`"},
		{"bad on_timeout", func(m map[string]any) { stage(m)["on_timeout"] = "explode" }, "$.stages[0].on_timeout: unknown variant `explode`"},
		{"undefined condition", func(m map[string]any) {
			stage(m)["gates"].([]any)[0].(map[string]any)["requirement"] = map[string]any{"Condition": "nope"}
		}, "invalid scenario spec: gate references undefined condition: nope"},
		{"no stages", func(m map[string]any) { m["stages"] = []any{} }, "invalid scenario spec: scenario spec must define at least one stage"},
		{"fixed target", func(m map[string]any) { stage(m)["advance_to"] = map[string]any{"kind": "fixed", "stage_id": "zz"} }, "branch target refers to unknown stage: zz"},
		{"empty provider", func(m map[string]any) {
			m["conditions"].([]any)[0].(map[string]any)["query"].(map[string]any)["provider_id"] = " "
		}, "invalid evidence query for condition c: provider_id is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSpec(base(tc.mod))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestValidateReportsAllProblems(t *testing.T) {
	spec := &Spec{ScenarioID: "s", NamespaceID: 1, Stages: []Stage{
		{StageID: "a", AdvanceTo: AdvanceTo{Kind: AdvanceFixed, StageID: "x"}, Gates: []Gate{{GateID: "g", Requirement: Cond("c1")}}},
		{StageID: "a", AdvanceTo: AdvanceTo{Kind: AdvanceTerminal}, Gates: []Gate{{GateID: "g", Requirement: Cond("c2")}}},
	}}
	err := spec.Validate()
	ve, ok := err.(*ValidationError)
	if !ok || len(ve.Problems) != 5 {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "invalid scenario spec: duplicate stage identifier: a") {
		t.Fatalf("first problem should come first: %v", err)
	}
}

func TestNullMeansAbsent(t *testing.T) {
	a := []byte(`{"condition_id":"c","query":{"provider_id":"p","check_id":"k","params":null},"comparator":"equals","expected":null,"policy_tags":[]}`)
	b := []byte(`{"condition_id":"c","query":{"provider_id":"p","check_id":"k"},"comparator":"equals","policy_tags":[]}`)
	var ca, cb Condition
	if err := json.Unmarshal(a, &ca); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &cb); err != nil {
		t.Fatal(err)
	}
	oa, _ := canonjson.Marshal(ca)
	ob, _ := canonjson.Marshal(cb)
	if string(oa) != string(ob) || strings.Contains(string(oa), "params") || !strings.Contains(string(oa), `"expected":null`) {
		t.Fatalf("null params/expected must equal absent:\n%s\n%s", oa, ob)
	}
}

func FuzzParseSpec(f *testing.F) {
	for _, p := range []string{"contract/examples/scenario.json", "configs/ci/release_gate_scenario.json",
		"runpacks/golden/golden_visibility_packet/artifacts/scenario_spec.json"} {
		f.Add(testutil.ReadFile(f, testutil.Conformance(f, strings.Split(p, "/")...)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := ParseSpec(data)
		if err != nil {
			return
		}
		out, err := canonjson.Marshal(spec)
		if err != nil {
			t.Fatalf("encode parsed spec: %v", err)
		}
		spec2, err := ParseSpec(out)
		if err != nil {
			t.Fatalf("re-parse of encoded spec: %v\n%s", err, out)
		}
		out2, err := canonjson.Marshal(spec2)
		if err != nil || string(out) != string(out2) {
			t.Fatalf("decode-encode-decode unstable:\n%s\n%s", out, out2)
		}
	})
}
