package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/runpack"
	runpacks3 "github.com/decision-gate/dgw/host/runpack/s3"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/server"
)

func init() {
	register(&command{name: "runpack", summary: "export or verify a runpack offline", sub: []*command{
		{name: "export", summary: "build a runpack from a spec file and a run-state file", run: runpackExport},
		{name: "verify", summary: "verify a runpack offline (exit 1 on any failure)", run: runpackVerify},
	}})
}

func runpackExport(e *env, args []string) int {
	fs := newFlags(e, "runpack export", "runpack export --spec FILE --state FILE (--output-dir DIR | --storage [--config FILE]) [flags]")
	specPath := fs.String("spec", "", "scenario spec JSON file (required)")
	statePath := fs.String("state", "", "run state JSON file (required)")
	outDir := fs.String("output-dir", "", "directory to write the runpack into (required without --storage)")
	toStorage := fs.Bool("storage", false, "write to the [runpack_storage] object store of --config, keyed by the manifest's ids and spec hash")
	cfgPath := fs.String("config", "", "config file whose [runpack_storage] --storage uses (default: $DECISION_GATE_CONFIG or ./decision-gate.toml)")
	manifest := fs.String("manifest-name", "runpack.json", "manifest file name")
	withVerify := fs.Bool("with-verification", false, "verify the pack and include artifacts/verifier_report.json")
	atMillis := fs.Int64("generated-at-unix-ms", -1, "generated_at as unix milliseconds")
	atLogical := fs.Int64("generated-at-logical", -1, "generated_at as a logical timestamp")
	devPermissive := fs.Bool("dev-permissive", false, "record security.dev_permissive = true in the manifest")
	authority := fs.String("namespace-authority", "dg_registry", "security.namespace_authority: dg_registry or assetcore_catalog")
	noSecurity := fs.Bool("no-security", false, "omit the security block from the manifest")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if *outDir != "" && *toStorage {
		return fail(e, "give --output-dir or --storage, not both")
	}
	if *specPath == "" || *statePath == "" || (*outDir == "" && !*toStorage) {
		fs.Usage()
		return 2
	}
	if *cfgPath != "" && !*toStorage {
		return fail(e, "--config is used only with --storage")
	}
	var at evidence.Timestamp
	switch {
	case *atMillis >= 0 && *atLogical >= 0:
		return fail(e, "give only one of --generated-at-unix-ms and --generated-at-logical")
	case *atLogical >= 0:
		at = evidence.AtLogical(uint64(*atLogical))
	case *atMillis >= 0:
		at = evidence.AtMillis(*atMillis)
	default:
		return fail(e, "--generated-at-unix-ms or --generated-at-logical is required (runpacks never read the clock)")
	}
	specData, err := readInput(e, *specPath)
	if err != nil {
		return fail(e, "%v", err)
	}
	spec, err := scenario.ParseSpec(specData)
	if err != nil {
		return fail(e, "%s: %v", *specPath, err)
	}
	stateData, err := readInput(e, *statePath)
	if err != nil {
		return fail(e, "%v", err)
	}
	st, err := scenario.DecodeRunState(stateData)
	if err != nil {
		return fail(e, "%s: %v", *statePath, err)
	}
	opts := runpack.ExportOptions{ManifestName: *manifest, GeneratedAt: at, IncludeVerification: *withVerify}
	if !*noSecurity {
		if *authority != "dg_registry" && *authority != "assetcore_catalog" {
			return fail(e, "--namespace-authority must be dg_registry or assetcore_catalog")
		}
		opts.Security = &runpack.Security{DevPermissive: *devPermissive, NamespaceAuthority: *authority}
	}
	ctx := context.Background()
	var m *runpack.Manifest
	var rep *runpack.Report
	var where string
	if *toStorage {
		store, err := openRunpackStorage(ctx, e, *cfgPath)
		if err != nil {
			return fail(e, "%v", err)
		}
		// Build the pack in memory, then store it under the key its
		// manifest names: artifacts first, the manifest last.
		var mem memSink
		if m, rep, err = runpack.Export(ctx, spec, st, &mem, opts); err != nil {
			return fail(e, "export: %v", err)
		}
		sink, uri, err := store.Sink(ctx, runpacks3.KeyFromManifest(m))
		if err != nil {
			return fail(e, "export: %v", err)
		}
		for _, f := range mem {
			if err := sink.Put(ctx, f.path, f.data); err != nil {
				return fail(e, "export: %s: %v", f.path, err)
			}
		}
		where = uri + *manifest
	} else {
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return fail(e, "%v", err)
		}
		if m, rep, err = runpack.Export(ctx, spec, st, runpack.Dir{Root: *outDir}, opts); err != nil {
			return fail(e, "export: %v", err)
		}
		where = filepath.Join(*outDir, *manifest)
	}
	fmt.Fprintf(e.stdout, "wrote %s (root %s)\n", where, m.Integrity.RootHash.Value)
	if rep != nil && !rep.Passed() {
		fmt.Fprintf(e.stderr, "verification failed: %s\n", strings.Join(rep.Errors, "; "))
		return 1
	}
	return 0
}

