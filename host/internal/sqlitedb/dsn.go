// Package sqlitedb holds what the SQLite backends (run store and schema
// registry) share: the connection string they open their files with (a
// file: URI carrying the pragmas every new connection runs, and BEGIN
// IMMEDIATE so writers take the lock up front) and the classification of
// SQLite errors into host/errcode codes.
package sqlitedb

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// DefaultBusyTimeoutMS is the busy timeout when none is given.
const DefaultBusyTimeoutMS = 5000

// Build returns the DSN for the database file at path. journal is wal
// (default) or delete, sync is full (default) or normal, busyMS 0 means
// [DefaultBusyTimeoutMS]. Errors name the offending setting.
func Build(path, journal, sync string, busyMS int64) (string, error) {
	j := strings.ToLower(journal)
	switch j {
	case "":
		j = "wal"
	case "wal", "delete":
	default:
		return "", fmt.Errorf("journal_mode %q is not wal or delete", journal)
	}
	s := strings.ToLower(sync)
	switch s {
	case "":
		s = "full"
	case "full", "normal":
	default:
		return "", fmt.Errorf("sync_mode %q is not full or normal", sync)
	}
	switch {
	case busyMS == 0:
		busyMS = DefaultBusyTimeoutMS
	case busyMS < 0:
		return "", fmt.Errorf("busy_timeout_ms %d is negative", busyMS)
	}
	if path == "" {
		return "", fmt.Errorf("path is empty")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	// In a file: URI, '%', '?' and '#' would be read as syntax.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(abs))
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(busyMS, 10)+")")
	q.Add("_pragma", "journal_mode("+j+")")
	q.Add("_pragma", "synchronous("+s+")")
	q.Set("_txlock", "immediate")
	return "file:" + escaped + "?" + q.Encode(), nil
}
