package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/decision-gate/dgw/sdk"
)

// providerID is the provider's name: the manifest name, the [[providers]]
// name and the provider_id scenarios use.
const providerID = "acme.junit"

// version is the module version; provider.json must carry the same one.
const version = "0.1.0"

// rootID names the file root in anchors and references. A Wasm provider has
// exactly one fs/v1/read root, the one its operator grants, so the provider
// name identifies it.
const rootID = providerID

// Comparator lists, in canonical order.
var (
	numberComparators = []string{"equals", "not_equals", "greater_than", "greater_than_or_equal",
		"less_than", "less_than_or_equal", "in_set", "exists", "not_exists"}
	boolComparators = []string{"equals", "not_equals", "in_set", "exists", "not_exists"}
)

const (
	fileParamsSchema = `{
  "type": "object",
  "properties": {
    "file": {"type": "string", "minLength": 1, "description": "Path of a JUnit XML report, relative to the granted root."}
  },
  "required": ["file"],
  "additionalProperties": false
}`
	coverageParamsSchema = `{
  "type": "object",
  "properties": {
    "file": {"type": "string", "minLength": 1, "description": "Path of the coverage report, relative to the granted root."},
    "format": {"type": "string", "enum": ["cobertura", "lcov"], "description": "Report format: Cobertura XML or an LCOV tracefile."}
  },
  "required": ["file", "format"],
  "additionalProperties": false
}`
	countResultSchema   = `{"type": "integer", "minimum": 0}`
	boolResultSchema    = `{"type": "boolean"}`
	percentResultSchema = `{"type": "number", "minimum": 0, "maximum": 100}`
	configSchema        = `{
  "type": "object",
  "description": "The operator's capability grant. Only fs/v1/read is used.",
  "properties": {
    "fs/v1/read": {
      "type": "object",
      "properties": {
        "root": {"type": "string", "description": "Directory the reports are read from; paths in params are relative to it."},
        "max_bytes": {"type": "integer", "minimum": 0, "description": "Largest report read, in bytes (default 1 MiB)."}
      },
      "required": ["root"],
      "additionalProperties": false
    }
  },
  "required": ["fs/v1/read"]
}`
)

var anchorTypes = []string{"file_path_rooted"}
var contentTypes = []string{"application/json"}

// countCheck declares one of the JUnit counting checks.
func countCheck(id, what, example string, result int, pick func(junitCounts) int) sdk.Check {
	return sdk.Check{
		ID:                 id,
		Description:        what,
		Determinism:        "external",
		ParamsRequired:     true,
		ParamsSchema:       json.RawMessage(fileParamsSchema),
		ResultSchema:       json.RawMessage(countResultSchema),
		AllowedComparators: numberComparators,
		AnchorTypes:        anchorTypes,
		ContentTypes:       contentTypes,
		Examples:           examples(example, `{"file":"reports/junit.xml"}`, strconv.Itoa(result)),
		Run: func(c *sdk.Call) (*sdk.Result, error) {
			return junitCheck(c, func(n junitCounts) any { return pick(n) })
		},
	}
}

// examples encodes one contract example.
func examples(description, params, result string) json.RawMessage {
	d, _ := json.Marshal(description)
	return json.RawMessage(`[{"description":` + string(d) + `,"params":` + params + `,"result":` + result + `}]`)
}

