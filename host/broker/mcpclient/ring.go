package mcpclient

import "sync"

// ring keeps the last size bytes written to it. It is safe for concurrent
// use.
type ring struct {
	mu   sync.Mutex
	size int
	buf  []byte // guarded by mu; len ≤ size
}

func newRing(size int) *ring { return &ring{size: size} }

// Write keeps the tail of p; it never fails.
func (r *ring) Write(p []byte) (int, error) {
	n := len(p)
	if r.size <= 0 {
		return n, nil
	}
	if len(p) > r.size {
		p = p[len(p)-r.size:]
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if over := len(r.buf) + len(p) - r.size; over > 0 {
		r.buf = append(r.buf[:0], r.buf[over:]...)
	}
	r.buf = append(r.buf, p...)
	return n, nil
}

// Bytes returns a copy of what the ring holds.
func (r *ring) Bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.buf...)
}
