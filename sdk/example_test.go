//go:build !wasip1

package sdk_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/decision-gate/dgw/sdk"
)

// demoHost is a TestHost with one env var, one file and one URL.
type demoHost struct{}

func (demoHost) Log(level, msg string) { fmt.Printf("log %s: %s\n", level, msg) }

func (demoHost) EnvGet(key string) (string, bool, error) {
	switch key {
	case "DEPLOY_ENV":
		return "production", true, nil
	case "AWS_SECRET_ACCESS_KEY":
		return "", false, sdk.ErrDenied
	}
	return "", false, nil
}

func (demoHost) FSRead(path string, max int) (*sdk.File, error) {
	if strings.HasPrefix(path, "..") {
		return nil, sdk.ErrOutsideRoot
	}
	return &sdk.File{RelPath: path, Size: 2, Data: []byte("{}")}, nil
}

func (demoHost) HTTPFetch(req sdk.HTTPRequest) (*sdk.HTTPResponse, error) {
	if req.URL != "https://api.example.com/health" {
		return nil, sdk.ErrDenied
	}
	return &sdk.HTTPResponse{Status: 200, Body: []byte("ok")}, nil
}

// demo is the provider the examples register, the way a plugin's init()
// would.
var demo = sdk.Provider{
	ID:          "env",
	Name:        "Environment Provider",
	Description: "Reads environment variables.",
	Version:     "0.1.0",
	Checks: []sdk.Check{{
		ID:                 "get",
		Description:        "Fetch an environment variable by key.",
		Determinism:        "external",
		ParamsRequired:     true,
		AllowedComparators: []string{"equals", "exists", "not_exists"},
		AnchorTypes:        []string{"env"},
		ContentTypes:       []string{"text/plain"},
		Run: func(c *sdk.Call) (*sdk.Result, error) {
			var p struct{ Key string }
			if err := json.Unmarshal(c.Params, &p); err != nil || p.Key == "" {
				return nil, errors.New("env params must name a key")
			}
			v, found, err := sdk.EnvGet(p.Key)
			if err != nil {
				return nil, err
			}
			r := &sdk.Result{Anchor: &sdk.Anchor{Type: "env", Value: p.Key}, ContentType: "text/plain"}
			if found {
				return r, r.SetJSON(v)
			}
			return r, nil
		},
	}},
}

var registerOnce sync.Once

// register registers demo once per test binary (Register panics when
// called twice).
func register() { registerOnce.Do(func() { sdk.Register(demo) }) }

func call(params string) *sdk.Call {
	return &sdk.Call{
		CheckID: "get",
		Params:  json.RawMessage(params),
		Context: sdk.Context{TenantID: 1, NamespaceID: 1, RunID: "run-1",
			TriggerTime: sdk.Timestamp{Kind: sdk.UnixMillis, Millis: 1710000000000}},
	}
}

func ExampleRegister() {
	register() // in a plugin: func init() { sdk.Register(provider) }
	contract, _ := sdk.ContractJSON("builtin")
	fmt.Println(len(contract) > 0)
	// Output: true
}

func ExampleContractJSON() {
	register()
	b, _ := sdk.ContractJSON("builtin")
	var c struct {
		ProviderID string `json:"provider_id"`
		Transport  string `json:"transport"`
		Checks     []struct {
			CheckID  string          `json:"check_id"`
			Examples json.RawMessage `json:"examples"`
		} `json:"checks"`
	}
	_ = json.Unmarshal(b, &c)
	fmt.Println(c.ProviderID, c.Transport, c.Checks[0].CheckID, string(c.Checks[0].Examples))
	// Output: env builtin get []
}

func ExampleQuery() {
	register()
	sdk.SetTestHost(demoHost{})
	defer sdk.SetTestHost(nil)

	r, err := sdk.Query(call(`{"key":"DEPLOY_ENV"}`))
	fmt.Println(string(r.JSON), r.Anchor.Value, r.ContentType, err)

	r, _ = sdk.Query(call(`{"key":"UNSET"}`))
	fmt.Println(r.HasValue)

	_, err = sdk.Query(call(`{"key":"AWS_SECRET_ACCESS_KEY"}`))
	fmt.Println(err, errors.Is(err, sdk.ErrDenied))

	_, err = sdk.Query(call(`{}`))
	fmt.Println(err)
	// Output:
	// "production" DEPLOY_ENV text/plain <nil>
	// false
	// sdk: capability denied true
	// env params must name a key
}

