package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/runpack"
	"github.com/decision-gate/dgw/host/scenario"
)

func init() {
	register(&command{name: "runpack", summary: "export or verify a runpack offline", sub: []*command{
		{name: "export", summary: "build a runpack from a spec file and a run-state file", run: runpackExport},
		{name: "verify", summary: "verify a runpack offline (exit 1 on any failure)", run: runpackVerify},
	}})
}

func runpackExport(e *env, args []string) int {
	fs := newFlags(e, "runpack export", "runpack export --spec FILE --state FILE --output-dir DIR [flags]")
	specPath := fs.String("spec", "", "scenario spec JSON file (required)")
	statePath := fs.String("state", "", "run state JSON file (required)")
	outDir := fs.String("output-dir", "", "directory to write the runpack into (required)")
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
	if *specPath == "" || *statePath == "" || *outDir == "" {
		fs.Usage()
		return 2
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
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return fail(e, "%v", err)
	}
	opts := runpack.ExportOptions{ManifestName: *manifest, GeneratedAt: at, IncludeVerification: *withVerify}
	if !*noSecurity {
		if *authority != "dg_registry" && *authority != "assetcore_catalog" {
			return fail(e, "--namespace-authority must be dg_registry or assetcore_catalog")
		}
		opts.Security = &runpack.Security{DevPermissive: *devPermissive, NamespaceAuthority: *authority}
	}
	m, rep, err := runpack.Export(context.Background(), spec, st, runpack.Dir{Root: *outDir}, opts)
	if err != nil {
		return fail(e, "export: %v", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s (root %s)\n", filepath.Join(*outDir, *manifest), m.Integrity.RootHash.Value)
	if rep != nil && !rep.Passed() {
		fmt.Fprintf(e.stderr, "verification failed: %s\n", strings.Join(rep.Errors, "; "))
		return 1
	}
	return 0
}

func runpackVerify(e *env, args []string) int {
	fs := newFlags(e, "runpack verify", "runpack verify [--manifest FILE] [--runpack-dir DIR] [--format text|json|markdown] [DIR]")
	manifest := fs.String("manifest", "", "manifest path (default: DIR/manifest.json, else DIR/runpack.json)")
	dir := fs.String("runpack-dir", "", "runpack root (default: the manifest's directory)")
	format := fs.String("format", "text", "output format: text, json or markdown")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if *format != "text" && *format != "json" && *format != "markdown" {
		fs.Usage()
		return 2
	}
	root, name, err := locateManifest(*manifest, *dir, fs.Args())
	if err != nil {
		return fail(e, "%v", err)
	}
	rep, _, err := runpack.Verify(context.Background(), runpack.Dir{Root: root}, name)
	if err != nil {
		rep = &runpack.Report{Status: "fail", Errors: []string{err.Error()}}
	}
	switch *format {
	case "json":
		out, _ := json.Marshal(map[string]any{"status": rep.Status, "report": rep})
		fmt.Fprintln(e.stdout, string(out))
	case "markdown":
		fmt.Fprintf(e.stdout, "# Runpack verification\n\n- Runpack: `%s`\n- Status: **%s**\n- Checked files: %d\n", filepath.Join(root, name), rep.Status, rep.CheckedFiles)
		if len(rep.Errors) > 0 {
			fmt.Fprintln(e.stdout, "\n## Errors")
			for _, msg := range rep.Errors {
				fmt.Fprintf(e.stdout, "\n- %s", msg)
			}
			fmt.Fprintln(e.stdout)
		}
	default:
		fmt.Fprintf(e.stdout, "%s: %s (%d files checked)\n", filepath.Join(root, name), rep.Status, rep.CheckedFiles)
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
