package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
	"unicode/utf8"

	"github.com/decision-gate/dgw/host/errcode"
)

// File names and limits of the loader (spec §9).
const (
	// DefaultFileName is the config file used when neither a flag nor
	// [EnvVar] names one.
	DefaultFileName = "decision-gate.toml"
	// EnvVar names the environment variable that may hold the config path.
	EnvVar = "DECISION_GATE_CONFIG"
	// MaxFileBytes is the largest config file accepted.
	MaxFileBytes = 1 << 20
)

// Config is a decoded, defaulted and validated decision-gate.toml.
//
// A Config returned by [Parse], [Load] or [Default] has every default
// filled in and has passed [Config.Validate]. Treat it as an immutable
// value: nothing in the server mutates it, and it may be read from any
// number of goroutines. Slices and maps inside it are shared, not copied.
type Config struct {
	Server            Server            `toml:"server"`
	Dev               Dev               `toml:"dev"`
	Namespace         Namespace         `toml:"namespace"`
	Trust             Trust             `toml:"trust"`
	Evidence          Evidence          `toml:"evidence"`
	ProviderDiscovery ProviderDiscovery `toml:"provider_discovery"`
	Anchors           Anchors           `toml:"anchors"`
	Validation        Validation        `toml:"validation"`
	Policy            Policy            `toml:"policy"`
	RunStateStore     RunStateStore     `toml:"run_state_store"`
	SchemaRegistry    SchemaRegistry    `toml:"schema_registry"`
	Docs              Docs              `toml:"docs"`
	// RunpackStorage is nil unless [runpack_storage] is present.
	RunpackStorage *RunpackStorage `toml:"runpack_storage"`
	// Providers are the [[providers]] entries in file order. They are
	// decoded through fileProvider, which adds the typed config table.
	Providers []Provider `toml:"-"`

	// Extensions of this server (see the package documentation).
	Wasm           Wasm           `toml:"wasm"`
	ExternalMCP    ExternalMCP    `toml:"external_mcp"`
	ProviderPolicy ProviderPolicy `toml:"provider_policy"`

	// Client holds the reference CLI's [client.auth_profiles.*] tables,
	// which live in the same file. The server itself does not use them.
	Client Client `toml:"client"`

	// Dir is the directory relative paths were resolved against ("" when
	// they were left relative to the working directory at use time).
	Dir string `toml:"-"`
	// Source describes the file the config came from; zero for [Parse]
	// and [Default].
	Source Source `toml:"-"`

	// set holds the indexed key path of every key present in the file
	// ("providers[2].timeouts.connect_timeout_ms"). Validate uses it to
	// tell an explicit value from a default. It is nil for a Config built
	// in code, in which case explicit-value checks are skipped.
	set keySet
}

// Source describes where a Config was loaded from.
type Source struct {
	// Path is the config file path as given to [Load].
	Path string
	// ModTime is the file's modification time; dev-permissive mode warns
	// when it is older than dev.permissive_ttl_days.
	ModTime time.Time
}

// DevPermissive reports whether dev-permissive mode is on: dev.permissive,
// or the legacy server.mode = "dev_permissive" (spec §7.9).
func (c *Config) DevPermissive() bool {
	return c.Dev.Permissive || c.Server.Mode == ModeDevPermissive
}

// Provider returns the [[providers]] entry named name.
func (c *Config) Provider(name string) (Provider, bool) {
	for _, p := range c.Providers {
		if p.Name == name {
			return p, true
		}
	}
	return Provider{}, false
}

// PathSource says which rule of the load order chose a config path.
type PathSource int

// The load order of spec §9.
const (
	// FromFlag: the --config flag.
	FromFlag PathSource = iota + 1
	// FromEnv: the DECISION_GATE_CONFIG environment variable.
	FromEnv
	// FromDefault: ./decision-gate.toml. The caller decides what a
	// missing default file means; serve falls back to [Default].
	FromDefault
)

