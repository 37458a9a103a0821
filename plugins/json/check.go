package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/decision-gate/dgw/plugins/internal/jsonv"
	"github.com/decision-gate/dgw/sdk"
)

// config is the operator's config block. root itself is used by the host,
// which grants fs/v1/read on it; the module needs root_id for references
// and the limits.
type config struct {
	RootID    string `json:"root_id"`
	MaxBytes  uint64 `json:"max_bytes"`
	AllowYAML bool   `json:"allow_yaml"`
}

// cfgCache keeps the parsed config while the host passes the same block.
var cfgCache sdk.ConfigCache[config]

func parseConfig(raw json.RawMessage) (config, error) {
	cfg := config{MaxBytes: 1 << 20, AllowYAML: true}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return cfg, fmt.Errorf("invalid json provider config: %v", err)
		}
	}
	if cfg.RootID == "" {
		return cfg, errors.New("json provider requires config.root_id")
	}
	return cfg, nil
}

// failure is an in-band error: it becomes the result's error, with the
// reference and anchor when they are known.
type failure struct {
	code, message string
	details       []byte // JSON, nil for null
}

func fileDetails(file string) []byte {
	return append(jsonv.AppendString([]byte(`{"file":`), file), '}')
}

// runPath reads a JSON or YAML file under the root and returns the whole
// document or the values a JSONPath selects.
func runPath(c *sdk.Call) (*sdk.Result, error) {
	cfg, err := cfgCache.Get(c, parseConfig)
	if err != nil {
		return nil, err
	}
	file, jsonPath, f := pathParams(c.Params)
	if f != nil {
		return errorResult(f, "", nil), nil
	}
	if file == "" {
		return errorResult(&failure{code: "path_missing", message: "json file path is empty"}, "", nil), nil
	}
	if strings.HasPrefix(file, "/") {
		return errorResult(&failure{
			code:    "absolute_path_forbidden",
			message: "json file path must be relative to the configured root",
			details: fileDetails(file),
		}, "", nil), nil
	}

	limit := cfg.MaxBytes
	request := 0 // the grant's cap
	if limit < math.MaxInt {
		request = int(limit) + 1
	}
	got, err := sdk.FSRead(file, request)
	rel := lexicalRel(file)
	if got != nil && got.RelPath != "" {
		rel = got.RelPath
	}
	switch {
	case err == nil:
	case errors.Is(err, sdk.ErrLimit) && got == nil:
		// The request itself was too large: a path no file system resolves.
		return errorResult(&failure{code: "file_not_found", message: "unable to resolve json file", details: fileDetails(file)}, "", nil), nil
	case errors.Is(err, sdk.ErrLimit):
		// The reference reads at most max_bytes+1 bytes and reports how many
		// it got.
		actual := limit + 1
		if got != nil && got.Size > 0 {
			actual = min(uint64(got.Size), limit+1)
		}
		ref, anchor := locate(cfg.RootID, rel)
		return errorResult(sizeFailure(rel, limit, actual), ref, anchor), nil
	case errors.Is(err, sdk.ErrNotFound):
		return errorResult(&failure{code: "file_not_found", message: "unable to resolve json file", details: fileDetails(file)}, "", nil), nil
	case errors.Is(err, sdk.ErrOutsideRoot):
		return errorResult(&failure{code: "path_outside_root", message: "json file path escapes root", details: fileDetails(file)}, "", nil), nil
	case errors.Is(err, sdk.ErrInvalid) && rel == "":
		return errorResult(&failure{code: "path_invalid", message: "json file path resolves to empty path"}, "", nil), nil
	case errors.Is(err, sdk.ErrInvalid):
		ref, anchor := locate(cfg.RootID, rel)
		return errorResult(&failure{code: "file_read_failed", message: "unable to read json file", details: fileDetails(rel)}, ref, anchor), nil
	default:
		ref, anchor := locate(cfg.RootID, rel)
		return errorResult(&failure{code: "file_open_failed", message: "unable to open json file", details: fileDetails(rel)}, ref, anchor), nil
	}

	if n := uint64(len(got.Data)); n > limit {
		ref, anchor := locate(cfg.RootID, rel)
		return errorResult(sizeFailure(rel, limit, min(n, limit+1)), ref, anchor), nil
	}
	if res := cachedResult(cfg, rel, jsonPath, got.Data); res != nil {
		return res, nil
	}
	res := evaluate(cfg, rel, jsonPath, got.Data)
	rememberResult(cfg, rel, jsonPath, got.Data, res)
	return res, nil
}

