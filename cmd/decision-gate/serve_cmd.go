package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/server"
)

func init() {
	register(&command{name: "serve", summary: "run the MCP server (embedded default config when none is found)", run: serve})
	register(&command{name: "config", summary: "validate or print configuration", sub: []*command{
		{name: "validate", summary: "decode and validate a config without starting anything", run: configValidate},
		{name: "default", summary: "print the embedded default config", run: configDefault},
	}})
}

// loadConfig applies the load order: --config, $DECISION_GATE_CONFIG, then
// ./decision-gate.toml; when the default file is absent and fallback is
// set, the embedded default is used.
func loadConfig(e *env, flagPath string, fallback bool) (*config.Config, error) {
	path, from, err := config.ResolvePath(flagPath, os.Getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(path)
	if err != nil && from == config.FromDefault && fallback && errcode.Of(err) == errcode.NotFound {
		fmt.Fprintf(e.stderr, "decision-gate: no --config, %s or ./%s: using the embedded default (see 'decision-gate config default')\n",
			config.EnvVar, config.DefaultFileName)
		return config.Default(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s (from %s): %w", path, from, err)
	}
	return cfg, nil
}

// allowNonLoopback reads the flag or DECISION_GATE_ALLOW_NON_LOOPBACK.
func allowNonLoopback(flagSet bool) (bool, error) {
	if flagSet {
		return true, nil
	}
	v, ok := os.LookupEnv("DECISION_GATE_ALLOW_NON_LOOPBACK")
	if !ok {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "y", "on":
		return true, nil
	case "0", "false", "no", "n", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("DECISION_GATE_ALLOW_NON_LOOPBACK=%q: expected 1|true|yes|y|on or 0|false|no|n|off", v)
}

func serve(e *env, args []string) int {
	fs := newFlags(e, "serve", "serve [--config FILE] [--allow-non-loopback]")
	cfgPath := fs.String("config", "", "config file (default: $DECISION_GATE_CONFIG, ./decision-gate.toml, else the embedded default)")
	nonLoopback := fs.Bool("allow-non-loopback", false, "allow binding a non-loopback address (also needs non-local auth and TLS)")
	dataDir := fs.String("data-dir", "", "keep runs, scenario definitions and schemas in bbolt files in this directory (for stores the config leaves in memory)")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	allow, err := allowNonLoopback(*nonLoopback)
	if err != nil {
		return fail(e, "%v", err)
	}
	cfg, err := loadConfig(e, *cfgPath, true)
	if err != nil {
		return fail(e, "config: %v", err)
	}
	if *dataDir != "" {
		if cfg, err = withDataDir(cfg, *dataDir); err != nil {
			return fail(e, "--data-dir: %v", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg, server.Options{Version: versionString(), AllowNonLoopback: allow,
		Stdin: e.stdin, Stdout: e.stdout, Stderr: e.stderr})
	if err != nil {
		return fail(e, "start: %v", err)
	}
	defer srv.Close()
	if err := srv.Serve(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return fail(e, "serve: %v", err)
	}
	return 0
}

func configValidate(e *env, args []string) int {
	fs := newFlags(e, "config validate", "config validate [--config FILE]")
	cfgPath := fs.String("config", "", "config file (default: $DECISION_GATE_CONFIG, else ./decision-gate.toml)")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	cfg, err := loadConfig(e, *cfgPath, false)
	if err != nil {
		return fail(e, "%v", err)
	}
	fmt.Fprintf(e.stdout, "%s: valid (%d providers, transport %s)\n", cfg.Source.Path, len(cfg.Providers), cfg.Server.Transport)
	return 0
}

func configDefault(e *env, args []string) int {
	fs := newFlags(e, "config default", "config default")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	e.stdout.Write(config.DefaultTOML())
	return 0
}

// withDataDir returns a copy of cfg whose in-memory stores become bbolt
// files in dir (run-state.db, registry.db). Stores the config already puts
// on disk or in PostgreSQL are left as they are.
func withDataDir(cfg *config.Config, dir string) (*config.Config, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, err
	}
	out := *cfg
	if out.RunStateStore.Type == config.StoreMemory {
		p := filepath.Join(abs, "run-state.db")
		out.RunStateStore.Type, out.RunStateStore.Path = config.StoreBolt, config.Path{Raw: p, Resolved: p}
	}
	if out.SchemaRegistry.Type == config.StoreMemory {
		p := filepath.Join(abs, "registry.db")
		out.SchemaRegistry.Type, out.SchemaRegistry.Path = config.StoreBolt, config.Path{Raw: p, Resolved: p}
	}
	return &out, nil
}