// String returns "flag", "env" or "default".
func (s PathSource) String() string {
	switch s {
	case FromFlag:
		return "flag"
	case FromEnv:
		return "env"
	case FromDefault:
		return "default"
	}
	return fmt.Sprintf("PathSource(%d)", int(s))
}

// ResolvePath applies the load order: flag if non-empty, else the value of
// [EnvVar] read through getenv, else [DefaultFileName]. It does not touch
// the file system.
//
//	path, from, err := config.ResolvePath(*configFlag, os.Getenv)
//	if from == config.FromDefault && !exists(path) { cfg = config.Default() }
//
// # Errors
//
// invalid_argument when the environment variable holds a path longer than
// 4096 bytes.
func ResolvePath(flag string, getenv func(string) string) (string, PathSource, error) {
	if flag != "" {
		return flag, FromFlag, nil
	}
	if getenv != nil {
		if p := getenv(EnvVar); p != "" {
			if len(p) > maxPathBytes {
				return "", FromEnv, errcode.New(errcode.InvalidArgument, "config: %s: path exceeds 4096 bytes", EnvVar)
			}
			return p, FromEnv, nil
		}
	}
	return DefaultFileName, FromDefault, nil
}

// Load reads the config file at path (at most [MaxFileBytes], UTF-8) and
// returns [Parse]'s result, with relative paths resolved against the
// working directory and [Config.Source] filled in.
//
//	cfg, err := config.Load("decision-gate.toml")
//	if err != nil { return err } // every problem, one per line
//
// # Errors
//
// not_found when the file does not exist; invalid_argument for an
// over-long path, an over-size or non-UTF-8 file, and every decode or
// validation problem (all of them, joined); unavailable for other read
// failures.
func Load(path string) (*Config, error) {
	op := "config: load " + path
	if msg := checkPathString(path); msg != "" {
		return nil, errcode.New(errcode.InvalidArgument, "%s: path %s", op, msg)
	}
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errcode.Wrap(errcode.NotFound, op, err)
		}
		return nil, errcode.Wrap(errcode.Unavailable, op, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, errcode.Wrap(errcode.Unavailable, op, err)
	}
	var mod time.Time
	if st, err := f.Stat(); err == nil {
		mod = st.ModTime()
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, errcode.Wrap(errcode.Unavailable, op, err)
	}
	cfg, err := Parse(data, wd)
	if err != nil {
		return nil, errcode.Wrap(errcode.InvalidArgument, op, err)
	}
	cfg.Source = Source{Path: path, ModTime: mod}
	return cfg, nil
}

// Parse decodes data strictly, injects defaults, resolves relative paths
// against dir and validates the result. dir may be "" to leave relative
// paths relative. Parse does not touch the file system: whether files
// such as the json provider's root exist is checked at start-up.
//
// # Errors
//
// invalid_argument with every problem found, joined with [errors.Join]:
// TOML syntax and type errors (with line numbers), [*UnknownKeyError]s and
// [*FieldError]s. When the TOML does not decode, validation is skipped.
func Parse(data []byte, dir string) (*Config, error) {
	if len(data) > MaxFileBytes {
		return nil, errcode.New(errcode.InvalidArgument, "config: file exceeds %d bytes", MaxFileBytes)
	}
	if !utf8.Valid(data) {
		return nil, errcode.New(errcode.InvalidArgument, "config: file is not valid UTF-8")
	}
	cfg, problems := decode(data)
	if cfg == nil {
		return nil, problemsError(problems)
	}
	cfg.Dir = dir
	applyDefaults(cfg)
	resolvePaths(cfg, dir)
	problems = append(problems, cfg.validate()...)
	if len(problems) > 0 {
		return nil, problemsError(problems)
	}
	return cfg, nil
}

// problemsError joins problems into one invalid_argument error.
func problemsError(problems []error) error {
	return &errcode.Error{Code: errcode.InvalidArgument, Err: errors.Join(problems...)}
}
