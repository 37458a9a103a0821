package mcpstub

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Server is an HTTP stub provider on loopback: one JSON-RPC POST per call
// for dg_evidence_v1, Streamable HTTP for mcp.
type Server struct {
	*httptest.Server
	stub *stub

	inits    atomic.Int64 // initialize requests answered
	requests atomic.Int64 // POSTs received

	mu       sync.Mutex
	sessions map[string]*conn // guarded by mu
	last     http.Header      // guarded by mu: the last POST's headers
	deleted  []string         // guarded by mu: sessions ended by DELETE
}

// NewHTTP starts an HTTP stub with behaviour cfg and closes it when the
// test ends.
func NewHTTP(t testing.TB, cfg Config) *Server {
	t.Helper()
	st, err := newStub(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sv := &Server{stub: st, sessions: map[string]*conn{}}
	sv.Server = httptest.NewServer(sv)
	t.Cleanup(sv.Close)
	return sv
}

// Inits returns how many initialize requests the stub answered.
func (sv *Server) Inits() int { return int(sv.inits.Load()) }

// Requests returns how many POSTs the stub received.
func (sv *Server) Requests() int { return int(sv.requests.Load()) }

// LastHeader returns the headers of the last POST.
func (sv *Server) LastHeader() http.Header {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return sv.last.Clone()
}

// Deleted returns the session ids ended by DELETE.
func (sv *Server) Deleted() []string {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	return append([]string(nil), sv.deleted...)
}

// ExpireSessions forgets every session, so that the next request that
// names one gets 404.
func (sv *Server) ExpireSessions() {
	sv.mu.Lock()
	clear(sv.sessions)
	sv.mu.Unlock()
}

// ServeHTTP implements [http.Handler].
func (sv *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	cfg := sv.stub.cfg
	if r.Method == http.MethodDelete {
		id := r.Header.Get("Mcp-Session-Id")
		sv.mu.Lock()
		delete(sv.sessions, id)
		sv.deleted = append(sv.deleted, id)
		sv.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		return
	}
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	sv.requests.Add(1)
	sv.mu.Lock()
	sv.last = r.Header.Clone()
	sv.mu.Unlock()
	name, arg, _ := strings.Cut(cfg.Mode, ":")
	switch name {
	case "redirect":
		w.Header().Set("Location", arg)
		w.WriteHeader(http.StatusFound)
		return
	case "status":
		n, _ := strconv.Atoi(arg)
		w.WriteHeader(n)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	c, ok := sv.conn(w, r, body)
	if !ok {
		return
	}
	c.mu.Lock()
	o := sv.stub.handle(c, body)
	c.mu.Unlock()
	sv.answer(w, r, o)
}

// conn finds the state a request belongs to: none is needed for
// dg_evidence_v1; for mcp, initialize opens a session and every other
// request must name a live one.
func (sv *Server) conn(w http.ResponseWriter, r *http.Request, body []byte) (*conn, bool) {
	cfg := sv.stub.cfg
	if cfg.Protocol != ProtocolMCP {
		return &conn{}, true
	}
	var req rpcRequest
	_ = json.Unmarshal(body, &req)
	if req.Method == "initialize" {
		sv.inits.Add(1)
		c := &conn{}
		if !cfg.Stateless {
			id := newSessionID()
			sv.mu.Lock()
			sv.sessions[id] = c
			sv.mu.Unlock()
			w.Header().Set("Mcp-Session-Id", id)
		}
		return c, true
	}
	if cfg.Stateless {
		return &conn{initializing: true, initialized: true}, true
	}
	id := r.Header.Get("Mcp-Session-Id")
	if id == "" {
		http.Error(w, "missing Mcp-Session-Id", http.StatusBadRequest)
		return nil, false
	}
	sv.mu.Lock()
	c := sv.sessions[id]
	sv.mu.Unlock()
	if c == nil {
		http.Error(w, "unknown session", http.StatusNotFound)
		return nil, false
	}
	return c, true
}

func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// answer writes the outcome of one request.
func (sv *Server) answer(w http.ResponseWriter, r *http.Request, o outcome) {
	cfg := sv.stub.cfg
	switch {
	case o.hang:
		<-r.Context().Done()
		return
	case o.exit:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
			}
		}
		return
	}
	time.Sleep(o.delay)
	if o.reply == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if o.raw { // a body cut short of its Content-Length
		w.Header().Set("Content-Length", strconv.Itoa(len(o.reply)+100))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(o.reply)
		return
	}
	if cfg.Protocol == ProtocolMCP && cfg.SSE {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = io.WriteString(w, ": stream opened\n\n")
		if o.before != nil {
			_, _ = fmt.Fprintf(w, "event: message\ndata: %s\n\n", o.before)
		}
		_, _ = fmt.Fprintf(w, "id: 1\nevent: message\ndata: %s\n\n", o.reply)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(o.reply)
}
