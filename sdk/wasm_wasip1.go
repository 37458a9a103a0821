//go:build wasip1

package sdk

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
	"unsafe"

	"github.com/decision-gate/dgw/abi"
)

// buffers keeps every buffer handed to the host alive until pv_free, keyed
// by address. Go's garbage collector does not move memory, so an address
// stays valid while its slice is referenced here. A module instance runs one
// call at a time, so the map needs no lock.
var buffers = map[uint32][]byte{}

// maxAlloc bounds one pv_alloc; the host never asks for more than its
// input limit.
const maxAlloc = abi.MaxInputBytes * 4

func addr(b []byte) unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(b)) }

// keep registers b as a live buffer and returns its address.
func keep(b []byte) uint32 {
	p := uint32(uintptr(addr(b)))
	buffers[p] = b
	return p
}

// init makes the guest's garbage collector run less often (every loop
// inside a module is costly under the host's termination checks, and
// marking is all loops) while a soft memory limit keeps the heap well
// inside the instance's memory cap; the host also recycles an instance
// whose linear memory grows past five eighths of its cap.
func init() {
	debug.SetGCPercent(400)
	debug.SetMemoryLimit(12 << 20)
}

//go:wasmexport pv_abi_v1
func pvABIv1() {}

// pvFramesV1 tells the host this module speaks binary frames.
//
//go:wasmexport pv_frames_v1
func pvFramesV1() {}

//go:wasmexport pv_configure
func pvConfigure(ptr, n uint32) int32 {
	in, ok := buffers[ptr]
	if !ok || uint32(len(in)) < n {
		return int32(abi.StatusInvalid)
	}
	configure(in[:n])
	return 0
}

//go:wasmexport pv_alloc
func pvAlloc(size uint32) uint32 {
	if size > maxAlloc {
		return 0
	}
	if size == 0 {
		size = 1 // distinct address for every live buffer
	}
	return keep(make([]byte, size))
}

//go:wasmexport pv_free
func pvFree(ptr uint32) { delete(buffers, ptr) }

//go:wasmexport pv_describe
func pvDescribe() uint64 { return export(describeJSON()) }

// frameOut is the result of the last framed query. With frames the module
// owns its output until the next pv_query, so the host neither frees it nor
// the input buffer, which it reuses: one export call per query.
var frameOut []byte

//go:wasmexport pv_query
func pvQuery(ptr, n uint32) uint64 {
	in, ok := buffers[ptr]
	if !ok || uint32(len(in)) < n {
		return 0
	}
	if abi.IsQueryFrame(in[:n]) {
		frameOut = handleFrame(in[:n])
		return abi.Pack(uint32(uintptr(addr(frameOut))), uint32(len(frameOut)))
	}
	return export(handleQuery(in[:n]))
}

func export(out []byte) uint64 {
	if len(out) == 0 {
		return 0
	}
	return abi.Pack(keep(out), uint32(len(out)))
}

//go:wasmimport dg_pv1 log
func hostLog(level int32, msg unsafe.Pointer, msgLen uint32) int32

//go:wasmimport dg_pv1 result_take
func hostResultTake(out unsafe.Pointer, outCap uint32) int32

//go:wasmimport dg_pv1 env_get
func hostEnvGet(key unsafe.Pointer, keyLen uint32, out unsafe.Pointer, outCap uint32) int32

//go:wasmimport dg_pv1 fs_read
func hostFSRead(req unsafe.Pointer, reqLen uint32, out unsafe.Pointer, outCap uint32) int32

//go:wasmimport dg_pv1 http_fetch
func hostHTTPFetch(req unsafe.Pointer, reqLen uint32, out unsafe.Pointer, outCap uint32) int32

// callOut calls a host function that writes into a caller buffer of
// initial capacity size; when the answer does not fit, the host parked it
// and result_take fetches it (the call itself is never repeated).
func callOut(size int, call func(out unsafe.Pointer, outCap uint32) int32) ([]byte, abi.Status) {
	buf := make([]byte, size)
	n := call(addr(buf), uint32(len(buf)))
	if n < 0 {
		return nil, abi.Status(n)
	}
	if int(n) <= len(buf) {
		return buf[:n], abi.StatusOK
	}
	buf = make([]byte, n)
	m := hostResultTake(addr(buf), uint32(len(buf)))
	if m < 0 {
		return nil, abi.Status(m)
	}
	if int(m) > len(buf) {
		return nil, abi.StatusInternal
	}
	return buf[:m], abi.StatusOK
}

// bytesArg returns a non-nil pointer for b, even when b is empty.
func bytesArg(b []byte) (unsafe.Pointer, uint32) {
	if len(b) == 0 {
		b = make([]byte, 1)
		return addr(b), 0
	}
	return addr(b), uint32(len(b))
}

func platformLog(level abi.LogLevel, msg string) {
	p, n := bytesArg([]byte(msg))
	hostLog(int32(level), p, n)
}

func platformEnvGet(key string) (string, bool, error) {
	k, kn := bytesArg([]byte(key))
	out, st := callOut(256, func(o unsafe.Pointer, c uint32) int32 { return hostEnvGet(k, kn, o, c) })
	switch st {
	case abi.StatusOK:
		return string(out), true, nil
	case abi.StatusNotFound:
		return "", false, nil
	}
	return "", false, statusError(st)
}

func jsonCall(req any, size int, fn func(r unsafe.Pointer, rn uint32, o unsafe.Pointer, c uint32) int32) ([]byte, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, ErrInvalid
	}
	if len(body) > abi.MaxHostRequestBytes {
		return nil, ErrLimit
	}
	r, rn := bytesArg(body)
	out, st := callOut(size, func(o unsafe.Pointer, c uint32) int32 { return fn(r, rn, o, c) })
	if st != abi.StatusOK {
		return nil, statusError(st)
	}
	return out, nil
}

func platformFSRead(req abi.FSReadRequest) (*File, error) {
	req.Frames = true
	body := abi.AppendFSReadRequest(make([]byte, 0, 64+len(req.Path)), &req)
	if len(body) > abi.MaxHostRequestBytes {
		return nil, ErrLimit
	}
	r, rn := bytesArg(body)
	out, st := callOut(1<<10, func(o unsafe.Pointer, c uint32) int32 { return hostFSRead(r, rn, o, c) })
	if st != abi.StatusOK {
		return nil, statusError(st)
	}
	return decodeFSReadFrame(out)
}

func platformHTTPFetch(req abi.HTTPFetchRequest) (*HTTPResponse, error) {
	req.Frames = true
	out, err := jsonCall(req, 1<<10, hostHTTPFetch)
	if err != nil {
		return nil, err
	}
	r, err := abi.DecodeHTTPFetchFrame(out)
	if err != nil {
		return nil, fmt.Errorf("%w: http_fetch response: %v", ErrInternal, err)
	}
	return &HTTPResponse{Status: r.Status, Headers: r.Headers, Body: r.Body}, nil
}
