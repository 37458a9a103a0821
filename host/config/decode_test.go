package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// testFiles returns every TOML file under testdata.
func testFiles(t testing.TB) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"testdata/*/*.toml", "testdata/*/*/*.toml"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	return files
}

// TestDecode_coversUndecoded checks that the strict walker reports every
// key BurntSushi/toml leaves in MetaData.Undecoded, on every test file:
// each is reported itself or under a reported parent (an unknown table, a
// refused config table). Only keys inside free-form tables (a wasm grant,
// preflight.probe_params) are exempt.
func TestDecode_coversUndecoded(t *testing.T) {
	for _, f := range testFiles(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]any
		if _, err := toml.Decode(string(data), &raw); err != nil {
			continue // syntax errors have no metadata
		}
		var fc fileConfig
		md, err := toml.Decode(string(data), &fc)
		if err != nil {
			continue // type errors stop BurntSushi before Undecoded is complete
		}
		wasm := false
		entries := rawTables(raw["providers"])
		for i := range fc.Providers {
			wasm = wasm || fc.Providers[i].Type == ProviderWasm
			_ = decodeProviderConfig(&md, &fc.Providers[i], entries[i]["config"], "", func(string, string) {})
		}

		// Keys with a problem, without indexes: an unknown key, or a
		// table refused as a whole (an mcp provider's config).
		_, err = Parse(data, "")
		var list interface{ Unwrap() []error }
		errors.As(err, &list)
		reported := map[string]bool{}
		if list != nil {
			for _, e := range list.Unwrap() {
				var uk *UnknownKeyError
				var fe *FieldError
				switch {
				case errors.As(e, &uk):
					reported[indexRE.ReplaceAllString(uk.Key, "")] = true
				case errors.As(e, &fe):
					reported[indexRE.ReplaceAllString(fe.Key, "")] = true
				}
			}
		}
		covered := func(key toml.Key) bool {
			for i := len(key); i > 0; i-- {
				if reported[key[:i].String()] {
					return true
				}
			}
			return false
		}
		for _, k := range md.Undecoded() {
			s := k.String()
			freeForm := wasm && strings.HasPrefix(s, "providers.config.") ||
				strings.Contains(s, ".preflight.probe_params.")
			if !covered(k) && !freeForm {
				t.Errorf("%s: Undecoded key %s was not reported", f, s)
			}
		}
	}
}

// TestDecode_exactNames checks what MetaData.Undecoded alone would miss:
// case-insensitive matches, and a key that one array element has
// legitimately and another has by mistake.
func TestDecode_exactNames(t *testing.T) {
	src := `
[Server]
Transport = "stdio"

[[providers]]
name = "json"
type = "builtin"
config = { root = ".", root_id = "r", max_bytes = 1, allow_yaml = true }

[[providers]]
name = "time"
type = "builtin"
config = { allow_logical = true, root = "." }
`
	_, err := Parse([]byte(src), "")
	for _, want := range []string{
		"unknown key: Server\n",
		"unknown key: providers[1].config.root\n",
	} {
		if err == nil || !strings.Contains(err.Error()+"\n", want) {
			t.Errorf("err = %v\nwant %q", err, want)
		}
	}
}

// FuzzParse checks that Parse never panics, and that a config it accepts
// validates again unchanged.
func FuzzParse(f *testing.F) {
	for _, name := range testFiles(f) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(DefaultTOML())
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse(data, "/fuzz")
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("Validate after a successful Parse: %v", err)
		}
	})
}
