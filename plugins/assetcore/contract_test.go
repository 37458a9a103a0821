package main

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/decision-gate/dgw/plugins/internal/plugintest"
	"github.com/decision-gate/dgw/sdk"
)

// referenceContract is the repository's byte-identical copy of the
// reference assetcore_read contract.
const referenceContract = "../../testdata/assetcore/providers/assetcore_read.json"

// The served contract is the reference's with two fields changed: served
// as an MCP provider named assetcore_read, it hashes exactly as the
// reference contract does.
func TestContract_matchesReference(t *testing.T) {
	ref, err := os.ReadFile(referenceContract)
	if err != nil {
		t.Fatal(err)
	}
	want, err := plugintest.Canonical(ref)
	if err != nil {
		t.Fatal(err)
	}
	served, err := sdk.ContractJSON("mcp")
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]json.RawMessage
	if err := json.Unmarshal(served, &c); err != nil {
		t.Fatal(err)
	}
	if string(c["provider_id"]) != `"assetcore"` {
		t.Errorf("provider_id = %s, want \"assetcore\"", c["provider_id"])
	}
	c["provider_id"] = json.RawMessage(`"assetcore_read"`)
	renamed, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := plugintest.Canonical(renamed)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("served contract differs from the reference\n got %s\nwant %s", got, want)
	}
	// The reference contract's own hash, recomputed independently.
	if h := plugintest.SHA256Hex(got); h != "bcc4caf78ff25e7cfeb22b070dd7a62c643ef3d83dea1a40dc906f094e242cc3" {
		t.Errorf("renamed contract hash = %s", h)
	}
}

// The built-in contract's hash, pinned: a change to contract.json or to the
// way the sdk serves it shows up here.
func TestContract_hash(t *testing.T) {
	got, err := plugintest.ContractHash()
	if err != nil {
		t.Fatal(err)
	}
	const want = "9520458f54ca12d629c97c88a4db63026ccb8e4376ae7e491e2d08696acb3052"
	if got != want {
		t.Errorf("contract hash = %s, want %s", got, want)
	}
}

// contractChecks is the checks array of the embedded contract.
type contractCheck struct {
	CheckID      string `json:"check_id"`
	ParamsSchema struct {
		Properties map[string]struct {
			Type string `json:"type"`
		} `json:"properties"`
		Required []string `json:"required"`
	} `json:"params_schema"`
	Examples []struct {
		Params json.RawMessage `json:"params"`
		Result json.RawMessage `json:"result"`
	} `json:"examples"`
}

func embeddedChecks(t *testing.T) []contractCheck {
	t.Helper()
	var c struct {
		Checks []contractCheck `json:"checks"`
	}
	if err := json.Unmarshal(contractJSON, &c); err != nil {
		t.Fatal(err)
	}
	return c.Checks
}

// Every check's parameter list is its params_schema: the same names, the
// same types, the same required set; and every contract example's params
// are accepted.
func TestChecks_matchParamsSchemas(t *testing.T) {
	byID := map[string]*check{}
	for _, c := range checks {
		byID[c.id] = c
	}
	cs := embeddedChecks(t)
	if len(cs) != 22 || len(checks) != 22 {
		t.Fatalf("contract has %d checks, module %d; want 22", len(cs), len(checks))
	}
	for i, cc := range cs {
		c := byID[cc.CheckID]
		if c == nil || checks[i].id != cc.CheckID {
			t.Errorf("check %d: contract %s, module %s", i, cc.CheckID, checks[i].id)
			continue
		}
		props := cc.ParamsSchema.Properties
		if props["container_id"].Type != "string" || !slices.Contains(cc.ParamsSchema.Required, "container_id") {
			t.Errorf("%s: container_id is not a required string", c.id)
		}
		if len(props) != len(c.params)+1 {
			t.Errorf("%s: schema has %d params, module %d", c.id, len(props), len(c.params)+1)
		}
		for _, p := range c.params {
			typ := "integer"
			if p.kind == pString || p.kind == pOptional {
				typ = "string"
			}
			if props[p.name].Type != typ {
				t.Errorf("%s.%s: schema type %q, module %q", c.id, p.name, props[p.name].Type, typ)
			}
			if req := slices.Contains(cc.ParamsSchema.Required, p.name); req == (p.kind == pOptional) {
				t.Errorf("%s.%s: schema required=%v, module kind %d", c.id, p.name, req, p.kind)
			}
		}
		for _, ex := range cc.Examples {
			if _, f := parseParams(ex.Params, c); f != nil {
				t.Errorf("%s: example params %s refused: %s", c.id, ex.Params, f.message)
			}
		}
	}
}
