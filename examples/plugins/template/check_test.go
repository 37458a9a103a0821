//go:build !wasip1

package main

import (
	"encoding/json"
	"testing"

	"github.com/decision-gate/dgw/sdk"
)

func TestValue(t *testing.T) {
	r, err := value(&sdk.Call{CheckID: "value", Params: json.RawMessage(`{"value":"example"}`)})
	if err != nil || r.Error != nil || string(r.JSON) != `"example"` || r.Anchor == nil || r.Anchor.Type != "template" || r.Anchor.Value != "example" {
		t.Fatalf("value = %+v, %v", r, err)
	}
	for _, params := range []string{`{}`, `{"value":1}`, `null`, `[`} {
		r, err := value(&sdk.Call{CheckID: "value", Params: json.RawMessage(params)})
		if err != nil || r.Error == nil || r.Error.Code != "invalid_params" || r.HasValue {
			t.Fatalf("params %s: %+v, %v", params, r, err)
		}
	}
}
