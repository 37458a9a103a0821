//go:build !wasip1

package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/sdk"
)

// dirHost is an sdk.TestHost whose fs/v1/read root is a directory. It
// answers like the server's grant: root-relative '/' paths only, no
// escaping the root, regular files only, a byte cap. Every other capability
// is denied, as for a module that requests only fs/v1/read.
type dirHost struct {
	root     string
	maxBytes int
}

func (dirHost) Log(string, string)                                   {}
func (dirHost) EnvGet(string) (string, bool, error)                  { return "", false, sdk.ErrDenied }
func (dirHost) HTTPFetch(sdk.HTTPRequest) (*sdk.HTTPResponse, error) { return nil, sdk.ErrDenied }

func (h dirHost) FSRead(p string, max int) (*sdk.File, error) {
	if p == "" || strings.HasPrefix(p, "/") || strings.ContainsRune(p, 0) {
		return nil, sdk.ErrInvalid
	}
	clean := path.Clean(p)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return nil, sdk.ErrOutsideRoot
	}
	full := filepath.Join(h.root, filepath.FromSlash(clean))
	st, err := os.Stat(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, sdk.ErrNotFound
	case err != nil:
		return nil, sdk.ErrUpstream
	case !st.Mode().IsRegular():
		return &sdk.File{RelPath: clean}, sdk.ErrInvalid
	}
	limit := h.maxBytes
	if limit == 0 {
		limit = 1 << 20
	}
	if max > 0 && max < limit {
		limit = max
	}
	if st.Size() > int64(limit) {
		return &sdk.File{RelPath: clean, Size: st.Size()}, sdk.ErrLimit
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return nil, sdk.ErrUpstream
	}
	return &sdk.File{RelPath: clean, Size: int64(len(data)), Data: data}, nil
}

// deniedHost refuses fs/v1/read itself.
type deniedHost struct{ dirHost }

func (deniedHost) FSRead(string, int) (*sdk.File, error) { return nil, sdk.ErrDenied }

func useHost(t *testing.T, h sdk.TestHost) {
	t.Helper()
	sdk.SetTestHost(h)
	t.Cleanup(func() { sdk.SetTestHost(nil) })
}

func query(t *testing.T, check, params string) (*sdk.Result, error) {
	t.Helper()
	var raw json.RawMessage
	if params != "" {
		raw = json.RawMessage(params)
	}
	return sdk.Query(&sdk.Call{
		CheckID: check,
		Params:  raw,
		Context: sdk.Context{TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: "release", StageID: "verify",
			TriggerID: "t-1", TriggerTime: sdk.Timestamp{Kind: sdk.UnixMillis, Millis: 1763629200000}},
		Config: json.RawMessage(`{"fs/v1/read":{"root":"testdata","max_bytes":1048576}}`),
	})
}

func anchorFor(rel string) *sdk.Anchor {
	return &sdk.Anchor{Type: "file_path_rooted", Value: `{"path":"` + rel + `","root_id":"acme.junit"}`}
}

// TestJUnitChecks runs every JUnit check over every JUnit fixture.
func TestJUnitChecks(t *testing.T) {
	useHost(t, dirHost{root: "testdata"})
	type want struct{ total, passed, failed, skipped, allPassed string }
	cases := []struct {
		file string
		want want
	}{
		{"junit-pass.xml", want{"12", "11", "0", "1", "true"}},
		{"junit-fail.xml", want{"12", "8", "3", "1", "false"}},
		{"junit-single-suite.xml", want{"3", "2", "1", "0", "false"}},
		{"junit-aggregate.xml", want{"400", "396", "0", "4", "true"}},
		{"junit-latin1.xml", want{"1", "1", "0", "0", "true"}},
		{"junit-empty.xml", want{"0", "0", "0", "0", "false"}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			for check, wantValue := range map[string]string{
				"tests_total": tc.want.total, "tests_passed": tc.want.passed, "tests_failed": tc.want.failed,
				"tests_skipped": tc.want.skipped, "all_passed": tc.want.allPassed,
			} {
				r, err := query(t, check, `{"file":"`+tc.file+`"}`)
				if err != nil {
					t.Fatalf("%s: %v", check, err)
				}
				if r.Error != nil || !r.HasValue || string(r.JSON) != wantValue {
					t.Errorf("%s = %s (error %+v), want %s", check, r.JSON, r.Error, wantValue)
				}
				if *r.Anchor != *anchorFor(tc.file) || r.RefURI != "dg+file://acme.junit/"+tc.file || r.ContentType != "application/json" {
					t.Errorf("%s: anchor %+v ref %q content type %q", check, r.Anchor, r.RefURI, r.ContentType)
				}
			}
		})
	}
}

func TestCoverage(t *testing.T) {
	useHost(t, dirHost{root: "testdata"})
	cases := []struct {
		file, format, want string
	}{
		{"cobertura-pass.xml", "cobertura", "87.35"},
		{"cobertura-low.xml", "cobertura", "61.23"},
		// 0.79996 is 79.996%: rounded down, so a >= 80 gate does not pass.
		{"cobertura-rate-only.xml", "cobertura", "79.99"},
		{"lcov-pass.info", "lcov", "91.6"},
		{"lcov-da-only.info", "lcov", "66.66"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			r, err := query(t, "coverage_percent", `{"file":"`+tc.file+`","format":"`+tc.format+`"}`)
			if err != nil {
				t.Fatal(err)
			}
			if r.Error != nil || string(r.JSON) != tc.want {
				t.Fatalf("coverage = %s (error %+v), want %s", r.JSON, r.Error, tc.want)
			}
			if *r.Anchor != *anchorFor(tc.file) {
				t.Errorf("anchor %+v", r.Anchor)
			}
		})
	}
}

