package mcp

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/runpack"
	"github.com/decision-gate/dgw/host/scenario"
)

func runpackErr(format string, args ...any) error {
	return errcode.New(errcode.Runpack, format, args...)
}

type exportOutput struct {
	Manifest   *runpack.Manifest `json:"manifest"`
	Report     *runpack.Report   `json:"report"`
	StorageURI *string           `json:"storage_uri,omitempty"`
}

func (s *Service) runpackExport(ctx context.Context, c *Call) (any, error) {
	var args struct {
		ScenarioID          string               `json:"scenario_id"`
		TenantID            evidence.TenantID    `json:"tenant_id"`
		NamespaceID         evidence.NamespaceID `json:"namespace_id"`
		RunID               string               `json:"run_id"`
		OutputDir           *string              `json:"output_dir"`
		ManifestName        *string              `json:"manifest_name"`
		GeneratedAt         evidence.Timestamp   `json:"generated_at"`
		IncludeVerification bool                 `json:"include_verification"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	if err := s.opts.Namespace.check(ctx, &args.TenantID, args.NamespaceID, c.corr()); err != nil {
		return nil, err
	}
	spec, _, ok := s.opts.Engine.Spec(args.ScenarioID)
	if !ok {
		return nil, notDefined(args.ScenarioID)
	}
	st, err := s.opts.Engine.Run(ctx, scenario.RunKey{TenantID: args.TenantID, NamespaceID: args.NamespaceID, RunID: args.RunID})
	if err != nil {
		if errcode.Of(err) == errcode.NotFound {
			return nil, errcode.New(errcode.NotFound, "run not found")
		}
		return nil, err
	}
	if st.ScenarioID != args.ScenarioID {
		return nil, errcode.New(errcode.NotFound, "run not found")
	}
	var sink runpack.Sink
	var uri *string
	if store := s.opts.Runpacks.Store; store != nil {
		k, u, err := store.Sink(ctx, RunpackKey{TenantID: uint64(args.TenantID), NamespaceID: uint64(args.NamespaceID),
			ScenarioID: args.ScenarioID, RunID: args.RunID, SpecHash: st.SpecHash.Value})
		if err != nil {
			return nil, runpackErr("runpack storage: %v", err)
		}
		sink, uri = k, &u
	} else {
		if args.OutputDir == nil || *args.OutputDir == "" {
			return nil, runpackErr("output_dir is required when runpack storage is not configured")
		}
		dir := filepath.Clean(*args.OutputDir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, runpackErr("runpack output_dir: %v", err)
		}
		sink = runpack.Dir{Root: dir}
	}
	name := runpack.DefaultManifestName
	if args.ManifestName != nil {
		name = *args.ManifestName
	}
	sec := s.opts.Runpacks.Security
	if sec.NamespaceAuthority == "" {
		sec.NamespaceAuthority = "dg_registry"
	}
	m, rep, err := runpack.Export(ctx, spec, st, sink, runpack.ExportOptions{
		ManifestName: name, GeneratedAt: args.GeneratedAt, IncludeVerification: args.IncludeVerification,
		AnchorPolicy: s.opts.Runpacks.AnchorPolicy, Security: &sec,
	})
	if err != nil {
		return nil, runpackErr("%v", err)
	}
	return exportOutput{Manifest: m, Report: rep, StorageURI: uri}, nil
}

func (s *Service) runpackVerify(ctx context.Context, c *Call) (any, error) {
	var args struct {
		RunpackDir   string `json:"runpack_dir"`
		ManifestPath string `json:"manifest_path"`
	}
	if err := decodeArgs(c.Args, &args); err != nil {
		return nil, err
	}
	rep, _, err := runpack.Verify(ctx, runpack.Dir{Root: filepath.Clean(args.RunpackDir)}, filepath.ToSlash(args.ManifestPath))
	if err != nil {
		var me *runpack.ManifestError
		if errors.As(err, &me) {
			return nil, runpackErr("invalid manifest: %v", me.Err)
		}
		return nil, runpackErr("%v", err)
	}
	return map[string]any{"report": rep, "status": rep.Status}, nil
}
