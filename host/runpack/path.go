package runpack

import (
	"fmt"
	"strings"
)

// Path limits.
const (
	maxPathBytes      = 4096
	maxComponentBytes = 255
)

// CheckPath validates a relative artifact path: non-empty, relative, forward
// slashes, no "." or ".." component, no empty component, at most 4096 bytes
// in all and 255 per component, no NUL or backslash.
func CheckPath(p string) error {
	if p == "" {
		return fmt.Errorf("path is empty")
	}
	if len(p) > maxPathBytes {
		return fmt.Errorf("path %q exceeds %d bytes", truncate(p), maxPathBytes)
	}
	if strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") || (len(p) > 1 && p[1] == ':') {
		return fmt.Errorf("path %q must be relative with forward slashes", truncate(p))
	}
	for _, c := range strings.Split(p, "/") {
		switch {
		case c == "" || c == "." || c == "..":
			return fmt.Errorf("path %q has an invalid component %q", truncate(p), c)
		case len(c) > maxComponentBytes:
			return fmt.Errorf("path %q has a component over %d bytes", truncate(p), maxComponentBytes)
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
