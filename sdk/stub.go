//go:build !wasip1

package sdk

import (
	"sync"

	"github.com/decision-gate/dgw/abi"
)

// TestHost stands in for the Decision Gate host when a provider's logic is
// tested natively (outside wasip1). Its methods answer the host capabilities
// and may return the sdk's sentinel errors ([ErrDenied], [ErrLimit], …).
type TestHost interface {
	Log(level, msg string)
	EnvGet(key string) (value string, found bool, err error)
	FSRead(path string, max int) (*File, error)
	HTTPFetch(req HTTPRequest) (*HTTPResponse, error)
}

var (
	testHostMu sync.RWMutex
	testHost   TestHost // guarded by testHostMu
)

// SetTestHost installs h as the host that [Log], [EnvGet], [FSRead] and
// [HTTPFetch] call outside wasip1. With no test host (or nil) every
// capability answers [ErrDenied] and Log discards, like an empty grant.
// SetTestHost exists only in native builds.
func SetTestHost(h TestHost) {
	testHostMu.Lock()
	defer testHostMu.Unlock()
	testHost = h
}

func host() TestHost {
	testHostMu.RLock()
	defer testHostMu.RUnlock()
	return testHost
}

func platformLog(level abi.LogLevel, msg string) {
	if h := host(); h != nil {
		h.Log(level.String(), msg)
	}
}

func platformEnvGet(key string) (string, bool, error) {
	h := host()
	if h == nil {
		return "", false, ErrDenied
	}
	return h.EnvGet(key)
}

func platformFSRead(req abi.FSReadRequest) (*File, error) {
	h := host()
	if h == nil {
		return nil, ErrDenied
	}
	return h.FSRead(req.Path, int(req.MaxBytes))
}

func platformHTTPFetch(req abi.HTTPFetchRequest) (*HTTPResponse, error) {
	h := host()
	if h == nil {
		return nil, ErrDenied
	}
	return h.HTTPFetch(HTTPRequest{Method: req.Method, URL: req.URL, Headers: req.Headers, TimeoutMS: req.TimeoutMS})
}
