package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"github.com/decision-gate/dgw/host/errcode"
)

// ErrClosed is returned by Record after Close.
var ErrClosed = errors.New("audit: sink is closed")

// Options configures a [Sink]. A nil *Options means the defaults.
type Options struct {
	// Now is the wall clock that stamps timestamp_ms; nil means time.Now.
	Now func() time.Time
}

// Sink writes audit events as JSON Lines. Build it with [Open], [New] or
// [Disabled]; the zero value and a nil *Sink drop every event. A Sink is
// safe for concurrent use; whoever built it closes it.
type Sink struct {
	lines *lineWriter // nil when disabled
	now   func() time.Time
}

// Open returns a sink that appends to the file at path, creating it with
// mode 0600. The file is opened once and kept open until [Sink.Close].
//
// # Errors
//
// Unavailable when the file cannot be opened.
func Open(path string, opts *Options) (*Sink, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, errcode.Wrap(errcode.Unavailable, "audit: open log", err)
	}
	return &Sink{lines: &lineWriter{w: f, file: f}, now: opts.clock()}, nil
}

// New returns a sink that writes to w; a nil w means os.Stderr. Close does
// not close w, but flushes it when it has a Flush() error method.
func New(w io.Writer, opts *Options) *Sink {
	if w == nil {
		w = os.Stderr
	}
	return &Sink{lines: &lineWriter{w: w}, now: opts.clock()}
}

// Disabled returns a sink that drops every event (server.audit.enabled =
// false).
func Disabled() *Sink { return &Sink{} }

// Enabled reports whether events recorded on s are written anywhere, so
// callers can skip building costly events such as precheck payloads.
func (s *Sink) Enabled() bool { return s != nil && s.lines != nil }

// Record writes ev as one JSON line, stamped with its event name and the
// current timestamp_ms. ev must be non-nil. It is a no-op on a disabled
// sink.
//
// # Errors
//
// InvalidArgument when ev does not encode (for example a malformed raw
// precheck payload); Unavailable when the write fails; [ErrClosed] after
// Close.
func (s *Sink) Record(ev Event) error {
	if !s.Enabled() {
		return nil
	}
	return s.lines.writeJSON(ev.frame(millis(s.now())))
}

// Close flushes the sink and releases its file; later Records fail with
// [ErrClosed]. Close is idempotent and safe on a disabled sink.
//
// # Errors
//
// Unavailable when syncing or closing the file fails.
func (s *Sink) Close() error {
	if !s.Enabled() {
		return nil
	}
	return s.lines.close()
}

func (o *Options) clock() func() time.Time {
	if o == nil || o.Now == nil {
		return time.Now
	}
	return o.Now
}

// millis returns t in Unix milliseconds, clamped at 0 for times before the
// epoch (the reference's timestamp_ms is unsigned).
func millis(t time.Time) int64 {
	return max(t.UnixMilli(), 0)
}

// lineWriter serialises JSON lines onto one writer: each line is encoded
// first and then handed to a single Write call under mu, so concurrent lines
// never interleave.
type lineWriter struct {
	mu     sync.Mutex // guards w, file and closed
	w      io.Writer
	file   *os.File // set when the writer owns a file it must sync and close
	closed bool
}

// writeJSON encodes v without HTML escaping (as the reference does) and
// writes it followed by a newline.
func (l *lineWriter) writeJSON(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // Encode appends the newline
		return errcode.Wrap(errcode.InvalidArgument, "audit: encode", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	if _, err := l.w.Write(buf.Bytes()); err != nil {
		return errcode.Wrap(errcode.Unavailable, "audit: write", err)
	}
	return nil
}

// close marks the writer closed, then syncs and closes an owned file or
// flushes a flushable writer.
func (l *lineWriter) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	if l.file != nil {
		err := errors.Join(l.file.Sync(), l.file.Close())
		return errcode.Wrap(errcode.Unavailable, "audit: close log", err)
	}
	if f, ok := l.w.(interface{ Flush() error }); ok {
		return errcode.Wrap(errcode.Unavailable, "audit: flush", f.Flush())
	}
	return nil
}