// evaluate parses data, the contents of the file at rel, and selects
// jsonPath from it (the whole document when jsonPath is nil).
func evaluate(cfg config, rel string, jsonPath *string, data []byte) *sdk.Result {
	ref, anchor := locate(cfg.RootID, rel)
	doc, contentType, f := parseDocument(rel, data, cfg.AllowYAML)
	if f != nil {
		return errorResult(f, ref, anchor)
	}
	value := doc
	if jsonPath != nil {
		matches, err := selectJSONPath(doc, *jsonPath)
		switch {
		case err != nil:
			return errorResult(&failure{code: "invalid_jsonpath", message: "invalid jsonpath", details: jsonPathDetails(*jsonPath)}, ref, anchor)
		case len(matches) == 0:
			return errorResult(&failure{
				code:    "jsonpath_not_found",
				message: "jsonpath not found: " + *jsonPath,
				details: jsonPathDetails(*jsonPath),
			}, ref, anchor)
		case len(matches) == 1:
			value = matches[0]
		default:
			value = jsonv.ArrayValue(matches)
		}
	}
	return &sdk.Result{
		JSON:        jsonv.Marshal(value),
		HasValue:    true,
		RefURI:      ref,
		Anchor:      anchor,
		ContentType: contentType,
	}
}

// pathParams extracts params.file and the optional params.jsonpath.
func pathParams(params json.RawMessage) (file string, jsonPath *string, f *failure) {
	if p, ok := cachedParams(params); ok {
		return p.file, p.jsonPath, p.f
	}
	file, jsonPath, f = parseParams(params)
	rememberParams(params, parsedParams{file, jsonPath, f})
	return file, jsonPath, f
}

func parseParams(params json.RawMessage) (file string, jsonPath *string, f *failure) {
	if params == nil {
		return "", nil, &failure{code: "params_missing", message: "json check requires params"}
	}
	v, err := jsonv.Parse(params)
	if err != nil || v.Kind != jsonv.Object {
		return "", nil, &failure{code: "params_invalid", message: "json params must be an object"}
	}
	fv, ok := v.Obj.Get("file")
	if !ok {
		return "", nil, &failure{code: "params_missing", message: "missing file param"}
	}
	if fv.Kind != jsonv.String {
		return "", nil, &failure{code: "params_invalid", message: "file param must be a string"}
	}
	if jv, ok := v.Obj.Get("jsonpath"); ok {
		if jv.Kind != jsonv.String {
			return "", nil, &failure{code: "params_invalid", message: "jsonpath param must be a string"}
		}
		jsonPath = &jv.S
	}
	return fv.S, jsonPath, nil
}

// lexicalRel is the root-relative path of file without resolving symlinks,
// used when the host does not name the resolved file. It is "" for the
// root itself.
func lexicalRel(file string) string {
	clean := path.Clean(file)
	if clean == "." {
		return ""
	}
	return clean
}

// locate returns the evidence reference and anchor of a root-relative path.
func locate(rootID, rel string) (string, *sdk.Anchor) {
	anchor := []byte(`{"path":`)
	anchor = jsonv.AppendString(anchor, rel)
	anchor = append(anchor, `,"root_id":`...)
	anchor = jsonv.AppendString(anchor, rootID)
	anchor = append(anchor, '}')
	return "dg+file://" + rootID + "/" + rel, &sdk.Anchor{Type: "file_path_rooted", Value: string(anchor)}
}

func sizeFailure(rel string, maxBytes, actual uint64) *failure {
	d := []byte(`{"actual_bytes":`)
	d = strconv.AppendUint(d, actual, 10)
	d = append(d, `,"file":`...)
	d = jsonv.AppendString(d, rel)
	d = append(d, `,"max_bytes":`...)
	d = strconv.AppendUint(d, maxBytes, 10)
	d = append(d, '}')
	return &failure{code: "size_limit_exceeded", message: "json file exceeds size limit", details: d}
}

func jsonPathDetails(p string) []byte {
	return append(jsonv.AppendString([]byte(`{"jsonpath":`), p), '}')
}

// extension returns the extension of the last path component as Rust's
// Path::extension does: none for "name", ".name" or "", "" for "name.".
func extension(rel string) (string, bool) {
	base := rel[strings.LastIndexByte(rel, '/')+1:]
	i := strings.LastIndexByte(base, '.')
	if i <= 0 {
		return "", false
	}
	return base[i+1:], true
}

// parseDocument parses data as YAML for .yaml/.yml files (when allowed) and
// as JSON otherwise, and returns the content type.
func parseDocument(rel string, data []byte, allowYAML bool) (*jsonv.Value, string, *failure) {
	if ext, ok := extension(rel); ok && (strings.EqualFold(ext, "yaml") || strings.EqualFold(ext, "yml")) && isASCII(ext) {
		if !allowYAML {
			return nil, "", &failure{code: "yaml_disabled", message: "yaml parsing is disabled", details: fileDetails(rel)}
		}
		doc, err := parseYAML(data)
		if err != nil {
			return nil, "", &failure{code: "invalid_yaml", message: "invalid yaml", details: fileDetails(rel)}
		}
		return doc, "application/yaml", nil
	}
	doc, err := jsonv.Parse(data)
	if err != nil {
		return nil, "", &failure{code: "invalid_json", message: "invalid json", details: fileDetails(rel)}
	}
	return doc, "application/json", nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func errorResult(f *failure, ref string, anchor *sdk.Anchor) *sdk.Result {
	return &sdk.Result{
		Error:  &sdk.ResultError{Code: f.code, Message: f.message, Details: f.details},
		RefURI: ref,
		Anchor: anchor,
	}
}
