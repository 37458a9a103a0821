package broker

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/errcode"
)

// editContract returns the fixture contract after edit changes its JSON.
func editContract(t *testing.T, edit func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(templateContract(t, "template"), &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func firstCheck(doc map[string]any) map[string]any {
	return doc["checks"].([]any)[0].(map[string]any)
}

func TestNewProvider_contractErrors(t *testing.T) {
	good := templateContract(t, "template")
	big := append(bytes.Repeat([]byte(" "), MaxContractFileBytes), good...)
	for _, tc := range []struct {
		name string
		doc  []byte // nil: no file
		pin  string
		want string
	}{
		{"missing file", nil, "", "providers[2] (template).capabilities_path: contract_missing"},
		{"not JSON", []byte("{"), "", "providers[2] (template).capabilities_path: contract_parse_failed"},
		{"wrong provider_id", templateContract(t, "other"), "", `providers[2] (template).capabilities_path: contract_invalid: provider_id "other" does not match the provider name "template"`},
		{"wrong transport", editContract(t, func(d map[string]any) { d["transport"] = "builtin" }), "", `providers[2] (template).capabilities_path: contract_invalid: transport is "builtin"`},
		{"bad params schema", editContract(t, func(d map[string]any) { firstCheck(d)["params_schema"] = map[string]any{"type": 7} }), "", "providers[2] (template).capabilities_path: schema_compile_failed: checks[0] (value).params_schema"},
		{"bad result schema", editContract(t, func(d map[string]any) {
			firstCheck(d)["result_schema"] = map[string]any{"$ref": "https://example.com/s.json"}
		}), "", "providers[2] (template).capabilities_path: schema_compile_failed: checks[0] (value).result_schema"},
		{"empty comparators", editContract(t, func(d map[string]any) { firstCheck(d)["allowed_comparators"] = []any{} }), "", "providers[2] (template).capabilities_path: contract_invalid"},
		{"sha256 mismatch", good, strings.Repeat("0", 64), "providers[2] (template).contract_sha256: contract_sha256_mismatch"},
		{"over 1 MiB", big, "", "providers[2] (template).capabilities_path: contract_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			entry := stdioEntry(t, "template")
			path := entry.CapabilitiesPath.Resolved + ".test"
			if tc.doc != nil {
				path = writeFile(t, t.TempDir(), "contract.json", tc.doc, 0o644)
			}
			entry.CapabilitiesPath = config.Path{Raw: path, Resolved: path}
			entry.ContractSHA256 = tc.pin
			_, err := NewProvider(2, entry, testEM(), nil)
			if err == nil {
				t.Fatal("NewProvider accepted the contract")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q\nwant it to contain %q", err, tc.want)
			}
			if errcode.Of(err) != errcode.InvalidArgument {
				t.Fatalf("code %s, want invalid_argument", errcode.Of(err))
			}
		})
	}
}

func TestNewProvider_contractPinned(t *testing.T) {
	entry := stdioEntry(t, "template")
	entry.ContractSHA256 = sha256Hex(templateContract(t, "template"))
	p, err := NewProvider(0, entry, testEM(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.ID() != "template" || p.Source() != "file" || p.Contract().Check("value") == nil {
		t.Fatalf("id %q source %q", p.ID(), p.Source())
	}
}

func TestNewProvider_notMCP(t *testing.T) {
	entry := stdioEntry(t, "template")
	entry.Type = config.ProviderWasm
	if _, err := NewProvider(0, entry, testEM(), nil); err == nil {
		t.Fatal("accepted a wasm entry")
	}
}
