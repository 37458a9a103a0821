package server_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/internal/testutil"
	"github.com/decision-gate/dgw/host/server"
)

// TestPresets builds a server from each reference preset in a working
// directory that has the ./evidence json root the presets name.
func TestPresets(t *testing.T) {
	cases := []struct {
		name        string
		nonLoopback bool
		wantErr     string // "" means the server must build
	}{
		{"quickstart-dev.toml", false, ""},
		{"default-recommended.toml", false, ""},
		{"hardened.toml", false, ""},
		{"ci-release-gate.toml", false, ""},
		{"container-prod.toml", false, "not a loopback address"},
		{"container-prod.toml", true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data := testutil.ReadFile(t, testutil.Conformance(t, "configs", "presets", tc.name))
			dir := t.TempDir()
			t.Chdir(dir)
			os.Mkdir(filepath.Join(dir, "evidence"), 0o755)
			data = append(data, []byte("\n[wasm]\ncache_dir = \""+cacheDir+"\"\n")...)
			os.WriteFile(filepath.Join(dir, "decision-gate.toml"), data, 0o644)
			cfg, err := config.Load(filepath.Join(dir, "decision-gate.toml"))
			if err != nil {
				t.Fatalf("config: %v", err)
			}
			srv, err := server.New(context.Background(), cfg, server.Options{AllowNonLoopback: tc.nonLoopback, Stderr: io.Discard})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("server: %v", err)
			}
			srv.Close()
		})
	}
}

// TestJSONRootMustExist: a missing json root fails start-up with the path.
func TestJSONRootMustExist(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	cfg, err := config.Parse([]byte(baseConfig(missing)), "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = server.New(context.Background(), cfg, server.Options{Stderr: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "providers[2] (json)") {
		t.Fatalf("err = %v", err)
	}
}
