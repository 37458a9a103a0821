package wasm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSections(t *testing.T) {
	imports, exports, err := parseSections(wat(t, "oob"))
	if err != nil {
		t.Fatal(err)
	}
	if len(imports) != 1 || imports[0] != (wasmImport{Module: "dg_pv1", Name: "env_get", Kind: kindFunc}) {
		t.Fatalf("imports %+v", imports)
	}
	var names []string
	for _, e := range exports {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, " "); got != "memory pv_abi_v1 pv_alloc pv_free pv_describe pv_query" {
		t.Fatalf("exports %s", got)
	}

	bad := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "bad magic"},
		{"component", []byte("\x00asm\x0d\x00\x01\x00"), "binary version"},
		{"section past end", []byte("\x00asm\x01\x00\x00\x00\x07\x10\x01"), "unexpected end"},
		{"long leb", []byte("\x00asm\x01\x00\x00\x00\x07\xff\xff\xff\xff\xff\x01"), "too long"},
		{"name past end", []byte("\x00asm\x01\x00\x00\x00\x02\x03\x01\x05a"), "unexpected end"},
		{"unknown import kind", []byte("\x00asm\x01\x00\x00\x00\x02\x06\x01\x01a\x01b\x09"), "unknown kind"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := parseSections(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestParseSectionsGoGuest(t *testing.T) {
	imports, exports, err := parseSections(guest(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkExports(exports); err != nil {
		t.Fatal(err)
	}
	var dg []string
	for _, im := range imports {
		if im.Module == "dg_pv1" {
			dg = append(dg, im.Name)
		}
	}
	if got := strings.Join(dg, " "); got != "log result_take env_get fs_read http_fetch" {
		t.Fatalf("dg_pv1 imports: %s", got)
	}
}

func FuzzParseSections(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "wat", "*.wasm"))
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		imports, exports, err := parseSections(b)
		if err != nil {
			return
		}
		for _, im := range imports {
			if len(im.Module)+len(im.Name) > len(b) {
				t.Fatalf("import %+v longer than the module", im)
			}
		}
		_ = checkExports(exports) // must not panic on any parse result
	})
}
