//go:build !wasip1

package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/decision-gate/dgw/plugins/internal/plugintest"
	"github.com/decision-gate/dgw/sdk"
)

// answer is a canned AssetCore response.
type answer struct {
	status int
	body   string
	delay  time.Duration
}

// fake is a loopback AssetCore that answers request URIs from a table and
// records them; an unknown URI is a 404 with no body.
type fake struct {
	mu     sync.Mutex // guards seen
	routes map[string]answer
	seen   []string
	url    string
}

func newFake(t *testing.T, routes map[string]answer) *fake {
	t.Helper()
	f := &fake{routes: routes}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.seen = append(f.seen, r.Method+" "+r.URL.RequestURI())
		a, ok := f.routes[r.URL.RequestURI()]
		f.mu.Unlock()
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if a.delay > 0 {
			select {
			case <-time.After(a.delay):
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(a.status)
		fmt.Fprint(w, a.body)
	}))
	t.Cleanup(s.Close)
	f.url = s.URL
	return f
}

func (f *fake) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// Container descriptors of the interop seed.
const (
	vault = `{"container_id":"vault-001","kind":"balance","quantization_inv":1000}`
	gear  = `{"container_id":"slots-gear","kind":"slots","slot_count":8}`
	belt  = `{"container_id":"belt-01","kind":"grid1d","capacity":10}`
	grid  = `{"container_id":"grid-007","kind":"grid2d","capacity":25,"grid_width":5}`
	line  = `{"container_id":"line-01","kind":"continuous_line_1d","quantization_inv":1000,"min_x_scaled":0,"max_x_scaled":10000}`
	floor = `{"container_id":"floor-01","kind":"continuous_grid_2d","quantization_inv":1000,"min_x_scaled":0,"max_x_scaled":10000,"min_y_scaled":-5,"max_y_scaled":8000}`
)

// ok is a 200 reply at commit c123 / world_seq 42 of namespace 1.
func ok(container, extra string) answer {
	return answer{status: 200, body: `{"namespace_id":1,"commit":{"commit_id":"c123","world_seq":42},"container":` + container + extra + `}`}
}

// The spec's example anchor (§3.13).
const wantAnchor = `{"assetcore.commit_id":"c123","assetcore.namespace_id":1,"assetcore.world_seq":42}`

const ns = "/v1/read/namespaces/1/containers/"

func cfgFor(base string) string { return `{"base_url":"` + base + `","namespace_id":"1"}` }

func grant() *plugintest.HTTPGrant { return &plugintest.HTTPGrant{AllowHTTP: true} }

// lastHost is the test host of the latest run.
var lastHost *plugintest.Host

// run runs one check with a fresh test host holding grant g.
func run(t *testing.T, check, params, cfg string, g *plugintest.HTTPGrant) (*sdk.Result, error) {
	t.Helper()
	lastHost = &plugintest.Host{HTTP: g}
	sdk.SetTestHost(lastHost)
	return sdk.Query(plugintest.NewCall(check, params, cfg, 1710000000000))
}

