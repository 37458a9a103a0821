package abi

import (
	"encoding/binary"
	"errors"
	"math"
)

// Binary frames: a faster encoding of the query and result messages.
//
// Why: hosts interrupt runaway modules by checking for termination at every
// loop header, which makes each loop iteration inside a module cost tens of
// nanoseconds. Parsing a JSON envelope byte by byte is then the dominant
// cost of a call. Frames are length-prefixed, so a module slices its fields
// without looping over their bytes. Params, config, values and error
// details stay JSON; the envelope around them is binary.
//
// A module opts in by exporting [ExportFrames]. All integers are little
// endian. A string or byte field is a u32 length then the bytes; the
// length [Absent] (0xFFFFFFFF) means null/absent.

// Absent is the length that marks an absent field.
const Absent = math.MaxUint32

// Frame magics.
var (
	queryMagic  = [4]byte{'P', 'V', 'Q', '1'}
	resultMagic = [4]byte{'P', 'V', 'R', '1'}
)

// QueryFrame is a query in frame form. The host writes it; the module
// reads it. Config is nil when the host delivered it with
// [ExportConfigure]. Timestamp kinds are 1 (unix_millis) and 2 (logical).
//
// Layout: "PVQ1", check_id, params, run_id, scenario_id, stage_id,
// trigger_id, correlation_id, config (length-prefixed), then u64 tenant,
// u64 namespace, u8 time kind, u64 time value (an i64 for unix_millis).
type QueryFrame struct {
	CheckID                               []byte
	Params                                []byte // nil: absent
	RunID, ScenarioID, StageID, TriggerID []byte
	CorrelationID                         []byte // nil: null
	Config                                []byte // nil: delivered by pv_configure
	TenantID, NamespaceID                 uint64
	TimeKind                              uint8
	TimeValue                             uint64
}

// Time kinds of a [QueryFrame].
const (
	TimeUnixMillis uint8 = 1
	TimeLogical    uint8 = 2
)

// ErrFrame reports a malformed frame.
var ErrFrame = errors.New("abi: malformed frame")

func appendField(dst, b []byte) []byte {
	if b == nil {
		return binary.LittleEndian.AppendUint32(dst, Absent)
	}
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(b)))
	return append(dst, b...)
}

// reader slices fields out of a frame without copying.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) field() []byte {
	if r.bad || len(r.b) < 4 {
		r.bad = true
		return nil
	}
	n := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	if n == Absent {
		return nil
	}
	if uint64(n) > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	f := r.b[:n:n]
	r.b = r.b[n:]
	return f
}

