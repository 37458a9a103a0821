package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/internal/canonjson"
)

func TestSchemaCache_sameSchemaAnySpelling(t *testing.T) {
	c := NewSchemaCache(8)
	a, err := c.Compile(json.RawMessage(`{"type":"object","properties":{"k":{"type":"integer"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Compile(json.RawMessage("{ \"properties\" : {\"k\":{\"type\":\"integer\"}},\n \"type\":\"object\" }"))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("two spellings of one schema compiled twice")
	}
	if n := c.Len(); n != 1 {
		t.Errorf("Len = %d, want 1", n)
	}
	canon, err := canonjson.Transform([]byte(`{"type":"object","properties":{"k":{"type":"integer"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := a.Digest(), canonjson.SHA256Bytes(canon); got != want {
		t.Errorf("Digest = %s, want %s", got, want)
	}
}

func TestSchemaCache_boundedLRU(t *testing.T) {
	c := NewSchemaCache(2)
	schema := func(n int) json.RawMessage { return json.RawMessage(fmt.Sprintf(`{"maximum":%d}`, n)) }
	a, _ := c.Compile(schema(1))
	b, _ := c.Compile(schema(2))
	if again, _ := c.Compile(schema(1)); again != a { // touch a: b is now least recent
		t.Fatalf("cached schema recompiled")
	}
	if _, err := c.Compile(schema(3)); err != nil {
		t.Fatal(err)
	}
	if n := c.Len(); n != 2 {
		t.Errorf("Len = %d, want 2", n)
	}
	if again, _ := c.Compile(schema(1)); again != a {
		t.Errorf("recently used schema was evicted")
	}
	if again, _ := c.Compile(schema(2)); again == b {
		t.Errorf("least recently used schema was not evicted")
	}
}

func TestSchemaCache_failures(t *testing.T) {
	c := NewSchemaCache(8)
	tests := []struct {
		name, schema, want string
	}{
		{"not_json", `{"type":`, "schema is not valid JSON"},
		{"bad_type", `{"type":"strng"}`, "not valid against metaschema"},
		{"external_ref", `{"$ref":"https://example.com/s.json"}`, "external schema references are not allowed"},
		{"file_ref", `{"$ref":"file:///etc/passwd"}`, "external schema references are not allowed"},
		{"relative_ref", `{"$ref":"other.json"}`, "external schema references are not allowed"},
		{"lookahead_regex", `{"pattern":"(?=a)"}`, "not valid regex"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := c.Compile(json.RawMessage(tc.schema))
			if err == nil || s != nil {
				t.Fatalf("Compile = %v, %v; want an error", s, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
			_, again := c.Compile(json.RawMessage(tc.schema))
			if again == nil || again.Error() != err.Error() {
				t.Errorf("second compile: %v, want %v", again, err)
			}
		})
	}
}

func TestSchemaCache_validate(t *testing.T) {
	c := NewSchemaCache(8)
	tests := []struct {
		name, schema, instance string
		ok                     bool
	}{
		{"object_ok", `{"type":"object","required":["key"],"properties":{"key":{"type":"string"}}}`, `{"key":"A"}`, true},
		{"object_bad", `{"type":"object","required":["key"],"properties":{"key":{"type":"string"}}}`, `{"key":1}`, false},
		{"missing_required", `{"type":"object","required":["key"]}`, `{}`, false},
		{"union_null", `{"oneOf":[{"type":"string"},{"type":"null"}]}`, `null`, true},
		{"integer_float", `{"type":"integer"}`, `1.5`, false},
		{"integer_written_as_float", `{"type":"integer"}`, `2.0`, true},
		{"big_integer_exact", `{"maximum":18446744073709551615}`, `18446744073709551616`, false},
		{"big_integer_at_max", `{"maximum":18446744073709551615}`, `18446744073709551615`, true},
		{"format_is_annotation", `{"type":"string","format":"date-time"}`, `"not a date"`, true},
		{"local_ref", `{"$defs":{"s":{"type":"string"}},"$ref":"#/$defs/s"}`, `1`, false},
		{"dynamic_keyword_ignored", `{"x-decision-gate":{"dynamic_type":true}}`, `[1,{"a":null}]`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := c.Validate(json.RawMessage(tc.schema), json.RawMessage(tc.instance))
			if (err == nil) != tc.ok {
				t.Fatalf("Validate = %v, want ok=%v", err, tc.ok)
			}
			var se *SchemaError
			if err != nil && (!errors.As(err, &se) || len(se.Problems) == 0 || !strings.HasPrefix(se.Problems[0], "at '")) {
				t.Errorf("error %#v is not a SchemaError with located problems", err)
			}
		})
	}
	if err := c.Validate(json.RawMessage(`{"type":"string"}`), json.RawMessage(`"a" "b"`)); err == nil {
		t.Errorf("two JSON values accepted as one instance")
	}
	if err := c.Validate(json.RawMessage(`{"type":"string"}`), nil); err != nil {
		t.Errorf("nil instance (compile only): %v", err)
	}
	if err := c.Validate(json.RawMessage(`{"type":"strng"}`), nil); err == nil {
		t.Errorf("nil instance with a bad schema: no error")
	}
}

// TestSchemaCache_hammer compiles and validates from 8 goroutines through a
// cache too small for the working set, so entries are evicted and
// recompiled while others use them.
func TestSchemaCache_hammer(t *testing.T) {
	c := NewSchemaCache(3)
	const workers, rounds = 8, 300
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				n := (w + i) % 5
				schema := json.RawMessage(fmt.Sprintf(`{"type":"integer","maximum":%d}`, n))
				if err := c.Validate(schema, json.RawMessage(fmt.Sprint(n))); err != nil {
					errs <- fmt.Errorf("worker %d: %d <= %d: %v", w, n, n, err)
					return
				}
				if err := c.Validate(schema, json.RawMessage(fmt.Sprint(n+1))); err == nil {
					errs <- fmt.Errorf("worker %d: %d > %d accepted", w, n+1, n)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := c.Len(); n > 3 {
		t.Errorf("Len = %d, over the bound 3", n)
	}
}
