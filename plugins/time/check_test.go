//go:build !wasip1

package main

import (
	"errors"
	"testing"

	"github.com/decision-gate/dgw/plugins/internal/plugintest"
	"github.com/decision-gate/dgw/sdk"
)

func query(t *testing.T, c *sdk.Call) (*sdk.Result, error) {
	t.Helper()
	sdk.SetTestHost(&plugintest.Host{}) // time needs no capability
	return sdk.Query(c)
}

func TestNow(t *testing.T) {
	tests := []struct {
		name       string
		call       *sdk.Call
		want       string
		anchorType string
		anchor     string
		wantErr    string
	}{
		{"unix millis", plugintest.NewCall("now", "", "", 1710000000000), "1710000000000", "trigger_time_unix_millis", "1710000000000", ""},
		{"epoch", plugintest.NewCall("now", "", "", 0), "0", "trigger_time_unix_millis", "0", ""},
		{"before epoch", plugintest.NewCall("now", "", "", -1), "-1", "trigger_time_unix_millis", "-1", ""},
		{"params ignored", plugintest.NewCall("now", `"anything"`, "", 5), "5", "trigger_time_unix_millis", "5", ""},
		{"logical", plugintest.NewLogicalCall("now", `{}`, "", 18446744073709551615), "18446744073709551615", "trigger_time_logical", "18446744073709551615", ""},
		{"logical allowed explicitly", plugintest.NewLogicalCall("now", "", `{"allow_logical":true}`, 2), "2", "trigger_time_logical", "2", ""},
		{"logical disabled", plugintest.NewLogicalCall("now", "", `{"allow_logical":false}`, 2), "", "", "", "logical timestamps are not permitted"},
		{"unix with logical disabled", plugintest.NewCall("now", "", `{"allow_logical":false}`, 7), "7", "trigger_time_unix_millis", "7", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := query(t, tc.call)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !res.HasValue || string(res.JSON) != tc.want {
				t.Errorf("value = %s, want %s", res.JSON, tc.want)
			}
			if res.Anchor == nil || res.Anchor.Type != tc.anchorType || res.Anchor.Value != tc.anchor {
				t.Errorf("anchor = %+v, want %s/%s", res.Anchor, tc.anchorType, tc.anchor)
			}
			if res.ContentType != "application/json" || res.RefURI != "" || res.Error != nil {
				t.Errorf("content type %q, ref %q, error %v", res.ContentType, res.RefURI, res.Error)
			}
		})
	}
}

