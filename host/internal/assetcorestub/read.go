package assetcorestub

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// view is the resource a read request names.
type view uint8

const (
	viewContainer view = iota
	viewBalance
	viewSlot
	viewCell
	viewOverlap
)

// reply is a 200 read reply: the namespace, the commit it was read at, the
// container descriptor and one projection.
type reply struct {
	NamespaceID uint64       `json:"namespace_id"`
	Commit      commitJSON   `json:"commit"`
	Container   descriptor   `json:"container"`
	Balance     *balanceJSON `json:"balance,omitempty"`
	Slot        *slotJSON    `json:"slot,omitempty"`
	Cell        *cellJSON    `json:"cell,omitempty"`
	Overlap     *overlapJSON `json:"overlap,omitempty"`
}

// descriptor describes a container; which sizes are present depends on
// its kind.
type descriptor struct {
	ContainerID     string `json:"container_id"`
	Kind            string `json:"kind"`
	QuantizationInv *int64 `json:"quantization_inv,omitempty"`
	Capacity        *int64 `json:"capacity,omitempty"`
	GridWidth       *int64 `json:"grid_width,omitempty"`
	SlotCount       *int64 `json:"slot_count,omitempty"`
	MinXScaled      *int64 `json:"min_x_scaled,omitempty"`
	MaxXScaled      *int64 `json:"max_x_scaled,omitempty"`
	MinYScaled      *int64 `json:"min_y_scaled,omitempty"`
	MaxYScaled      *int64 `json:"max_y_scaled,omitempty"`
}

type balanceJSON struct {
	ClassID      string  `json:"class_id"`
	StackKey     *string `json:"stack_key"`
	AmountScaled int64   `json:"amount_scaled"`
}

type instanceJSON struct {
	InstanceID string  `json:"instance_id"`
	ClassID    string  `json:"class_id"`
	Key        *string `json:"key"`
}

type slotJSON struct {
	SlotIndex int64         `json:"slot_index"`
	Instance  *instanceJSON `json:"instance"`
}

type stackJSON struct {
	ClassID  string  `json:"class_id"`
	StackKey *string `json:"stack_key"`
	Quantity int64   `json:"quantity"`
}

type cellJSON struct {
	Position int64         `json:"position"`
	X        int64         `json:"x"`
	Y        *int64        `json:"y,omitempty"`
	Stacks   []stackJSON   `json:"stacks"`
	Instance *instanceJSON `json:"instance"`
}

type overlapJSON struct {
	OverlapCount int `json:"overlap_count"`
}

func (c *container) describe() descriptor {
	d := descriptor{ContainerID: c.id, Kind: c.kind}
	p := func(v int64) *int64 { return &v }
	switch c.kind {
	case KindBalance:
		d.QuantizationInv = p(c.quantizationInv)
	case KindGrid1D:
		d.Capacity = p(c.capacity)
	case KindGrid2D:
		d.Capacity, d.GridWidth = p(c.capacity), p(c.gridWidth)
	case KindSlots:
		d.SlotCount = p(c.slotCount)
	case KindLine:
		d.QuantizationInv, d.MinXScaled, d.MaxXScaled = p(c.quantizationInv), p(c.minX), p(c.maxX)
	case KindPlane:
		d.QuantizationInv, d.MinXScaled, d.MaxXScaled = p(c.quantizationInv), p(c.minX), p(c.maxX)
		d.MinYScaled, d.MaxYScaled = p(c.minY), p(c.maxY)
	}
	return d
}

func instanceOf(i *instance) *instanceJSON {
	if i == nil {
		return nil
	}
	return &instanceJSON{InstanceID: i.id, ClassID: i.class, Key: i.key}
}

// readError is a non-200 read answer.
type readError struct {
	status    int
	code, msg string
}

func rerr(status int, code, format string, args ...any) *readError {
	return &readError{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// read returns the handler of one read view. Every reply is computed
// from one published (immutable) namespace, so it is consistent with the
// commit it names.
func (s *Server) read(v view) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := parseID(r.PathValue("ns"))
		if !ok {
			s.writeReadError(w, nil, rerr(http.StatusBadRequest, "invalid_request", "namespace id must be an integer of at least 1"))
			return
		}
		n := s.namespace(id)
		if n == nil {
			s.writeReadError(w, nil, rerr(http.StatusNotFound, "namespace_not_found", "namespace %d not found", id))
			return
		}
		c := n.containers[r.PathValue("cid")]
		if c == nil {
			s.writeReadError(w, n, rerr(http.StatusNotFound, "container_not_found", "container %q not found", r.PathValue("cid")))
			return
		}
		rep := &reply{NamespaceID: n.id, Commit: s.commit(n), Container: c.describe()}
		var e *readError
		switch v {
		case viewContainer:
			e = onlyParams(r.URL.Query())
		case viewBalance:
			rep.Balance, e = balance(n, c, r)
		case viewSlot:
			rep.Slot, e = slot(c, r)
		case viewCell:
			rep.Cell, e = cellAt(c, r.URL.Query())
		case viewOverlap:
			rep.Overlap, e = overlap(c, r.URL.Query())
		}
		if e != nil {
			s.writeReadError(w, n, e)
			return
		}
		writeJSON(w, http.StatusOK, rep)
	}
}

func (s *Server) commit(n *namespace) commitJSON {
	c := commitJSON{CommitID: n.commitID, WorldSeq: n.worldSeq}
	if s.opts.ChainHash {
		h := n.chainHash
		c.ChainHash = &h
	}
	return c
}

func (s *Server) writeReadError(w http.ResponseWriter, n *namespace, e *readError) {
	b := errorBody{Error: apiError{Code: e.code, Message: e.msg}}
	if n != nil && n.commitID != "" {
		c := s.commit(n)
		b.NamespaceID, b.Commit = &n.id, &c
	}
	writeJSON(w, e.status, b)
}

