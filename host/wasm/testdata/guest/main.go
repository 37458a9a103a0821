// Command guest is the Go test provider of the host/wasm tests. TestMain
// builds it once per test run:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o guest.wasm ./host/wasm/testdata/guest
//
// Its checks exercise every host capability and the failure modes the host
// must survive (spin, memory growth, oversized output). Capability errors
// come back in-band, with the sdk error's status name as the code, so tests
// can assert the exact status the host answered.
package main

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/decision-gate/dgw/sdk"
)

func main() {}

func init() {
	sdk.Register(sdk.Provider{
		ID:          "testguest",
		Name:        "Test Guest",
		Description: "Exercises the pv1 host capabilities.",
		Version:     "0.0.1",
		Checks: []sdk.Check{
			check("env", "external", runEnv),
			check("file", "external", runFile),
			check("fetch", "external", runFetch),
			check("log", "deterministic", runLog),
			check("echo", "deterministic", runEcho),
			check("spin", "deterministic", runSpin),
			check("grow", "deterministic", runGrow),
			check("bigout", "deterministic", runBigOut),
			check("fail", "deterministic", runFail),
		},
	})
}

func check(id, det string, run func(*sdk.Call) (*sdk.Result, error)) sdk.Check {
	return sdk.Check{
		ID: id, Description: "test check " + id, Determinism: det,
		AllowedComparators: []string{"equals", "exists"}, Run: run,
	}
}

var sentinels = []struct {
	code string
	err  error
}{
	{"denied", sdk.ErrDenied}, {"not_found", sdk.ErrNotFound}, {"invalid", sdk.ErrInvalid},
	{"limit", sdk.ErrLimit}, {"upstream", sdk.ErrUpstream}, {"timeout", sdk.ErrTimeout},
	{"outside_root", sdk.ErrOutsideRoot}, {"truncated", sdk.ErrTruncated}, {"internal", sdk.ErrInternal},
}

// inband reports a capability error as a result error coded with its
// status name.
func inband(err error, details any) (*sdk.Result, error) {
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			d, _ := json.Marshal(details)
			return &sdk.Result{Error: &sdk.ResultError{Code: s.code, Message: err.Error(), Details: d}}, nil
		}
	}
	return nil, err
}

func params(c *sdk.Call) map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(c.Params, &m)
	return m
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }
func num(m map[string]any, k string) int    { f, _ := m[k].(float64); return int(f) }

func runEnv(c *sdk.Call) (*sdk.Result, error) {
	key := str(params(c), "key")
	v, found, err := sdk.EnvGet(key)
	if err != nil {
		return inband(err, nil)
	}
	r := &sdk.Result{Anchor: &sdk.Anchor{Type: "env", Value: key}, ContentType: "text/plain"}
	if found {
		if err := r.SetJSON(v); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func runFile(c *sdk.Call) (*sdk.Result, error) {
	p := params(c)
	f, err := sdk.FSRead(str(p, "path"), num(p, "max"))
	if err != nil {
		if f != nil {
			return inband(err, map[string]any{"rel_path": f.RelPath, "size": f.Size})
		}
		return inband(err, nil)
	}
	r := &sdk.Result{RefURI: "dg+file://test/" + f.RelPath}
	return r, r.SetJSON(map[string]any{"rel_path": f.RelPath, "size": f.Size, "data": string(f.Data)})
}

func runFetch(c *sdk.Call) (*sdk.Result, error) {
	p := params(c)
	resp, err := sdk.HTTPFetch(sdk.HTTPRequest{Method: str(p, "method"), URL: str(p, "url"), TimeoutMS: num(p, "timeout_ms")})
	if err != nil {
		return inband(err, nil)
	}
	loc := ""
	if l := resp.Headers["Location"]; len(l) > 0 {
		loc = l[0]
	}
	r := &sdk.Result{}
	return r, r.SetJSON(map[string]any{"status": resp.Status, "body": string(resp.Body), "location": loc})
}

func runLog(c *sdk.Call) (*sdk.Result, error) {
	n := num(params(c), "lines")
	for i := 0; i < n; i++ {
		sdk.Log("info", "line from guest")
	}
	r := &sdk.Result{}
	return r, r.SetJSON(n)
}

func runEcho(c *sdk.Call) (*sdk.Result, error) {
	r := &sdk.Result{ContentType: "application/json"}
	return r, r.SetJSON(map[string]any{
		"check": c.CheckID, "params": c.Params, "config": c.Config,
		"trigger_kind": c.Context.TriggerTime.Kind, "trigger_millis": c.Context.TriggerTime.Millis,
		"run_id": c.Context.RunID, "tenant_id": c.Context.TenantID,
	})
}

var sink uint64

func runSpin(*sdk.Call) (*sdk.Result, error) {
	for {
		sink++
	}
}

var hoard [][]byte

func runGrow(c *sdk.Call) (*sdk.Result, error) {
	for i := 0; i < num(params(c), "mib"); i++ {
		b := make([]byte, 1<<20)
		b[len(b)-1] = 1
		hoard = append(hoard, b)
	}
	r := &sdk.Result{}
	return r, r.SetJSON(len(hoard))
}

func runBigOut(c *sdk.Call) (*sdk.Result, error) {
	r := &sdk.Result{}
	return r, r.SetJSON(strings.Repeat("x", num(params(c), "bytes")))
}

func runFail(c *sdk.Call) (*sdk.Result, error) {
	return nil, errors.New(str(params(c), "message"))
}
