package config

import (
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/BurntSushi/toml"
)

// Why not just MetaData.Undecoded? It names keys without array indexes
// ("providers.timeouts.xyz"), it marks a key decoded for every element of
// an array once any element has it, and BurntSushi/toml matches struct
// fields case-insensitively, so "Transport" would silently fill transport.
// The walker below checks the parsed tree against the Go types instead:
// exact names, every element, full indexed paths. It reports a superset of
// Undecoded (decode_test.go checks this on every test file).

// fileConfig is the decode shape of a whole file.
type fileConfig struct {
	Config
	Providers []fileProvider `toml:"providers"`
}

// keySet holds indexed key paths.
type keySet map[string]struct{}

// has reports whether key is in the set; a nil set has nothing.
func (s keySet) has(key string) bool {
	_, ok := s[key]
	return ok
}

// tableShaper is implemented (on the pointer) by leaf types that decode
// themselves but may be written as a table; the walker checks that table
// against the returned type.
type tableShaper interface{ tomlShape() reflect.Type }

// primitiveShaper is implemented by structs with a [toml.Primitive] field
// whose table type depends on sibling keys.
type primitiveShaper interface {
	primitiveShape(key string, entry map[string]any) reflect.Type
}

var (
	primitiveType       = reflect.TypeFor[toml.Primitive]()
	unmarshalerType     = reflect.TypeFor[toml.Unmarshaler]()
	tableShaperType     = reflect.TypeFor[tableShaper]()
	primitiveShaperType = reflect.TypeFor[primitiveShaper]()
)

// decode parses data strictly. It returns a nil Config when the TOML does
// not decode; problems holds unknown keys and decode errors.
func decode(data []byte) (*Config, []error) {
	src := string(data)
	var raw map[string]any
	if _, err := toml.Decode(src, &raw); err != nil {
		return nil, []error{err}
	}
	var f fileConfig
	md, decodeErr := toml.Decode(src, &f)

	w := walker{set: keySet{}}
	w.table("", raw, reflect.TypeFor[fileConfig]())
	var errs []error
	for _, k := range documentOrder(w.unknown, md.Keys()) {
		errs = append(errs, &UnknownKeyError{Key: k})
	}
	if decodeErr != nil {
		return nil, append(errs, decodeErr)
	}

	cfg := f.Config
	cfg.set = w.set
	entries := rawTables(raw["providers"])
	failed := false
	report := func(key, msg string) {
		failed = true
		errs = append(errs, &FieldError{Key: key, Msg: msg})
	}
	for i := range f.Providers {
		fp := &f.Providers[i]
		key := index("providers", i)
		var rawConfig any
		if i < len(entries) {
			rawConfig = entries[i]["config"]
		}
		if err := decodeProviderConfig(&md, fp, rawConfig, key+".config", report); err != nil {
			report(key+".config", err.Error())
		}
		fp.Preflight.ProbeParams, _ = jsonLike(fp.Preflight.ProbeParams, key+".preflight.probe_params", report).(map[string]any)
		cfg.Providers = append(cfg.Providers, fp.Provider)
	}
	if failed {
		return nil, errs
	}
	return &cfg, errs
}

// decodeProviderConfig decodes the config table of a builtin or wasm entry
// into its typed field. raw is the table as parsed, nil when absent; key is
// its path, for problems in a wasm grant passed to report. Other
// cases (mcp, unknown types or names) are left to validation.
func decodeProviderConfig(md *toml.MetaData, fp *fileProvider, raw any, key string, report func(key, msg string)) error {
	if raw == nil {
		return nil
	}
	var target any
	switch fp.Type {
	case ProviderBuiltin:
		bc, ok := builtinConfigs[fp.Name]
		if !ok {
			return nil
		}
		target = reflect.New(bc.typ).Interface()
	case ProviderWasm:
		target = &map[string]any{}
	default:
		return nil
	}
	if _, ok := raw.(map[string]any); !ok {
		return fmt.Errorf("must be a table (got %s)", tomlTypeName(raw))
	}
	if err := md.PrimitiveDecode(fp.Config, target); err != nil {
		return err
	}
	switch t := target.(type) {
	case *TimeConfig:
		fp.Time = t
	case *EnvConfig:
		fp.Env = t
	case *JSONConfig:
		fp.JSON = t
	case *HTTPConfig:
		fp.HTTP = t
	case *AssetCoreConfig:
		fp.AssetCore = t
	case *map[string]any:
		fp.Grant, _ = jsonLike(*t, key, report).(map[string]any)
	}
	return nil
}

