package host_test

import (
	"os/exec"
	"strings"
	"testing"
)

// levels is the import ladder: a package may import only from lower
// levels (and, within a family such as host/registry/..., its own family).
// Third-party and standard-library imports are checked by the fences below.
var levels = []struct {
	level    int
	prefixes []string
}{
	{0, []string{"abi", "host/errcode", "host/egress", "host/internal/", "docs/guides", "plugins/internal/jsonv"}},
	{1, []string{"host/internal/pgerr", "host/internal/sqlitedb", "host/internal/mcpstub", "host/internal/assetcorestub", "host/evidence", "host/config", "host/capability", "host/trust", "host/docs", "sdk"}},
	{2, []string{"host/provider", "host/scenario", "host/compare", "host/nsauth", "plugins/internal/contract", "plugins/internal/plugintest"}},
	{3, []string{"host/wasm", "host/engine", "host/broker/", "host/evsig", "host/provpolicy", "plugins/"}},
	{4, []string{"host/store", "host/registry", "host/runpack", "host/policy", "host/audit", "host/provenance"}},
	{5, []string{"host/mcp"}},
	{6, []string{"host/server"}},
	{7, []string{"cmd/"}},
	{8, []string{"examples/"}},
}

// fences name third-party imports that only some packages may use.
var fences = []struct {
	imp     string
	allowed []string
}{
	{"github.com/tetratelabs/wazero", []string{"host/wasm"}},
	{"github.com/mark3labs/mcp-go", []string{"host/mcp"}},
	{"go.etcd.io/bbolt", []string{"host/store/boltstore", "host/registry/boltreg"}},
	{"modernc.org/sqlite", []string{"host/store/sqlitestore", "host/registry/sqlitereg", "host/internal/sqlitedb"}},
	{"github.com/jackc/pgx", []string{"host/store/pgstore", "host/registry/pgreg", "host/internal/pgerr"}},
	{"github.com/sigstore/sigstore", []string{"host/trust"}},
}

const module = "github.com/decision-gate/dgw/"

func levelOf(pkg string) (int, string, bool) {
	rel := strings.TrimPrefix(pkg, module)
	best, bestLen, family := -1, -1, ""
	for _, l := range levels {
		for _, p := range l.prefixes {
			if (rel == strings.TrimSuffix(p, "/") || strings.HasPrefix(rel, p) || strings.HasPrefix(rel, p+"/")) && len(p) > bestLen {
				best, bestLen, family = l.level, len(p), strings.TrimSuffix(p, "/")
			}
		}
	}
	return best, family, best >= 0
}

func TestImportLadder(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "../...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		if strings.Contains(pkg, "/bench/") || pkg == strings.TrimSuffix(module, "/")+"/host" {
			continue
		}
		lv, fam, ok := levelOf(pkg)
		if !ok {
			t.Errorf("%s is not on the ladder: add it to levels in host/deps_test.go", pkg)
			continue
		}
		for _, imp := range imports {
			for _, f := range fences {
				if strings.HasPrefix(imp, f.imp) && !allowedBy(pkg, f.allowed) {
					t.Errorf("%s imports %s, which only %v may use", pkg, imp, f.allowed)
				}
			}
			if !strings.HasPrefix(imp, module) {
				continue
			}
			il, ifam, ok := levelOf(imp)
			if !ok {
				continue // reported as its own package
			}
			sameFamily := fam == ifam && !isTop(fam)
			if il >= lv && !sameFamily {
				t.Errorf("%s (level %d) imports %s (level %d): imports must flow down the ladder", pkg, lv, imp, il)
			}
		}
		rel := strings.TrimPrefix(pkg, module)
		if strings.HasPrefix(rel, "sdk") || strings.HasPrefix(rel, "plugins") {
			for _, imp := range imports {
				if strings.HasPrefix(imp, module+"host/") {
					t.Errorf("%s imports %s: sdk and plugins never import host/", pkg, imp)
				}
			}
		}
		if rel == "host/engine" {
			for _, imp := range imports {
				if imp == "net" || imp == "os" || imp == "database/sql" || strings.HasPrefix(imp, "net/") {
					t.Errorf("host/engine imports %s: the engine does no I/O", imp)
				}
			}
		}
	}
}

func allowedBy(pkg string, allowed []string) bool {
	rel := strings.TrimPrefix(pkg, module)
	for _, a := range allowed {
		if rel == a || strings.HasPrefix(rel, a+"/") {
			return true
		}
	}
	return false
}

// isTop reports prefixes that group unrelated packages rather than one
// family (cmd/, plugins/, host/internal/).
func isTop(fam string) bool {
	return fam == "cmd" || fam == "plugins" || fam == "host/internal" || fam == "plugins/internal"
}
