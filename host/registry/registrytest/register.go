package registrytest

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/registry"
)

func ptr[T any](v T) *T { return &v }

// testRegister covers registration and get: the stored form, each check in
// the reference's order, and immutability.
func testRegister(t *testing.T, h Harness) {
	ctx := context.Background()

	t.Run("RoundTrip", func(t *testing.T) {
		e := newEnv(t, h, nil)
		rec := record("orders", "v1", ` { "type" : "object", "b": 1.0, "a": [1e2, "x"] } `)
		rec.Description = ptr("order shape")
		rec.Signing = &registry.Signing{KeyID: "k1", Signature: "sig"}
		stored := mustRegister(t, e.reg, rec)
		const want = `{"tenant_id":7,"namespace_id":3,"schema_id":"orders","version":"v1",` +
			`"schema":{"a":[100,"x"],"b":1,"type":"object"},"description":"order shape",` +
			`"created_at":{"kind":"unix_millis","value":1700000000000},` +
			`"signing":{"key_id":"k1","signature":"sig","algorithm":null}}`
		if got := marshal(t, stored); got != want {
			t.Fatalf("Register returned\n%s\nwant\n%s", got, want)
		}
		got, err := e.reg.Get(ctx, tenant, ns, "orders", "v1")
		if err != nil {
			t.Fatal(err)
		}
		if marshal(t, got) != want {
			t.Fatalf("Get returned\n%s\nwant\n%s", marshal(t, got), want)
		}

		// No description is null; no signing is left out.
		plain := record("plain", "1", `true`)
		plain.CreatedAt = evidence.AtLogical(5)
		mustRegister(t, e.reg, plain)
		got, err = e.reg.Get(ctx, tenant, ns, "plain", "1")
		if err != nil {
			t.Fatal(err)
		}
		const wantPlain = `{"tenant_id":7,"namespace_id":3,"schema_id":"plain","version":"1","schema":true,` +
			`"description":null,"created_at":{"kind":"logical","value":5}}`
		if marshal(t, got) != wantPlain {
			t.Fatalf("Get returned\n%s\nwant\n%s", marshal(t, got), wantPlain)
		}

		// Unusual ids are kept exactly.
		for _, id := range []string{"", "with space", "a\x00b", "ünï/cødé", `q"uote\`} {
			mustRegister(t, e.reg, record(id, id, `{}`))
			got, err := e.reg.Get(ctx, tenant, ns, id, id)
			if err != nil || got.SchemaID != id || got.Version != id {
				t.Fatalf("Get(%q) = %+v, %v", id, got, err)
			}
		}
	})

	t.Run("NotMutated", func(t *testing.T) {
		e := newEnv(t, h, nil)
		rec := record("s", "1", `{ "type": "string" }`)
		rec.Description = ptr("d")
		rec.Signing = &registry.Signing{KeyID: "k", Signature: "s", Algorithm: ptr("ed25519")}
		before := marshal(t, rec)
		schemaBefore := bytes.Clone(rec.Schema)
		stored := mustRegister(t, e.reg, rec)
		if marshal(t, rec) != before || !bytes.Equal(rec.Schema, schemaBefore) {
			t.Fatalf("Register modified its argument")
		}
		// Changing what Register or Get returned changes nothing stored.
		stored.Schema[0] = '['
		*stored.Description = "changed"
		*stored.Signing.Algorithm = "changed"
		got, err := e.reg.Get(ctx, tenant, ns, "s", "1")
		if err != nil {
			t.Fatal(err)
		}
		got.Schema[0] = '['
		got2, _ := e.reg.Get(ctx, tenant, ns, "s", "1")
		if string(got2.Schema) != `{"type":"string"}` || *got2.Description != "d" || *got2.Signing.Algorithm != "ed25519" {
			t.Fatalf("stored record changed: %s", marshal(t, got2))
		}
	})

	t.Run("NotFound", func(t *testing.T) {
		e := newEnv(t, h, nil)
		mustRegister(t, e.reg, record("s", "1", `{}`))
		for _, tc := range []struct {
			name    string
			t       evidence.TenantID
			n       evidence.NamespaceID
			id, ver string
		}{
			{"other id", tenant, ns, "x", "1"},
			{"other version", tenant, ns, "s", "2"},
			{"other namespace", tenant, ns + 1, "s", "1"},
			{"other tenant", tenant + 1, ns, "s", "1"},
			{"invalid utf8", tenant, ns, "s\xff", "1"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.reg.Get(ctx, tc.t, tc.n, tc.id, tc.ver)
				wantErr(t, err, errcode.NotFound, "schema not found")
				wantIs(t, err, registry.ErrNotFound)
			})
		}
		_, err := e.reg.Get(ctx, 0, ns, "s", "1")
		wantErr(t, err, errcode.InvalidArgument, "tenant_id must be at least 1")
		_, err = e.reg.Get(ctx, tenant, 0, "s", "1")
		wantErr(t, err, errcode.InvalidArgument, "namespace_id must be at least 1")
	})

	t.Run("Duplicate", func(t *testing.T) {
		e := newEnv(t, h, nil)
		first := record("s", "1", `{"type":"string"}`)
		mustRegister(t, e.reg, first)
		again := record("s", "1", `{"type":"integer"}`)
		again.Description = ptr("second")
		_, err := e.reg.Register(ctx, again)
		wantErr(t, err, errcode.Conflict, "schema already registered")
		wantIs(t, err, registry.ErrAlreadyRegistered)
		got, _ := e.reg.Get(ctx, tenant, ns, "s", "1")
		if string(got.Schema) != `{"type":"string"}` || got.Description != nil {
			t.Fatalf("a duplicate replaced the record: %s", marshal(t, got))
		}
		// The same key elsewhere is another record.
		other := record("s", "1", `{}`)
		other.NamespaceID = ns + 1
		mustRegister(t, e.reg, other)
		other.TenantID = tenant + 1
		mustRegister(t, e.reg, other)
	})

	t.Run("Signing", func(t *testing.T) {
		e := newEnv(t, h, &registry.Options{ACL: registry.ACLConfig{RequireSigning: true}})
		for i, tc := range []struct {
			name    string
			signing *registry.Signing
			ok      bool
		}{
			{"missing", nil, false},
			{"blank key", &registry.Signing{KeyID: " \t", Signature: "sig"}, false},
			{"empty key", &registry.Signing{KeyID: "", Signature: "sig"}, false},
			{"blank signature", &registry.Signing{KeyID: "k", Signature: "  "}, false},
			{"present", &registry.Signing{KeyID: "k", Signature: "not-checked"}, true},
			{"with algorithm", &registry.Signing{KeyID: "k", Signature: "s", Algorithm: ptr("ed25519")}, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec := record("s", string(rune('a'+i)), `{}`)
				rec.Signing = tc.signing
				_, err := e.reg.Register(ctx, rec)
				if tc.ok {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				wantErr(t, err, errcode.PermissionDenied, "schema signing required")
				wantIs(t, err, registry.ErrSigningRequired)
			})
		}
		// Without require_signing nothing is needed.
		e2 := newEnv(t, h, nil)
		mustRegister(t, e2.reg, record("s", "1", `{}`))
	})

	t.Run("SchemaSize", func(t *testing.T) {
		e := newEnv(t, h, &registry.Options{MaxSchemaBytes: 40})
		fits := `{"description":"` + strings.Repeat("x", 40-len(`{"description":""}`)) + `"}`
		// Whitespace does not count: the limit is on the canonical form.
		spaced := strings.Replace(fits, ":", " :   ", 1)
		mustRegister(t, e.reg, record("s", "1", spaced))
		over := `{"description":"` + strings.Repeat("x", 41-len(`{"description":""}`)) + `"}`
		_, err := e.reg.Register(ctx, record("s", "2", over))
		wantErr(t, err, errcode.InvalidArgument, "schema exceeds max_schema_bytes: 41 > 40")
		// Size is checked before compiling.
		_, err = e.reg.Register(ctx, record("s", "3", `{"type":"`+strings.Repeat("y", 40)+`"}`))
		wantErr(t, err, errcode.InvalidArgument, "")
		if !strings.HasPrefix(errcode.Message(err), "schema exceeds max_schema_bytes") {
			t.Fatalf("got %q, want the size error", errcode.Message(err))
		}
		if _, err := registry.New(nil, &registry.Options{MaxSchemaBytes: registry.MaxSchemaBytesLimit + 1}); errcode.Of(err) != errcode.InvalidArgument {
			t.Fatalf("New with max_schema_bytes over the limit: %v", err)
		}
	})

	t.Run("MaxEntries", func(t *testing.T) {
		e := newEnv(t, h, &registry.Options{MaxEntries: 2, MaxSchemaBytes: 64,
			ACL: registry.ACLConfig{RequireSigning: true}})
		signed := func(id, ver, schema string) registry.Record {
			r := record(id, ver, schema)
			r.Signing = &registry.Signing{KeyID: "k", Signature: "s"}
			return r
		}
		mustRegister(t, e.reg, signed("a", "1", `{}`))
		mustRegister(t, e.reg, signed("b", "1", `{}`))
		for _, tc := range []struct {
			name string
			rec  registry.Record
			code errcode.Code
			msg  string
		}{
			{"new key", signed("c", "1", `{}`), errcode.Conflict, "schema registry max entries exceeded"},
			{"full before compile", signed("c", "1", `{"type":5}`), errcode.Conflict, "schema registry max entries exceeded"},
			{"full before duplicate", signed("a", "1", `{}`), errcode.Conflict, "schema registry max entries exceeded"},
			{"size before full", signed("c", "1", `{"description":"`+strings.Repeat("z", 64)+`"}`), errcode.InvalidArgument, "schema exceeds max_schema_bytes: 82 > 64"},
			{"signing before full", record("c", "1", `{}`), errcode.PermissionDenied, "schema signing required"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.reg.Register(ctx, tc.rec)
				wantErr(t, err, tc.code, tc.msg)
			})
		}
		_, err := e.reg.Register(ctx, signed("c", "1", `{}`))
		wantIs(t, err, registry.ErrMaxEntries)
		// The limit is per tenant and namespace.
		other := signed("c", "1", `{}`)
		other.NamespaceID = ns + 1
		mustRegister(t, e.reg, other)
		other.TenantID = tenant + 1
		mustRegister(t, e.reg, other)
	})

	t.Run("InvalidSchema", func(t *testing.T) {
		e := newEnv(t, h, nil)
		for _, tc := range []struct{ name, schema string }{
			{"null", `null`},
			{"number", `5`},
			{"string", `"object"`},
			{"bad type", `{"type":5}`},
			{"bad type name", `{"type":"integer-ish"}`},
			{"bad required", `{"required":"x"}`},
			{"bad regex", `{"pattern":"(?=lookahead)"}`},
			{"missing ref", `{"$ref":"#/$defs/none"}`},
			{"relative ref", `{"$ref":"other.json"}`},
			{"file ref", `{"$ref":"file:///etc/passwd"}`},
			{"http ref", `{"$ref":"https://example.com/s.json"}`},
			{"unknown meta-schema", `{"$schema":"https://example.com/meta","type":"object"}`},
			{"duplicate keys", `{"type":"object","type":"string"}`},
			{"not JSON", `{"type":`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := e.reg.Register(ctx, record("s", "1", tc.schema))
				wantErr(t, err, errcode.InvalidArgument, "")
				if !strings.HasPrefix(errcode.Message(err), "invalid schema: ") {
					t.Fatalf("message %q lacks the invalid schema prefix", errcode.Message(err))
				}
			})
		}
		// Compilation comes before the duplicate check.
		mustRegister(t, e.reg, record("dup", "1", `{}`))
		_, err := e.reg.Register(ctx, record("dup", "1", `{"type":5}`))
		if !strings.HasPrefix(errcode.Message(err), "invalid schema: ") {
			t.Fatalf("invalid duplicate: got %v, want invalid schema", err)
		}
		for i, s := range []string{
			`true`, `false`, `{}`,
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"string"}],"items":false}`,
			`{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}`,
			`{"$id":"https://example.com/shape","$defs":{"n":{"type":"integer"}},"properties":{"n":{"$ref":"#/$defs/n"}}}`,
			`{"$defs":{"n":{"type":"integer"}},"properties":{"n":{"$ref":"#/$defs/n"}},"unevaluatedProperties":false}`,
		} {
			mustRegister(t, e.reg, record("valid", string(rune('a'+i)), s))
		}
	})

	t.Run("MalformedRecord", func(t *testing.T) {
		e := newEnv(t, h, nil)
		for _, tc := range []struct {
			name   string
			mutate func(*registry.Record)
		}{
			{"zero tenant", func(r *registry.Record) { r.TenantID = 0 }},
			{"zero namespace", func(r *registry.Record) { r.NamespaceID = 0 }},
			{"no created_at", func(r *registry.Record) { r.CreatedAt = evidence.Timestamp{} }},
			{"invalid utf8 id", func(r *registry.Record) { r.SchemaID = "a\xffb" }},
			{"invalid utf8 version", func(r *registry.Record) { r.Version = "\xfe" }},
			{"invalid utf8 description", func(r *registry.Record) { r.Description = ptr("\xc3") }},
			{"no schema", func(r *registry.Record) { r.Schema = nil }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				rec := record("s", "1", `{}`)
				tc.mutate(&rec)
				_, err := e.reg.Register(ctx, rec)
				wantErr(t, err, errcode.InvalidArgument, "")
			})
		}
		if items, _, _ := e.reg.List(ctx, tenant, ns, nil, nil); len(items) != 0 {
			t.Fatalf("a malformed record was stored")
		}
	})

	t.Run("DecodedInput", func(t *testing.T) {
		// A record as the tool layer decodes it from the wire.
		e := newEnv(t, h, nil)
		var rec registry.Record
		in := `{"tenant_id":7,"namespace_id":3,"schema_id":"w","version":"1","schema":{"type":"integer"},` +
			`"description":null,"created_at":{"kind":"unix_millis","value":-5},"signing":null}`
		if err := json.Unmarshal([]byte(in), &rec); err != nil {
			t.Fatal(err)
		}
		stored := mustRegister(t, e.reg, rec)
		const want = `{"tenant_id":7,"namespace_id":3,"schema_id":"w","version":"1","schema":{"type":"integer"},` +
			`"description":null,"created_at":{"kind":"unix_millis","value":-5}}`
		if got := marshal(t, stored); got != want {
			t.Fatalf("got %s, want %s", got, want)
		}
	})
}
