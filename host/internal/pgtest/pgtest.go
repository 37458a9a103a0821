package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvDSN names the variable holding the administrative connection string.
const EnvDSN = "DG_TEST_POSTGRES_DSN"

// DatabasePrefix starts the name of every database [DSN] creates.
const DatabasePrefix = "dg_test_"

// adminTimeout bounds one psql call (connect, CREATE or DROP DATABASE).
const adminTimeout = 60 * time.Second

var banner sync.Once

// DSN returns a connection string for a new, empty database that exists
// until the test (or benchmark) ends; it is dropped then, along with any
// connection still open to it.
//
// Without DG_TEST_POSTGRES_DSN, DSN fails the test when CI is "true" and
// skips it otherwise (see the package documentation). Any other problem
// (psql missing, server unreachable, no CREATEDB right) fails the test.
func DSN(tb testing.TB) string {
	tb.Helper()
	admin := Admin(tb)
	name := DatabasePrefix + randomSuffix(tb)
	if err := psql(admin, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("pgtest: create database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		if err := psql(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	dsn, err := WithDatabase(admin, name)
	if err != nil {
		tb.Fatalf("pgtest: %s: %v", EnvDSN, err)
	}
	return dsn
}

// Admin returns DG_TEST_POSTGRES_DSN itself, failing or skipping the test
// as [DSN] does when it is unset. Tests that need a database should call
// DSN; Admin is for tests about the server as a whole.
func Admin(tb testing.TB) string {
	tb.Helper()
	admin := strings.TrimSpace(os.Getenv(EnvDSN))
	if admin != "" {
		return admin
	}
	msg := EnvDSN + " is not set, so the PostgreSQL tests cannot run.\n" +
		"Start a throwaway server and export the variable with:\n" +
		"\teval \"$(.ci/postgres.sh)\"\n" +
		"(as root on Debian: it installs postgresql from apt when missing)"
	if inCI() {
		tb.Fatalf("pgtest: CI=%s and %s", os.Getenv("CI"), msg)
	}
	banner.Do(func() {
		fmt.Fprintf(os.Stderr, "\n%s\n!!! SKIPPING PostgreSQL tests: %s\n%s\n\n",
			strings.Repeat("!", 72), msg, strings.Repeat("!", 72))
	})
	tb.Skipf("pgtest: SKIPPED: %s", msg)
	return ""
}

// inCI reports whether the tests run in CI: CI is set to anything but
// "", "0" or "false" (CI runners set CI=true).
func inCI() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv("CI"))) {
	case "", "0", "false":
		return false
	}
	return true
}

// WithDatabase returns dsn with its database set to name. dsn is a
// postgres:// or postgresql:// URL, or a keyword/value string, where a later
// dbname setting overrides an earlier one.
func WithDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", errors.New("the connection URL does not parse") // the error text could echo a password
		}
		u.Path, u.RawPath = "/"+name, ""
		return u.String(), nil
	}
	return strings.TrimSpace(dsn) + " dbname=" + name, nil
}

func randomSuffix(tb testing.TB) string {
	tb.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// psql runs one statement against the administrative connection.
func psql(admin, stmt string) error {
	bin, err := psqlPath()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", admin, "-c", stmt)
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("psql: %w: %s", err, strings.TrimSpace(out.String()))
	}
	return nil
}

// psqlPath finds psql on PATH, else in the newest server's bin directory.
func psqlPath() (string, error) {
	if p, err := exec.LookPath("psql"); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/psql")
	if len(found) == 0 {
		return "", errors.New("psql is not on PATH nor under /usr/lib/postgresql/*/bin (apt-get install postgresql-client)")
	}
	slices.SortFunc(found, compareVersionDirs)
	return found[len(found)-1], nil
}

// compareVersionDirs orders /usr/lib/postgresql/<version>/bin/psql paths by
// the version's numeric major part, so 15 sorts after 9.6.
func compareVersionDirs(a, b string) int {
	return major(a) - major(b)
}

func major(path string) int {
	v := filepath.Base(filepath.Dir(filepath.Dir(path)))
	v, _, _ = strings.Cut(v, ".")
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}
