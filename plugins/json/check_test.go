//go:build !wasip1

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/plugins/internal/plugintest"
	"github.com/decision-gate/dgw/sdk"
)

const testConfig = `{"root":"/ignored","root_id":"test-root","max_bytes":1048576,"allow_yaml":true}`

// fixture lays out a root directory with files, and an outside directory.
func fixture(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	outside = filepath.Join(base, "outside")
	files := map[string]string{
		"root/data.json":          `{"nested":{"value":"ok"},"items":[{"id":1},{"id":2},{"id":3}],"single":[{"id":7}],"n":1.50}`,
		"root/config.yaml":        "version: 2\nname: test\n",
		"root/upper.YML":          "name: upper\n",
		"root/sub/deep.json":      `{"x":1}`,
		"root/invalid.json":       `{"broken": }`,
		"root/invalid.yaml":       "key: : value",
		"root/empty.json":         ``,
		"root/empty.yaml":         ``,
		"root/exact.json":         `{"a":"b"}`,
		"root/.yaml":              `{"hidden":true}`,
		`root/we"ird\name.json`:   `true`,
		"root/target.yaml":        "linked: yes\n",
		"outside/secret.json":     `{"secret":true}`,
		"outside/other/file.json": `{}`,
	}
	for name, content := range files {
		p := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"escape_link.json": filepath.Join(outside, "secret.json"),
		"link.json":        "target.yaml",
		"sub/up.json":      "../data.json",
		"broken.json":      "nonexistent.json",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	return root, outside
}

type want struct {
	value   string // JSON; "" for no value
	ct      string
	ref     string
	anchor  string
	code    string
	message string
	details string // JSON; "" for null
}

func TestPath(t *testing.T) {
	root, _ := fixture(t)
	anchorOf := func(rel string) string { return `{"path":"` + rel + `","root_id":"test-root"}` }
	ref := func(rel string) string { return "dg+file://test-root/" + rel }
	tests := []struct {
		name   string
		params string
		config string
		want   want
	}{
		{"whole document", `{"file":"sub/deep.json"}`, "", want{value: `{"x":1}`, ct: "application/json", ref: ref("sub/deep.json"), anchor: anchorOf("sub/deep.json")}},
		{"nested jsonpath", `{"file":"data.json","jsonpath":"$.nested.value"}`, "", want{value: `"ok"`, ct: "application/json", ref: ref("data.json"), anchor: anchorOf("data.json")}},
		{"float kept as float", `{"file":"data.json","jsonpath":"$.n"}`, "", want{value: `1.5`, ct: "application/json", ref: ref("data.json"), anchor: anchorOf("data.json")}},
		{"wildcard single match is a scalar", `{"file":"data.json","jsonpath":"$.single[*].id"}`, "", want{value: `7`, ct: "application/json", ref: ref("data.json"), anchor: anchorOf("data.json")}},
		{"multiple matches are an array", `{"file":"data.json","jsonpath":"$.items[*].id"}`, "", want{value: `[1,2,3]`, ct: "application/json", ref: ref("data.json"), anchor: anchorOf("data.json")}},
		{"filter", `{"file":"data.json","jsonpath":"$.items[?(@.id > 1)].id"}`, "", want{value: `[2,3]`, ct: "application/json", ref: ref("data.json"), anchor: anchorOf("data.json")}},
		{"jsonpath not found", `{"file":"data.json","jsonpath":"$.nonexistent"}`, "", want{ref: ref("data.json"), anchor: anchorOf("data.json"), code: "jsonpath_not_found", message: "jsonpath not found: $.nonexistent", details: `{"jsonpath":"$.nonexistent"}`}},
		{"invalid jsonpath", `{"file":"data.json","jsonpath":"$[invalid"}`, "", want{ref: ref("data.json"), anchor: anchorOf("data.json"), code: "invalid_jsonpath", message: "invalid jsonpath", details: `{"jsonpath":"$[invalid"}`}},
		{"yaml", `{"file":"config.yaml","jsonpath":"$.version"}`, "", want{value: `2`, ct: "application/yaml", ref: ref("config.yaml"), anchor: anchorOf("config.yaml")}},
		{"yml upper case", `{"file":"upper.YML","jsonpath":"$.name"}`, "", want{value: `"upper"`, ct: "application/yaml", ref: ref("upper.YML"), anchor: anchorOf("upper.YML")}},
		{"empty yaml is null", `{"file":"empty.yaml"}`, "", want{value: `null`, ct: "application/yaml", ref: ref("empty.yaml"), anchor: anchorOf("empty.yaml")}},
		{"yaml disabled", `{"file":"config.yaml"}`, `{"root":"r","root_id":"test-root","max_bytes":1048576,"allow_yaml":false}`, want{ref: ref("config.yaml"), anchor: anchorOf("config.yaml"), code: "yaml_disabled", message: "yaml parsing is disabled", details: `{"file":"config.yaml"}`}},
		{"dot-yaml has no extension", `{"file":".yaml"}`, `{"root":"r","root_id":"test-root","max_bytes":1048576,"allow_yaml":false}`, want{value: `{"hidden":true}`, ct: "application/json", ref: ref(".yaml"), anchor: anchorOf(".yaml")}},
		{"invalid json", `{"file":"invalid.json"}`, "", want{ref: ref("invalid.json"), anchor: anchorOf("invalid.json"), code: "invalid_json", message: "invalid json", details: `{"file":"invalid.json"}`}},
		{"empty json is invalid", `{"file":"empty.json"}`, "", want{ref: ref("empty.json"), anchor: anchorOf("empty.json"), code: "invalid_json", message: "invalid json", details: `{"file":"empty.json"}`}},
		{"invalid yaml", `{"file":"invalid.yaml"}`, "", want{ref: ref("invalid.yaml"), anchor: anchorOf("invalid.yaml"), code: "invalid_yaml", message: "invalid yaml", details: `{"file":"invalid.yaml"}`}},
		{"at size limit", `{"file":"exact.json"}`, `{"root":"r","root_id":"test-root","max_bytes":9,"allow_yaml":true}`, want{value: `{"a":"b"}`, ct: "application/json", ref: ref("exact.json"), anchor: anchorOf("exact.json")}},
		{"over size limit", `{"file":"exact.json"}`, `{"root":"r","root_id":"test-root","max_bytes":8,"allow_yaml":true}`, want{ref: ref("exact.json"), anchor: anchorOf("exact.json"), code: "size_limit_exceeded", message: "json file exceeds size limit", details: `{"actual_bytes":9,"file":"exact.json","max_bytes":8}`}},
		{"far over size limit", `{"file":"data.json"}`, `{"root":"r","root_id":"test-root","max_bytes":4,"allow_yaml":true}`, want{ref: ref("data.json"), anchor: anchorOf("data.json"), code: "size_limit_exceeded", message: "json file exceeds size limit", details: `{"actual_bytes":5,"file":"data.json","max_bytes":4}`}},
		{"zero size limit", `{"file":"exact.json"}`, `{"root":"r","root_id":"test-root","max_bytes":0,"allow_yaml":true}`, want{ref: ref("exact.json"), anchor: anchorOf("exact.json"), code: "size_limit_exceeded", message: "json file exceeds size limit", details: `{"actual_bytes":1,"file":"exact.json","max_bytes":0}`}},
		{"absolute path", `{"file":"/etc/passwd"}`, "", want{code: "absolute_path_forbidden", message: "json file path must be relative to the configured root", details: `{"file":"/etc/passwd"}`}},
		{"dot dot to existing outside file", `{"file":"../outside/secret.json"}`, "", want{code: "path_outside_root", message: "json file path escapes root", details: `{"file":"../outside/secret.json"}`}},
		{"dot dot to missing file", `{"file":"../../../etc/nonexistent-dg"}`, "", want{code: "file_not_found", message: "unable to resolve json file", details: `{"file":"../../../etc/nonexistent-dg"}`}},
		{"dot dot staying inside", `{"file":"sub/../data.json","jsonpath":"$.nested.value"}`, "", want{value: `"ok"`, ct: "application/json", ref: ref("data.json"), anchor: anchorOf("data.json")}},
		{"symlink escape", `{"file":"escape_link.json"}`, "", want{code: "path_outside_root", message: "json file path escapes root", details: `{"file":"escape_link.json"}`}},
		{"symlink inside resolves", `{"file":"sub/up.json","jsonpath":"$.nested.value"}`, "", want{value: `"ok"`, ct: "application/json", ref: ref("data.json"), anchor: anchorOf("data.json")}},
		{"symlink extension is the target's", `{"file":"link.json"}`, "", want{value: `{"linked":"yes"}`, ct: "application/yaml", ref: ref("target.yaml"), anchor: anchorOf("target.yaml")}},
		{"broken symlink", `{"file":"broken.json"}`, "", want{code: "file_not_found", message: "unable to resolve json file", details: `{"file":"broken.json"}`}},
		{"missing file", `{"file":"nonexistent.json"}`, "", want{code: "file_not_found", message: "unable to resolve json file", details: `{"file":"nonexistent.json"}`}},
		{"root itself", `{"file":"."}`, "", want{code: "path_invalid", message: "json file path resolves to empty path"}},
		{"directory", `{"file":"dir"}`, "", want{ref: ref("dir"), anchor: anchorOf("dir"), code: "file_read_failed", message: "unable to read json file", details: `{"file":"dir"}`}},
		{"anchor escapes the path", `{"file":"we\"ird\\name.json"}`, "", want{value: `true`, ct: "application/json", ref: ref(`we"ird\name.json`), anchor: `{"path":"we\"ird\\name.json","root_id":"test-root"}`}},
		{"path too long for the host", `{"file":"` + strings.Repeat("a/", 40000) + `x.json"}`, "", want{code: "file_not_found", message: "unable to resolve json file", details: `{"file":"` + strings.Repeat("a/", 40000) + `x.json"}`}},
		{"empty path", `{"file":""}`, "", want{code: "path_missing", message: "json file path is empty"}},
		{"no params", ``, "", want{code: "params_missing", message: "json check requires params"}},
		{"params not object", `["data.json"]`, "", want{code: "params_invalid", message: "json params must be an object"}},
		{"missing file param", `{"other":"value"}`, "", want{code: "params_missing", message: "missing file param"}},
		{"file not string", `{"file":12345}`, "", want{code: "params_invalid", message: "file param must be a string"}},
		{"jsonpath not string", `{"file":"data.json","jsonpath":123}`, "", want{code: "params_invalid", message: "jsonpath param must be a string"}},
		{"jsonpath null", `{"file":"data.json","jsonpath":null}`, "", want{code: "params_invalid", message: "jsonpath param must be a string"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sdk.SetTestHost(&plugintest.Host{Root: root})
			cfg := tc.config
			if cfg == "" {
				cfg = testConfig
			}
			res, err := sdk.Query(plugintest.NewCall("path", tc.params, cfg, 0))
			if err != nil {
				t.Fatalf("provider error: %v", err)
			}
			checkResult(t, res, tc.want)
		})
	}
}

func checkResult(t *testing.T, res *sdk.Result, w want) {
	t.Helper()
	switch {
	case w.value == "" && res.HasValue:
		t.Errorf("value = %s, want none", res.JSON)
	case w.value != "" && (!res.HasValue || !plugintest.SameJSON(orNull(res.JSON), []byte(w.value))):
		t.Errorf("value = %s (has %v), want %s", res.JSON, res.HasValue, w.value)
	}
	if res.ContentType != w.ct {
		t.Errorf("content type = %q, want %q", res.ContentType, w.ct)
	}
	if res.RefURI != w.ref {
		t.Errorf("ref = %q, want %q", res.RefURI, w.ref)
	}
	switch {
	case w.anchor == "" && res.Anchor != nil:
		t.Errorf("anchor = %+v, want none", res.Anchor)
	case w.anchor != "" && (res.Anchor == nil || res.Anchor.Type != "file_path_rooted" || res.Anchor.Value != w.anchor):
		t.Errorf("anchor = %+v, want file_path_rooted %s", res.Anchor, w.anchor)
	}
	if w.code == "" {
		if res.Error != nil {
			t.Errorf("error = %+v, want none", res.Error)
		}
		return
	}
	if res.Error == nil {
		t.Fatalf("no error, want %s", w.code)
	}
	if res.Error.Code != w.code || res.Error.Message != w.message {
		t.Errorf("error = %s %q, want %s %q", res.Error.Code, res.Error.Message, w.code, w.message)
	}
	switch {
	case w.details == "" && res.Error.Details != nil:
		t.Errorf("details = %s, want null", res.Error.Details)
	case w.details != "" && !plugintest.SameJSON(res.Error.Details, []byte(w.details)):
		t.Errorf("details = %s, want %s", res.Error.Details, w.details)
	}
}

func orNull(b []byte) []byte {
	if b == nil {
		return []byte("null")
	}
	return b
}

// A file over the host's own cap is refused by the host; the module still
// names the resolved file.
func TestPath_hostLimit(t *testing.T) {
	root, _ := fixture(t)
	sdk.SetTestHost(&plugintest.Host{Root: root, FSMaxBytes: 5})
	res, err := sdk.Query(plugintest.NewCall("path", `{"file":"sub/up.json"}`, testConfig, 0))
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(root, "data.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, want{
		ref: "dg+file://test-root/data.json", anchor: `{"path":"data.json","root_id":"test-root"}`,
		code: "size_limit_exceeded", message: "json file exceeds size limit",
		details: `{"actual_bytes":` + strconv.FormatInt(info.Size(), 10) + `,"file":"data.json","max_bytes":1048576}`,
	})
}

// Without the fs grant the module fails closed.
func TestPath_denied(t *testing.T) {
	sdk.SetTestHost(&plugintest.Host{})
	res, err := sdk.Query(plugintest.NewCall("path", `{"file":"data.json"}`, testConfig, 0))
	if err != nil {
		t.Fatal(err)
	}
	if res.HasValue || res.Error == nil || res.Error.Code != "file_open_failed" {
		t.Fatalf("result = %+v %+v", res, res.Error)
	}
}

func TestPath_rootIDRequired(t *testing.T) {
	sdk.SetTestHost(&plugintest.Host{})
	_, err := sdk.Query(plugintest.NewCall("path", `{"file":"data.json"}`, `{"root":"r"}`, 0))
	if err == nil || !strings.Contains(err.Error(), "root_id") {
		t.Fatalf("err = %v", err)
	}
}