func runpackVerify(e *env, args []string) int {
	fs := newFlags(e, "runpack verify", "runpack verify [--manifest FILE] [--runpack-dir DIR] [--format text|json|markdown] [DIR]\n"+
		"       decision-gate runpack verify --storage [--config FILE] (--manifest-key KEY | --tenant-id T --namespace-id N --scenario-id S --run-id R --spec-hash HEX [--manifest NAME]) [--format ...]")
	manifest := fs.String("manifest", "", "manifest path (default: DIR/manifest.json, else DIR/runpack.json; with --storage, the name inside the runpack)")
	dir := fs.String("runpack-dir", "", "runpack root (default: the manifest's directory)")
	format := fs.String("format", "text", "output format: text, json or markdown")
	sk := storageKeyFlags{
		storage:     fs.Bool("storage", false, "read the runpack from the [runpack_storage] object store of --config"),
		config:      fs.String("config", "", "config file whose [runpack_storage] --storage uses (default: $DECISION_GATE_CONFIG or ./decision-gate.toml)"),
		manifestKey: fs.String("manifest-key", "", "with --storage: the manifest's object key (with the prefix) or its s3:// URI"),
		tenant:      fs.Uint64("tenant-id", 0, "with --storage: the run's tenant id"),
		namespace:   fs.Uint64("namespace-id", 0, "with --storage: the run's namespace id"),
		scenario:    fs.String("scenario-id", "", "with --storage: the run's scenario id"),
		run:         fs.String("run-id", "", "with --storage: the run id"),
		specHash:    fs.String("spec-hash", "", "with --storage: the run's spec hash (sha256, lowercase hex)"),
	}
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if *format != "text" && *format != "json" && *format != "markdown" {
		fs.Usage()
		return 2
	}
	var rep *runpack.Report
	var where string
	if *sk.storage {
		if *dir != "" || fs.NArg() > 0 {
			return fail(e, "--storage reads from the object store: give no runpack directory")
		}
		rep, where = sk.verify(e, *manifest)
	} else {
		if sk.any() {
			return fail(e, "--config, --manifest-key and the run ids are used only with --storage")
		}
		root, name, err := locateManifest(*manifest, *dir, fs.Args())
		if err != nil {
			return fail(e, "%v", err)
		}
		where = filepath.Join(root, name)
		if rep, _, err = runpack.Verify(context.Background(), runpack.Dir{Root: root}, name); err != nil {
			rep = &runpack.Report{Status: "fail", Errors: []string{err.Error()}}
		}
	}
	if rep == nil {
		return 1 // sk.verify printed why
	}
	switch *format {
	case "json":
		out, _ := json.Marshal(map[string]any{"status": rep.Status, "report": rep})
		fmt.Fprintln(e.stdout, string(out))
	case "markdown":
		fmt.Fprintf(e.stdout, "# Runpack verification\n\n- Runpack: `%s`\n- Status: **%s**\n- Checked files: %d\n", where, rep.Status, rep.CheckedFiles)
		if len(rep.Errors) > 0 {
			fmt.Fprintln(e.stdout, "\n## Errors")
			for _, msg := range rep.Errors {
				fmt.Fprintf(e.stdout, "\n- %s", msg)
			}
			fmt.Fprintln(e.stdout)
		}
	default:
		fmt.Fprintf(e.stdout, "%s: %s (%d files checked)\n", where, rep.Status, rep.CheckedFiles)
		for _, msg := range rep.Errors {
			fmt.Fprintf(e.stdout, "  error: %s\n", msg)
		}
	}
	if !rep.Passed() {
		return 1
	}
	return 0
}

// locateManifest resolves the runpack root and the manifest's path relative
// to it from the flags and an optional positional directory.
func locateManifest(manifest, dir string, pos []string) (root, name string, err error) {
	if len(pos) > 1 {
		return "", "", fmt.Errorf("expected at most one runpack directory, got %d", len(pos))
	}
	if len(pos) == 1 {
		if dir != "" {
			return "", "", fmt.Errorf("give the runpack directory once (positional or --runpack-dir)")
		}
		dir = pos[0]
	}
	switch {
	case manifest == "" && dir == "":
		return "", "", fmt.Errorf("a runpack directory or --manifest is required")
	case manifest == "":
		for _, n := range []string{runpack.DefaultManifestName, "runpack.json"} {
			if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
				return dir, n, nil
			}
		}
		return "", "", fmt.Errorf("%s: no manifest.json or runpack.json found", dir)
	case dir == "":
		return filepath.Dir(manifest), filepath.Base(manifest), nil
	}
	rel, err := filepath.Rel(dir, manifest)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = manifest // a path already relative to the runpack dir
	}
	return dir, filepath.ToSlash(rel), nil
}