// provider is what the module registers. The examples describe
// testdata/junit-pass.xml and testdata/cobertura-pass.xml.
var provider = sdk.Provider{
	ID:           providerID,
	Name:         "JUnit and Coverage Reports",
	Description:  "Reads JUnit XML test reports and Cobertura or LCOV coverage reports from the granted directory.",
	Version:      version,
	ConfigSchema: json.RawMessage(configSchema),
	Notes: []string{
		"Files are read through fs/v1/read below the operator's root; paths are root-relative with '/' separators.",
		"JUnit counts come from the <testcase> elements; a suite without test cases contributes its tests/failures/errors/skipped attributes.",
		"A test case with <error> or <failure> is failed, one with <skipped> is skipped; rerun and flaky elements do not count as failures.",
		"coverage_percent is line coverage rounded down to two decimals, so a threshold never passes on rounding.",
		"Missing, unreadable or malformed reports give an in-band error and no value: the condition is Unknown and the gate holds.",
	},
	Checks: []sdk.Check{
		countCheck("tests_failed", "Number of failed test cases (failures plus errors) in a JUnit XML report.",
			"A report with no failures.", 0, func(n junitCounts) int { return n.failed() }),
		countCheck("tests_passed", "Number of test cases that ran and passed in a JUnit XML report.",
			"Eleven of twelve tests passed, one was skipped.", 11, func(n junitCounts) int { return n.passed() }),
		countCheck("tests_skipped", "Number of skipped test cases in a JUnit XML report.",
			"One skipped test.", 1, func(n junitCounts) int { return n.skipped }),
		countCheck("tests_total", "Number of test cases in a JUnit XML report, skipped ones included.",
			"Twelve test cases.", 12, func(n junitCounts) int { return n.total }),
		{
			ID:                 "all_passed",
			Description:        "True when a JUnit XML report ran at least one test case and none failed or errored.",
			Determinism:        "external",
			ParamsRequired:     true,
			ParamsSchema:       json.RawMessage(fileParamsSchema),
			ResultSchema:       json.RawMessage(boolResultSchema),
			AllowedComparators: boolComparators,
			AnchorTypes:        anchorTypes,
			ContentTypes:       contentTypes,
			Examples:           examples("A green test run.", `{"file":"reports/junit.xml"}`, "true"),
			Run: func(c *sdk.Call) (*sdk.Result, error) {
				return junitCheck(c, func(n junitCounts) any { return n.failed() == 0 && n.passed() > 0 })
			},
		},
		{
			ID:                 "coverage_percent",
			Description:        "Line coverage in percent (0 to 100, two decimals, rounded down) from a Cobertura XML report or an LCOV tracefile.",
			Determinism:        "external",
			ParamsRequired:     true,
			ParamsSchema:       json.RawMessage(coverageParamsSchema),
			ResultSchema:       json.RawMessage(percentResultSchema),
			AllowedComparators: numberComparators,
			AnchorTypes:        anchorTypes,
			ContentTypes:       contentTypes,
			Examples: examples("Cobertura report with 1747 of 2000 lines covered.",
				`{"file":"reports/coverage.xml","format":"cobertura"}`, "87.35"),
			Run: runCoverage,
		},
	},
}

// failure is an in-band error: a problem with the report the scenario
// named, reported as evidence rather than as a provider failure.
type failure struct {
	code, message string
	details       map[string]any
}

func (f *failure) result(rel string) *sdk.Result {
	var details json.RawMessage
	if f.details != nil {
		details, _ = json.Marshal(f.details)
	}
	r := &sdk.Result{Error: &sdk.ResultError{Code: f.code, Message: f.message, Details: details}}
	if rel != "" {
		locate(r, rel)
	}
	return r
}

// locate sets the reference and the file_path_rooted anchor of a result:
// the anchor value is the canonical JSON {"path":rel,"root_id":rootID}.
func locate(r *sdk.Result, rel string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Path   string `json:"path"`
		RootID string `json:"root_id"`
	}{rel, rootID})
	r.Anchor = &sdk.Anchor{Type: "file_path_rooted", Value: string(bytes.TrimSpace(b.Bytes()))}
	r.RefURI = "dg+file://" + rootID + "/" + rel
}

// params decodes the check's params into p, refusing unknown fields.
func params(raw json.RawMessage, p any) *failure {
	if raw == nil {
		return &failure{code: "params_missing", message: "acme.junit checks require params"}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return &failure{code: "params_invalid", message: "invalid params: " + err.Error()}
	}
	return nil
}