func (r *reader) u64() uint64 {
	if r.bad || len(r.b) < 8 {
		r.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *reader) u8() uint8 {
	if r.bad || len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// AppendQueryFrame appends the frame form of q to dst.
func AppendQueryFrame(dst []byte, q *QueryFrame) []byte {
	dst = append(dst, queryMagic[:]...)
	for _, f := range [][]byte{q.CheckID, q.Params, q.RunID, q.ScenarioID, q.StageID, q.TriggerID, q.CorrelationID, q.Config} {
		dst = appendField(dst, f)
	}
	dst = binary.LittleEndian.AppendUint64(dst, q.TenantID)
	dst = binary.LittleEndian.AppendUint64(dst, q.NamespaceID)
	dst = append(dst, q.TimeKind)
	return binary.LittleEndian.AppendUint64(dst, q.TimeValue)
}

// IsQueryFrame reports whether b starts with the query frame magic.
func IsQueryFrame(b []byte) bool { return len(b) >= 4 && [4]byte(b[:4]) == queryMagic }

// DecodeQueryFrame parses a query frame. Fields alias b.
func DecodeQueryFrame(b []byte) (QueryFrame, error) {
	if !IsQueryFrame(b) {
		return QueryFrame{}, ErrFrame
	}
	r := reader{b: b[4:]}
	q := QueryFrame{CheckID: r.field(), Params: r.field(), RunID: r.field(), ScenarioID: r.field(),
		StageID: r.field(), TriggerID: r.field(), CorrelationID: r.field(), Config: r.field()}
	q.TenantID, q.NamespaceID = r.u64(), r.u64()
	q.TimeKind, q.TimeValue = r.u8(), r.u64()
	if r.bad || len(r.b) != 0 || q.CheckID == nil || (q.TimeKind != TimeUnixMillis && q.TimeKind != TimeLogical) {
		return QueryFrame{}, ErrFrame
	}
	return q, nil
}

// ResultFrame is a module's answer in frame form. The module writes it;
// the host reads it. When Failed, ErrorCode and ErrorMessage carry a
// provider error (the response envelope's error) and nothing else is set.
// Otherwise it is an evidence result with lane "verified": Value is the
// JSON value (ValueIsBytes: raw bytes), nil for value:null; Error* is an
// in-band error when HasError.
//
// Layout: "PVR1", u8 flags (1 failed, 2 has value, 4 value is bytes,
// 8 has in-band error), then value, error code, error message, error
// details, ref uri, anchor type, anchor value, content type
// (length-prefixed; absent fields use [Absent]).
type ResultFrame struct {
	Failed       bool
	Value        []byte
	ValueIsBytes bool
	HasValue     bool
	HasError     bool
	ErrorCode    []byte
	ErrorMessage []byte
	ErrorDetails []byte // nil: null
	RefURI       []byte // nil: null
	AnchorType   []byte // nil: no anchor
	AnchorValue  []byte
	ContentType  []byte // nil: null
}

const (
	flagFailed   = 1
	flagValue    = 2
	flagBytes    = 4
	flagInBandEr = 8
)

// AppendResultFrame appends the frame form of r to dst.
func AppendResultFrame(dst []byte, r *ResultFrame) []byte {
	var flags byte
	if r.Failed {
		flags |= flagFailed
	}
	if r.HasValue {
		flags |= flagValue
	}
	if r.ValueIsBytes {
		flags |= flagBytes
	}
	if r.HasError {
		flags |= flagInBandEr
	}
	dst = append(dst, resultMagic[:]...)
	dst = append(dst, flags)
	for _, f := range [][]byte{r.Value, r.ErrorCode, r.ErrorMessage, r.ErrorDetails, r.RefURI, r.AnchorType, r.AnchorValue, r.ContentType} {
		dst = appendField(dst, f)
	}
	return dst
}

// IsResultFrame reports whether b starts with the result frame magic.
func IsResultFrame(b []byte) bool { return len(b) >= 4 && [4]byte(b[:4]) == resultMagic }

// DecodeResultFrame parses a result frame. Fields alias b.
func DecodeResultFrame(b []byte) (ResultFrame, error) {
	if !IsResultFrame(b) {
		return ResultFrame{}, ErrFrame
	}
	rd := reader{b: b[4:]}
	flags := rd.u8()
	r := ResultFrame{Failed: flags&flagFailed != 0, HasValue: flags&flagValue != 0,
		ValueIsBytes: flags&flagBytes != 0, HasError: flags&flagInBandEr != 0}
	r.Value, r.ErrorCode, r.ErrorMessage, r.ErrorDetails = rd.field(), rd.field(), rd.field(), rd.field()
	r.RefURI, r.AnchorType, r.AnchorValue, r.ContentType = rd.field(), rd.field(), rd.field(), rd.field()
	switch {
	case rd.bad || len(rd.b) != 0 || flags&^0x0f != 0:
		return ResultFrame{}, ErrFrame
	case r.Failed && (r.ErrorCode == nil || r.ErrorMessage == nil || r.HasValue || r.HasError):
		return ResultFrame{}, ErrFrame
	case r.HasError && (r.ErrorCode == nil || r.ErrorMessage == nil):
		return ResultFrame{}, ErrFrame
	case r.HasValue != (r.Value != nil), (r.AnchorType == nil) != (r.AnchorValue == nil):
		return ResultFrame{}, ErrFrame
	case r.ValueIsBytes && !r.HasValue:
		return ResultFrame{}, ErrFrame
	}
	return r, nil
}