func TestPercentJSON(t *testing.T) {
	for h, want := range map[int64]string{0: "0", 5: "0.05", 50: "0.5", 8000: "80", 8001: "80.01", 8010: "80.1", 10000: "100"} {
		if got := string((coverage{h}).percentJSON()); got != want {
			t.Errorf("%d hundredths = %s, want %s", h, got, want)
		}
	}
}

// TestInBandErrors: problems with the report are evidence, not provider
// failures: an error code, no value, and the anchor when the file is known.
func TestInBandErrors(t *testing.T) {
	useHost(t, dirHost{root: "testdata", maxBytes: 1024})
	cases := []struct {
		check, params, code, msg, anchor string
	}{
		{"tests_failed", ``, "params_missing", "require params", ""},
		{"tests_failed", `{}`, "params_invalid", "file must not be empty", ""},
		{"tests_failed", `{"file":7}`, "params_invalid", "invalid params", ""},
		{"tests_failed", `{"file":"a.xml","extra":1}`, "params_invalid", "unknown field", ""},
		{"tests_failed", `{"file":"missing.xml"}`, "file_not_found", "report not found: missing.xml", ""},
		{"tests_failed", `{"file":"../../go.mod"}`, "path_outside_root", "leaves the granted root", ""},
		{"tests_failed", `{"file":"/etc/passwd"}`, "path_invalid", "root-relative", ""},
		{"all_passed", `{"file":"junit-truncated.xml"}`, "invalid_junit", "unexpected EOF", "junit-truncated.xml"},
		{"all_passed", `{"file":"junit-bad-counts.xml"}`, "invalid_junit", "5 failures", "junit-bad-counts.xml"},
		{"tests_total", `{"file":"not-junit.xml"}`, "invalid_junit", "root element is <html>", "not-junit.xml"},
		{"tests_total", `{"file":"lcov-pass.info"}`, "invalid_junit", "not a valid JUnit XML report", "lcov-pass.info"},
		{"tests_total", `{"file":"junit-fail.xml"}`, "size_limit_exceeded", "max_bytes", "junit-fail.xml"},
		{"coverage_percent", `{"file":"cobertura-pass.xml"}`, "params_missing", "needs a format", ""},
		{"coverage_percent", `{"file":"cobertura-pass.xml","format":"jacoco"}`, "params_invalid", `"jacoco"`, ""},
		{"coverage_percent", `{"file":"junit-single-suite.xml","format":"cobertura"}`, "invalid_cobertura", "root element is <testsuite>", "junit-single-suite.xml"},
		{"coverage_percent", `{"file":"cobertura-bad-rate.xml","format":"cobertura"}`, "invalid_cobertura", "between 0 and 1", "cobertura-bad-rate.xml"},
		{"coverage_percent", `{"file":"cobertura-no-lines.xml","format":"cobertura"}`, "no_coverage_data", "no lines", "cobertura-no-lines.xml"},
		{"coverage_percent", `{"file":"lcov-truncated.info","format":"lcov"}`, "invalid_lcov", "no end_of_record", "lcov-truncated.info"},
		{"coverage_percent", `{"file":"cobertura-low.xml","format":"lcov"}`, "invalid_lcov", "not an LCOV line", "cobertura-low.xml"},
	}
	for _, tc := range cases {
		t.Run(tc.check+" "+tc.params, func(t *testing.T) {
			r, err := query(t, tc.check, tc.params)
			if err != nil {
				t.Fatal(err)
			}
			if r.HasValue || r.Error == nil || r.Error.Code != tc.code || !strings.Contains(r.Error.Message, tc.msg) {
				t.Fatalf("result value=%v %s error=%+v, want %s %q", r.HasValue, r.JSON, r.Error, tc.code, tc.msg)
			}
			if tc.anchor == "" {
				if r.Anchor != nil {
					t.Errorf("anchor %+v, want none", r.Anchor)
				}
			} else if r.Anchor == nil || *r.Anchor != *anchorFor(tc.anchor) {
				t.Errorf("anchor %+v, want %s", r.Anchor, tc.anchor)
			}
		})
	}
}

// TestDeniedIsAProviderError: when the host refuses the capability itself
// the provider cannot answer at all.
func TestDeniedIsAProviderError(t *testing.T) {
	useHost(t, deniedHost{})
	_, err := query(t, "tests_failed", `{"file":"junit-pass.xml"}`)
	var pe *sdk.ProviderError
	if !errors.As(err, &pe) || !errors.Is(err, sdk.ErrDenied) || !strings.Contains(pe.Message, "junit-pass.xml") {
		t.Fatalf("err = %v", err)
	}
}

func TestUnknownCheck(t *testing.T) {
	useHost(t, dirHost{root: "testdata"})
	if _, err := query(t, "tests_flaky", `{"file":"junit-pass.xml"}`); err == nil || !strings.Contains(err.Error(), "unsupported check") {
		t.Fatalf("err = %v", err)
	}
}

// FuzzReports: no input makes a parser panic, and every accepted report
// gives consistent numbers.
func FuzzReports(f *testing.F) {
	entries, _ := os.ReadDir("testdata")
	for _, e := range entries {
		if b, err := os.ReadFile(filepath.Join("testdata", e.Name())); err == nil && !e.IsDir() {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if n, err := parseJUnit(data); err == nil {
			if n.total < 0 || n.failed() < 0 || n.skipped < 0 || n.passed() < 0 {
				t.Fatalf("inconsistent counts %+v", n)
			}
		}
		for _, parse := range []func([]byte) (coverage, error){parseCobertura, parseLCOV} {
			if c, err := parse(data); err == nil && (c.hundredths < 0 || c.hundredths > 10000) {
				t.Fatalf("coverage %d hundredths", c.hundredths)
			}
		}
	})
}
