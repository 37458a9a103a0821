package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os/signal"
	"syscall"

	"github.com/decision-gate/dgw/host/broker"
	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/provenance"
)

func init() {
	register(&command{name: "provider", summary: "check external MCP providers", sub: []*command{
		{name: "preflight", summary: "run the preflight of one or every type = \"mcp\" provider, in process (exit 1 if any fails)", run: providerPreflight},
	}})
}

func providerPreflight(e *env, args []string) int {
	fs := newFlags(e, "provider preflight", "provider preflight [--config FILE] [--format text|json] [--stderr] (NAME | --all)")
	cfgPath := fs.String("config", "", "config file (default: $DECISION_GATE_CONFIG, then ./decision-gate.toml)")
	all := fs.Bool("all", false, "preflight every mcp provider")
	format := fs.String("format", "text", "output format: text or json")
	stderr := fs.Bool("stderr", false, "also print the tail of each stdio child's stderr (may hold anything the child wrote)")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if *format != "text" && *format != "json" {
		return fail(e, "--format must be text or json")
	}
	if *all == (fs.NArg() == 1) || fs.NArg() > 1 {
		return fail(e, "give one provider NAME or --all")
	}
	cfg, err := loadConfig(e, *cfgPath, false)
	if err != nil {
		return fail(e, "config: %v", err)
	}
	var names []string
	for _, p := range cfg.Providers {
		if p.Type == config.ProviderMCP && (*all || p.Name == fs.Arg(0)) {
			names = append(names, p.Name)
		}
	}
	if len(names) == 0 {
		if *all {
			return fail(e, "the config has no type = \"mcp\" provider")
		}
		return fail(e, "no type = \"mcp\" provider named %q", fs.Arg(0))
	}
	h, err := provenance.ConfigHash(cfg)
	if err != nil {
		return fail(e, "%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	b, err := broker.New(ctx, cfg, &broker.Options{ConfigHash: h.Value, SkipStartupPreflight: true, Logger: quietLogger(e)})
	if err != nil {
		return fail(e, "%v", err)
	}
	defer b.Close()
	failed := 0
	var reports []*broker.PreflightReport
	for _, name := range names {
		r, err := b.Preflight(ctx, name)
		if err != nil {
			return fail(e, "%v", err)
		}
		reports = append(reports, r)
		if !r.OK {
			failed++
		}
		if *format == "text" {
			printReport(e, r)
			if p, ok := b.Get(name); ok && *stderr {
				if tail := p.StderrTail(); len(tail) > 0 {
					fmt.Fprintf(e.stdout, "  stderr (last %d bytes):\n%s\n", len(tail), tail)
				}
			}
		}
	}
	if *format == "json" {
		out, _ := json.MarshalIndent(reports, "", "  ")
		fmt.Fprintln(e.stdout, string(out))
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "decision-gate: %d of %d provider preflights failed\n", failed, len(names))
		return 1
	}
	return 0
}

func printReport(e *env, r *broker.PreflightReport) {
	status := "ok"
	if !r.OK {
		status = "FAILED"
	}
	fmt.Fprintf(e.stdout, "%s: preflight %s (report %s)\n", r.Provider, status, short(r.ID))
	for _, s := range r.Steps {
		line := fmt.Sprintf("  %-9s %-24s %5d ms", s.Step, s.Code, s.DurationMS)
		if s.Message != "" {
			line += "  " + s.Message
		}
		fmt.Fprintln(e.stdout, line)
	}
	if r.ContractHash != "" {
		fmt.Fprintf(e.stdout, "  contract_hash %s\n", r.ContractHash)
	}
	if r.ProtocolVersion != "" {
		fmt.Fprintf(e.stdout, "  protocol_version %s\n", r.ProtocolVersion)
	}
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// quietLogger logs warnings and errors to stderr as text.
func quietLogger(e *env) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