func balance(n *namespace, c *container, r *http.Request) (*balanceJSON, *readError) {
	if c.kind != KindBalance {
		return nil, rerr(http.StatusConflict, "kind_mismatch", "container %s is %s, not a balance", c.id, c.kind)
	}
	classID := r.PathValue("class")
	if n.classes[classID] == nil {
		return nil, rerr(http.StatusNotFound, "class_not_found", "class %q not registered", classID)
	}
	q := r.URL.Query()
	if e := onlyParams(q, "stack_key"); e != nil {
		return nil, e
	}
	key := stackKey{class: classID}
	b := &balanceJSON{ClassID: classID}
	if q.Has("stack_key") {
		key.key, key.hasKey = q.Get("stack_key"), true
		b.StackKey = &key.key
	}
	b.AmountScaled = c.balances[key]
	return b, nil
}

func slot(c *container, r *http.Request) (*slotJSON, *readError) {
	if c.kind != KindSlots {
		return nil, rerr(http.StatusConflict, "kind_mismatch", "container %s is %s, not slots", c.id, c.kind)
	}
	if e := onlyParams(r.URL.Query()); e != nil {
		return nil, e
	}
	i, err := strconv.ParseInt(r.PathValue("slot"), 10, 64)
	if err != nil {
		return nil, rerr(http.StatusBadRequest, "invalid_request", "slot index must be an integer")
	}
	if i < 1 || i > c.slotCount {
		return nil, rerr(http.StatusUnprocessableEntity, "out_of_range", "slot %d outside 1..%d", i, c.slotCount)
	}
	return &slotJSON{SlotIndex: i, Instance: instanceOf(c.slots[i])}, nil
}

func cellAt(c *container, q url.Values) (*cellJSON, *readError) {
	if c.kind != KindGrid1D && c.kind != KindGrid2D {
		return nil, rerr(http.StatusConflict, "kind_mismatch", "container %s is %s, not a grid", c.id, c.kind)
	}
	if e := onlyParams(q, "x", "y"); e != nil {
		return nil, e
	}
	if q.Has("y") != (c.kind == KindGrid2D) {
		return nil, rerr(http.StatusConflict, "kind_mismatch", "container %s is %s: a 1D grid cell is addressed by x, a 2D one by x and y", c.id, c.kind)
	}
	x, e := intParam(q, "x")
	if e != nil {
		return nil, e
	}
	out := &cellJSON{X: x, Stacks: []stackJSON{}}
	var y int64
	if c.kind == KindGrid2D {
		if y, e = intParam(q, "y"); e != nil {
			return nil, e
		}
		out.Y = &y
	}
	pos, ok := c.position(x, y)
	if !ok {
		return nil, rerr(http.StatusUnprocessableEntity, "out_of_range", "cell (%s) outside grid %s", q.Encode(), c.id)
	}
	out.Position = pos
	if cc := c.cells[pos]; cc != nil {
		if cc.stack != nil {
			st := stackJSON{ClassID: cc.stack.class, Quantity: cc.quantity}
			if cc.stack.hasKey {
				k := cc.stack.key
				st.StackKey = &k
			}
			out.Stacks = append(out.Stacks, st)
		}
		out.Instance = instanceOf(cc.inst)
	}
	return out, nil
}

func overlap(c *container, q url.Values) (*overlapJSON, *readError) {
	var names []string
	switch c.kind {
	case KindLine:
		names = []string{"center_x_scaled", "span_length_scaled"}
	case KindPlane:
		names = []string{"center_x_scaled", "center_y_scaled", "rect_width_scaled", "rect_height_scaled", "rotation_millideg"}
	default:
		return nil, rerr(http.StatusConflict, "kind_mismatch", "container %s is %s, not continuous", c.id, c.kind)
	}
	if e := onlyParams(q, names...); e != nil {
		return nil, rerr(http.StatusConflict, "kind_mismatch", "container %s is %s: %s", c.id, c.kind, e.msg)
	}
	v := make([]int64, len(names))
	for i, name := range names {
		var e *readError
		if v[i], e = intParam(q, name); e != nil {
			return nil, e
		}
	}
	p := placement{cx: v[0], width: v[1]}
	if c.kind == KindPlane {
		p = placement{cx: v[0], cy: v[1], width: v[2], height: v[3], rotationMilliDg: v[4]}
	}
	if err := c.validPlacement(p); err != nil {
		return nil, rerr(http.StatusUnprocessableEntity, "out_of_range", "%v", err)
	}
	return &overlapJSON{OverlapCount: c.overlapCount(p)}, nil
}

// onlyParams refuses query parameters outside allowed.
func onlyParams(q url.Values, allowed ...string) *readError {
	for k := range q {
		if !slices.Contains(allowed, k) {
			return rerr(http.StatusBadRequest, "invalid_request", "unknown query parameter %q", k)
		}
	}
	return nil
}

// intParam reads a required integer query parameter.
func intParam(q url.Values, name string) (int64, *readError) {
	if !q.Has(name) {
		return 0, rerr(http.StatusBadRequest, "invalid_request", "query parameter %s is required", name)
	}
	v, err := strconv.ParseInt(q.Get(name), 10, 64)
	if err != nil || len(q[name]) != 1 {
		return 0, rerr(http.StatusBadRequest, "invalid_request", "query parameter %s must be one integer", name)
	}
	return v, nil
}

// parseID parses a namespace id: a decimal integer of at least 1.
func parseID(s string) (uint64, bool) {
	id, err := strconv.ParseUint(s, 10, 64)
	return id, err == nil && id >= 1
}
