package config

// StoreType selects a storage backend. The reference has memory and
// sqlite; bbolt and postgres are this server's.
type StoreType string

// Store backends.
const (
	StoreMemory   StoreType = "memory"
	StoreSQLite   StoreType = "sqlite"
	StoreBolt     StoreType = "bbolt"
	StorePostgres StoreType = "postgres"
)

// Store is the backend selection shared by [RunStateStore] and
// [SchemaRegistry]; its keys appear directly in those tables.
type Store struct {
	Type StoreType `toml:"type"` // default memory
	// Path is the database file for sqlite and bbolt; memory and
	// postgres forbid it.
	Path Path `toml:"path"`
	// BusyTimeoutMS, JournalMode and SyncMode are SQLite settings; bbolt
	// and postgres reject them when given.
	BusyTimeoutMS int64  `toml:"busy_timeout_ms"` // default 5000, >= 0
	JournalMode   string `toml:"journal_mode"`    // wal (default) | delete
	SyncMode      string `toml:"sync_mode"`       // full (default) | normal
	Postgres
}

// Postgres holds the postgres connection settings, valid only with
// type = "postgres". Credentials never sit in the file: DSNEnv and
// PasswordEnv name environment variables.
type Postgres struct {
	// DSNEnv names the variable holding a full connection string; it
	// excludes the discrete fields below.
	DSNEnv      string `toml:"dsn_env"`
	Host        string `toml:"host"`
	Port        int64  `toml:"port"` // default 5432
	Database    string `toml:"database"`
	User        string `toml:"user"`
	PasswordEnv string `toml:"password_env"`
	// SSLMode is a libpq sslmode; default verify-full.
	SSLMode  string `toml:"sslmode"`
	MaxConns int64  `toml:"max_conns"` // default 8, 1..1024
}

// RunStateStore is [run_state_store].
type RunStateStore struct {
	Store
	// MaxVersions is the number of run-state versions kept per run; nil
	// keeps all.
	MaxVersions *int64 `toml:"max_versions"`
}

// SchemaRegistry is [schema_registry] (spec §7.4).
type SchemaRegistry struct {
	Store
	MaxSchemaBytes int64 `toml:"max_schema_bytes"` // default 1048576, 1..10485760
	// MaxEntries caps schemas per tenant and namespace; nil is unlimited.
	MaxEntries *int64      `toml:"max_entries"`
	ACL        RegistryACL `toml:"acl"`
}

// ACLMode is schema_registry.acl.mode.
type ACLMode string

// Registry ACL modes (spec §7.5).
const (
	ACLBuiltin ACLMode = "builtin"
	ACLCustom  ACLMode = "custom"
)

// RegistryACL is [schema_registry.acl].
type RegistryACL struct {
	Mode ACLMode `toml:"mode"` // default builtin
	// AllowLocalOnly lets any local caller through (builtin mode only).
	AllowLocalOnly bool `toml:"allow_local_only"`
	RequireSigning bool `toml:"require_signing"`
	// Default is "allow" or "deny" (custom mode only; default deny).
	Default string    `toml:"default"`
	Rules   []ACLRule `toml:"rules"` // custom mode only; at most 256
}

// ACLRule is one custom registry ACL rule; an empty list matches anything.
type ACLRule struct {
	Effect        string   `toml:"effect"`  // allow | deny
	Actions       []string `toml:"actions"` // register | list | get
	Tenants       []int64  `toml:"tenants"`
	Namespaces    []int64  `toml:"namespaces"`
	Subjects      []string `toml:"subjects"`
	Roles         []string `toml:"roles"`
	PolicyClasses []string `toml:"policy_classes"`
}