func TestAfterBefore(t *testing.T) {
	const noon = 1704110400000 // 2024-01-01T12:00:00Z
	tests := []struct {
		name    string
		call    *sdk.Call
		want    string
		wantErr string
	}{
		// Integer thresholds, strictly after / before.
		{"after earlier", plugintest.NewCall("after", `{"timestamp":1}`, "", 2), "true", ""},
		{"after equal", plugintest.NewCall("after", `{"timestamp":2}`, "", 2), "false", ""},
		{"before equal", plugintest.NewCall("before", `{"timestamp":2}`, "", 2), "false", ""},
		{"before later", plugintest.NewCall("before", `{"timestamp":3}`, "", 2), "true", ""},
		{"epoch boundary after", plugintest.NewCall("after", `{"timestamp":0}`, "", 0), "false", ""},
		{"epoch boundary after +1", plugintest.NewCall("after", `{"timestamp":0}`, "", 1), "true", ""},
		{"negative threshold", plugintest.NewCall("after", `{"timestamp":-5}`, "", -4), "true", ""},
		{"i64 max", plugintest.NewCall("before", `{"timestamp":9223372036854775807}`, "", 0), "true", ""},
		{"i64 min", plugintest.NewCall("after", `{"timestamp":-9223372036854775808}`, "", 0), "true", ""},
		{"u64 beyond i64", plugintest.NewCall("after", `{"timestamp":9223372036854775808}`, "", 0), "", "timestamp exceeds i64 range"},
		{"float threshold", plugintest.NewCall("after", `{"timestamp":1.5}`, "", 0), "", "invalid numeric timestamp"},
		{"exponent threshold", plugintest.NewCall("after", `{"timestamp":1e3}`, "", 0), "", "invalid numeric timestamp"},
		{"negative zero is a float", plugintest.NewCall("after", `{"timestamp":-0}`, "", 0), "", "invalid numeric timestamp"},
		{"beyond u64", plugintest.NewCall("after", `{"timestamp":18446744073709551616}`, "", 0), "", "invalid numeric timestamp"},
		{"bool threshold", plugintest.NewCall("after", `{"timestamp":true}`, "", 0), "", "timestamp must be number or string"},
		{"null threshold", plugintest.NewCall("after", `{"timestamp":null}`, "", 0), "", "timestamp must be number or string"},

		// RFC 3339 thresholds.
		{"rfc3339 Z", plugintest.NewCall("after", `{"timestamp":"2024-01-01T12:00:00Z"}`, "", noon+1), "true", ""},
		{"rfc3339 equal", plugintest.NewCall("after", `{"timestamp":"2024-01-01T12:00:00Z"}`, "", noon), "false", ""},
		{"rfc3339 offset", plugintest.NewCall("before", `{"timestamp":"2024-01-01T13:00:00+01:00"}`, "", noon), "false", ""},
		{"rfc3339 negative offset", plugintest.NewCall("before", `{"timestamp":"2024-01-01T07:00:00-05:00"}`, "", noon-1), "true", ""},
		{"rfc3339 fraction truncated", plugintest.NewCall("after", `{"timestamp":"2024-01-01T12:00:00.0009Z"}`, "", noon), "false", ""},
		{"rfc3339 fraction ms", plugintest.NewCall("before", `{"timestamp":"2024-01-01T12:00:00.001Z"}`, "", noon), "true", ""},
		{"rfc3339 lower case t and z", plugintest.NewCall("after", `{"timestamp":"2024-01-01t12:00:00z"}`, "", noon+1), "true", ""},
		{"rfc3339 space separator", plugintest.NewCall("after", `{"timestamp":"2024-01-01 12:00:00Z"}`, "", noon+1), "true", ""},
		{"rfc3339 invalid", plugintest.NewCall("after", `{"timestamp":"2024-01-01"}`, "", 0), "", "invalid rfc3339 timestamp"},
		{"rfc3339 bad day", plugintest.NewCall("after", `{"timestamp":"2023-02-29T00:00:00Z"}`, "", 0), "", "invalid rfc3339 timestamp"},
		{"example from contract", plugintest.NewCall("before", `{"timestamp":"2024-01-01T00:00:00Z"}`, "", 1710000000000), "false", ""},

		// Parameter errors.
		{"no params", plugintest.NewCall("after", "", "", 0), "", "time check requires params"},
		{"null params", plugintest.NewCall("before", "null", "", 0), "", "time check requires params"},
		{"params not object", plugintest.NewCall("after", `[1]`, "", 0), "", "time params must be an object"},
		{"missing timestamp", plugintest.NewCall("after", `{"ts":1}`, "", 0), "", "missing timestamp param"},

		// Logical trigger times.
		{"logical after", plugintest.NewLogicalCall("after", `{"timestamp":1}`, "", 2), "true", ""},
		{"logical before", plugintest.NewLogicalCall("before", `{"timestamp":1}`, "", 2), "false", ""},
		{"logical u64 max", plugintest.NewLogicalCall("before", `{"timestamp":18446744073709551615}`, "", 2), "true", ""},
		{"logical string threshold", plugintest.NewLogicalCall("after", `{"timestamp":"2024-01-01T00:00:00Z"}`, "", 2), "", "logical timestamp must be numeric"},
		{"logical negative threshold", plugintest.NewLogicalCall("after", `{"timestamp":-1}`, "", 2), "", "logical timestamp must be unsigned"},
		{"logical float threshold", plugintest.NewLogicalCall("after", `{"timestamp":1.0}`, "", 2), "", "logical timestamp must be unsigned"},
		{"logical disabled", plugintest.NewLogicalCall("after", `{"timestamp":1}`, `{"allow_logical":false}`, 2), "", "logical timestamps are not permitted"},
		{"logical disabled checks params first", plugintest.NewLogicalCall("after", `{}`, `{"allow_logical":false}`, 2), "", "missing timestamp param"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := query(t, tc.call)
			if tc.wantErr != "" {
				var pe *sdk.ProviderError
				if !errors.As(err, &pe) || pe.Message != tc.wantErr {
					t.Fatalf("error = %v, want provider error %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(res.JSON) != tc.want {
				t.Errorf("value = %s, want %s", res.JSON, tc.want)
			}
			if res.Anchor == nil || res.ContentType != "application/json" {
				t.Errorf("anchor %+v, content type %q", res.Anchor, res.ContentType)
			}
		})
	}
}

// The module reads no clock: the same call gives the same answer whatever
// the time.
func TestDeterministic(t *testing.T) {
	c := plugintest.NewCall("after", `{"timestamp":"2030-01-01T00:00:00Z"}`, "", 0)
	for range 3 {
		res, err := query(t, c)
		if err != nil || string(res.JSON) != "false" {
			t.Fatalf("res %v err %v", res, err)
		}
	}
}

func TestUnknownCheck(t *testing.T) {
	if _, err := query(t, plugintest.NewCall("later", "", "", 0)); err == nil {
		t.Fatal("unknown check succeeded")
	}
}
