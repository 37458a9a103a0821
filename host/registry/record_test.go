package registry

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/internal/jsonstrict"
	"github.com/decision-gate/dgw/host/registry/driver"
)

func marshalString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRecord_decode decodes records the way the tool layer does
// (jsonstrict: the reference's input rules).
func TestRecord_decode(t *testing.T) {
	const base = `"tenant_id":1,"namespace_id":2,"schema_id":"s","version":"1","created_at":{"kind":"logical","value":3}`
	for _, tc := range []struct {
		name, in, wantErr, wantOut string
	}{
		{"minimal", `{` + base + `,"schema":{}}`, "",
			`{"tenant_id":1,"namespace_id":2,"schema_id":"s","version":"1","schema":{},"description":null,"created_at":{"kind":"logical","value":3}}`},
		{"null schema is a value", `{` + base + `,"schema":null}`, "",
			`{"tenant_id":1,"namespace_id":2,"schema_id":"s","version":"1","schema":null,"description":null,"created_at":{"kind":"logical","value":3}}`},
		{"nulls mean absent", `{` + base + `,"schema":true,"description":null,"signing":null,"extra":1}`, "",
			`{"tenant_id":1,"namespace_id":2,"schema_id":"s","version":"1","schema":true,"description":null,"created_at":{"kind":"logical","value":3}}`},
		{"signing", `{` + base + `,"schema":true,"signing":{"key_id":"k","signature":"x"}}`, "",
			`{"tenant_id":1,"namespace_id":2,"schema_id":"s","version":"1","schema":true,"description":null,"created_at":{"kind":"logical","value":3},"signing":{"key_id":"k","signature":"x","algorithm":null}}`},
		{"missing schema", `{` + base + `}`, "missing field `schema`", ""},
		{"zero tenant", `{"tenant_id":0` + base[len(`"tenant_id":1`):] + `,"schema":{}}`, "tenant_id must be at least 1", ""},
		{"signing without signature", `{` + base + `,"schema":{},"signing":{"key_id":"k"}}`, "missing field `signature`", ""},
		{"version not a string", `{` + strings.Replace(base, `"version":"1"`, `"version":1`, 1) + `,"schema":{}}`, "expected a string", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rec Record
			err := jsonstrict.Decode([]byte(tc.in), &rec)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := marshalString(t, rec); got != tc.wantOut {
				t.Fatalf("got  %s\nwant %s", got, tc.wantOut)
			}
		})
	}
}

func TestDecodeRecord_checksIdentity(t *testing.T) {
	rec := Record{TenantID: 1, NamespaceID: 2, SchemaID: "s", Version: "1", Schema: json.RawMessage(`{}`), CreatedAt: evidence.AtMillis(1)}
	b, err := encodeRecord(&rec)
	if err != nil {
		t.Fatal(err)
	}
	sc, k := rec.Scope(), rec.Key()
	if _, err := decodeRecord(sc, k, b); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		sc   driver.Scope
		k    driver.Key
		b    string
	}{
		{"other key", sc, driver.Key{SchemaID: "s", Version: "2"}, string(b)},
		{"other scope", driver.Scope{TenantID: 1, NamespaceID: 3}, k, string(b)},
		{"not JSON", sc, k, string(b[:len(b)-1])},
		{"no schema", sc, k, strings.Replace(string(b), `"schema":{},`, ``, 1)},
	} {
		if _, err := decodeRecord(tc.sc, tc.k, []byte(tc.b)); err == nil {
			t.Errorf("%s: decoded", tc.name)
		}
	}
}
