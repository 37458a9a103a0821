package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"sort"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// it comes from the module build info.
var version = ""

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "0.1.0-dev"
}

// env carries the process streams so commands are testable.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one subcommand (or a group of them).
type command struct {
	name    string
	summary string
	run     func(e *env, args []string) int
	sub     []*command
}

// commands is the command tree; groups register themselves in init.
var commands []*command

func register(c *command) { commands = append(commands, c) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printHelp(e.stdout, nil, commands)
		return 0
	}
	switch args[0] {
	case "--version", "-version", "version":
		fmt.Fprintf(e.stdout, "decision-gate %s\n", versionString())
		return 0
	case "-h", "--help", "help":
		printHelp(e.stdout, nil, commands)
		return 0
	}
	return dispatch(e, nil, commands, args)
}

func dispatch(e *env, path []string, cmds []*command, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printHelp(e.stdout, path, cmds)
		return 0
	}
	for _, c := range cmds {
		if c.name != args[0] {
			continue
		}
		if c.sub != nil {
			return dispatch(e, append(path, c.name), c.sub, args[1:])
		}
		return c.run(e, args[1:])
	}
	fmt.Fprintf(e.stderr, "decision-gate: unknown command %q\n\n", strings.Join(append(path, args[0]), " "))
	printHelp(e.stderr, path, cmds)
	return 2
}

func printHelp(w io.Writer, path []string, cmds []*command) {
	name := strings.Join(append([]string{"decision-gate"}, path...), " ")
	if len(path) == 0 {
		fmt.Fprintf(w, "decision-gate %s: an MCP server that gates agents and pipelines on evidence.\n\n", versionString())
	}
	fmt.Fprintf(w, "Usage: %s <command> [flags]\n\nCommands:\n", name)
	sorted := append([]*command(nil), cmds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun '%s <command> --help' for a command's flags.\n", name)
	if len(path) == 0 {
		fmt.Fprintln(w, "Global flags: --version, --help.")
	}
}

// newFlags returns a flag set that prints usage to stderr and returns
// errors instead of exiting.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: decision-gate %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns (exit code, done) where done means the
// caller should return the code (help or a flag error).
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	return 0, false
}

// fail prints an error and returns exit code 1.
func fail(e *env, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "decision-gate: "+format+"\n", args...)
	return 1
}
