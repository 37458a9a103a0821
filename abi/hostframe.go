package abi

import (
	"encoding/binary"
	"encoding/json"
)

// Binary host-call responses, for requests that set Frames: the bytes a
// module reads are not wrapped in base64 inside JSON.
//
// FSReadFrame:    u32 error status (as int32), u64 size, u32 rel_path
//                 length, rel_path, then the content to the end.
// HTTPFetchFrame: u32 status code, u32 headers length, headers (JSON
//                 object of string arrays), then the body to the end.

// AppendFSReadFrame appends the frame form of r.
func AppendFSReadFrame(dst []byte, r *FSReadResponse) []byte {
	dst = binary.LittleEndian.AppendUint32(dst, uint32(r.Error))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(r.Size))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(r.RelPath)))
	dst = append(dst, r.RelPath...)
	return append(dst, r.Data...)
}

// DecodeFSReadFrame parses an fs_read frame; Data aliases b.
func DecodeFSReadFrame(b []byte) (FSReadResponse, error) {
	if len(b) < 16 {
		return FSReadResponse{}, ErrFrame
	}
	st := Status(int32(binary.LittleEndian.Uint32(b)))
	size := int64(binary.LittleEndian.Uint64(b[4:]))
	n := binary.LittleEndian.Uint32(b[12:])
	rest := b[16:]
	if uint64(n) > uint64(len(rest)) || size < 0 {
		return FSReadResponse{}, ErrFrame
	}
	return FSReadResponse{Error: st, Size: size, RelPath: string(rest[:n]), Data: rest[n:]}, nil
}

// AppendHTTPFetchFrame appends the frame form of r.
func AppendHTTPFetchFrame(dst []byte, r *HTTPFetchResponse) ([]byte, error) {
	headers, err := json.Marshal(r.Headers)
	if err != nil {
		return nil, err
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(r.Status))
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(headers)))
	dst = append(dst, headers...)
	return append(dst, r.Body...), nil
}

// DecodeHTTPFetchFrame parses an http_fetch frame; Body aliases b.
func DecodeHTTPFetchFrame(b []byte) (HTTPFetchResponse, error) {
	if len(b) < 8 {
		return HTTPFetchResponse{}, ErrFrame
	}
	status := int(binary.LittleEndian.Uint32(b))
	n := binary.LittleEndian.Uint32(b[4:])
	rest := b[8:]
	if uint64(n) > uint64(len(rest)) {
		return HTTPFetchResponse{}, ErrFrame
	}
	r := HTTPFetchResponse{Status: status, Body: rest[n:]}
	if n > 0 && string(rest[:n]) != "null" {
		if err := json.Unmarshal(rest[:n], &r.Headers); err != nil {
			return HTTPFetchResponse{}, ErrFrame
		}
	}
	return r, nil
}
