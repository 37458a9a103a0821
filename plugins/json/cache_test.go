//go:build !wasip1

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/decision-gate/dgw/plugins/internal/plugintest"
	"github.com/decision-gate/dgw/sdk"
)

// Remembered answers are reused only for the very same inputs: a file that
// changes (even to contents of the same length), another JSONPath, another
// config or another file all get a fresh answer.
func TestPath_cacheFollowsInputs(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sdk.SetTestHost(&plugintest.Host{Root: root})
	query := func(params, config, wantValue, wantCode string) {
		t.Helper()
		res, err := sdk.Query(plugintest.NewCall("path", params, config, 0))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case wantCode != "" && (res.Error == nil || res.Error.Code != wantCode):
			t.Fatalf("%s: result %+v, want error %s", params, res, wantCode)
		case wantCode == "" && (!res.HasValue || string(res.JSON) != wantValue):
			t.Fatalf("%s: value %s (error %+v), want %s", params, res.JSON, res.Error, wantValue)
		}
	}
	const failed = `{"file":"r.json","jsonpath":"$.failed"}`
	write("r.json", `{"failed":1}`)
	query(failed, testConfig, "1", "")
	query(failed, testConfig, "1", "")
	write("r.json", `{"failed":0}`) // same length
	query(failed, testConfig, "0", "")
	query(`{"file":"r.json"}`, testConfig, `{"failed":0}`, "")
	query(`{"file":"r.json","jsonpath":"$.passed"}`, testConfig, "", "jsonpath_not_found")
	write("r.json", `{"failed":`)
	query(failed, testConfig, "", "invalid_json")
	write("r.json", `{"failed":2}`)
	query(failed, testConfig, "2", "")
	write("r.yaml", "failed: 3\n")
	query(`{"file":"r.yaml","jsonpath":"$.failed"}`, testConfig, "3", "")
	query(`{"file":"r.yaml","jsonpath":"$.failed"}`, `{"root_id":"test-root","max_bytes":1048576,"allow_yaml":false}`, "", "yaml_disabled")
	query(`{"file":"r.yaml","jsonpath":"$.failed"}`, testConfig, "3", "")

	// More files than the cache holds, twice over: every answer stays right.
	for round := range 2 {
		for i := range resultCacheEntries + 4 {
			name := "f" + strconv.Itoa(i) + ".json"
			write(name, `{"v":`+strconv.Itoa(i*10+round)+`}`)
			query(`{"file":"`+name+`","jsonpath":"$.v"}`, testConfig, strconv.Itoa(i*10+round), "")
		}
	}
}

// The reference and anchor of a remembered answer name the file it came
// from, even when two names resolve to files with the same contents.
func TestPath_cacheKeepsReferences(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"a.json", "b.json"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(`{"x":1}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sdk.SetTestHost(&plugintest.Host{Root: root})
	for _, name := range []string{"a.json", "b.json", "a.json"} {
		res, err := sdk.Query(plugintest.NewCall("path", `{"file":"`+name+`","jsonpath":"$.x"}`, testConfig, 0))
		if err != nil {
			t.Fatal(err)
		}
		if res.RefURI != "dg+file://test-root/"+name {
			t.Fatalf("%s: ref %s", name, res.RefURI)
		}
	}
}
