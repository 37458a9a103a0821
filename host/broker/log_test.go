package broker

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/decision-gate/dgw/host/broker/mcpclient"
	"github.com/decision-gate/dgw/host/evidence"
)

// recorder is a slog.Handler that keeps "LEVEL message key=value…" lines.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString(rec.Level.String() + " " + rec.Message)
	rec.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.Key + "=" + a.Value.String())
		return true
	})
	r.mu.Lock()
	r.lines = append(r.lines, b.String())
	r.mu.Unlock()
	return nil
}

func (r *recorder) find(prefix string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, l := range r.lines {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

func TestLog_degradedAndTransitions(t *testing.T) {
	for _, optional := range []bool{false, true} {
		entry := stdioEntry(t, "template")
		entry.Optional = optional
		entry.RequiredEnv = []string{"LICENSE_KEY"}
		rec := &recorder{}
		h := newHarness(t, entry, testEM(), func(o *Options) { o.Logger = slog.New(rec) })
		h.env["LICENSE_KEY"] = secretValue
		h.be.call = func(context.Context, evidence.Query, evidence.Context) (evidence.Result, error) {
			return evidence.Result{}, &mcpclient.Error{Code: mcpclient.CodeRPCError, Msg: "echo " + secretValue}
		}
		for range 5 {
			_, _ = h.query(t.Context())
		}
		level := "WARN"
		if optional {
			level = "INFO"
		}
		degraded := rec.find(level + " degraded call")
		if len(degraded) != 5 || !strings.Contains(degraded[0], "code=provider_error") {
			t.Fatalf("optional=%v: degraded logs %q", optional, degraded)
		}
		if got := rec.find("WARN breaker transition"); len(got) != 1 || !strings.Contains(got[0], "to=open") {
			t.Fatalf("transition logs %q", got)
		}
		for _, l := range rec.lines {
			if strings.Contains(l, secretValue) {
				t.Fatalf("log line holds a secret value: %s", l)
			}
		}
	}
}