// readReport reads file through fs/v1/read. It returns the file, or an
// in-band failure with the root-relative path when it is known, or a Go
// error when the host refuses the capability itself.
func readReport(file string) (*sdk.File, string, *failure, error) {
	if file == "" {
		return nil, "", &failure{code: "params_invalid", message: "file must not be empty"}, nil
	}
	f, err := sdk.FSRead(file, 0)
	rel := ""
	if f != nil {
		rel = f.RelPath
	}
	detail := map[string]any{"file": file}
	switch {
	case err == nil:
		return f, f.RelPath, nil, nil
	case errors.Is(err, sdk.ErrNotFound):
		return nil, "", &failure{code: "file_not_found", message: "report not found: " + file, details: detail}, nil
	case errors.Is(err, sdk.ErrOutsideRoot):
		return nil, "", &failure{code: "path_outside_root", message: "report path leaves the granted root: " + file, details: detail}, nil
	case errors.Is(err, sdk.ErrInvalid):
		return nil, rel, &failure{code: "path_invalid", message: "file must be a root-relative path to a regular file: " + file, details: detail}, nil
	case errors.Is(err, sdk.ErrLimit):
		if f != nil {
			detail["actual_bytes"] = f.Size
		}
		return nil, rel, &failure{code: "size_limit_exceeded", message: "report exceeds the granted max_bytes: " + file, details: detail}, nil
	case errors.Is(err, sdk.ErrUpstream):
		return nil, rel, &failure{code: "file_read_failed", message: "unable to read report: " + file, details: detail}, nil
	}
	// Denied, timeout or an internal host error: the provider cannot answer.
	return nil, "", nil, fmt.Errorf("acme.junit: read %s: %w", file, err)
}

// value builds a successful result.
func value(rel string, v any) (*sdk.Result, error) {
	r := &sdk.Result{ContentType: "application/json"}
	locate(r, rel)
	return r, r.SetJSON(v)
}

// junitCheck reads and parses a JUnit report and returns pick's value.
func junitCheck(c *sdk.Call, pick func(junitCounts) any) (*sdk.Result, error) {
	var p struct {
		File string `json:"file"`
	}
	if f := params(c.Params, &p); f != nil {
		return f.result(""), nil
	}
	file, rel, f, err := readReport(p.File)
	if err != nil || f != nil {
		return resultOrError(f, rel, err)
	}
	counts, perr := parseJUnit(file.Data)
	if perr != nil {
		return (&failure{code: "invalid_junit", message: "not a valid JUnit XML report: " + perr.Error(),
			details: map[string]any{"file": rel}}).result(rel), nil
	}
	return value(rel, pick(counts))
}

var formatNames = map[string]string{"cobertura": "Cobertura XML report", "lcov": "LCOV tracefile"}

// runCoverage answers coverage_percent.
func runCoverage(c *sdk.Call) (*sdk.Result, error) {
	var p struct {
		File   string `json:"file"`
		Format string `json:"format"`
	}
	if f := params(c.Params, &p); f != nil {
		return f.result(""), nil
	}
	var parse func([]byte) (coverage, error)
	switch p.Format {
	case "cobertura":
		parse = parseCobertura
	case "lcov":
		parse = parseLCOV
	case "":
		return (&failure{code: "params_missing", message: "coverage_percent needs a format: cobertura or lcov"}).result(""), nil
	default:
		return (&failure{code: "params_invalid", message: fmt.Sprintf("unknown coverage format %q: want cobertura or lcov", p.Format)}).result(""), nil
	}
	file, rel, f, err := readReport(p.File)
	if err != nil || f != nil {
		return resultOrError(f, rel, err)
	}
	cov, perr := parse(file.Data)
	if perr != nil {
		code, msg := "invalid_"+p.Format, "not a valid "+formatNames[p.Format]+": "+perr.Error()
		if errors.Is(perr, errNoLines) {
			code, msg = "no_coverage_data", "the coverage report covers no lines"
		}
		return (&failure{code: code, message: msg, details: map[string]any{"file": rel, "format": p.Format}}).result(rel), nil
	}
	r := &sdk.Result{ContentType: "application/json", HasValue: true, JSON: cov.percentJSON()}
	locate(r, rel)
	return r, nil
}

func resultOrError(f *failure, rel string, err error) (*sdk.Result, error) {
	if err != nil {
		return nil, err
	}
	return f.result(rel), nil
}
