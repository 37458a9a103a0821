package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/decision-gate/dgw/host/scenario"
)

// maxInputBytes caps files read by offline commands.
const maxInputBytes = 16 << 20

func init() {
	register(&command{name: "scenario", summary: "hash or validate a scenario spec", sub: []*command{
		{name: "hash", summary: "print the spec hash (sha256 of canonical JSON)", run: scenarioHash},
		{name: "validate", summary: "check a spec's structure; list every problem with its JSON path", run: scenarioValidate},
	}})
}

func readInput(e *env, path string) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInputBytes {
		return nil, fmt.Errorf("%s exceeds %d bytes", path, maxInputBytes)
	}
	return data, nil
}

func scenarioHash(e *env, args []string) int {
	fs := newFlags(e, "scenario hash", "scenario hash [--json] FILE|-")
	asJSON := fs.Bool("json", false, "print {\"algorithm\",\"value\"} instead of the bare hex digest")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	data, err := readInput(e, fs.Arg(0))
	if err != nil {
		return fail(e, "%v", err)
	}
	spec, err := scenario.ParseSpec(data)
	if err != nil {
		return fail(e, "%s: %v", fs.Arg(0), err)
	}
	h, err := spec.Hash()
	if err != nil {
		return fail(e, "%s: %v", fs.Arg(0), err)
	}
	if *asJSON {
		out, _ := json.Marshal(h)
		fmt.Fprintln(e.stdout, string(out))
		return 0
	}
	fmt.Fprintln(e.stdout, h.Value)
	return 0
}

func scenarioValidate(e *env, args []string) int {
	fs := newFlags(e, "scenario validate", "scenario validate [--format text|json] FILE|-")
	format := fs.String("format", "text", "output format: text or json")
	if code, done := parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() != 1 || (*format != "text" && *format != "json") {
		fs.Usage()
		return 2
	}
	data, err := readInput(e, fs.Arg(0))
	if err != nil {
		return fail(e, "%v", err)
	}
	_, problems, warnings := scenario.Check(data)
	if *format == "json" {
		type item struct {
			Path    string `json:"path"`
			Message string `json:"message"`
		}
		conv := func(ps []scenario.Problem) []item {
			out := []item{}
			for _, p := range ps {
				out = append(out, item{p.Path, p.Msg})
			}
			return out
		}
		out, _ := json.MarshalIndent(map[string]any{
			"valid": len(problems) == 0, "errors": conv(problems), "warnings": conv(warnings),
		}, "", "  ")
		fmt.Fprintln(e.stdout, string(out))
	} else {
		for _, p := range problems {
			fmt.Fprintf(e.stdout, "error: %s\n", p)
		}
		for _, p := range warnings {
			fmt.Fprintf(e.stdout, "warning: %s\n", p)
		}
		if len(problems) == 0 {
			fmt.Fprintf(e.stdout, "%s: valid (%d warning(s))\n", fs.Arg(0), len(warnings))
		}
	}
	if len(problems) > 0 {
		return 1
	}
	return 0
}