// openRunpackStorage opens the [runpack_storage] of the config at path.
func openRunpackStorage(ctx context.Context, e *env, path string) (*runpacks3.Store, error) {
	cfg, err := loadConfig(e, path, false)
	if err != nil {
		return nil, err
	}
	if cfg.RunpackStorage == nil {
		return nil, fmt.Errorf("%s has no [runpack_storage] section", cfg.Source.Path)
	}
	return server.OpenRunpackStorage(ctx, cfg.RunpackStorage)
}

// memSink collects an export in write order.
type memSink []struct {
	path string
	data []byte
}

func (m *memSink) Put(_ context.Context, path string, data []byte) error {
	*m = append(*m, struct {
		path string
		data []byte
	}{path, data})
	return nil
}

// storageKeyFlags name a runpack in the object store.
type storageKeyFlags struct {
	storage                 *bool
	config, manifestKey     *string
	tenant, namespace       *uint64
	scenario, run, specHash *string
}

func (f storageKeyFlags) ids() bool {
	return *f.tenant != 0 || *f.namespace != 0 || *f.scenario != "" || *f.run != "" || *f.specHash != ""
}

func (f storageKeyFlags) any() bool { return *f.config != "" || *f.manifestKey != "" || f.ids() }

// verify reads the runpack from the object store and verifies it; it
// also requires the manifest's ids and spec hash to name the key it was
// read from. It returns nil after printing an error when the runpack
// cannot be located.
func (f storageKeyFlags) verify(e *env, manifest string) (*runpack.Report, string) {
	ctx := context.Background()
	store, err := openRunpackStorage(ctx, e, *f.config)
	if err != nil {
		fail(e, "%v", err)
		return nil, ""
	}
	var key runpacks3.Key
	names := []string{manifest}
	switch {
	case *f.manifestKey != "" && (f.ids() || manifest != ""):
		fail(e, "give --manifest-key or the run ids (with an optional --manifest), not both")
		return nil, ""
	case *f.manifestKey != "":
		objKey := *f.manifestKey
		if rest, ok := strings.CutPrefix(objKey, "s3://"); ok {
			bucket, k, _ := strings.Cut(rest, "/")
			if bucket != store.Bucket() {
				fail(e, "--manifest-key names bucket %q; [runpack_storage] uses %q", bucket, store.Bucket())
				return nil, ""
			}
			objKey = k
		}
		if key, names[0], err = store.ParseObjectKey(objKey); err != nil {
			fail(e, "--manifest-key: %v", err)
			return nil, ""
		}
	case *f.tenant == 0 || *f.namespace == 0 || *f.scenario == "" || *f.run == "" || *f.specHash == "":
		fail(e, "--storage needs --manifest-key, or --tenant-id, --namespace-id, --scenario-id, --run-id and --spec-hash")
		return nil, ""
	default:
		key = runpacks3.Key{TenantID: *f.tenant, NamespaceID: *f.namespace, ScenarioID: *f.scenario, RunID: *f.run, SpecHash: *f.specHash}
		if manifest == "" {
			names = []string{runpack.DefaultManifestName, "runpack.json"}
		}
	}
	src, err := store.Source(ctx, key)
	if err != nil {
		fail(e, "%v", err)
		return nil, ""
	}
	uri, _ := store.URI(key)
	var rep *runpack.Report
	var m *runpack.Manifest
	for _, name := range names {
		rep, m, err = runpack.Verify(ctx, src, name)
		var me *runpack.ManifestError
		if err == nil || !errors.As(err, &me) || !strings.Contains(me.Err.Error(), "file not found") || name == names[len(names)-1] {
			uri += name
			break
		}
	}
	if err != nil {
		return &runpack.Report{Status: "fail", Errors: []string{err.Error()}}, uri
	}
	if got := runpacks3.KeyFromManifest(m); got != key {
		rep.Status = "fail"
		rep.Errors = append(rep.Errors, fmt.Sprintf("manifest ids and spec hash (tenant %d, namespace %d, scenario %s, run %s, spec %s) do not match the storage key it was read from",
			got.TenantID, got.NamespaceID, got.ScenarioID, got.RunID, got.SpecHash))
	}
	return rep, uri
}