func TestChecks(t *testing.T) {
	instance := func(class string) string {
		return `{"instance_id":"i1","class_id":"` + class + `","key":null}`
	}
	tests := []struct {
		name, check, params, route string
		answer                     answer
		want                       string
	}{
		{"kind", "container_kind", `{"container_id":"vault-001"}`, "vault-001", ok(vault, ""), `"balance"`},
		{"quantization", "container_quantization_inv", `{"container_id":"vault-001"}`, "vault-001", ok(vault, ""), `1000`},
		{"quantization of a line", "container_quantization_inv", `{"container_id":"line-01"}`, "line-01", ok(line, ""), `1000`},
		{"balance", "balance_amount_scaled", `{"class_id":"gold","container_id":"vault-001"}`, "vault-001/balances/gold",
			ok(vault, `,"balance":{"class_id":"gold","stack_key":null,"amount_scaled":150000}`), `150000`},
		{"balance of a keyed stack", "balance_amount_scaled", `{"class_id":"gold","container_id":"vault-001","stack_key":"a b/c"}`,
			"vault-001/balances/gold?stack_key=a+b%2Fc",
			ok(vault, `,"balance":{"class_id":"gold","stack_key":"a b/c","amount_scaled":-7}`), `-7`},
		{"slot count", "slot_count", `{"container_id":"slots-gear"}`, "slots-gear", ok(gear, ""), `8`},
		{"slot occupied", "slot_occupied", `{"container_id":"slots-gear","slot_index":1}`, "slots-gear/slots/1",
			ok(gear, `,"slot":{"slot_index":1,"instance":`+instance("helmet")+`}`), `true`},
		{"slot empty", "slot_occupied", `{"container_id":"slots-gear","slot_index":8}`, "slots-gear/slots/8",
			ok(gear, `,"slot":{"slot_index":8,"instance":null}`), `false`},
		{"slot of the class", "slot_instance_is_class", `{"class_id":"helmet","container_id":"slots-gear","slot_index":1}`, "slots-gear/slots/1",
			ok(gear, `,"slot":{"slot_index":1,"instance":`+instance("helmet")+`}`), `true`},
		{"slot of another class", "slot_instance_is_class", `{"class_id":"sword","container_id":"slots-gear","slot_index":1}`, "slots-gear/slots/1",
			ok(gear, `,"slot":{"slot_index":1,"instance":`+instance("helmet")+`}`), `false`},
		{"empty slot is no class", "slot_instance_is_class", `{"class_id":"sword","container_id":"slots-gear","slot_index":2}`, "slots-gear/slots/2",
			ok(gear, `,"slot":{"slot_index":2,"instance":null}`), `false`},
		{"grid capacity 2D", "grid_capacity", `{"container_id":"grid-007"}`, "grid-007", ok(grid, ""), `25`},
		{"grid capacity 1D", "grid_capacity", `{"container_id":"belt-01"}`, "belt-01", ok(belt, ""), `10`},
		{"1D stack", "grid1d_cell_stack_qty", `{"class_id":"widget","container_id":"belt-01","x":4}`, "belt-01/cells?x=4",
			ok(belt, `,"cell":{"position":4,"x":4,"stacks":[{"class_id":"widget","stack_key":null,"quantity":12}],"instance":null}`), `12`},
		{"1D stack of another class", "grid1d_cell_stack_qty", `{"class_id":"gold","container_id":"belt-01","x":4}`, "belt-01/cells?x=4",
			ok(belt, `,"cell":{"position":4,"x":4,"stacks":[{"class_id":"widget","stack_key":null,"quantity":12}],"instance":null}`), `0`},
		{"1D keyed stacks", "grid1d_cell_stack_qty", `{"class_id":"widget","container_id":"belt-01","stack_key":"k","x":4}`, "belt-01/cells?x=4",
			ok(belt, `,"cell":{"position":4,"x":4,"stacks":[{"class_id":"widget","stack_key":null,"quantity":12},`+
				`{"class_id":"widget","stack_key":"k","quantity":3},{"class_id":"widget","stack_key":"k","quantity":4}],"instance":null}`), `7`},
		{"1D instance", "grid1d_cell_instance_present", `{"container_id":"belt-01","x":3}`, "belt-01/cells?x=3",
			ok(belt, `,"cell":{"position":3,"x":3,"stacks":[],"instance":`+instance("robot")+`}`), `true`},
		{"1D no instance", "grid1d_cell_instance_present", `{"container_id":"belt-01","x":4}`, "belt-01/cells?x=4",
			ok(belt, `,"cell":{"position":4,"x":4,"stacks":[{"class_id":"widget","stack_key":null,"quantity":12}],"instance":null}`), `false`},
		{"1D instance of the class", "grid1d_cell_instance_is_class", `{"class_id":"robot","container_id":"belt-01","x":3}`, "belt-01/cells?x=3",
			ok(belt, `,"cell":{"position":3,"x":3,"stacks":[],"instance":`+instance("robot")+`}`), `true`},
		{"grid width", "grid_width", `{"container_id":"grid-007"}`, "grid-007", ok(grid, ""), `5`},
		{"2D stack", "grid2d_cell_stack_qty", `{"class_id":"medkit","container_id":"grid-007","x":4,"y":2}`, "grid-007/cells?x=4&y=2",
			ok(grid, `,"cell":{"position":9,"x":4,"y":2,"stacks":[{"class_id":"medkit","stack_key":null,"quantity":12}],"instance":null}`), `12`},
		{"2D instance", "grid2d_cell_instance_present", `{"container_id":"grid-007","x":1,"y":1}`, "grid-007/cells?x=1&y=1",
			ok(grid, `,"cell":{"position":1,"x":1,"y":1,"stacks":[],"instance":`+instance("sword")+`}`), `true`},
		{"2D instance of another class", "grid2d_cell_instance_is_class", `{"class_id":"helmet","container_id":"grid-007","x":1,"y":1}`, "grid-007/cells?x=1&y=1",
			ok(grid, `,"cell":{"position":1,"x":1,"y":1,"stacks":[],"instance":`+instance("sword")+`}`), `false`},
		{"line min", "continuous1d_min_x_scaled", `{"container_id":"line-01"}`, "line-01", ok(line, ""), `0`},
		{"line max", "continuous1d_max_x_scaled", `{"container_id":"line-01"}`, "line-01", ok(line, ""), `10000`},
		{"line overlaps", "continuous1d_overlap_count", `{"center_x_scaled":-1200,"container_id":"line-01","span_length_scaled":400}`,
			"line-01/overlaps?center_x_scaled=-1200&span_length_scaled=400", ok(line, `,"overlap":{"overlap_count":3}`), `3`},
		{"floor min x", "continuous2d_min_x_scaled", `{"container_id":"floor-01"}`, "floor-01", ok(floor, ""), `0`},
		{"floor max x", "continuous2d_max_x_scaled", `{"container_id":"floor-01"}`, "floor-01", ok(floor, ""), `10000`},
		{"floor min y", "continuous2d_min_y_scaled", `{"container_id":"floor-01"}`, "floor-01", ok(floor, ""), `-5`},
		{"floor max y", "continuous2d_max_y_scaled", `{"container_id":"floor-01"}`, "floor-01", ok(floor, ""), `8000`},
		{"floor overlaps", "continuous2d_overlap_count",
			`{"center_x_scaled":1200,"center_y_scaled":800,"container_id":"floor-01","rect_height_scaled":100,"rect_width_scaled":200,"rotation_millideg":0}`,
			"floor-01/overlaps?center_x_scaled=1200&center_y_scaled=800&rect_width_scaled=200&rect_height_scaled=100&rotation_millideg=0",
			ok(floor, `,"overlap":{"overlap_count":0}`), `0`},
		{"escaped container id", "container_kind", `{"container_id":"a/b c"}`, "a%2Fb%20c",
			ok(`{"container_id":"a/b c","kind":"slots","slot_count":1}`, ""), `"slots"`},
	}
	covered := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			covered[tc.check] = true
			f := newFake(t, map[string]answer{ns + tc.route: tc.answer})
			res, err := run(t, tc.check, tc.params, cfgFor(f.url+"/"), grant())
			if err != nil {
				t.Fatal(err)
			}
			if res.Error != nil {
				t.Fatalf("error %+v", res.Error)
			}
			if !res.HasValue || !plugintest.SameJSON(res.JSON, []byte(tc.want)) {
				t.Errorf("value = %s, want %s", res.JSON, tc.want)
			}
			if res.Anchor == nil || res.Anchor.Type != "assetcore.anchor_set" || res.Anchor.Value != wantAnchor {
				t.Errorf("anchor = %+v, want %s", res.Anchor, wantAnchor)
			}
			if res.RefURI != f.url+ns+tc.route || res.ContentType != "application/json" {
				t.Errorf("ref %q content type %q", res.RefURI, res.ContentType)
			}
			if got := f.requests(); len(got) != 1 || got[0] != "GET "+ns+tc.route {
				t.Errorf("requests = %q", got)
			}
			if reqs := lastHost.Requests(); len(reqs) != 1 || reqs[0].Method != "GET" || len(reqs[0].Headers) != 1 ||
				reqs[0].Headers["Accept"] != "application/json" || reqs[0].TimeoutMS != 0 {
				t.Errorf("host requests = %+v", reqs)
			}
		})
	}
	for _, c := range checks {
		if !covered[c.id] {
			t.Errorf("check %s has no test", c.id)
		}
	}
}

