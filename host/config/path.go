package config

import (
	"path/filepath"
	"strings"
)

// Path limits, the same as the reference's.
const (
	maxPathBytes          = 4096
	maxPathComponentBytes = 255
)

// Path is a file system path written in the config file.
//
// Raw is the string exactly as written. It matters beyond display: a
// signature key's key_id is its configured path string (spec §8.4).
// Resolved is Raw made usable: Raw joined to the directory given to [Parse]
// when Raw is relative, Raw cleaned otherwise. [Load] passes the working
// directory, as the reference resolves paths against the process's working
// directory, not the config file's.
//
// The zero Path means "not set".
type Path struct {
	Raw      string
	Resolved string
}

// IsSet reports whether the path was given.
func (p Path) IsSet() bool { return p.Raw != "" }

// String returns Raw.
func (p Path) String() string { return p.Raw }

// UnmarshalTOML implements [toml.Unmarshaler]: only a TOML string is
// accepted.
func (p *Path) UnmarshalTOML(v any) error {
	s, ok := v.(string)
	if !ok {
		return typeMismatch(v, "string")
	}
	p.Raw = s
	return nil
}

// resolve fills Resolved from Raw and dir.
func (p *Path) resolve(dir string) {
	switch {
	case p.Raw == "":
		p.Resolved = ""
	case filepath.IsAbs(p.Raw) || dir == "":
		p.Resolved = filepath.Clean(p.Raw)
	default:
		p.Resolved = filepath.Join(dir, p.Raw)
	}
}

// checkPathString reports why s is not an acceptable path: blank, longer
// than 4096 bytes, or with a component longer than 255 bytes.
func checkPathString(s string) string {
	t := strings.TrimSpace(s)
	switch {
	case t == "":
		return "must not be empty"
	case len(t) > maxPathBytes:
		return "must be at most 4096 bytes long"
	}
	for c := range strings.SplitSeq(filepath.ToSlash(t), "/") {
		if len(c) > maxPathComponentBytes {
			return "has a path component longer than 255 bytes"
		}
	}
	return ""
}
