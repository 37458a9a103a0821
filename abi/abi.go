package abi

// Version is the ABI version this package describes.
const Version = "pv1"

// ImportModule is the import-module name of the host functions. It carries
// the ABI version, so a module built for another version fails to link
// instead of misbehaving.
const ImportModule = "dg_pv1"

// Exports a module provides. Names are namespaced with "pv_" so they do not
// collide with a language runtime's own symbols (a bare "free" clashes with
// wasi-libc).
const (
	// ExportABIMarker is the version marker: a function () → () that is
	// never called. A module without it is refused.
	ExportABIMarker = "pv_abi_v1"
	// ExportInitialize is the optional reactor initialiser () → (), called
	// once per instance before anything else (Go c-shared, Rust cdylib).
	ExportInitialize = "_initialize"
	// ExportAlloc is (size i32) → i32: allocate size bytes in the module's
	// memory and return their address, or 0 on failure.
	ExportAlloc = "pv_alloc"
	// ExportFree is (ptr i32) → (): release a buffer obtained from
	// [ExportAlloc] or returned (packed) by [ExportDescribe] or [ExportQuery].
	ExportFree = "pv_free"
	// ExportDescribe is () → i64: the packed address and length of a
	// [Describe] document. 0 means failure.
	ExportDescribe = "pv_describe"
	// ExportQuery is (ptr i32, len i32) → i64: run the [QueryRequest] at
	// ptr and return the packed address and length of a [Response].
	// 0 means a fatal module error.
	ExportQuery = "pv_query"
	// ExportFrames is an optional marker () → (), never called: a module
	// that exports it reads [QueryFrame]s and answers [ResultFrame]s
	// instead of the JSON envelopes (see frame.go). With frames the host
	// allocates one input buffer per instance and reuses it for every
	// query, and the module owns each output until its next pv_query: the
	// host frees neither.
	ExportFrames = "pv_frames_v1"
	// ExportConfigure is optional (ptr i32, len i32) → i32: the host
	// passes the operator's config block once per instance, before the
	// first query; frames then omit it. 0 means accepted.
	ExportConfigure = "pv_configure"
)

// RequiredExports lists the exports every pv1 module must have.
var RequiredExports = []string{ExportABIMarker, ExportAlloc, ExportFree, ExportDescribe, ExportQuery}

// Capability names. They are versioned paths; a grant names them and a
// manifest requests them.
const (
	CapLog       = "log/v1"        // write log lines to the host's logger
	CapClock     = "clock/v1"      // read the host's real clock
	CapEnvGet    = "env/v1/get"    // read allowlisted environment variables
	CapFSRead    = "fs/v1/read"    // read regular files under a granted root
	CapHTTPFetch = "http/v1/fetch" // GET/HEAD allowlisted URLs
)

// Capabilities lists every capability name in catalogue order.
var Capabilities = []string{CapLog, CapClock, CapEnvGet, CapFSRead, CapHTTPFetch}

// Host functions in the [ImportModule] namespace. All pointers and lengths
// are i32 and refer to the calling module's memory.
const (
	// FuncLog is log(level i32, msg_ptr i32, msg_len i32) → i32. Needs
	// [CapLog]. Returns 0, or a negative [Status].
	FuncLog = "log"
	// FuncResultTake is result_take(out_ptr i32, out_cap i32) → i32. Needs
	// no capability. It copies the result the previous host call parked
	// because it did not fit, and returns its length.
	FuncResultTake = "result_take"
	// FuncClockNow is clock_now() → i64: Unix time in nanoseconds. Needs
	// [CapClock].
	FuncClockNow = "clock_now"
	// FuncEnvGet is env_get(key_ptr i32, key_len i32, out_ptr i32,
	// out_cap i32) → i32. Needs [CapEnvGet]. The key and value are raw
	// bytes, not JSON.
	FuncEnvGet = "env_get"
	// FuncFSRead is fs_read(req_ptr i32, req_len i32, out_ptr i32,
	// out_cap i32) → i32 with an [FSReadRequest] in and an [FSReadResponse]
	// out. Needs [CapFSRead].
	FuncFSRead = "fs_read"
	// FuncHTTPFetch is http_fetch(req_ptr i32, req_len i32, out_ptr i32,
	// out_cap i32) → i32 with an [HTTPFetchRequest] in and an
	// [HTTPFetchResponse] out. Needs [CapHTTPFetch].
	FuncHTTPFetch = "http_fetch"
)

// HostFunc describes one host function: its name, the capability a module
// needs to import it ("" for none), and its Wasm signature.
type HostFunc struct {
	Name       string
	Capability string
	Params     int  // number of i32 parameters
	ResultI64  bool // true for an i64 result, false for an i32 result
}

// HostFuncs lists every pv1 host function.
var HostFuncs = []HostFunc{
	{Name: FuncLog, Capability: CapLog, Params: 3},
	{Name: FuncResultTake, Capability: "", Params: 2},
	{Name: FuncClockNow, Capability: CapClock, Params: 0, ResultI64: true},
	{Name: FuncEnvGet, Capability: CapEnvGet, Params: 4},
	{Name: FuncFSRead, Capability: CapFSRead, Params: 4},
	{Name: FuncHTTPFetch, Capability: CapHTTPFetch, Params: 4},
}

// LookupHostFunc returns the host function with the given name.
func LookupHostFunc(name string) (HostFunc, bool) {
	for _, f := range HostFuncs {
		if f.Name == name {
			return f, true
		}
	}
	return HostFunc{}, false
}

// Pack packs an address and a length into the i64 that [ExportDescribe] and
// [ExportQuery] return: ptr<<32 | length.
func Pack(ptr, length uint32) uint64 { return uint64(ptr)<<32 | uint64(length) }

// Unpack splits a packed i64 into an address and a length.
func Unpack(v uint64) (ptr, length uint32) { return uint32(v >> 32), uint32(v) }

// LogLevel is the level argument of [FuncLog].
type LogLevel int32

// The log levels.
const (
	LogDebug LogLevel = 0
	LogInfo  LogLevel = 1
	LogWarn  LogLevel = 2
	LogError LogLevel = 3
)

var logLevelNames = [...]string{"debug", "info", "warn", "error"}

// String returns "debug", "info", "warn" or "error".
func (l LogLevel) String() string {
	if l < LogDebug || l > LogError {
		return "invalid"
	}
	return logLevelNames[l]
}

// ParseLogLevel parses a level name as returned by [LogLevel.String].
func ParseLogLevel(s string) (LogLevel, bool) {
	for i, n := range logLevelNames {
		if n == s {
			return LogLevel(i), true
		}
	}
	return 0, false
}
