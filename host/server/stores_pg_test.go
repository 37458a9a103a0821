package server

import (
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/errcode"
)

func TestPostgresDSN(t *testing.T) {
	t.Setenv("DG_TEST_PG_DSN", "postgres://dg@db/dg?sslmode=verify-full")
	t.Setenv("DG_TEST_PG_PASSWORD", `it's a \secret`)
	t.Setenv("DG_TEST_PG_EMPTY", "")
	for _, tc := range []struct {
		name string
		pg   config.Postgres
		want string
		code errcode.Code
	}{
		{"dsn_env", config.Postgres{DSNEnv: "DG_TEST_PG_DSN"}, "postgres://dg@db/dg?sslmode=verify-full", ""},
		{"dsn_env_unset", config.Postgres{DSNEnv: "DG_TEST_PG_UNSET"}, "", errcode.FailedPrecondition},
		{"dsn_env_empty", config.Postgres{DSNEnv: "DG_TEST_PG_EMPTY"}, "", errcode.FailedPrecondition},
		{"fields", config.Postgres{Host: "db.internal", Port: 6432, Database: "decision gate", User: "dg", SSLMode: "require"},
			`host='db.internal' port=6432 dbname='decision gate' user='dg' sslmode='require'`, ""},
		{"defaults", config.Postgres{Host: "h", Database: "d", User: "u"},
			`host='h' port=5432 dbname='d' user='u' sslmode='verify-full'`, ""},
		{"password", config.Postgres{Host: "h", Port: 5432, Database: "d", User: "u", SSLMode: "disable", PasswordEnv: "DG_TEST_PG_PASSWORD"},
			`host='h' port=5432 dbname='d' user='u' sslmode='disable' password='it\'s a \\secret'`, ""},
		{"password_unset", config.Postgres{Host: "h", Database: "d", User: "u", PasswordEnv: "DG_TEST_PG_UNSET"}, "", errcode.FailedPrecondition},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := postgresDSN(tc.pg, "run_state_store")
			if errcode.Of(err) != tc.code || got != tc.want {
				t.Fatalf("postgresDSN = %q, %v; want %q, code %q", got, err, tc.want, tc.code)
			}
			if err != nil && (strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "run_state_store.")) {
				t.Fatalf("error %q leaks a value or does not name the key", err)
			}
		})
	}
}
