package abi

// Size and count limits of pv1. The host enforces them; an operator may
// lower the per-provider ones (input, output) but a module may rely on
// these maxima being available.
const (
	// MaxInputBytes caps an encoded [QueryRequest].
	MaxInputBytes = 256 << 10
	// MaxOutputBytes caps an encoded [Response]. A larger output is a
	// limit error and the instance is discarded.
	MaxOutputBytes = 1 << 20
	// MaxDescribeBytes caps an encoded [Describe] document.
	MaxDescribeBytes = 1 << 20
	// MaxHostRequestBytes caps the request a module passes to a host
	// function (env key, fs_read or http_fetch JSON).
	MaxHostRequestBytes = 64 << 10
	// MaxHostCallsPerQuery caps host calls (log and result_take excluded)
	// during one pv_query; later calls answer [StatusLimit].
	MaxHostCallsPerQuery = 32
	// MaxLogLinesPerQuery caps log calls during one pv_query; later lines
	// are dropped and answer [StatusLimit].
	MaxLogLinesPerQuery = 100
	// MaxLogLineBytes caps one log line; longer lines are cut.
	MaxLogLineBytes = 4096
	// MaxGuestErrorBytes caps the error message of a [Response] as the
	// host reports it; longer text is cut at a UTF-8 boundary.
	MaxGuestErrorBytes = 512
)
