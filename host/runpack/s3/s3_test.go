package s3

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/decision-gate/dgw/host/engine"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/runpack"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/store/memstore"
	"github.com/decision-gate/dgw/host/store/storetest"
)

// fakeS3 starts an in-process S3 server with an empty bucket.
func fakeS3(t *testing.T, bucket string) (*httptest.Server, *s3mem.Backend) {
	t.Helper()
	be := s3mem.New()
	if err := be.CreateBucket(bucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(be).Server())
	t.Cleanup(srv.Close)
	return srv, be
}

func openFake(t *testing.T, endpoint, prefix string) *Store {
	t.Helper()
	st, err := Open(context.Background(), Options{Bucket: "packs", Endpoint: endpoint, Prefix: prefix,
		ForcePathStyle: true, AllowHTTP: true, Credentials: aws.AnonymousCredentials{}})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// finishedRun runs the storetest scenario to completion in memory.
func finishedRun(t *testing.T) (*scenario.Spec, *scenario.RunState) {
	t.Helper()
	ctx := context.Background()
	src := storetest.NewSource()
	eng := engine.New(src, memstore.New(), nil)
	spec := storetest.Spec()
	if _, err := eng.Define(ctx, spec); err != nil {
		t.Fatal(err)
	}
	cfg := scenario.RunConfig{TenantID: 1, NamespaceID: 1, RunID: "run-1", ScenarioID: storetest.ScenarioID}
	if _, err := eng.Start(ctx, cfg, evidence.AtLogical(1), false); err != nil {
		t.Fatal(err)
	}
	for i, check := range []string{"", "ready", "shipped"} {
		if check != "" {
			src.Set(check, true)
		}
		ev := scenario.TriggerEvent{TriggerID: "t" + string(rune('1'+i)), TenantID: 1, NamespaceID: 1, RunID: "run-1",
			Kind: scenario.TriggerExternalEvent, Time: evidence.AtLogical(uint64(5 + i)), SourceID: "ci"}
		if _, err := eng.Trigger(ctx, storetest.ScenarioID, ev); err != nil {
			t.Fatal(err)
		}
	}
	st, err := eng.Run(ctx, cfg.Key())
	if err != nil {
		t.Fatal(err)
	}
	return spec, st
}

func TestExportVerifyAndTamper(t *testing.T) {
	ctx := context.Background()
	srv, _ := fakeS3(t, "packs")
	store := openFake(t, srv.URL, "dg/runpacks/")
	spec, st := finishedRun(t)
	key := Key{TenantID: 1, NamespaceID: 1, ScenarioID: st.ScenarioID, RunID: st.RunID, SpecHash: st.SpecHash.Value}
	sink, uri, err := store.Sink(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	wantBase := "dg/runpacks/tenant/1/namespace/1/scenario/" + st.ScenarioID + "/run/run-1/spec/sha256/" + st.SpecHash.Value + "/"
	if uri != "s3://packs/"+wantBase {
		t.Fatalf("storage uri = %s", uri)
	}
	m, rep, err := runpack.Export(ctx, spec, st, sink, runpack.ExportOptions{GeneratedAt: evidence.AtLogical(10), IncludeVerification: true})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Passed() {
		t.Fatalf("export report %+v", rep)
	}
	if got := KeyFromManifest(m); got != key {
		t.Fatalf("KeyFromManifest = %+v, want %+v", got, key)
	}

	// Every object is where the layout says, the manifest as JSON.
	head, err := store.client.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String("packs"), Key: aws.String(wantBase + "manifest.json")})
	if err != nil {
		t.Fatal(err)
	}
	if ct := aws.ToString(head.ContentType); ct != "application/json" {
		t.Errorf("manifest Content-Type = %q", ct)
	}

	src, err := store.Source(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	vr, _, err := runpack.Verify(ctx, src, "manifest.json")
	if err != nil || !vr.Passed() || vr.CheckedFiles != len(m.Integrity.FileHashes) {
		t.Fatalf("verify = %+v, %v", vr, err)
	}

	// Flip one byte of one artifact through the S3 API.
	target := wantBase + "artifacts/decisions.json"
	obj, err := store.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String("packs"), Key: aws.String(target)})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(obj.Body)
	obj.Body.Close()
	data[len(data)/2] ^= 0x01
	if _, err := store.client.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String("packs"), Key: aws.String(target),
		Body: strings.NewReader(string(data))}); err != nil {
		t.Fatal(err)
	}
	vr, _, err = runpack.Verify(ctx, src, "manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if vr.Passed() || !strings.Contains(strings.Join(vr.Errors, "\n"), "hash mismatch for artifacts/decisions.json") {
		t.Fatalf("tampered verify = %+v", vr)
	}

	// A missing object is a named read failure, not a pass.
	if _, err := store.client.DeleteObject(ctx, &awss3.DeleteObjectInput{Bucket: aws.String("packs"), Key: aws.String(wantBase + "artifacts/packets.json")}); err != nil {
		t.Fatal(err)
	}
	vr, _, _ = runpack.Verify(ctx, src, "manifest.json")
	if !strings.Contains(strings.Join(vr.Errors, "\n"), "artifact read failed for artifacts/packets.json: file not found") {
		t.Fatalf("missing object verify = %+v", vr)
	}

	// The manifest key parses back to the runpack key.
	k2, p, err := store.ParseObjectKey(wantBase + "manifest.json")
	if err != nil || k2 != key || p != "manifest.json" {
		t.Fatalf("ParseObjectKey = %+v %q %v", k2, p, err)
	}
}

