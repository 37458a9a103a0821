package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/runpack"
	"github.com/decision-gate/dgw/host/scenario"
	"github.com/decision-gate/dgw/host/server"
	"github.com/decision-gate/dgw/host/store"
	"github.com/decision-gate/dgw/host/store/driver"
)

func init() {
	register(&command{name: "store", summary: "inspect, export, verify and prune a durable run-state store", sub: []*command{
		{name: "list", summary: "list stored runs", run: storeList},
		{name: "get", summary: "print one stored version of a run (canonical JSON)", run: storeGet},
		{name: "export", summary: "write a runpack of a stored run, using its stored scenario spec", run: storeExport},
		{name: "verify", summary: "check every stored version's checksum (exit 1 on damage)", run: storeVerify},
		{name: "prune", summary: "delete all but the newest --keep versions of runs", run: storePrune},
		{name: "provenance", summary: "print the governance provenance recorded with a run's decisions", run: storeProvenance},
	}})
}

// storeFlags are the flags every store command shares.
type storeFlags struct {
	fs        *flag.FlagSet
	config    *string
	path      *string
	typ       *string
	format    *string
	tenant    *uint64
	namespace *uint64
	run       *string
}

func newStoreFlags(e *env, name, usage string, withRun bool) *storeFlags {
	fs := newFlags(e, "store "+name, "store "+name+" "+usage)
	f := &storeFlags{fs: fs,
		config: fs.String("config", "", "config file whose [run_state_store] to open"),
		path:   fs.String("store-path", "", "run-state store file (instead of --config)"),
		typ:    fs.String("store-type", "bbolt", "type of --store-path: bbolt or sqlite"),
		format: fs.String("format", "text", "output format: text or json"),
	}
	if withRun {
		f.tenant = fs.Uint64("tenant-id", 0, "tenant id of the run")
		f.namespace = fs.Uint64("namespace-id", 0, "namespace id of the run")
		f.run = fs.String("run-id", "", "run id")
	}
	return f
}

// open opens the store the flags name and the config it came from (nil
// with --store-path).
func (f *storeFlags) open(e *env) (*store.Store, *config.Config, error) {
	if *f.format != "text" && *f.format != "json" {
		return nil, nil, fmt.Errorf("--format must be text or json")
	}
	var rs config.RunStateStore
	var cfg *config.Config
	switch {
	case *f.config != "" && *f.path != "":
		return nil, nil, fmt.Errorf("give --config or --store-path, not both")
	case *f.path != "":
		t := config.StoreType(*f.typ)
		if t != config.StoreBolt && t != config.StoreSQLite {
			return nil, nil, fmt.Errorf("--store-type must be bbolt or sqlite")
		}
		if _, err := os.Stat(*f.path); err != nil {
			return nil, nil, err // never create an empty store by mistake
		}
		abs, err := filepath.Abs(*f.path)
		if err != nil {
			return nil, nil, err
		}
		rs.Type, rs.Path = t, config.Path{Raw: *f.path, Resolved: abs}
	default:
		var err error
		if cfg, err = loadConfig(e, *f.config, false); err != nil {
			return nil, nil, err
		}
		rs = cfg.RunStateStore
		if rs.Path.IsSet() {
			if _, err := os.Stat(filepathOf(rs.Path)); err != nil {
				return nil, nil, fmt.Errorf("run_state_store.path: %w", err)
			}
		}
	}
	st, err := server.OpenRunStore(rs)
	if err != nil {
		if errcode.Of(err) == errcode.Unavailable {
			err = fmt.Errorf("%w (is a server using it?)", err)
		}
		return nil, nil, err
	}
	return st, cfg, nil
}

func filepathOf(p config.Path) string {
	if p.Resolved != "" {
		return p.Resolved
	}
	return p.Raw
}

// key returns the run key from the flags; all three are required.
func (f *storeFlags) key() (scenario.RunKey, error) {
	if *f.tenant == 0 || *f.namespace == 0 || *f.run == "" {
		return scenario.RunKey{}, fmt.Errorf("--tenant-id, --namespace-id and --run-id are required")
	}
	return scenario.RunKey{TenantID: evidence.TenantID(*f.tenant), NamespaceID: evidence.NamespaceID(*f.namespace), RunID: *f.run}, nil
}

