package assetcorestub

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// get fetches url with header pairs and returns the status and body.
func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// member returns the JSON of one top-level member of body.
func member(t *testing.T, body, name string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return string(m[name])
}

const read = "/v1/read/namespaces/1/containers/"

// The seeded state, through every read view.
func TestRead(t *testing.T) {
	s := Seeded(t, nil)
	base := s.Start(t)
	head, ok := s.Head(1)
	if !ok || head.WorldSeq != 1 || head.CommitID == "" {
		t.Fatalf("head = %+v, %v", head, ok)
	}
	commit := `{"commit_id":"` + head.CommitID + `","world_seq":1}`
	tests := []struct {
		path   string
		status int
		part   string // the member to compare
		want   string
	}{
		{"vault-001", 200, "container", `{"container_id":"vault-001","kind":"balance","quantization_inv":1000}`},
		{"belt-01", 200, "container", `{"container_id":"belt-01","kind":"grid1d","capacity":10}`},
		{"grid-007", 200, "container", `{"container_id":"grid-007","kind":"grid2d","capacity":25,"grid_width":5}`},
		{"slots-gear", 200, "container", `{"container_id":"slots-gear","kind":"slots","slot_count":8}`},
		{"line-01", 200, "container", `{"container_id":"line-01","kind":"continuous_line_1d","quantization_inv":1000,"min_x_scaled":0,"max_x_scaled":10000}`},
		{"floor-01", 200, "container", `{"container_id":"floor-01","kind":"continuous_grid_2d","quantization_inv":1000,"min_x_scaled":0,"max_x_scaled":10000,"min_y_scaled":0,"max_y_scaled":8000}`},
		{"vault-001", 200, "commit", commit},
		{"vault-001/balances/gold", 200, "balance", `{"class_id":"gold","stack_key":null,"amount_scaled":150000}`},
		{"vault-001/balances/gold?stack_key=k", 200, "balance", `{"class_id":"gold","stack_key":"k","amount_scaled":0}`},
		{"vault-001/balances/widget", 200, "balance", `{"class_id":"widget","stack_key":null,"amount_scaled":0}`},
		{"slots-gear/slots/1", 200, "slot", `{"slot_index":1,"instance":{"instance_id":"i3","class_id":"helmet","key":null}}`},
		{"slots-gear/slots/8", 200, "slot", `{"slot_index":8,"instance":null}`},
		{"belt-01/cells?x=4", 200, "cell", `{"position":4,"x":4,"stacks":[{"class_id":"widget","stack_key":null,"quantity":12}],"instance":null}`},
		{"belt-01/cells?x=3", 200, "cell", `{"position":3,"x":3,"stacks":[],"instance":{"instance_id":"i1","class_id":"robot","key":null}}`},
		{"belt-01/cells?x=10", 200, "cell", `{"position":10,"x":10,"stacks":[],"instance":null}`},
		{"grid-007/cells?x=4&y=2", 200, "cell", `{"position":9,"x":4,"y":2,"stacks":[{"class_id":"medkit","stack_key":null,"quantity":12}],"instance":null}`},
		{"grid-007/cells?x=1&y=1", 200, "cell", `{"position":1,"x":1,"y":1,"stacks":[],"instance":{"instance_id":"i2","class_id":"sword","key":null}}`},
		{"line-01/overlaps?center_x_scaled=1200&span_length_scaled=400", 200, "overlap", `{"overlap_count":0}`},
		{"floor-01/overlaps?center_x_scaled=1200&center_y_scaled=800&rect_width_scaled=200&rect_height_scaled=100&rotation_millideg=0",
			200, "overlap", `{"overlap_count":0}`},

		{"nowhere", 404, "error", `{"code":"container_not_found","message":"container \"nowhere\" not found"}`},
		{"nowhere", 404, "commit", commit},
		{"vault-001/balances/lead", 404, "error", `{"code":"class_not_found","message":"class \"lead\" not registered"}`},
		{"vault-001/slots/1", 409, "error", `{"code":"kind_mismatch","message":"container vault-001 is balance, not slots"}`},
		{"belt-01/balances/gold", 409, "error", `{"code":"kind_mismatch","message":"container belt-01 is grid1d, not a balance"}`},
		{"belt-01/cells?x=1&y=1", 409, "error", ""},
		{"grid-007/cells?x=1", 409, "error", ""},
		{"slots-gear/cells?x=1", 409, "error", ""},
		{"line-01/overlaps?center_x_scaled=0&center_y_scaled=0&rect_width_scaled=1&rect_height_scaled=1&rotation_millideg=0", 409, "error", ""},
		{"vault-001/overlaps?center_x_scaled=0&span_length_scaled=1", 409, "error", ""},
		{"slots-gear/slots/9", 422, "error", `{"code":"out_of_range","message":"slot 9 outside 1..8"}`},
		{"slots-gear/slots/0", 422, "error", ""},
		{"belt-01/cells?x=11", 422, "error", ""},
		{"grid-007/cells?x=6&y=1", 422, "error", ""},
		{"grid-007/cells?x=1&y=6", 422, "error", ""},
		{"line-01/overlaps?center_x_scaled=0&span_length_scaled=0", 422, "error", ""},
		{"floor-01/overlaps?center_x_scaled=0&center_y_scaled=0&rect_width_scaled=1&rect_height_scaled=1&rotation_millideg=360000", 422, "error", ""},
		{"slots-gear/slots/one", 400, "error", ""},
		{"belt-01/cells?x=a", 400, "error", ""},
		{"belt-01/cells?x=1&x=2", 400, "error", ""},
		{"belt-01/cells?x=1&z=2", 400, "error", ""},
		{"line-01/overlaps?center_x_scaled=0", 400, "error", ""},
		{"vault-001?junk=1", 400, "error", ""},
	}
	for _, tc := range tests {
		code, body := get(t, base+read+tc.path)
		if code != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.path, code, tc.status, body)
			continue
		}
		if got := member(t, body, tc.part); tc.want != "" && got != tc.want || got == "" {
			t.Errorf("%s: %s = %s, want %s", tc.path, tc.part, got, tc.want)
		}
		if code == 200 && member(t, body, "namespace_id") != "1" {
			t.Errorf("%s: namespace_id = %s", tc.path, member(t, body, "namespace_id"))
		}
	}
	for _, p := range []string{"/v1/read/namespaces/2/containers/vault-001", "/v1/read/namespaces/0/containers/vault-001", "/v1/read/namespaces/x/containers/a"} {
		code, body := get(t, base+p)
		if code != 404 && code != 400 || member(t, body, "commit") != "" {
			t.Errorf("%s: %d %s", p, code, body)
		}
	}
	if code, _ := get(t, base+"/v1/read/namespaces/1"); code != 404 {
		t.Errorf("unknown route: %d", code)
	}
	resp, err := http.Post(base+read+"vault-001", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func TestNamespaceCatalogue(t *testing.T) {
	s := New(nil)
	base := s.Start(t)
	s.AddNamespace(7)
	tests := []struct {
		id     string
		status int
	}{{"7", 200}, {"8", 404}, {"0", 400}, {"-1", 400}, {"x", 400}, {"18446744073709551616", 400}}
	for _, tc := range tests {
		if code, body := get(t, base+"/v1/write/namespaces/"+tc.id, "X-Correlation-Id", "corr-"+tc.id); code != tc.status {
			t.Errorf("%s: %d %s", tc.id, code, body)
		}
	}
	s.RemoveNamespace(7)
	if code, _ := get(t, base+"/v1/write/namespaces/7"); code != 404 {
		t.Errorf("removed namespace: %d", code)
	}
	reqs := s.Requests()
	if len(reqs) != 7 || reqs[0].CorrelationID != "corr-7" || reqs[0].Path != "/v1/write/namespaces/7" || reqs[0].Method != "GET" {
		t.Errorf("requests = %+v", reqs)
	}
	// A read of an empty namespace: known, but nothing in it and no commit.
	s.AddNamespace(9)
	code, body := get(t, base+"/v1/read/namespaces/9/containers/a")
	if code != 404 || member(t, body, "commit") != "" || !strings.Contains(body, "container_not_found") {
		t.Errorf("empty namespace: %d %s", code, body)
	}
}

func TestToken(t *testing.T) {
	s := Seeded(t, &Options{Token: "s3cret"})
	base := s.Start(t)
	for _, tc := range []struct {
		auth   string
		status int
	}{{"", 401}, {"Bearer wrong", 403}, {"bearer s3cret", 403}, {"Basic s3cret", 403}, {"Bearer s3cret", 200}} {
		for _, p := range []string{"/v1/write/namespaces/1", read + "vault-001"} {
			var h []string
			if tc.auth != "" {
				h = []string{"Authorization", tc.auth}
			}
			if code, body := get(t, base+p, h...); code != tc.status {
				t.Errorf("%q %s: %d %s", tc.auth, p, code, body)
			}
		}
	}
	if r := s.Requests(); r[len(r)-1].Authorization != "Bearer s3cret" {
		t.Errorf("recorded %+v", r[len(r)-1])
	}
}

func TestFault(t *testing.T) {
	s := Seeded(t, &Options{ChainHash: true})
	base := s.Start(t)
	code, body := get(t, base+read+"vault-001")
	head, _ := s.Head(1)
	if code != 200 || member(t, body, "commit") != `{"commit_id":"`+head.CommitID+`","world_seq":1,"chain_hash":"`+head.ChainHash+`"}` {
		t.Errorf("chain hash: %d %s", code, body)
	}
	s.SetFault(Fault{Status: 503})
	if code, body := get(t, base+read+"vault-001"); code != 503 || !strings.Contains(body, "injected_fault") {
		t.Errorf("status fault: %d %s", code, body)
	}
	if code, _ := get(t, base+"/v1/write/namespaces/1"); code != 503 {
		t.Errorf("status fault on the catalogue: %d", code)
	}
	s.SetFault(Fault{Malformed: true})
	if code, body := get(t, base+read+"vault-001"); code != 200 || json.Valid([]byte(body)) {
		t.Errorf("malformed fault: %d %s", code, body)
	}
	s.SetFault(Fault{Delay: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+read+"vault-001", nil)
	t0 := time.Now()
	if _, err := http.DefaultClient.Do(req); err == nil || time.Since(t0) > 2*time.Second {
		t.Errorf("slow fault: err %v after %v", err, time.Since(t0))
	}
	s.SetFault(Fault{Delay: 10 * time.Millisecond})
	if code, _ := get(t, base+read+"vault-001"); code != 200 {
		t.Errorf("short delay: %d", code)
	}
	s.SetFault(Fault{})
	if code, _ := get(t, base+read+"vault-001"); code != 200 {
		t.Errorf("no fault: %d", code)
	}
}