func TestKeyValidation(t *testing.T) {
	ctx := context.Background()
	store := openFake(t, "http://127.0.0.1:1", "")
	good := Key{TenantID: 1, NamespaceID: 2, ScenarioID: "s", RunID: "r", SpecHash: "ab12"}
	if uri, err := store.URI(good); err != nil || uri != "s3://packs/tenant/1/namespace/2/scenario/s/run/r/spec/sha256/ab12/" {
		t.Fatalf("URI = %q, %v", uri, err)
	}
	bad := map[string]func(k *Key){
		"empty scenario":   func(k *Key) { k.ScenarioID = "" },
		"slash in run":     func(k *Key) { k.RunID = "a/b" },
		"backslash in run": func(k *Key) { k.RunID = `a\b` },
		"dot scenario":     func(k *Key) { k.ScenarioID = "." },
		"dotdot run":       func(k *Key) { k.RunID = ".." },
		"long scenario":    func(k *Key) { k.ScenarioID = strings.Repeat("x", 256) },
		"upper-case hash":  func(k *Key) { k.SpecHash = "AB12" },
		"empty hash":       func(k *Key) { k.SpecHash = "" },
		"zero tenant":      func(k *Key) { k.TenantID = 0 },
		"zero namespace":   func(k *Key) { k.NamespaceID = 0 },
	}
	for name, mut := range bad {
		k := good
		mut(&k)
		if _, _, err := store.Sink(ctx, k); err == nil {
			t.Errorf("%s: Sink accepted %+v", name, k)
		}
		if _, err := store.Source(ctx, k); err == nil {
			t.Errorf("%s: Source accepted %+v", name, k)
		}
	}
	// Segments at the limit pass; the whole key is capped at 4096 bytes.
	long := Key{TenantID: 1, NamespaceID: 1, ScenarioID: strings.Repeat("s", 255), RunID: strings.Repeat("r", 255), SpecHash: strings.Repeat("a", 255)}
	sink, _, err := store.Sink(ctx, long)
	if err != nil {
		t.Fatal(err)
	}
	deep := strings.TrimSuffix(strings.Repeat(strings.Repeat("d", 255)+"/", 14), "/")
	if err := sink.Put(ctx, deep, []byte("{}")); err == nil || !strings.Contains(err.Error(), "limit 4096") {
		t.Errorf("over-long key: %v", err)
	}
	for _, p := range []string{"../x", "/abs", "a//b", `a\b`, ""} {
		if err := sink.Put(ctx, p, []byte("{}")); err == nil {
			t.Errorf("Put(%q) accepted", p)
		}
	}
	if err := sink.Put(ctx, "big.json", make([]byte, MaxObjectBytes+1)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("oversized object: %v", err)
	}
}

func TestOpenOptions(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"no bucket", Options{Bucket: " "}, "bucket is required"},
		{"http without allow", Options{Bucket: "b", Endpoint: "http://127.0.0.1:9000"}, "allow_http"},
		{"bad scheme", Options{Bucket: "b", Endpoint: "ftp://host"}, "http:// or https://"},
		{"relative endpoint", Options{Bucket: "b", Endpoint: "host:9000"}, "absolute URL"},
		{"dotdot prefix", Options{Bucket: "b", Prefix: "a/../b"}, "prefix"},
		{"absolute prefix", Options{Bucket: "b", Prefix: "/a"}, "relative"},
		{"backslash prefix", Options{Bucket: "b", Prefix: `a\b`}, "backslash"},
	}
	for _, tc := range cases {
		if _, err := Open(ctx, tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := Open(ctx, Options{Bucket: "b", Endpoint: "https://s3.example.test", Prefix: "p/"}); err != nil {
		t.Errorf("https endpoint: %v", err)
	}
}

func TestEnvCredentials(t *testing.T) {
	env := map[string]string{}
	get := func(k string) string { return env[k] }
	if _, ok := EnvCredentials(get).(aws.AnonymousCredentials); !ok {
		t.Fatal("no keys: want anonymous credentials")
	}
	env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"] = "id", "secret", "tok"
	c, err := EnvCredentials(get).Retrieve(context.Background())
	if err != nil || c.AccessKeyID != "id" || c.SecretAccessKey != "secret" || c.SessionToken != "tok" {
		t.Fatalf("credentials = %+v, %v", c, err)
	}
}