func printJSON(e *env, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	fmt.Fprintln(e.stdout, string(b))
}

// runItem is one run in `store list` output.
type runItem struct {
	TenantID    evidence.TenantID    `json:"tenant_id"`
	NamespaceID evidence.NamespaceID `json:"namespace_id"`
	RunID       string               `json:"run_id"`
	Latest      driver.Version       `json:"latest_version"`
	Versions    int                  `json:"versions"`
	ScenarioID  string               `json:"scenario_id,omitempty"`
	Status      string               `json:"status,omitempty"`
	Decisions   int                  `json:"decisions"`
	Error       string               `json:"error,omitempty"`
}

func storeList(e *env, args []string) int {
	f := newStoreFlags(e, "list", "(--config FILE | --store-path FILE [--store-type bbolt|sqlite]) [--tenant-id N [--namespace-id N]] [--limit N] [--format text|json]", true)
	limit := f.fs.Int("limit", 0, "list at most this many runs (0: all)")
	if code, done := parseFlags(f.fs, args); done {
		return code
	}
	if *f.run != "" || (*f.namespace != 0 && *f.tenant == 0) || *limit < 0 {
		return fail(e, "store list filters by --tenant-id and optionally --namespace-id; --limit is not negative")
	}
	st, _, err := f.open(e)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer st.Close()
	ctx := context.Background()
	opts := driver.ListOptions{TenantID: evidence.TenantID(*f.tenant), NamespaceID: evidence.NamespaceID(*f.namespace), Limit: 256}
	items := []runItem{}
	for {
		page, err := st.List(ctx, opts)
		if err != nil {
			return fail(e, "list: %v", err)
		}
		for _, ri := range page {
			it := runItem{TenantID: ri.Key.TenantID, NamespaceID: ri.Key.NamespaceID, RunID: ri.Key.RunID, Latest: ri.Latest, Versions: ri.Versions}
			if run, err := st.Get(ctx, ri.Key, 0); err != nil {
				it.Error = err.Error()
			} else {
				it.ScenarioID, it.Status, it.Decisions = run.ScenarioID, string(run.Status), len(run.Decisions)
			}
			items = append(items, it)
			if *limit > 0 && len(items) == *limit {
				break
			}
		}
		if len(page) < opts.Limit || (*limit > 0 && len(items) >= *limit) {
			break
		}
		last := page[len(page)-1].Key
		opts.After = &last
	}
	if *f.format == "json" {
		printJSON(e, map[string]any{"runs": items})
		return 0
	}
	for _, it := range items {
		state := fmt.Sprintf("%s %s, %d decisions", it.ScenarioID, it.Status, it.Decisions)
		if it.Error != "" {
			state = "DAMAGED: " + it.Error
		}
		fmt.Fprintf(e.stdout, "%d/%d/%s\tversion %d (%d kept)\t%s\n", it.TenantID, it.NamespaceID, it.RunID, it.Latest, it.Versions, state)
	}
	fmt.Fprintf(e.stdout, "%d runs\n", len(items))
	return 0
}