// The anchor value is the JCS form of the anchor set; a chain hash sorts
// first, and strings are escaped as RFC 8785 requires.
func TestAnchor(t *testing.T) {
	chain := "ab\"c\u00e9"
	if got, want := anchorValue(1, "c123", 42, nil), wantAnchor; got != want {
		t.Errorf("anchor = %s, want %s", got, want)
	}
	got := anchorValue(18446744073709551615, "x\n", 0, &chain)
	want := `{"assetcore.chain_hash":"ab\"c` + "\u00e9" + `","assetcore.commit_id":"x\n","assetcore.namespace_id":18446744073709551615,"assetcore.world_seq":0}`
	if got != want {
		t.Errorf("anchor = %s, want %s", got, want)
	}
	canon, err := plugintest.Canonical([]byte(got))
	if err != nil || string(canon) != got {
		t.Errorf("anchor is not canonical: %s (%v)", canon, err)
	}
	f := newFake(t, map[string]answer{ns + "vault-001": {status: 200,
		body: `{"namespace_id":1,"commit":{"commit_id":"c123","world_seq":42,"chain_hash":"h1"},"container":` + vault + `}`}})
	res, err := run(t, "container_kind", `{"container_id":"vault-001"}`, cfgFor(f.url), grant())
	if err != nil || res.Anchor == nil {
		t.Fatalf("%v %+v", err, res)
	}
	if want := `{"assetcore.chain_hash":"h1","assetcore.commit_id":"c123","assetcore.namespace_id":1,"assetcore.world_seq":42}`; res.Anchor.Value != want {
		t.Errorf("anchor = %s, want %s", res.Anchor.Value, want)
	}
}

