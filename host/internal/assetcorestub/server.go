package assetcorestub

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options configure a [Server]. A nil *Options means the defaults: no
// token, no chain hash in replies.
type Options struct {
	// Token, when set, is the bearer token every request must carry: a
	// request without Authorization is answered 401, one with another
	// credential 403.
	Token string
	// ChainHash adds commit.chain_hash to replies (and so
	// assetcore.chain_hash to the provider's anchors).
	ChainHash bool
}

// Fault makes every request misbehave, for failure tests. The zero Fault
// is none. Delay applies first; then Status wins over Malformed.
type Fault struct {
	// Delay holds each answer this long, or until the client gives up.
	Delay time.Duration
	// Status answers with this status and an error body
	// ({"error":{"code":"injected_fault",…}}).
	Status int
	// Malformed answers 200 with a body that is not valid JSON.
	Malformed bool
}

// Request is one request the server received.
type Request struct {
	Method        string
	Path          string // escaped path
	RawQuery      string
	Authorization string // the Authorization header as sent
	CorrelationID string // the x-correlation-id header
	Accept        string
}

// Server is a stub AssetCore deployment: the namespace catalogue
// (GET /v1/write/namespaces/{id}) and the read API the assetcore provider
// speaks (GET /v1/read/namespaces/{ns}/containers/…; plugins/assetcore
// README.md). State changes only through [Server.Apply] and
// [Server.ApplySeedPlan], which apply whole commits atomically.
//
// A Server is an [http.Handler], safe for concurrent use; serve it with
// [Server.Start] or net/http/httptest.
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu         sync.Mutex            // guards the fields below
	namespaces map[uint64]*namespace // published namespaces are never mutated
	fault      Fault
	requests   []Request
}

// New returns an empty server: no namespaces.
func New(opts *Options) *Server {
	s := &Server{namespaces: map[uint64]*namespace{}}
	if opts != nil {
		s.opts = *opts
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("GET /v1/write/namespaces/{id}", s.handleNamespace)
	const c = "GET /v1/read/namespaces/{ns}/containers/{cid}"
	s.mux.HandleFunc(c, s.read(viewContainer))
	s.mux.HandleFunc(c+"/balances/{class}", s.read(viewBalance))
	s.mux.HandleFunc(c+"/slots/{slot}", s.read(viewSlot))
	s.mux.HandleFunc(c+"/cells", s.read(viewCell))
	s.mux.HandleFunc(c+"/overlaps", s.read(viewOverlap))
	return s
}

// Apply applies one commit to namespace ns, creating the namespace when it
// does not exist. The commit applies entirely or not at all; a repeated
// idempotency key returns the first commit.
func (s *Server) Apply(ns uint64, req CommitRequest) (Commit, error) {
	if ns == 0 {
		return Commit{}, fmt.Errorf("assetcorestub: namespace 0")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.namespaces[ns]
	if n == nil {
		n = newNamespace(ns)
	}
	next, c, err := n.apply(&req)
	if err != nil {
		return Commit{}, fmt.Errorf("assetcorestub: namespace %d: %w", ns, err)
	}
	s.namespaces[ns] = next
	return c, nil
}

// ApplySeedPlan parses a seed plan and applies its commit.
func (s *Server) ApplySeedPlan(data []byte) (Commit, error) {
	p, err := ParseSeedPlan(data)
	if err != nil {
		return Commit{}, err
	}
	return s.Apply(p.NamespaceID, p.CommitRequest)
}

// AddNamespace makes namespace id known (empty, no commit) if it is not.
func (s *Server) AddNamespace(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.namespaces[id] == nil {
		s.namespaces[id] = newNamespace(id)
	}
}

// RemoveNamespace forgets namespace id and its state.
func (s *Server) RemoveNamespace(id uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.namespaces, id)
}

// Head returns the latest commit of namespace id; ok is false when the
// namespace is unknown or has no commit.
func (s *Server) Head(id uint64) (c Commit, ok bool) {
	n := s.namespace(id)
	if n == nil || n.commitID == "" {
		return Commit{}, false
	}
	return Commit{NamespaceID: id, CommitID: n.commitID, WorldSeq: n.worldSeq, ChainHash: n.chainHash}, true
}

// SetFault sets the misbehaviour for subsequent requests.
func (s *Server) SetFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) namespace(id uint64) *namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.namespaces[id]
}

// ServeHTTP records the request, applies the fault and the token check,
// then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
		Authorization: r.Header.Get("Authorization"), CorrelationID: r.Header.Get("X-Correlation-Id"),
		Accept: r.Header.Get("Accept"),
	})
	f := s.fault
	s.mu.Unlock()
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if tok := s.opts.Token; tok != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		switch {
		case r.Header.Get("Authorization") == "":
			writeError(w, http.StatusUnauthorized, "unauthenticated", "bearer token required")
			return
		case !ok || subtle.ConstantTimeCompare([]byte(got), []byte(tok)) != 1:
			writeError(w, http.StatusForbidden, "forbidden", "bearer token not accepted")
			return
		}
	}
	switch {
	case f.Status != 0:
		writeError(w, f.Status, "injected_fault", "fault injected by the stub")
	case f.Malformed:
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"namespace_id":1,"commit":{"commit_id":`)
	default:
		s.mux.ServeHTTP(w, r)
	}
}

// handleNamespace is the namespace catalogue: 200 for a known namespace,
// 404 for an unknown one, 400 for an id that is not an integer ≥ 1.
func (s *Server) handleNamespace(w http.ResponseWriter, r *http.Request) {
	id, ok := parseID(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusBadRequest, "invalid_request", "namespace id must be an integer of at least 1")
		return
	}
	if s.namespace(id) == nil {
		writeError(w, http.StatusNotFound, "namespace_not_found", fmt.Sprintf("namespace %d not found", id))
		return
	}
	writeJSON(w, http.StatusOK, struct {
		NamespaceID uint64 `json:"namespace_id"`
	}{id})
}

// apiError is the error member of an error body.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// commitJSON is the commit member of a reply.
type commitJSON struct {
	CommitID  string  `json:"commit_id"`
	WorldSeq  uint64  `json:"world_seq"`
	ChainHash *string `json:"chain_hash,omitempty"`
}

// errorBody is an error reply; the namespace and commit are set when the
// namespace is known and has a commit.
type errorBody struct {
	Error       apiError    `json:"error"`
	NamespaceID *uint64     `json:"namespace_id,omitempty"`
	Commit      *commitJSON `json:"commit,omitempty"`
}

// writeError writes an error body without namespace or commit.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Error: apiError{Code: code, Message: msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

var _ http.Handler = (*Server)(nil)
