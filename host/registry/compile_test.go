package registry

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/errcode"
)

func TestCompile(t *testing.T) {
	for _, tc := range []struct{ schema, want string }{
		{`{"type":5}`, "invalid schema: at '': 'allOf' failed; at '/type': 'anyOf' failed; " +
			"at '/type': value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'; " +
			"at '/type': got number, want array"},
		{`null`, "invalid schema: at '': got null, want boolean or object"},
		{`{"$ref":"file:///etc/hostname"}`, `invalid schema: failing loading "file:///etc/hostname": external references are not allowed`},
		{`{`, "invalid schema: unexpected EOF"},
	} {
		_, err := Compile([]byte(tc.schema))
		if errcode.Of(err) != errcode.InvalidArgument || errcode.Message(err) != tc.want {
			t.Errorf("Compile(%s):\n got %s %q\nwant %q", tc.schema, errcode.Of(err), errcode.Message(err), tc.want)
		}
	}
	if _, err := Compile([]byte(`{"type":"object"}`)); err != nil {
		t.Fatal(err)
	}
}

func TestValidate(t *testing.T) {
	sch, err := Compile([]byte(`{"type":"object","properties":{"a":{"type":"integer","maximum":5},"b":{"type":"string"}},` +
		`"required":["c"],"anyOf":[{"required":["x"]},{"required":["y"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	const want = "payload does not match schema: at '': 'anyOf' failed; at '': missing property 'x'; " +
		"at '': missing property 'y'; at '': missing property 'c'; at '/a': maximum: got 7, want 5; " +
		"at '/b': got number, want string"
	for range 20 { // the validator walks maps; the message must not depend on their order
		err := Validate(sch, json.RawMessage(`{"a":7,"b":1}`))
		if errcode.Of(err) != errcode.InvalidArgument || errcode.Message(err) != want {
			t.Fatalf("got %s %q\nwant %q", errcode.Of(err), errcode.Message(err), want)
		}
	}
	if err := Validate(sch, json.RawMessage(`{"c":1,"x":0,"a":5}`)); err != nil {
		t.Fatal(err)
	}
	err = Validate(sch, json.RawMessage(`{"c":`))
	if !strings.HasPrefix(errcode.Message(err), "payload does not match schema: invalid JSON") {
		t.Fatalf("invalid JSON: %v", err)
	}
	// A pointer names escaped property names.
	sch, _ = Compile([]byte(`{"properties":{"a/b~c":{"type":"string"}}}`))
	if err := Validate(sch, json.RawMessage(`{"a/b~c":1}`)); errcode.Message(err) != "payload does not match schema: at '/a~1b~0c': got number, want string" {
		t.Fatalf("got %q", errcode.Message(err))
	}
}

func TestValidate_capsErrors(t *testing.T) {
	sch, err := Compile([]byte(`{"items":{"type":"string"}}`))
	if err != nil {
		t.Fatal(err)
	}
	items := make([]string, 25)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	err = Validate(sch, json.RawMessage("["+strings.Join(items, ",")+"]"))
	msg := errcode.Message(err)
	if n := strings.Count(msg, "want string"); n != maxReportedErrors {
		t.Fatalf("%d failures listed, want %d: %s", n, maxReportedErrors, msg)
	}
	if !strings.HasSuffix(msg, "; and 5 more") {
		t.Fatalf("message does not count the rest: %s", msg)
	}
}

func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{`{"schema_id":"a","version":"1"}`, `{}`, `null`, `{"schema_id":"\u0000","version":""}`, `x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := parseCursor(s)
		if !ok {
			return
		}
		// A token built from a parsed key parses back to the same key.
		tok := marshalString(t, cursorToken{SchemaID: k.SchemaID, Version: k.Version})
		k2, ok := parseCursor(tok)
		if !ok || k2 != k {
			t.Fatalf("cursor %q gave %q, whose token %s gave %q", s, k, tok, k2)
		}
	})
}
