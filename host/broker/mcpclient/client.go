package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/decision-gate/dgw/host/egress"
	"github.com/decision-gate/dgw/host/evidence"
)

// Defaults for zero [Options] fields (broker design §4.2).
const (
	DefaultConnectTimeout   = 2 * time.Second
	DefaultRequestTimeout   = 10 * time.Second
	DefaultStartupTimeout   = 5 * time.Second
	DefaultMaxResponseBytes = 1 << 20
	DefaultStderrTailBytes  = 64 << 10
)

// Client calls evidence_query on one backend. Build it with [New]; it
// spawns or connects lazily, on [Client.Handshake] or the first
// [Client.Call]. The caller closes it with [Client.Close].
type Client struct {
	opts   Options
	nextID atomic.Int64
	closed atomic.Bool

	// stdio
	tail   *ring
	callMu sync.Mutex // serialises stdio calls, spawns and handshakes
	procMu sync.Mutex // guards proc
	proc   *process   // nil when no child is running

	// HTTP
	httpc   *http.Client
	host    string             // the URL's host, for messages
	life    context.Context    // ends HTTP requests in flight when Close cancels it
	endLife context.CancelFunc // cancels life
	initMu  sync.Mutex         // serialises mcp (re)initialisation
	sessMu  sync.Mutex         // guards sess
	sess    *session           // the Streamable HTTP session; nil before initialize

	infoMu sync.Mutex
	info   Info // guarded by infoMu
}

// New checks opts, fills in defaults and returns a client. It neither
// spawns nor connects.
//
// # Errors
//
// A plain error when Protocol is unknown, when not exactly one of Command
// and URL is set, when URL is not an absolute http(s) URL, or when a
// limit is negative.
func New(opts Options) (*Client, error) {
	name := opts.Name
	switch opts.Protocol {
	case "":
		opts.Protocol = ProtocolDGEvidence
	case ProtocolDGEvidence, ProtocolMCP:
	default:
		return nil, fmt.Errorf("mcpclient: provider %q: unknown protocol %q", name, opts.Protocol)
	}
	if (len(opts.Command) > 0) == (opts.URL != "") {
		return nil, fmt.Errorf("mcpclient: provider %q: exactly one of command and url must be set", name)
	}
	if len(opts.Command) > 0 && opts.Command[0] == "" {
		return nil, fmt.Errorf("mcpclient: provider %q: empty command", name)
	}
	if opts.ConnectTimeout < 0 || opts.RequestTimeout < 0 || opts.StartupTimeout < 0 ||
		opts.MaxResponseBytes < 0 || opts.StderrTailBytes < 0 {
		return nil, fmt.Errorf("mcpclient: provider %q: negative timeout or limit", name)
	}
	opts.ConnectTimeout = orDefault(opts.ConnectTimeout, DefaultConnectTimeout)
	opts.RequestTimeout = orDefault(opts.RequestTimeout, DefaultRequestTimeout)
	opts.StartupTimeout = orDefault(opts.StartupTimeout, DefaultStartupTimeout)
	opts.MaxResponseBytes = orDefault(opts.MaxResponseBytes, DefaultMaxResponseBytes)
	opts.StderrTailBytes = orDefault(opts.StderrTailBytes, DefaultStderrTailBytes)
	opts.Command = append([]string(nil), opts.Command...)
	opts.Env = append([]string(nil), opts.Env...)

	c := &Client{opts: opts}
	if len(opts.Command) > 0 {
		c.tail = newRing(opts.StderrTailBytes)
		return c, nil
	}
	u, err := url.Parse(opts.URL)
	if err != nil || !u.IsAbs() || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("mcpclient: provider %q: url must be an absolute http or https URL", name)
	}
	c.host = u.Host
	// The client's own lifetime, not a request's: Close cancels it.
	c.life, c.endLife = context.WithCancel(context.Background())
	policy := opts.Egress
	if policy == nil {
		policy = &egress.Policy{} // refuses every destination
	}
	c.httpc = policy.Client(opts.ConnectTimeout, &egress.ClientOptions{
		ResponseHeaderTimeout: opts.RequestTimeout,
		MaxIdleConnsPerHost:   4,
	})
	return c, nil
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

func (c *Client) stdio() bool { return len(c.opts.Command) > 0 }