func ExampleSetTestHost() {
	sdk.SetTestHost(demoHost{})
	v, found, err := sdk.EnvGet("DEPLOY_ENV")
	fmt.Println(v, found, err)

	sdk.SetTestHost(nil) // like an empty grant: everything is denied
	_, _, err = sdk.EnvGet("DEPLOY_ENV")
	fmt.Println(err)
	// Output:
	// production true <nil>
	// sdk: capability denied
}

func ExampleLog() {
	sdk.SetTestHost(demoHost{})
	defer sdk.SetTestHost(nil)
	sdk.Log("warn", "config has no allowlist")
	// Output: log warn: config has no allowlist
}

func ExampleEnvGet() {
	sdk.SetTestHost(demoHost{})
	defer sdk.SetTestHost(nil)
	_, found, err := sdk.EnvGet("UNSET")
	fmt.Println(found, err)
	_, _, err = sdk.EnvGet("AWS_SECRET_ACCESS_KEY")
	fmt.Println(errors.Is(err, sdk.ErrDenied))
	// Output:
	// false <nil>
	// true
}

func ExampleFSRead() {
	sdk.SetTestHost(demoHost{})
	defer sdk.SetTestHost(nil)
	f, err := sdk.FSRead("reports/config.json", 1<<20)
	fmt.Println(f.RelPath, string(f.Data), err)
	_, err = sdk.FSRead("../etc/passwd", 0)
	fmt.Println(errors.Is(err, sdk.ErrOutsideRoot))
	// Output:
	// reports/config.json {} <nil>
	// true
}

func ExampleHTTPFetch() {
	sdk.SetTestHost(demoHost{})
	defer sdk.SetTestHost(nil)
	resp, err := sdk.HTTPFetch(sdk.HTTPRequest{URL: "https://api.example.com/health"})
	fmt.Println(resp.Status, string(resp.Body), err)
	_, err = sdk.HTTPFetch(sdk.HTTPRequest{URL: "https://169.254.169.254/latest/meta-data"})
	fmt.Println(err)
	// Output:
	// 200 ok <nil>
	// sdk: capability denied
}

func ExampleResult_SetJSON() {
	r := &sdk.Result{ContentType: "application/json"}
	_ = r.SetJSON(map[string]any{"algorithm": "sha256", "value": "ab"})
	fmt.Println(string(r.JSON), r.HasValue, r.IsBytes)
	// Output: {"algorithm":"sha256","value":"ab"} true false
}

func ExampleResult_SetBytes() {
	r := &sdk.Result{}
	r.SetBytes([]byte{0xde, 0xad})
	fmt.Println(r.Bytes, r.HasValue, r.IsBytes)
	// Output: [222 173] true true
}

func ExampleProviderError() {
	err := error(&sdk.ProviderError{Code: "limit", Message: "http response exceeds size limit"})
	fmt.Println(err, errors.Is(err, sdk.ErrLimit))
	// Output: http response exceeds size limit true
}

func ExampleProviderError_Is() {
	err := &sdk.ProviderError{Code: "outside_root", Message: "path_outside_root"}
	fmt.Println(errors.Is(err, sdk.ErrOutsideRoot), errors.Is(err, sdk.ErrNotFound))
	// Output: true false
}

func ExampleConfigCache() {
	type config struct {
		Limit int `json:"limit"`
	}
	parses := 0
	parse := func(raw json.RawMessage) (config, error) {
		parses++
		var c config
		err := json.Unmarshal(raw, &c)
		return c, err
	}
	var cache sdk.ConfigCache[config]
	block := json.RawMessage(`{"limit":3}`)
	for i := 0; i < 3; i++ {
		cfg, _ := cache.Get(&sdk.Call{Config: block}, parse)
		fmt.Println(cfg.Limit)
	}
	fmt.Println("parses:", parses)
	// Output:
	// 3
	// 3
	// 3
	// parses: 1
}