func TestErrors(t *testing.T) {
	const kindParams = `{"container_id":"vault-001"}`
	errBody := func(code string) string {
		return `{"error":{"code":"` + code + `","message":"m"},"namespace_id":1,"commit":{"commit_id":"c123","world_seq":42}}`
	}
	tests := []struct {
		name, check, params string
		route               string
		answer              answer
		wantCode            string
		wantAnchor          bool
		wantDetails         string
	}{
		{"unknown container", "container_kind", kindParams, "vault-001", answer{status: 404, body: errBody("container_not_found")},
			"container_not_found", true, `{"status":404,"upstream_code":"container_not_found","upstream_message":"m"}`},
		{"unknown namespace", "container_kind", kindParams, "vault-001",
			answer{status: 404, body: `{"error":{"code":"namespace_not_found","message":"gone"}}`}, "namespace_not_found", false, ""},
		{"unknown class", "balance_amount_scaled", `{"class_id":"lead","container_id":"vault-001"}`, "vault-001/balances/lead",
			answer{status: 404, body: errBody("class_not_found")}, "class_not_found", true, ""},
		{"bare 404", "container_kind", `{"container_id":"nowhere"}`, "", answer{}, "not_found", false, `{"status":404}`},
		{"unrecognised 404 code", "container_kind", kindParams, "vault-001", answer{status: 404, body: errBody("elsewhere")}, "not_found", true, ""},
		{"401", "container_kind", kindParams, "vault-001", answer{status: 401, body: `{"error":{"code":"unauthenticated","message":"m"}}`}, "unauthorized", false, ""},
		{"403", "container_kind", kindParams, "vault-001", answer{status: 403}, "unauthorized", false, `{"status":403}`},
		{"409", "slot_occupied", `{"container_id":"vault-001","slot_index":1}`, "vault-001/slots/1",
			answer{status: 409, body: errBody("kind_mismatch")}, "kind_mismatch", true, ""},
		{"422", "slot_occupied", `{"container_id":"slots-gear","slot_index":9}`, "slots-gear/slots/9",
			answer{status: 422, body: errBody("out_of_range")}, "out_of_range", true, ""},
		{"400", "container_kind", kindParams, "vault-001", answer{status: 400, body: "nope"}, "invalid_request", false, `{"status":400}`},
		{"500", "container_kind", kindParams, "vault-001", answer{status: 500, body: "boom"}, "upstream_unavailable", false, `{"status":500}`},
		{"503 with a commit", "container_kind", kindParams, "vault-001", answer{status: 503, body: errBody("busy")}, "upstream_unavailable", true, ""},
		{"redirect", "container_kind", kindParams, "vault-001", answer{status: 302}, "unexpected_status", false, `{"status":302}`},
		{"not JSON", "container_kind", kindParams, "vault-001", answer{status: 200, body: `{"namespace_id":1,"commit":{`}, "invalid_response", false, ""},
		{"not an object", "container_kind", kindParams, "vault-001", answer{status: 200, body: `[1]`}, "invalid_response", false, ""},
		{"other namespace", "container_kind", kindParams, "vault-001",
			answer{status: 200, body: `{"namespace_id":2,"commit":{"commit_id":"c","world_seq":1},"container":` + vault + `}`}, "invalid_response", false, ""},
		{"no commit", "container_kind", kindParams, "vault-001", answer{status: 200, body: `{"namespace_id":1,"container":` + vault + `}`}, "invalid_response", false, ""},
		{"empty commit id", "container_kind", kindParams, "vault-001",
			answer{status: 200, body: `{"namespace_id":1,"commit":{"commit_id":"","world_seq":1},"container":` + vault + `}`}, "invalid_response", false, ""},
		{"negative world_seq", "container_kind", kindParams, "vault-001",
			answer{status: 200, body: `{"namespace_id":1,"commit":{"commit_id":"c","world_seq":-1},"container":` + vault + `}`}, "invalid_response", false, ""},
		{"chain hash not a string", "container_kind", kindParams, "vault-001",
			answer{status: 200, body: `{"namespace_id":1,"commit":{"commit_id":"c","world_seq":1,"chain_hash":7},"container":` + vault + `}`}, "invalid_response", false, ""},
		{"another container", "container_kind", kindParams, "vault-001", ok(gear, ""), "invalid_response", true, ""},
		{"unknown kind", "container_kind", kindParams, "vault-001", ok(`{"container_id":"vault-001","kind":"cube"}`, ""), "invalid_response", true, ""},
		{"missing descriptor field", "slot_count", `{"container_id":"slots-gear"}`, "slots-gear",
			ok(`{"container_id":"slots-gear","kind":"slots"}`, ""), "invalid_response", true, ""},
		{"missing projection", "balance_amount_scaled", `{"class_id":"gold","container_id":"vault-001"}`, "vault-001/balances/gold",
			ok(vault, ""), "invalid_response", true, ""},
		{"balance of another class", "balance_amount_scaled", `{"class_id":"gold","container_id":"vault-001"}`, "vault-001/balances/gold",
			ok(vault, `,"balance":{"class_id":"silver","stack_key":null,"amount_scaled":1}`), "invalid_response", true, ""},
		{"slot echo differs", "slot_occupied", `{"container_id":"slots-gear","slot_index":1}`, "slots-gear/slots/1",
			ok(gear, `,"slot":{"slot_index":2,"instance":null}`), "invalid_response", true, ""},
		{"cell echo differs", "grid2d_cell_instance_present", `{"container_id":"grid-007","x":1,"y":1}`, "grid-007/cells?x=1&y=1",
			ok(grid, `,"cell":{"position":1,"x":1,"y":2,"stacks":[],"instance":null}`), "invalid_response", true, ""},
		{"negative stack quantity", "grid1d_cell_stack_qty", `{"class_id":"w","container_id":"belt-01","x":1}`, "belt-01/cells?x=1",
			ok(belt, `,"cell":{"position":1,"x":1,"stacks":[{"class_id":"w","quantity":-1}],"instance":null}`), "invalid_response", true, ""},
		{"float overlap count", "continuous1d_overlap_count", `{"center_x_scaled":1,"container_id":"line-01","span_length_scaled":1}`,
			"line-01/overlaps?center_x_scaled=1&span_length_scaled=1", ok(line, `,"overlap":{"overlap_count":1.0}`), "invalid_response", true, ""},
		{"descriptor check on another kind", "grid_width", `{"container_id":"belt-01"}`, "belt-01", ok(belt, ""), "kind_mismatch", true,
			`{"kind":"grid1d","supported_kinds":["grid2d"]}`},
		{"sub-resource answered for another kind", "slot_occupied", `{"container_id":"belt-01","slot_index":1}`, "belt-01/slots/1",
			ok(belt, ""), "kind_mismatch", true, ""},
		{"no quantization", "container_quantization_inv", `{"container_id":"grid-007"}`, "grid-007", ok(grid, ""), "kind_mismatch", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			routes := map[string]answer{}
			if tc.route != "" {
				routes[ns+tc.route] = tc.answer
			}
			f := newFake(t, routes)
			res, err := run(t, tc.check, tc.params, cfgFor(f.url), grant())
			if err != nil {
				t.Fatal(err)
			}
			if res.Error == nil || res.Error.Code != tc.wantCode || res.HasValue {
				t.Fatalf("result %+v error %+v, want code %s", res, res.Error, tc.wantCode)
			}
			if (res.Anchor != nil) != tc.wantAnchor || (res.Anchor != nil && res.Anchor.Value != wantAnchor) {
				t.Errorf("anchor = %+v, want present=%v", res.Anchor, tc.wantAnchor)
			}
			if !strings.HasPrefix(res.RefURI, f.url+ns) {
				t.Errorf("ref = %q", res.RefURI)
			}
			if tc.wantDetails != "" && !plugintest.SameJSON(res.Error.Details, []byte(tc.wantDetails)) {
				t.Errorf("details = %s, want %s", res.Error.Details, tc.wantDetails)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
}

func TestTransportErrors(t *testing.T) {
	big := ok(vault, `,"pad":"`+strings.Repeat("x", 200)+`"`)
	f := newFake(t, map[string]answer{
		ns + "vault-001": ok(vault, ""),
		ns + "big":       big,
		ns + "slow":      {status: 200, body: "{}", delay: 2 * time.Second},
	})
	params := func(id string) string { return `{"container_id":"` + id + `"}` }
	tests := []struct {
		name, params, config string
		grant                *plugintest.HTTPGrant
		wantCode, wantReason string
	}{
		{"refused connection", params("vault-001"), cfgFor("http://127.0.0.1:1"), grant(), "request_failed", "upstream"},
		{"empty grant", params("vault-001"), cfgFor(f.url), nil, "request_failed", "denied"},
		{"host not granted", params("vault-001"), cfgFor(f.url), &plugintest.HTTPGrant{AllowHTTP: true, AllowedHosts: []string{"example.com"}},
			"request_failed", "denied"},
		{"http not granted", params("vault-001"), cfgFor(f.url), &plugintest.HTTPGrant{}, "request_failed", "denied"},
		{"timeout", params("slow"), cfgFor(f.url), &plugintest.HTTPGrant{AllowHTTP: true, Timeout: 100 * time.Millisecond}, "request_failed", "timeout"},
		{"over the host cap", params("big"), cfgFor(f.url), &plugintest.HTTPGrant{AllowHTTP: true, MaxBytes: 100}, "response_too_large", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := run(t, "container_kind", tc.params, tc.config, tc.grant)
			if err != nil {
				t.Fatal(err)
			}
			if res.Error == nil || res.Error.Code != tc.wantCode || res.Anchor != nil || res.HasValue {
				t.Fatalf("result %+v error %+v, want %s", res, res.Error, tc.wantCode)
			}
			if tc.wantReason != "" && string(res.Error.Details) != `{"reason":"`+tc.wantReason+`"}` {
				t.Errorf("details = %s, want reason %s", res.Error.Details, tc.wantReason)
			}
		})
	}
}

func TestParams(t *testing.T) {
	f := newFake(t, nil)
	tests := []struct{ check, params, code, param string }{
		{"container_kind", "", "params_missing", ""},
		{"container_kind", "null", "params_missing", ""},
		{"container_kind", `"vault-001"`, "params_invalid", ""},
		{"container_kind", `{}`, "params_missing", "container_id"},
		{"container_kind", `{"container_id":7}`, "params_invalid", "container_id"},
		{"container_kind", `{"container_id":""}`, "params_invalid", "container_id"},
		{"container_kind", `{"container_id":"a","x":1}`, "params_invalid", "x"},
		{"balance_amount_scaled", `{"container_id":"a"}`, "params_missing", "class_id"},
		{"balance_amount_scaled", `{"container_id":"a","class_id":"g","stack_key":1}`, "params_invalid", "stack_key"},
		{"slot_occupied", `{"container_id":"a","slot_index":0}`, "params_invalid", "slot_index"},
		{"slot_occupied", `{"container_id":"a","slot_index":1.0}`, "params_invalid", "slot_index"},
		{"slot_occupied", `{"container_id":"a","slot_index":"1"}`, "params_invalid", "slot_index"},
		{"slot_occupied", `{"container_id":"a","slot_index":9223372036854775808}`, "params_invalid", "slot_index"},
		{"grid2d_cell_instance_present", `{"container_id":"a","x":1}`, "params_missing", "y"},
		{"grid2d_cell_instance_present", `{"container_id":"a","x":1,"y":-3}`, "params_invalid", "y"},
		{"continuous1d_overlap_count", `{"container_id":"a","center_x_scaled":0,"span_length_scaled":0}`, "params_invalid", "span_length_scaled"},
		{"continuous2d_overlap_count", `{"container_id":"a","center_x_scaled":0,"center_y_scaled":0,"rect_width_scaled":1,"rect_height_scaled":1,"rotation_millideg":360000}`,
			"params_invalid", "rotation_millideg"},
		{"continuous2d_overlap_count", `{"container_id":"a","center_x_scaled":0,"center_y_scaled":0,"rect_width_scaled":1,"rect_height_scaled":1}`,
			"params_missing", "rotation_millideg"},
	}
	for _, tc := range tests {
		res, err := run(t, tc.check, tc.params, cfgFor(f.url), grant())
		if err != nil {
			t.Fatal(err)
		}
		if res.Error == nil || res.Error.Code != tc.code || res.RefURI != "" || res.Anchor != nil {
			t.Errorf("%s %s: result %+v error %+v, want %s", tc.check, tc.params, res, res.Error, tc.code)
			continue
		}
		if tc.param != "" && string(res.Error.Details) != `{"param":"`+tc.param+`"}` {
			t.Errorf("%s %s: details %s, want param %s", tc.check, tc.params, res.Error.Details, tc.param)
		}
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("invalid params made %d requests", n)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct{ config, want string }{
		{`{"base_url":"https://asc.example/api/","namespace_id":"0042"}`, ""},
		{`{"base_url":"http://127.0.0.1:9000","namespace_id":"1"}`, ""},
		{"", "not a JSON object"},
		{`[]`, "not a JSON object"},
		{`{}`, "requires config.base_url"},
		{`{"base_url":"https://a"}`, "requires config.namespace_id"},
		{`{"base_url":"https://a","namespace_id":1}`, "namespace_id must be a string"},
		{`{"base_url":"https://a","namespace_id":"0"}`, "namespace_id \"0\""},
		{`{"base_url":"https://a","namespace_id":"-1"}`, "namespace_id \"-1\""},
		{`{"base_url":"https://a","namespace_id":"one"}`, "namespace_id \"one\""},
		{`{"base_url":7,"namespace_id":"1"}`, "base_url must be a string"},
		{`{"base_url":"ftp://a","namespace_id":"1"}`, "http or https"},
		{`{"base_url":"/v1","namespace_id":"1"}`, "http or https"},
		{`{"base_url":"https://","namespace_id":"1"}`, "no host"},
		{`{"base_url":"https://u:p@a","namespace_id":"1"}`, "user information"},
		{`{"base_url":"https://a/?x=1","namespace_id":"1"}`, "query or fragment"},
		{`{"base_url":"https://a/#f","namespace_id":"1"}`, "query or fragment"},
		{`{"base_url":"https://a","namespace_id":"1","auth_token":"s3cret"}`, "auth_token must stay with the host"},
		{`{"base_url":"https://a","namespace_id":"1","timeout_ms":5}`, "unknown field \"timeout_ms\""},
	}
	for _, tc := range tests {
		cfg, err := parseConfig([]byte(tc.config))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.config, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %q", tc.config, err, tc.want)
		case tc.want != "" && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("%s: error leaks the token: %v", tc.config, err)
		}
		if tc.want == "" && (strings.HasSuffix(cfg.base, "/") || cfg.namespaceID == "" || cfg.namespaceID[0] == '0') {
			t.Errorf("%s: parsed %+v", tc.config, cfg)
		}
	}
	// A bad config fails the call instead of producing evidence.
	_, err := run(t, "container_kind", `{"container_id":"a"}`, `{"base_url":"https://a"}`, grant())
	var pe *sdk.ProviderError
	if !errors.As(err, &pe) || !strings.Contains(pe.Message, "namespace_id") {
		t.Errorf("error = %v", err)
	}
}

// The base URL's path prefix is kept and the namespace is written in
// canonical decimal.
func TestRequestURL(t *testing.T) {
	cfg, err := parseConfig([]byte(`{"base_url":"https://asc.example/api//","namespace_id":"007"}`))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*check{}
	for _, c := range checks {
		byID[c.id] = c
	}
	tests := []struct{ check, params, want string }{
		{"container_kind", `{"container_id":"x?y#z"}`, "https://asc.example/api/v1/read/namespaces/7/containers/x%3Fy%23z"},
		{"balance_amount_scaled", `{"container_id":"v","class_id":"g/1","stack_key":""}`,
			"https://asc.example/api/v1/read/namespaces/7/containers/v/balances/g%2F1?stack_key="},
		{"slot_instance_is_class", `{"container_id":"s","class_id":"c","slot_index":3}`, "https://asc.example/api/v1/read/namespaces/7/containers/s/slots/3"},
		{"grid1d_cell_stack_qty", `{"container_id":"b","class_id":"c","x":10}`, "https://asc.example/api/v1/read/namespaces/7/containers/b/cells?x=10"},
		{"container_kind", `{"container_id":".."}`, "https://asc.example/api/v1/read/namespaces/7/containers/%2E%2E"},
		{"balance_amount_scaled", `{"container_id":".","class_id":"..."}`, "https://asc.example/api/v1/read/namespaces/7/containers/%2E/balances/..."},
	}
	for _, tc := range tests {
		c := byID[tc.check]
		q, f := parseParams([]byte(tc.params), c)
		if f != nil {
			t.Fatalf("%s: %s", tc.check, f.message)
		}
		if got := requestURL(&cfg, c, q); got != tc.want {
			t.Errorf("%s: url %s, want %s", tc.check, got, tc.want)
		}
	}
}
