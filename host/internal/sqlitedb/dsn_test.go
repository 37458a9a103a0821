package sqlitedb

import (
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	dsn, err := Build("/data/dg#1.db", "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"file:/data/dg%231.db?", "busy_timeout%285000%29", "journal_mode%28wal%29", "synchronous%28full%29", "_txlock=immediate"} {
		if !strings.Contains(dsn, want) {
			t.Errorf("%s lacks %s", dsn, want)
		}
	}
	for _, bad := range []struct {
		j, s       string
		b          int64
		path, want string
	}{
		{"truncate", "", 0, "x", "journal_mode"},
		{"", "off", 0, "x", "sync_mode"},
		{"", "", -1, "x", "busy_timeout_ms"},
		{"", "", 0, "", "path is empty"},
	} {
		if _, err := Build(bad.path, bad.j, bad.s, bad.b); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