func storeGet(e *env, args []string) int {
	f := newStoreFlags(e, "get", "(--config FILE | --store-path FILE) --tenant-id N --namespace-id N --run-id ID [--version N] [--format json|text]", true)
	version := f.fs.Uint64("version", 0, "version to print (0: the latest)")
	if code, done := parseFlags(f.fs, args); done {
		return code
	}
	key, err := f.key()
	if err != nil {
		return fail(e, "%v", err)
	}
	st, _, err := f.open(e)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer st.Close()
	ctx := context.Background()
	rec, err := st.Record(ctx, key, driver.Version(*version))
	if err != nil {
		return fail(e, "get %s: %v", key, err)
	}
	if *f.format == "json" {
		e.stdout.Write(rec.Blob) // the stored canonical JSON, checksum verified
		fmt.Fprintln(e.stdout)
		return 0
	}
	run, err := st.Get(ctx, key, rec.Version)
	if err != nil {
		return fail(e, "get %s: %v", key, err)
	}
	vs, err := st.Versions(ctx, key)
	if err != nil {
		return fail(e, "versions of %s: %v", key, err)
	}
	fmt.Fprintf(e.stdout, "run %s version %d (sha256 %s, %d bytes)\n", key, rec.Version, rec.Checksum, len(rec.Blob))
	fmt.Fprintf(e.stdout, "scenario %s (spec %s), status %s, stage %s\n", run.ScenarioID, run.SpecHash.Value, run.Status, run.CurrentStageID)
	fmt.Fprintf(e.stdout, "%d triggers, %d decisions, %d packets, %d submissions, %d tool calls\n",
		len(run.Triggers), len(run.Decisions), len(run.Packets), len(run.Submissions), len(run.ToolCalls))
	for _, d := range run.Decisions {
		fmt.Fprintf(e.stdout, "  %s\ttrigger %s\t%s\n", d.DecisionID, d.TriggerID, d.Outcome.Kind)
	}
	kept := make([]string, len(vs))
	for i, v := range vs {
		kept[i] = fmt.Sprint(v.Version)
	}
	fmt.Fprintf(e.stdout, "versions kept: %s\n", strings.Join(kept, " "))
	return 0
}

