package registry_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/registry"
	"github.com/decision-gate/dgw/host/registry/memreg"
)

func ExampleRegistry_Register() {
	ctx := context.Background()
	reg, err := registry.New(memreg.New(), &registry.Options{MaxEntries: 100})
	if err != nil {
		panic(err)
	}
	defer reg.Close()

	rec := registry.Record{
		TenantID:    1,
		NamespaceID: 7,
		SchemaID:    "deploy-request",
		Version:     "v1",
		Schema:      json.RawMessage(`{ "type": "object", "required": ["ok"] }`),
		CreatedAt:   evidence.AtMillis(1_700_000_000_000),
	}
	stored, err := reg.Register(ctx, rec)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(stored.Schema)) // canonical JSON

	_, err = reg.Register(ctx, rec) // records are immutable
	fmt.Println(errcode.Of(err), errcode.Message(err))

	rec.Version = "v2"
	rec.Schema = json.RawMessage(`{"type":"no-such-type"}`)
	_, err = reg.Register(ctx, rec)
	fmt.Println(errcode.Of(err))
	// Output:
	// {"required":["ok"],"type":"object"}
	// conflict schema already registered
	// invalid_argument
}

func ExampleRegistry_List() {
	ctx := context.Background()
	reg, err := registry.New(memreg.New(), nil)
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	for _, id := range []string{"c", "a", "b"} {
		_, err := reg.Register(ctx, registry.Record{
			TenantID: 1, NamespaceID: 7, SchemaID: id, Version: "1",
			Schema: json.RawMessage(`{}`), CreatedAt: evidence.AtLogical(1),
		})
		if err != nil {
			panic(err)
		}
	}

	limit := 2
	var cursor *string
	for {
		items, next, err := reg.List(ctx, 1, 7, cursor, &limit)
		if err != nil {
			panic(err)
		}
		if len(items) == 0 {
			break
		}
		for _, it := range items {
			fmt.Print(it.SchemaID, " ")
		}
		fmt.Println("next:", *next)
		cursor = next
	}
	// Output:
	// a b next: {"schema_id":"b","version":"1"}
	// c next: {"schema_id":"c","version":"1"}
}

func ExampleValidate() {
	sch, err := registry.Compile([]byte(`{"type":"object","properties":{"count":{"type":"integer","minimum":0}}}`))
	if err != nil {
		panic(err)
	}
	fmt.Println(registry.Validate(sch, json.RawMessage(`{"count":3}`)))
	fmt.Println(errcode.Message(registry.Validate(sch, json.RawMessage(`{"count":-1}`))))
	// Output:
	// <nil>
	// payload does not match schema: at '/count': minimum: got -1, want 0
}

func ExampleACL_Decide() {
	acl, err := registry.NewACL(registry.ACLConfig{}) // builtin, the default
	if err != nil {
		panic(err)
	}
	tenant := uint64(1)
	reader := &registry.Principal{
		Subject: "token:3f2a",
		Roles:   []registry.Role{{Name: registry.RoleNamespaceReader, TenantID: &tenant}},
	}
	fmt.Println(acl.Decide(reader, false, registry.ActionList, 1, 7))
	fmt.Println(acl.Decide(reader, false, registry.ActionRegister, 1, 7))
	fmt.Println(acl.Decide(reader, false, registry.ActionList, 2, 7))
	fmt.Println(acl.Decide(nil, false, registry.ActionGet, 1, 7)) // no principal configured
	// Output:
	// {true builtin_allow_read}
	// {false builtin_deny_write}
	// {false builtin_deny_read}
	// {false builtin_deny_read}
}
