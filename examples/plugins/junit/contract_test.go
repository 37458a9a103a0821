//go:build !wasip1

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/decision-gate/dgw/sdk"
)

// canonical is the comparator order contracts must follow.
var canonical = []string{"equals", "not_equals", "greater_than", "greater_than_or_equal", "less_than",
	"less_than_or_equal", "lex_greater_than", "lex_greater_than_or_equal", "lex_less_than",
	"lex_less_than_or_equal", "contains", "in_set", "deep_equals", "deep_not_equals", "exists", "not_exists"}

type contractDoc struct {
	ProviderID string `json:"provider_id"`
	Transport  string `json:"transport"`
	Checks     []struct {
		CheckID            string                `json:"check_id"`
		Determinism        string                `json:"determinism"`
		ParamsRequired     bool                  `json:"params_required"`
		ResultSchema       struct{ Type string } `json:"result_schema"`
		AllowedComparators []string              `json:"allowed_comparators"`
		AnchorTypes        []string              `json:"anchor_types"`
		Examples           []struct {
			Params json.RawMessage `json:"params"`
			Result json.RawMessage `json:"result"`
		} `json:"examples"`
	} `json:"checks"`
}

func TestContract(t *testing.T) {
	b, err := sdk.ContractJSON("mcp")
	if err != nil {
		t.Fatal(err)
	}
	var c contractDoc
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c.ProviderID != "acme.junit" || c.Transport != "mcp" || len(c.Checks) != 6 {
		t.Fatalf("contract %s", b)
	}
	for _, ch := range c.Checks {
		want := numberComparators
		if ch.ResultSchema.Type == "boolean" {
			want = boolComparators
		}
		if !slices.Equal(ch.AllowedComparators, want) {
			t.Errorf("%s: comparators %v, want %v", ch.CheckID, ch.AllowedComparators, want)
		}
		last := -1
		for _, cmp := range ch.AllowedComparators {
			i := slices.Index(canonical, cmp)
			if i <= last {
				t.Errorf("%s: comparator %s out of canonical order", ch.CheckID, cmp)
			}
			last = i
		}
		if ch.Determinism != "external" || !ch.ParamsRequired || !slices.Equal(ch.AnchorTypes, []string{"file_path_rooted"}) {
			t.Errorf("%s: determinism %s, params_required %v, anchors %v", ch.CheckID, ch.Determinism, ch.ParamsRequired, ch.AnchorTypes)
		}
		if len(ch.Examples) == 0 {
			t.Errorf("%s has no example", ch.CheckID)
		}
	}
}

// TestContractExamples: each documented example is what the check answers
// for the fixture it describes.
func TestContractExamples(t *testing.T) {
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, "reports"), 0o755)
	for dst, src := range map[string]string{"reports/junit.xml": "junit-pass.xml", "reports/coverage.xml": "cobertura-pass.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(root, dst), data, 0o644)
	}
	useHost(t, dirHost{root: root})
	b, _ := sdk.ContractJSON("mcp")
	var c contractDoc
	json.Unmarshal(b, &c)
	for _, ch := range c.Checks {
		for _, ex := range ch.Examples {
			r, err := query(t, ch.CheckID, string(ex.Params))
			if err != nil {
				t.Errorf("%s %s: %v", ch.CheckID, ex.Params, err)
				continue
			}
			if r.Error != nil || string(r.JSON) != string(ex.Result) {
				t.Errorf("%s %s = %s (error %+v), example says %s", ch.CheckID, ex.Params, r.JSON, r.Error, ex.Result)
			}
		}
	}
}