func storeExport(e *env, args []string) int {
	f := newStoreFlags(e, "export", "(--config FILE | --store-path FILE) --tenant-id N --namespace-id N --run-id ID --output-dir DIR (--generated-at-unix-ms N | --generated-at-logical N) [flags]", true)
	version := f.fs.Uint64("version", 0, "version to export (0: the latest)")
	outDir := f.fs.String("output-dir", "", "directory to write the runpack into (required)")
	manifest := f.fs.String("manifest-name", runpack.DefaultManifestName, "manifest file name")
	withVerify := f.fs.Bool("with-verification", false, "verify the pack and include artifacts/verifier_report.json")
	atMillis := f.fs.Int64("generated-at-unix-ms", -1, "generated_at as unix milliseconds")
	atLogical := f.fs.Int64("generated-at-logical", -1, "generated_at as a logical timestamp")
	if code, done := parseFlags(f.fs, args); done {
		return code
	}
	key, err := f.key()
	if err != nil {
		return fail(e, "%v", err)
	}
	if *outDir == "" {
		return fail(e, "--output-dir is required")
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
	st, cfg, err := f.open(e)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer st.Close()
	ctx := context.Background()
	rec, err := st.Record(ctx, key, driver.Version(*version))
	if err != nil {
		return fail(e, "get %s: %v", key, err)
	}
	run, err := st.Get(ctx, key, rec.Version)
	if err != nil {
		return fail(e, "get %s: %v", key, err)
	}
	spec, err := st.GetSpec(ctx, run.ScenarioID)
	if err != nil {
		return fail(e, "scenario %s of run %s: %v", run.ScenarioID, key, err)
	}
	opts := runpack.ExportOptions{ManifestName: *manifest, GeneratedAt: at, IncludeVerification: *withVerify,
		Security: &runpack.Security{NamespaceAuthority: "dg_registry"}}
	if cfg != nil {
		sec, anchors := server.RunpackOptions(cfg)
		opts.Security, opts.AnchorPolicy = &sec, anchors
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return fail(e, "%v", err)
	}
	m, rep, err := runpack.Export(ctx, spec, run, runpack.Dir{Root: *outDir}, opts)
	if err != nil {
		return fail(e, "export %s: %v", key, err)
	}
	if *f.format == "json" {
		printJSON(e, map[string]any{"manifest_path": filepath.Join(*outDir, *manifest), "version": rec.Version,
			"root_hash": m.Integrity.RootHash, "report": rep})
	} else {
		fmt.Fprintf(e.stdout, "wrote %s (run %s version %d, root %s)\n", filepath.Join(*outDir, *manifest), key, rec.Version, m.Integrity.RootHash.Value)
	}
	if rep != nil && !rep.Passed() {
		fmt.Fprintf(e.stderr, "verification failed: %s\n", strings.Join(rep.Errors, "; "))
		return 1
	}
	return 0
}

func storeVerify(e *env, args []string) int {
	f := newStoreFlags(e, "verify", "(--config FILE | --store-path FILE) [--format text|json]", false)
	if code, done := parseFlags(f.fs, args); done {
		return code
	}
	st, _, err := f.open(e)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer st.Close()
	rep, err := st.Verify(context.Background())
	if err != nil {
		return fail(e, "verify: %v", err)
	}
	status := "pass"
	if !rep.OK() {
		status = "fail"
	}
	if *f.format == "json" {
		printJSON(e, map[string]any{"status": status, "report": rep})
	} else {
		fmt.Fprintf(e.stdout, "%s: %d runs, %d versions, %d specs checked, %d damaged\n", status, rep.Runs, rep.Versions, rep.Specs, len(rep.Problems))
		for _, p := range rep.Problems {
			if p.Kind == "spec" {
				fmt.Fprintf(e.stdout, "  spec %s: %s\n", p.ScenarioID, p.Message)
			} else {
				fmt.Fprintf(e.stdout, "  run %d/%d/%s version %d: %s\n", p.TenantID, p.NamespaceID, p.RunID, p.Version, p.Message)
			}
		}
	}
	if !rep.OK() {
		return 1
	}
	return 0
}

// pruneItem is one run in `store prune` output.
type pruneItem struct {
	TenantID    evidence.TenantID    `json:"tenant_id"`
	NamespaceID evidence.NamespaceID `json:"namespace_id"`
	RunID       string               `json:"run_id"`
	Pruned      int                  `json:"pruned"`
	Kept        int                  `json:"kept"`
}

func storePrune(e *env, args []string) int {
	f := newStoreFlags(e, "prune", "(--config FILE | --store-path FILE) --keep N [--tenant-id N --namespace-id N --run-id ID] [--dry-run] [--format text|json]", true)
	keep := f.fs.Int("keep", 0, "versions to keep per run (at least 1)")
	dryRun := f.fs.Bool("dry-run", false, "report what would be deleted without deleting")
	if code, done := parseFlags(f.fs, args); done {
		return code
	}
	if *keep < 1 {
		return fail(e, "--keep must be at least 1")
	}
	var keys []scenario.RunKey
	one := *f.tenant != 0 || *f.namespace != 0 || *f.run != ""
	if one {
		k, err := f.key()
		if err != nil {
			return fail(e, "%v (or give none of them to prune every run)", err)
		}
		keys = append(keys, k)
	}
	st, _, err := f.open(e)
	if err != nil {
		return fail(e, "%v", err)
	}
	defer st.Close()
	ctx := context.Background()
	if !one {
		opts := driver.ListOptions{Limit: 256}
		for {
			page, err := st.List(ctx, opts)
			if err != nil {
				return fail(e, "list: %v", err)
			}
			for _, ri := range page {
				keys = append(keys, ri.Key)
			}
			if len(page) < opts.Limit {
				break
			}
			last := page[len(page)-1].Key
			opts.After = &last
		}
	}
	items := []pruneItem{}
	total := 0
	for _, k := range keys {
		vs, err := st.Versions(ctx, k)
		if err != nil {
			return fail(e, "versions of %s: %v", k, err)
		}
		n := max(0, len(vs)-*keep)
		if !*dryRun && n > 0 {
			if n, err = st.Prune(ctx, k, *keep); err != nil {
				return fail(e, "prune %s: %v", k, err)
			}
		}
		total += n
		items = append(items, pruneItem{TenantID: k.TenantID, NamespaceID: k.NamespaceID, RunID: k.RunID, Pruned: n, Kept: len(vs) - n})
	}
	if *f.format == "json" {
		printJSON(e, map[string]any{"dry_run": *dryRun, "keep": *keep, "pruned": total, "runs": items})
		return 0
	}
	verb := "pruned"
	if *dryRun {
		verb = "would prune"
	}
	for _, it := range items {
		fmt.Fprintf(e.stdout, "%d/%d/%s\t%s %d, kept %d\n", it.TenantID, it.NamespaceID, it.RunID, verb, it.Pruned, it.Kept)
	}
	fmt.Fprintf(e.stdout, "%s %d versions in %d runs\n", verb, total, len(items))
	return 0
}
