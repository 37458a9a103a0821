package compare_test

import (
	"encoding/json"
	"fmt"

	"github.com/decision-gate/dgw/host/compare"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/provider"
)

func ExampleEvaluate() {
	status := evidence.JSONOf(json.RawMessage(`200`))
	fmt.Println(compare.Evaluate(evidence.Equals, status, json.RawMessage(`200.0`)))
	fmt.Println(compare.Evaluate(evidence.InSet, status, json.RawMessage(`[200.0, 204]`)))
	fmt.Println(compare.Evaluate(evidence.GreaterThan, status, json.RawMessage(`"199"`)))
	fmt.Println(compare.Evaluate(evidence.Exists, nil, nil))
	// Output:
	// True
	// False
	// Unknown
	// False
}

func ExampleCheckCondition() {
	schema := json.RawMessage(`{"oneOf":[{"type":"string"},{"type":"null"}]}`)
	opts := compare.Options{Strict: true}
	fmt.Println(compare.CheckCondition("env_ok", evidence.Contains, json.RawMessage(`"prod"`), schema, opts, provider.ValidateJSON))
	fmt.Println(compare.CheckCondition("env_ok", evidence.GreaterThan, json.RawMessage(`"prod"`), schema, opts, provider.ValidateJSON))
	// Output:
	// <nil>
	// condition env_ok comparator greater_than not allowed for schema type
}
