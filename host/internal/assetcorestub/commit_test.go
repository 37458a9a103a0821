package assetcorestub

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/internal/testutil"
)

// The repository's copies of the AssetCore fixtures are byte-identical to
// the reference conformance data.
func TestFixtures_identical(t *testing.T) {
	root := FixturePath(t)
	n := 0
	err := filepath.WalkDir(testutil.Conformance(t, "assetcore"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(testutil.Conformance(t, "assetcore"), path)
		if err != nil {
			return err
		}
		n++
		if !bytes.Equal(testutil.ReadFile(t, path), testutil.ReadFile(t, filepath.Join(root, rel))) {
			t.Errorf("testdata/assetcore/%s differs from the conformance copy", rel)
		}
		return nil
	})
	if err != nil || n != 7 {
		t.Errorf("compared %d files: %v", n, err)
	}
}

func TestSeed_deterministic(t *testing.T) {
	a, b := Seeded(t, nil), Seeded(t, nil)
	ha, _ := a.Head(1)
	hb, _ := b.Head(1)
	if ha != hb || ha.WorldSeq != 1 || ha.NamespaceID != 1 || len(ha.ChainHash) != 64 || !strings.HasPrefix(ha.ChainHash, ha.CommitID[1:]) {
		t.Errorf("heads %+v and %+v", ha, hb)
	}
	// The same idempotency key and content: the first commit, not applied again.
	c, err := a.ApplySeedPlan(ReadFixture(t, "interop", "seed_plan.json"))
	if err != nil || c != ha {
		t.Errorf("re-applied seed: %+v, %v", c, err)
	}
	// The same key with other content is refused.
	p, err := ParseSeedPlan(ReadFixture(t, "interop", "seed_plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	p.CommitRequest.Operations = p.CommitRequest.Operations[:1]
	if _, err := a.Apply(1, p.CommitRequest); err == nil || !strings.Contains(err.Error(), "idempotency key") {
		t.Errorf("reused key: %v", err)
	}
	// A new commit advances world_seq and chains the hash.
	c2, err := a.Apply(1, CommitRequest{IdempotencyKey: "k2", Operations: []Operation{
		{Op: "AddFungible", Args: json.RawMessage(`{"class_id":"gold","key":"bar","location":{"container_id":"vault-001","kind":"balance"},"quantity":"0.25"}`)},
	}})
	if err != nil || c2.WorldSeq != 2 || c2.CommitID == ha.CommitID || c2.ChainHash == ha.ChainHash {
		t.Fatalf("second commit %+v, %v", c2, err)
	}
	n := a.namespace(1)
	if got := n.containers["vault-001"].balances[stackKey{class: "gold", key: "bar", hasKey: true}]; got != 250 {
		t.Errorf("keyed balance = %d, want 250", got)
	}
}

// A commit applies entirely or not at all.
func TestApply_atomic(t *testing.T) {
	s := Seeded(t, nil)
	before, _ := s.Head(1)
	_, err := s.Apply(1, CommitRequest{Operations: []Operation{
		{Op: "AddFungible", Args: json.RawMessage(`{"class_id":"gold","key":null,"location":{"container_id":"vault-001","kind":"balance"},"quantity":"1"}`)},
		{Op: "AddInstance", Args: json.RawMessage(`{"class_id":"sword","key":null,"location":{"container_id":"slots-gear","kind":"slot","slot_index":1}}`)},
	}})
	if err == nil || !strings.Contains(err.Error(), "operations[1]") || !strings.Contains(err.Error(), "occupied") {
		t.Fatalf("error = %v", err)
	}
	after, _ := s.Head(1)
	if after != before || s.namespace(1).containers["vault-001"].balances[stackKey{class: "gold"}] != 150000 {
		t.Errorf("state changed: %+v → %+v", before, after)
	}
}

func TestApply_errors(t *testing.T) {
	ops := map[string]string{
		"unknown op":             `{"op":"Teleport","args":{}}`,
		"unknown field":          `{"op":"RegisterClass","args":{"request":{"class_id":"x","name":"X","flags":0,"colour":"red"}}}`,
		"duplicate class":        `{"op":"RegisterClass","args":{"request":{"class_id":"gold","name":"Gold","flags":0}}}`,
		"shape of unknown class": `{"op":"RegisterClassShape","args":{"request":{"class_id":"x","shape":{"width":1,"height":1}}}}`,
		"zero shape":             `{"op":"RegisterClassShape","args":{"request":{"class_id":"gold","shape":{"width":0,"height":1}}}}`,
		"duplicate container":    `{"op":"CreateContainer","args":{"external_id":"vault-001","kind":{"type":"balance","quantization_inv":1}}}`,
		"grid width not divisor": `{"op":"CreateContainer","args":{"external_id":"g","kind":{"type":"grid","capacity":10,"grid_width":3}}}`,
		"missing kind field":     `{"op":"CreateContainer","args":{"external_id":"g","kind":{"type":"slots"}}}`,
		"stray kind field":       `{"op":"CreateContainer","args":{"external_id":"g","kind":{"type":"slots","count":1,"capacity":1}}}`,
		"unknown kind":           `{"op":"CreateContainer","args":{"external_id":"g","kind":{"type":"cube"}}}`,
		"inverted bounds":        `{"op":"CreateContainer","args":{"external_id":"g","kind":{"type":"continuous_line_1d","quantization_inv":1,"min_x":5,"max_x":1}}}`,
		"fractional grid stack":  `{"op":"AddFungible","args":{"class_id":"widget","key":null,"location":{"container_id":"belt-01","kind":"grid_cell","position":1},"quantity":"1.5"}}`,
		"bad quantity":           `{"op":"AddFungible","args":{"class_id":"gold","key":null,"location":{"container_id":"vault-001","kind":"balance"},"quantity":"1e3"}}`,
		"too fine a quantity":    `{"op":"AddFungible","args":{"class_id":"gold","key":null,"location":{"container_id":"vault-001","kind":"balance"},"quantity":"0.0001"}}`,
		"unknown class":          `{"op":"AddInstance","args":{"class_id":"x","key":null,"location":{"container_id":"belt-01","kind":"grid_cell","position":1}}}`,
		"unknown container":      `{"op":"AddInstance","args":{"class_id":"sword","key":null,"location":{"container_id":"x","kind":"slot","slot_index":1}}}`,
		"occupied cell":          `{"op":"AddInstance","args":{"class_id":"sword","key":null,"location":{"container_id":"belt-01","kind":"grid_cell","position":4}}}`,
		"other stack in cell":    `{"op":"AddFungible","args":{"class_id":"medkit","key":null,"location":{"container_id":"belt-01","kind":"grid_cell","position":4},"quantity":"1"}}`,
		"cell outside grid":      `{"op":"AddInstance","args":{"class_id":"sword","key":null,"location":{"container_id":"belt-01","kind":"grid_cell","position":11}}}`,
		"rotation":               `{"op":"AddInstance","args":{"class_id":"sword","key":null,"location":{"container_id":"belt-01","kind":"grid_cell","position":1,"rotation":"cw90"}}}`,
		"slot outside":           `{"op":"AddInstance","args":{"class_id":"sword","key":null,"location":{"container_id":"slots-gear","kind":"slot","slot_index":9}}}`,
		"slot in a grid":         `{"op":"AddInstance","args":{"class_id":"sword","key":null,"location":{"container_id":"belt-01","kind":"slot","slot_index":1}}}`,
		"placement out of bound": `{"op":"AddInstance","args":{"class_id":"sword","key":null,"location":{"container_id":"line-01","kind":"continuous_1d","center_x_scaled":100,"span_length_scaled":400}}}`,
		"balance in a grid":      `{"op":"AddFungible","args":{"class_id":"gold","key":null,"location":{"container_id":"belt-01","kind":"balance"},"quantity":"1"}}`,
	}
	for name, op := range ops {
		s := Seeded(t, nil)
		var o Operation
		if err := json.Unmarshal([]byte(op), &o); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(1, CommitRequest{Operations: []Operation{o}}); err == nil {
			t.Errorf("%s: applied", name)
		}
	}
	if _, err := ParseSeedPlan([]byte(`{"plan_version":"v2","namespace_id":1,"commit_request":{"operations":[]}}`)); err == nil {
		t.Error("plan v2 accepted")
	}
	if _, err := ParseSeedPlan([]byte(`{"plan_version":"v1","namespace_id":1,"commit_request":{"operations":[]},"extra":1}`)); err == nil {
		t.Error("unknown plan field accepted")
	}
	if _, err := New(nil).Apply(0, CommitRequest{}); err == nil {
		t.Error("namespace 0 accepted")
	}
}