// Handshake makes the backend ready and reports what it learned, within
// StartupTimeout. For stdio it spawns the child if none is running; for
// mcp it then sends initialize (checking the protocol version),
// notifications/initialized and tools/list (which must offer
// evidence_query). For dg_evidence_v1 over HTTP it only checks the URL
// against the egress policy. A backend that is already ready is not
// handshaken again.
//
// # Errors
//
// [*Error] with [CodeHandshake] (wrapping the underlying failure in its
// message), [CodeEgressDenied], [CodeTransport] (spawn failure) or
// [CodeClosed].
func (c *Client) Handshake(ctx context.Context) (Info, error) {
	if c.closed.Load() {
		return Info{}, errClosed()
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.StartupTimeout)
	defer cancel()
	var e *Error
	switch {
	case c.stdio():
		c.callMu.Lock()
		_, e = c.readyProcessLocked(ctx)
		c.callMu.Unlock()
	case c.opts.Protocol == ProtocolMCP:
		_, e = c.ensureSession(ctx)
	default:
		if _, err := c.opts.Egress.CheckURL(c.opts.URL); err != nil {
			e = c.egressError(err)
		}
	}
	if e != nil {
		return Info{}, e
	}
	return c.Info(), nil
}

// Info returns what the last successful handshake learned.
func (c *Client) Info() Info {
	c.infoMu.Lock()
	defer c.infoMu.Unlock()
	return c.info
}

func (c *Client) setInfo(in Info) {
	c.infoMu.Lock()
	c.info = in
	c.infoMu.Unlock()
}

// Call runs evidence_query for q in context ec, within RequestTimeout (and
// the deadline of ctx). It spawns, connects or handshakes first when
// needed; that part is bounded by StartupTimeout.
//
// # Errors
//
// Always an [*Error]: [CodeTimeout], [CodeTransport], [CodeProcessExited],
// [CodeOversize], [CodeMalformed], [CodeRPCError], [CodeHTTPStatus],
// [CodeTextResult], [CodeEmptyResult], [CodeToolError],
// [CodeEgressDenied], [CodeHandshake] or [CodeClosed].
func (c *Client) Call(ctx context.Context, q evidence.Query, ec evidence.Context) (evidence.Result, error) {
	if c.closed.Load() {
		return evidence.Result{}, errClosed()
	}
	var (
		res evidence.Result
		e   *Error
	)
	switch {
	case c.stdio():
		res, e = c.callStdio(ctx, q, ec)
	case c.opts.Protocol == ProtocolMCP:
		res, e = c.callStreamable(ctx, q, ec)
	default:
		res, e = c.callHTTP(ctx, q, ec)
	}
	if e != nil {
		return evidence.Result{}, e
	}
	return res, nil
}

// StderrTail returns the last StderrTailBytes the stdio children wrote to
// stderr (across respawns); nil for HTTP backends.
func (c *Client) StderrTail() []byte {
	if c.tail == nil {
		return nil
	}
	return c.tail.Bytes()
}

// Close kills the stdio child (its whole process group) and waits for it,
// or cancels HTTP requests in flight, ends the Streamable HTTP session
// (DELETE, bounded by two seconds) and closes idle connections. Calls in
// progress fail with [CodeClosed]. Close is idempotent and always returns
// nil.
func (c *Client) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	if c.stdio() {
		c.procMu.Lock()
		p := c.proc
		c.proc = nil
		c.procMu.Unlock()
		if p != nil {
			p.stop()
		}
		return nil
	}
	c.endLife()
	c.sessMu.Lock()
	s := c.sess
	c.sess = nil
	c.sessMu.Unlock()
	if s != nil && s.id != "" {
		c.deleteSession(s)
	}
	c.httpc.CloseIdleConnections()
	return nil
}

func errClosed() *Error { return &Error{Code: CodeClosed, Msg: "client closed"} }

// egressError reports an egress refusal, naming the host.
func (c *Client) egressError(err error) *Error {
	host, reason := c.host, err.Error()
	var ee *egress.Error
	if errors.As(err, &ee) {
		reason = ee.Reason
		if ee.Host != "" {
			host = ee.Host
		}
	}
	return &Error{Code: CodeEgressDenied, Msg: fmt.Sprintf("egress to %s refused: %s", host, reason)}
}

// wrapHandshake marks a failure during the mcp handshake, keeping egress
// refusals as they are (they are not counted against the backend).
func wrapHandshake(step string, e *Error) *Error {
	if e == nil || e.Code == CodeEgressDenied || e.Code == CodeHandshake || e.Code == CodeClosed {
		return e
	}
	return &Error{Code: CodeHandshake, Msg: step + ": " + strings.TrimSpace(e.Error())}
}
