package pgtest

import (
	"os/exec"
	"strings"
	"testing"
)

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct {
		name, dsn, want string
	}{
		{"url", "postgres://u:p@127.0.0.1:15432/postgres?sslmode=disable", "postgres://u:p@127.0.0.1:15432/db1?sslmode=disable"},
		{"url_no_path", "postgresql://h", "postgresql://h/db1"},
		{"keyword", "host=/tmp port=5432 dbname=postgres", "host=/tmp port=5432 dbname=postgres dbname=db1"},
		{"keyword_trailing_space", "host=h ", "host=h dbname=db1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := WithDatabase(tc.dsn, "db1")
			if err != nil || got != tc.want {
				t.Fatalf("WithDatabase(%q) = %q, %v; want %q", tc.dsn, got, err, tc.want)
			}
		})
	}
	if _, err := WithDatabase("postgres://u:secret@[bad", "x"); err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("bad URL: %v", err)
	}
}

func TestCompareVersionDirs(t *testing.T) {
	a, b := "/usr/lib/postgresql/9.6/bin/psql", "/usr/lib/postgresql/15/bin/psql"
	if compareVersionDirs(a, b) >= 0 || compareVersionDirs(b, a) <= 0 {
		t.Fatalf("9.6 must sort before 15")
	}
}

// TestDSN checks that each call gets its own empty database, dropped at
// cleanup.
func TestDSN(t *testing.T) {
	var names []string
	t.Run("create", func(t *testing.T) {
		for range 2 {
			dsn := DSN(t)
			names = append(names, dsn)
			if out, err := exec.Command(mustPsql(t), "-X", "-tA", "-d", dsn, "-c", "SELECT current_database()").CombinedOutput(); err != nil ||
				!strings.HasPrefix(strings.TrimSpace(string(out)), DatabasePrefix) {
				t.Fatalf("current_database: %s, %v", out, err)
			}
		}
		if names[0] == names[1] {
			t.Fatalf("two calls returned the same database %s", names[0])
		}
	})
	if t.Skipped() || len(names) < 2 {
		return
	}
	for _, dsn := range names {
		if err := exec.Command(mustPsql(t), "-X", "-tA", "-d", dsn, "-c", "SELECT 1").Run(); err == nil {
			t.Errorf("database %s still exists after cleanup", dsn)
		}
	}
}

func mustPsql(t *testing.T) string {
	t.Helper()
	p, err := psqlPath()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"": false, "0": false, "false": false, "FALSE": false, "true": true, "1": true, "yes": true} {
		t.Setenv("CI", v)
		if got := inCI(); got != want {
			t.Errorf("CI=%q: inCI() = %v, want %v", v, got, want)
		}
	}
}
