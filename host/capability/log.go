package capability

import (
	"unicode/utf8"

	"github.com/decision-gate/dgw/abi"
)

// LogGrant is the log/v1 grant: a module may write lines to the host's
// logger, at most MaxLines per query and MaxLineBytes per line (0 means the
// ABI defaults).
type LogGrant struct {
	MaxLineBytes int `json:"max_line_bytes"`
	MaxLines     int `json:"max_lines"`
}

// Line checks one log line, given how many lines the module already wrote
// during this query, and returns it cut to the line cap at a UTF-8
// boundary. Past the line budget it answers [abi.StatusLimit]; a nil grant
// denies.
func (g *LogGrant) Line(written int, msg []byte) (string, error) {
	if g == nil {
		return "", fail(abi.CapLog, abi.StatusDenied, "not granted")
	}
	if written >= orDefault(g.MaxLines, abi.MaxLogLinesPerQuery) {
		return "", fail(abi.CapLog, abi.StatusLimit, "more than %d lines in one query", orDefault(g.MaxLines, abi.MaxLogLinesPerQuery))
	}
	return CutUTF8(msg, orDefault(g.MaxLineBytes, abi.MaxLogLineBytes)), nil
}

// CutUTF8 returns b as a string of at most n bytes, cut back to a UTF-8
// boundary; invalid bytes are kept as they are.
func CutUTF8(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	i := n
	for i > 0 && i > n-utf8.UTFMax && !utf8.RuneStart(b[i]) {
		i--
	}
	return string(b[:i])
}

// ClockGrant is the clock/v1 grant: the module sees the host's real wall
// clock and monotonic clock instead of a fake one. Built-in providers are
// never granted it: their time comes from the trigger, so that results
// replay identically.
type ClockGrant struct{}
