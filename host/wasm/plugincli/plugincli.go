package plugincli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes of [PluginCommand].
const (
	ExitOK    = 0 // success
	ExitFail  = 1 // the operation failed (bad signature, unreadable file, …)
	ExitUsage = 2 // bad arguments
)

// PluginCommand runs one plugin subcommand (args[0]: keygen, sign, verify
// or inspect) and returns its exit code. Results go to stdout, errors and
// usage to stderr.
func PluginCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return ExitUsage
	}
	run, ok := map[string]func(context.Context, []string, io.Writer) error{
		"keygen":  keygen,
		"sign":    sign,
		"verify":  verify,
		"inspect": inspect,
	}[args[0]]
	if !ok {
		if args[0] != "help" && args[0] != "-h" && args[0] != "--help" {
			fmt.Fprintf(stderr, "plugin: unknown subcommand %q\n", args[0])
		}
		usage(stderr)
		return ExitUsage
	}
	err := run(context.Background(), args[1:], stdout)
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitUsage
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "plugin %s: %v\n", args[0], err)
		return ExitUsage
	}
	fmt.Fprintf(stderr, "plugin %s: %v\n", args[0], err)
	return ExitFail
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: decision-gate plugin <command> [flags]

commands:
  keygen   create a module-signing key pair
  sign     fill in a manifest's module digest and sign it
  verify   check a module, its manifest and signature as the server would
  inspect  show a module's ABI, checks, capabilities, digest and signer

Run "decision-gate plugin <command> -h" for the flags of one command.
`)
}

// usageError marks a problem with the arguments.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// newFlags returns a flag set whose errors and help go to the command's
// stderr through PluginCommand.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("decision-gate plugin "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args, turning flag errors into usage errors and printing
// help for -h.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"unexpected arguments: " + strings.Join(fs.Args(), " ")}
	}
	return nil
}

// required checks that every named flag value is set.
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			return usageError{"--" + pairs[i] + " is required"}
		}
	}
	return nil
}

// password reads a key password from the environment variable env.
func password(env string) ([]byte, error) {
	pw, ok := os.LookupEnv(env)
	if !ok || pw == "" {
		return nil, fmt.Errorf("the key is encrypted: set its password in $%s", env)
	}
	return []byte(pw), nil
}

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
