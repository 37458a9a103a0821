// Package config decodes decision-gate.toml strictly, injects its defaults
// and validates it, yielding an immutable [Config].
//
//	path, from, err := config.ResolvePath(flagValue, os.Getenv)
//	cfg, err := config.Load(path) // config.Default() when from == FromDefault and no file exists
//	// host/server maps cfg onto each package's own Options.
//
// The file format is the reference Decision Gate server's (spec §9 and
// its config.schema.json): snake_case keys, *_ms durations, [[providers]]
// arrays. Every reference file loads unchanged; this server adds sections
// of its own (see Extensions).
//
// # Sections
//
//   - [server]: transport (stdio, http, sse), mode, tls_termination, bind,
//     max_body_bytes, [server.limits] with an optional rate_limit,
//     [server.auth] (local_only, bearer_token, mtls; allowed_tools;
//     principals with roles), [server.tls], [server.audit],
//     [server.feedback.scenario_next], [server.tools].
//   - [dev]: dev-permissive mode (also the legacy server.mode).
//   - [namespace]: the default namespace and the AssetCore authority.
//   - [trust], [evidence], [provider_discovery], [anchors],
//     [validation]: evidence trust, disclosure and comparator policy.
//   - [policy]: the dispatch policy engine and its static rules.
//   - [run_state_store], [schema_registry] (with its ACL), [docs],
//     [runpack_storage].
//   - [[providers]]: builtin providers with a typed config table per
//     provider, external mcp providers, and wasm providers.
//   - [client.auth_profiles.NAME]: the reference CLI keeps these in the
//     same file; they are decoded and validated like everything else.
//
// # Strictness
//
// Every key the schema does not know is an error naming its full path,
// array indexes included ("unknown key: providers[2].timeouts.xyz"), and
// names match exactly (serde is case-sensitive; BurntSushi/toml alone is
// not). The reference ignores unknown keys. This server does not, because
// a typo in a security setting must not be silently ignored:
// "alow_default", "[server.auht]" or "require_signatur" would otherwise
// leave the safe-looking file running with defaults the operator believes
// they changed. For the same reason a few settings that the reference
// accepts but never reads are refused where they are written: bind with
// the stdio transport, rules or default with the builtin registry ACL,
// allow_local_only with the custom one, SQLite settings on a bbolt or
// postgres store.
//
// Other rules tighter than the reference's, each a file the reference
// would load but then misbehave on or fail with at start-up: an mcp
// provider sets exactly one of command and url; a json or assetcore
// builtin needs its config table; the json root_id format is checked
// here, not at start-up; require_signature needs at least one key; the
// http provider's timeout_ms is at least 1 (0 reads as "no timeout" to Go
// clients); a runpack_storage prefix has no empty segments.
//
// Decoding checks the parsed tree against the Go types rather than relying
// on MetaData.Undecoded alone, which names keys without array indexes,
// counts a key decoded for all elements once one element has it, and
// follows BurntSushi/toml's case-insensitive field matching. The tests
// check that every Undecoded key is reported.
//
// TOML syntax and type errors keep BurntSushi/toml's text, with line
// number and key ("toml: line 7 (last key "run_state_store.busy_timeout_ms"):
// incompatible types: ..."); a type error in a provider's config table is
// prefixed with the entry's indexed path. BurntSushi records one position
// per key name, so inside an array of tables the line of a type error may
// point at a later entry that uses the same key. A type error stops
// decoding, so validation runs only on a file that decodes; unknown keys
// are reported either way.
//
// Validation reports every problem at once, joined with errors.Join, each
// a [*FieldError] or [*UnknownKeyError] with its key path:
//
//	providers[2].timeouts.request_timeout_ms: must be between 500 and 30000 (got 40)
//
// # Defaults
//
// Defaults are injected in one place, after decoding and before
// validation, and only for keys the file leaves out: an explicit 0, false
// or [] is kept and validated. Optional tables (server.limits.rate_limit,
// server.tls, namespace.authority.assetcore, policy.static,
// runpack_storage) stay nil when absent and get field defaults when
// present. A builtin provider's config table must set every non-optional
// field (spec §0.3 fact 9); the provider's defaults apply only when the
// table is omitted, and json and assetcore have none, so they need one.
// anchors.providers[].required_fields are trimmed, emptied entries
// dropped, sorted and de-duplicated.
//
// # Paths
//
// Every file path is a [Path]: Raw as written (a signature key's key_id
// is its configured path string) and Resolved. [Load] resolves relative
// paths against the working directory, as the reference does; presets
// such as root = "./evidence" mean the directory the server runs in.
// Config validation checks path syntax and length only: whether a file or
// directory exists (the json root, key files, contracts) is a start-up
// check, so the presets, whose ./evidence root may be missing, validate
// here and fail later only where the reference also fails.
//
// # Secrets
//
// Bearer tokens and auth tokens are [Secret]s: String, every fmt verb,
// slog and text marshalling render "[REDACTED]", and validation messages
// name the key, never the value. Postgres credentials are never in the
// file: dsn_env and password_env name environment variables.
//
// # Extensions
//
// Third-party Wasm providers: [[providers]] with type = "wasm", module,
// manifest and signature paths, a free-form config table (the operator's
// capability grant, kept as JSON-like values for the Wasm host to check
// against the module's signed manifest; TOML date-times are refused), and
// limits = {timeout_ms, memory_pages, max_input_bytes, max_output_bytes,
// pool_size}, which builtin providers accept too. The [wasm] section lists
// trusted_keys, each scoped to provider names ("acme.*"); a signed module
// needs a key whose scope covers its name. allow_unsigned is for
// development and requires dev-permissive mode. assetcore and
// assetcore_read are builtin names here ({base_url, namespace_id,
// auth_token?}) for the embedded AssetCore module, served under that id;
// the reference reaches AssetCore only as the external mcp provider
// "assetcore_read", and an mcp provider may still take that name.
//
// External MCP broker (design/broker.md §4.2): [external_mcp] defaults and
// strict mode; per mcp provider protocol, optional, egress_allowlist,
// allow_unenforced_egress, required_env, env_passthrough, env,
// command_sha256, contract_sha256, timeouts.startup_timeout_ms,
// circuit_breaker, preflight, max_concurrency and max_queue, inheriting
// from [external_mcp] field by field; auth.bearer_token_env; and
// [provider_policy]. They parse and validate now; the broker comes later.
//
// Stores: type may also be "bbolt" (needs path) or "postgres" (dsn_env, or
// host, database and user; port, password_env, sslmode, max_conns), in
// both run_state_store and schema_registry.
//
// # Concurrency
//
// A Config is not modified after [Parse] returns it and may be read from
// any number of goroutines. Slices and maps inside it are shared: copy
// before changing one.
package config