// jsonLike returns v with arrays of tables turned into []any, so a
// free-form table holds only JSON-like values: string, int64, float64,
// bool, []any and map[string]any. TOML date-times and non-finite floats
// have no JSON form; each is reported with its key path and dropped.
func jsonLike(v any, key string, report func(key, msg string)) any {
	switch v := v.(type) {
	case nil, string, int64, bool:
		return v
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			report(key, "nan and inf have no JSON form")
			return nil
		}
		return v
	case time.Time:
		report(key, "TOML date-times have no JSON form")
		return nil
	case map[string]any:
		if v == nil {
			return v
		}
		out := make(map[string]any, len(v))
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out[k] = jsonLike(v[k], join(key, quoteKey(k)), report)
		}
		return out
	case []map[string]any, []any:
		list := rawList(v)
		out := make([]any, len(list))
		for i, e := range list {
			out[i] = jsonLike(e, index(key, i), report)
		}
		return out
	}
	report(key, tomlTypeName(v)+" values have no JSON form")
	return nil
}

// walker checks a parsed TOML tree against Go types, recording every key
// present and every key unknown.
type walker struct {
	set     keySet
	unknown []string
}

// table checks the table raw, found at key, against struct type t.
func (w *walker) table(key string, raw map[string]any, t reflect.Type) {
	fields := tomlFields(t)
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		p := join(key, quoteKey(k))
		w.set[p] = struct{}{}
		f, ok := fields[k]
		if !ok {
			w.unknown = append(w.unknown, p)
			continue
		}
		if f.Type == primitiveType {
			if t.Implements(primitiveShaperType) {
				shape := reflect.Zero(t).Interface().(primitiveShaper).primitiveShape(k, raw)
				if m, ok := raw[k].(map[string]any); ok && shape != nil {
					w.table(p, m, shape)
				}
			}
			continue
		}
		w.value(p, raw[k], f.Type)
	}
}

// value checks the value v, found at key, against type t.
func (w *walker) value(key string, v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pt := reflect.PointerTo(t)
	if pt.Implements(tableShaperType) {
		if m, ok := v.(map[string]any); ok {
			w.table(key, m, reflect.Zero(pt).Interface().(tableShaper).tomlShape())
		}
		return
	}
	if pt.Implements(unmarshalerType) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if m, ok := v.(map[string]any); ok {
			w.table(key, m, t)
		}
	case reflect.Slice, reflect.Array:
		for i, e := range rawList(v) {
			w.value(index(key, i), e, t.Elem())
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			p := join(key, quoteKey(k))
			w.set[p] = struct{}{}
			w.value(p, m[k], t.Elem())
		}
	}
}

// quoteKey returns k as a TOML key path segment, quoted when not bare.
func quoteKey(k string) string { return toml.Key{k}.String() }

// tomlFields maps the TOML keys of struct type t to its fields, flattening
// untagged embedded structs as BurntSushi/toml does. Index is the full
// index path for [reflect.Value.FieldByIndex].
func tomlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	var visit func(t reflect.Type, prefix []int)
	visit = func(t reflect.Type, prefix []int) {
		var embedded []reflect.StructField
		for i := range t.NumField() {
			f := t.Field(i)
			f.Index = append(slices.Clone(prefix), i)
			name := tagName(f)
			if name == "-" || (!f.IsExported() && !f.Anonymous) {
				continue
			}
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				embedded = append(embedded, f)
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := out[name]; !dup {
				out[name] = f
			}
		}
		for _, f := range embedded {
			visit(f.Type, f.Index)
		}
	}
	visit(t, nil)
	return out
}

// tagName returns the name part of a field's toml tag.
func tagName(f reflect.StructField) string {
	tag := f.Tag.Get("toml")
	for i := range len(tag) {
		if tag[i] == ',' {
			return tag[:i]
		}
	}
	return tag
}

// rawList returns a parsed TOML array as []any; nil for anything else.
func rawList(v any) []any {
	switch v := v.(type) {
	case []any:
		return v
	case []map[string]any:
		out := make([]any, len(v))
		for i, m := range v {
			out[i] = m
		}
		return out
	}
	return nil
}

// rawTables returns a parsed array of tables with one entry per element,
// nil for elements that are not tables.
func rawTables(v any) []map[string]any {
	list := rawList(v)
	out := make([]map[string]any, len(list))
	for i, e := range list {
		out[i], _ = e.(map[string]any)
	}
	return out
}

// indexRE matches array indexes in key paths.
var indexRE = regexp.MustCompile(`\[\d+\]`)

// documentOrder sorts indexed key paths by where their unindexed form
// first appears in the document (keys as [toml.MetaData.Keys] lists them),
// keeping walk order for ties.
func documentOrder(paths []string, keys []toml.Key) []string {
	first := make(map[string]int, len(keys))
	for i, k := range keys {
		s := k.String()
		if _, ok := first[s]; !ok {
			first[s] = i
		}
	}
	pos := func(p string) int {
		if i, ok := first[indexRE.ReplaceAllString(p, "")]; ok {
			return i
		}
		return len(keys)
	}
	out := slices.Clone(paths)
	sort.SliceStable(out, func(i, j int) bool { return pos(out[i]) < pos(out[j]) })
	return out
}
