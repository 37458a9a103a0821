package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// TestRunpackStorageRoundTrip: runpack export --storage writes the golden
// pack to S3 under the key its manifest names; runpack verify --storage
// reads it back by manifest key and by run ids, and fails naming the
// artifact after one stored byte changes.
func TestRunpackStorageRoundTrip(t *testing.T) {
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		t.Setenv(k, "")
	}
	be := s3mem.New()
	if err := be.CreateBucket("packs"); err != nil {
		t.Fatal(err)
	}
	fake := httptest.NewServer(gofakes3.New(be).Server())
	defer fake.Close()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "dg.toml")
	cfg := fmt.Sprintf("[runpack_storage]\ntype = \"object_store\"\nprovider = \"s3\"\nbucket = \"packs\"\nendpoint = %q\n"+
		"prefix = \"team/dg/\"\nforce_path_style = true\nallow_http = true\n", fake.URL)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}

	golden := shared(t, "runpacks", "golden", "golden_time_after_pass")
	const hash = "5e2f158f4b4192a29986215a340c3f50f64166da28b210d23b4892a417f694e8"
	state := `{"tenant_id":1,"namespace_id":1,"run_id":"run-1","scenario_id":"golden-time-after",
	  "spec_hash":{"algorithm":"sha256","value":"` + hash + `"},
	  "current_stage_id":"stage-1","stage_entered_at":{"kind":"logical","value":1},"status":"completed","dispatch_targets":[],
	  "triggers":` + read(t, golden, "artifacts/triggers.json") + `,"gate_evals":` + read(t, golden, "artifacts/gate_evals.json") +
		`,"decisions":` + read(t, golden, "artifacts/decisions.json") + `,"packets":[],"submissions":[],"tool_calls":` +
		read(t, golden, "artifacts/tool_calls.json") + `}`
	if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, errOut := runCLI(t, "", "runpack", "export", "--storage", "--config", cfgPath,
		"--spec", filepath.Join(golden, "artifacts", "scenario_spec.json"), "--state", filepath.Join(dir, "state.json"),
		"--manifest-name", "manifest.json", "--with-verification", "--generated-at-logical", "10")
	base := "team/dg/tenant/1/namespace/1/scenario/golden-time-after/run/run-1/spec/sha256/" + hash + "/"
	if code != 0 || !strings.Contains(stdout, "wrote s3://packs/"+base+"manifest.json") {
		t.Fatalf("export: code %d out %q err %q", code, stdout, errOut)
	}
	obj, err := be.GetObject("packs", base+"manifest.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(obj.Contents)
	obj.Contents.Close()
	if string(stored) != read(t, golden, "manifest.json") {
		t.Fatalf("stored manifest differs from the golden one:\n%s", stored)
	}

	verifyBy := [][]string{
		{"--manifest-key", base + "manifest.json"},
		{"--manifest-key", "s3://packs/" + base + "manifest.json"},
		{"--tenant-id", "1", "--namespace-id", "1", "--scenario-id", "golden-time-after", "--run-id", "run-1", "--spec-hash", hash},
	}
	for _, by := range verifyBy {
		code, out, errOut := runCLI(t, "", append([]string{"runpack", "verify", "--storage", "--config", cfgPath}, by...)...)
		if code != 0 || !strings.Contains(out, "pass (8 files checked)") {
			t.Fatalf("verify %v: code %d out %q err %q", by, code, out, errOut)
		}
	}

	// A key whose ids disagree with the stored manifest finds nothing.
	code, out, _ := runCLI(t, "", "runpack", "verify", "--storage", "--config", cfgPath,
		"--tenant-id", "2", "--namespace-id", "1", "--scenario-id", "golden-time-after", "--run-id", "run-1", "--spec-hash", hash)
	if code != 1 || !strings.Contains(out, "fail") {
		t.Fatalf("wrong tenant: code %d out %q", code, out)
	}

	// A pack copied under another run's key verifies its hashes but not
	// its place.
	moved := strings.Replace(base, "/tenant/1/", "/tenant/2/", 1)
	for _, name := range []string{"manifest.json", "artifacts/scenario_spec.json", "artifacts/triggers.json", "artifacts/gate_evals.json",
		"artifacts/decisions.json", "artifacts/packets.json", "artifacts/submissions.json", "artifacts/tool_calls.json", "artifacts/verifier_report.json"} {
		o, err := be.GetObject("packs", base+name, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(o.Contents)
		o.Contents.Close()
		if _, err := be.PutObject("packs", moved+name, o.Metadata, bytes.NewReader(b), int64(len(b)), nil); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ = runCLI(t, "", "runpack", "verify", "--storage", "--config", cfgPath, "--manifest-key", moved+"manifest.json")
	if code != 1 || !strings.Contains(out, "do not match the storage key") {
		t.Fatalf("moved pack: code %d out %q", code, out)
	}

	// Flip one byte of one stored artifact.
	target := base + "artifacts/gate_evals.json"
	obj, err = be.GetObject("packs", target, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(obj.Contents)
	obj.Contents.Close()
	data[len(data)/3] ^= 0x20
	if _, err := be.PutObject("packs", target, map[string]string{"Content-Type": "application/json"}, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "", "runpack", "verify", "--storage", "--config", cfgPath, "--format", "json", "--manifest-key", base+"manifest.json")
	if code != 1 || !strings.Contains(out, "hash mismatch for artifacts/gate_evals.json") {
		t.Fatalf("tampered: code %d out %q", code, out)
	}

	// Flag misuse.
	for _, args := range [][]string{
		{"runpack", "verify", "--storage", "--config", cfgPath},
		{"runpack", "verify", "--storage", "--config", cfgPath, "--manifest-key", "elsewhere/manifest.json"},
		{"runpack", "verify", "--storage", "--config", cfgPath, "--manifest-key", "s3://other/" + base + "manifest.json"},
		{"runpack", "verify", "--manifest-key", base + "manifest.json", dir},
		{"runpack", "export", "--storage", "--output-dir", dir, "--spec", "x", "--state", "y", "--generated-at-logical", "1"},
	} {
		if code, out, errOut := runCLI(t, "", args...); code != 1 {
			t.Errorf("%v: code %d out %q err %q", args, code, out, errOut)
		}
	}
}
