package main

import (
	"math"
	"slices"
	"strconv"

	"github.com/decision-gate/dgw/plugins/internal/contract"
	"github.com/decision-gate/dgw/plugins/internal/jsonv"
	"github.com/decision-gate/dgw/sdk"
)

// check is one contract check: the resource it reads, the container kinds
// it applies to, its params besides container_id, and how the value is
// taken from the reply.
type check struct {
	id     string
	view   view
	kinds  []string // nil: any kind
	params []param
	value  func(q *query, r *reply) ([]byte, *failure)
}

// takes reports whether name is one of the check's params.
func (c *check) takes(name string) bool {
	for _, p := range c.params {
		if p.name == name {
			return true
		}
	}
	return false
}

// Container kinds the checks apply to.
var (
	kBalance = []string{"balance"}
	kSlots   = []string{"slots"}
	kGrids   = []string{"grid1d", "grid2d"}
	kGrid1D  = []string{"grid1d"}
	kGrid2D  = []string{"grid2d"}
	kLine    = []string{"continuous_line_1d"}
	kPlane   = []string{"continuous_grid_2d"}
)

// Parameter lists shared by several checks.
var (
	pClass     = param{"class_id", pString}
	pStackKey  = param{"stack_key", pOptional}
	pX         = param{"x", pIndex}
	pY         = param{"y", pIndex}
	pSlotIndex = param{"slot_index", pIndex}
)

// checks are the 22 checks of the contract, in contract order.
var checks = []*check{
	{id: "container_kind", view: viewContainer, value: kindValue},
	{id: "container_quantization_inv", view: viewContainer, value: quantizationValue},
	{id: "balance_amount_scaled", view: viewBalance, kinds: kBalance, params: []param{pClass, pStackKey}, value: balanceValue},
	{id: "slot_count", view: viewContainer, kinds: kSlots, value: descriptorInt("slot_count")},
	{id: "slot_occupied", view: viewSlot, kinds: kSlots, params: []param{pSlotIndex}, value: slotValue(false)},
	{id: "slot_instance_is_class", view: viewSlot, kinds: kSlots, params: []param{pClass, pSlotIndex}, value: slotValue(true)},
	{id: "grid_capacity", view: viewContainer, kinds: kGrids, value: descriptorInt("capacity")},
	{id: "grid1d_cell_stack_qty", view: viewCell, kinds: kGrid1D, params: []param{pClass, pStackKey, pX}, value: stackQtyValue},
	{id: "grid1d_cell_instance_present", view: viewCell, kinds: kGrid1D, params: []param{pX}, value: cellInstanceValue(false)},
	{id: "grid1d_cell_instance_is_class", view: viewCell, kinds: kGrid1D, params: []param{pClass, pX}, value: cellInstanceValue(true)},
	{id: "grid_width", view: viewContainer, kinds: kGrid2D, value: descriptorInt("grid_width")},
	{id: "grid2d_cell_stack_qty", view: viewCell, kinds: kGrid2D, params: []param{pClass, pStackKey, pX, pY}, value: stackQtyValue},
	{id: "grid2d_cell_instance_present", view: viewCell, kinds: kGrid2D, params: []param{pX, pY}, value: cellInstanceValue(false)},
	{id: "grid2d_cell_instance_is_class", view: viewCell, kinds: kGrid2D, params: []param{pClass, pX, pY}, value: cellInstanceValue(true)},
	{id: "continuous1d_min_x_scaled", view: viewContainer, kinds: kLine, value: descriptorInt("min_x_scaled")},
	{id: "continuous1d_max_x_scaled", view: viewContainer, kinds: kLine, value: descriptorInt("max_x_scaled")},
	{id: "continuous1d_overlap_count", view: viewOverlap, kinds: kLine,
		params: []param{{"center_x_scaled", pCoord}, {"span_length_scaled", pLength}}, value: overlapValue},
	{id: "continuous2d_min_x_scaled", view: viewContainer, kinds: kPlane, value: descriptorInt("min_x_scaled")},
	{id: "continuous2d_max_x_scaled", view: viewContainer, kinds: kPlane, value: descriptorInt("max_x_scaled")},
	{id: "continuous2d_min_y_scaled", view: viewContainer, kinds: kPlane, value: descriptorInt("min_y_scaled")},
	{id: "continuous2d_max_y_scaled", view: viewContainer, kinds: kPlane, value: descriptorInt("max_y_scaled")},
	{id: "continuous2d_overlap_count", view: viewOverlap, kinds: kPlane,
		params: []param{{"center_x_scaled", pCoord}, {"center_y_scaled", pCoord}, {"rect_width_scaled", pLength},
			{"rect_height_scaled", pLength}, {"rotation_millideg", pRotation}}, value: overlapValue},
}

// runFuncs maps every check ID to its Run function.
func runFuncs() map[string]contract.RunFunc {
	m := make(map[string]contract.RunFunc, len(checks))
	for _, c := range checks {
		m[c.id] = c.run
	}
	return m
}

// run answers one query: validate params, fetch once, check the container
// kind, take the value. Config errors fail the call; everything else is an
// in-band error, with the URL as reference and the commit anchor whenever
// AssetCore named a commit.
func (c *check) run(call *sdk.Call) (*sdk.Result, error) {
	cfg, err := cfgCache.Get(call, parseConfig)
	if err != nil {
		return nil, err
	}
	q, f := parseParams(call.Params, c)
	if f != nil {
		return errorResult(f, "", nil), nil
	}
	ref, anchor, r, f := fetch(&cfg, c, q)
	if f != nil {
		return errorResult(f, ref, anchor), nil
	}
	if c.kinds != nil && !slices.Contains(c.kinds, r.kind) {
		return errorResult(&failure{
			code:    "kind_mismatch",
			message: "container " + q.containerID + " is " + r.kind + "; " + c.id + " reads " + joinKinds(c.kinds),
			details: kindDetails(r.kind, c.kinds),
		}, ref, anchor), nil
	}
	value, f := c.value(q, r)
	if f != nil {
		return errorResult(f, ref, anchor), nil
	}
	return &sdk.Result{JSON: value, HasValue: true, RefURI: ref, Anchor: anchor, ContentType: "application/json"}, nil
}

func errorResult(f *failure, ref string, anchor *sdk.Anchor) *sdk.Result {
	return &sdk.Result{
		Error:  &sdk.ResultError{Code: f.code, Message: f.message, Details: f.details},
		RefURI: ref,
		Anchor: anchor,
	}
}

func joinKinds(kinds []string) string {
	s := kinds[0]
	for _, k := range kinds[1:] {
		s += " or " + k
	}
	return s
}

func kindDetails(kind string, want []string) []byte {
	d := jsonv.AppendString([]byte(`{"kind":`), kind)
	d = append(d, `,"supported_kinds":[`...)
	for i, k := range want {
		if i > 0 {
			d = append(d, ',')
		}
		d = jsonv.AppendString(d, k)
	}
	return append(d, "]}"...)
}

func kindValue(_ *query, r *reply) ([]byte, *failure) {
	return jsonv.AppendString(nil, r.kind), nil
}

// quantizationValue is container.quantization_inv; a container without a
// fixed-point scale (a grid or slots container) does not support the check.
func quantizationValue(q *query, r *reply) ([]byte, *failure) {
	if _, ok := r.container.Get("quantization_inv"); !ok {
		return nil, &failure{
			code:    "kind_mismatch",
			message: "container " + q.containerID + " is " + r.kind + " and has no quantization_inv",
			details: kindDetails(r.kind, []string{"balance", "continuous_line_1d", "continuous_grid_2d"}),
		}
	}
	return descriptorInt("quantization_inv")(q, r)
}

// descriptorInt returns the integer member field of the container
// descriptor.
func descriptorInt(field string) func(*query, *reply) ([]byte, *failure) {
	return func(_ *query, r *reply) ([]byte, *failure) {
		n, ok := intMember(r.container, field)
		if !ok {
			return nil, malformed("container." + field + " is missing or not an integer")
		}
		return strconv.AppendInt(nil, n, 10), nil
	}
}

// balanceValue is balance.amount_scaled of the requested class and key.
func balanceValue(q *query, r *reply) ([]byte, *failure) {
	if !sameStack(r.part, q.classID, q.stackKey) {
		return nil, malformed("balance does not name the requested class and stack key")
	}
	n, ok := intMember(r.part, "amount_scaled")
	if !ok {
		return nil, malformed("balance.amount_scaled is missing or not an integer")
	}
	return strconv.AppendInt(nil, n, 10), nil
}

// slotValue is whether the slot holds an instance (of the class, when
// ofClass is set).
func slotValue(ofClass bool) func(*query, *reply) ([]byte, *failure) {
	return func(q *query, r *reply) ([]byte, *failure) {
		if n, ok := intMember(r.part, "slot_index"); !ok || n != q.int("slot_index") {
			return nil, malformed("slot does not name the requested slot_index")
		}
		return instanceValue(r.part, "slot", ofClass, q.classID)
	}
}

// cellInstanceValue is whether the cell holds an instance (of the class,
// when ofClass is set).
func cellInstanceValue(ofClass bool) func(*query, *reply) ([]byte, *failure) {
	return func(q *query, r *reply) ([]byte, *failure) {
		if f := sameCell(q, r); f != nil {
			return nil, f
		}
		return instanceValue(r.part, "cell", ofClass, q.classID)
	}
}

// instanceValue reads part.instance: null, or an object with a class_id.
func instanceValue(part *jsonv.Members, name string, ofClass bool, classID string) ([]byte, *failure) {
	iv, ok := part.Get("instance")
	if !ok {
		return nil, malformed(name + ".instance is missing")
	}
	switch {
	case iv.Kind == jsonv.Null:
		return []byte("false"), nil
	case iv.Kind != jsonv.Object:
		return nil, malformed(name + ".instance must be an object or null")
	}
	cls, ok := iv.Obj.Get("class_id")
	if !ok || cls.Kind != jsonv.String {
		return nil, malformed(name + ".instance.class_id is missing")
	}
	return []byte(strconv.FormatBool(!ofClass || cls.S == classID)), nil
}

// stackQtyValue sums the quantities of the cell's stacks of the class and
// stack key (0 when there is none).
func stackQtyValue(q *query, r *reply) ([]byte, *failure) {
	if f := sameCell(q, r); f != nil {
		return nil, f
	}
	sv, ok := r.part.Get("stacks")
	if !ok || sv.Kind != jsonv.Array {
		return nil, malformed("cell.stacks must be an array")
	}
	var total int64
	for _, s := range sv.Arr {
		if s.Kind != jsonv.Object {
			return nil, malformed("cell.stacks holds a non-object")
		}
		n, ok := uintMember(s.Obj, "quantity")
		if !ok {
			return nil, malformed("cell.stacks[].quantity must be a non-negative integer")
		}
		if !sameStack(s.Obj, q.classID, q.stackKey) {
			continue
		}
		if total > math.MaxInt64-n {
			return nil, malformed("cell stack quantities overflow")
		}
		total += n
	}
	return strconv.AppendInt(nil, total, 10), nil
}

// sameCell checks that the cell projection names the requested x (and y).
func sameCell(q *query, r *reply) *failure {
	for _, p := range q.ints {
		if n, ok := intMember(r.part, p.name); !ok || n != p.value {
			return malformed("cell does not name the requested " + p.name)
		}
	}
	return nil
}

// sameStack reports whether m names class_id and the stack key (a missing
// or null stack_key is the unkeyed stack).
func sameStack(m *jsonv.Members, classID string, key *string) bool {
	cls, ok := m.Get("class_id")
	if !ok || cls.Kind != jsonv.String || cls.S != classID {
		return false
	}
	kv, ok := m.Get("stack_key")
	if !ok || kv.Kind == jsonv.Null {
		return key == nil
	}
	return kv.Kind == jsonv.String && key != nil && kv.S == *key
}

// overlapValue is overlap.overlap_count.
func overlapValue(_ *query, r *reply) ([]byte, *failure) {
	n, ok := uintMember(r.part, "overlap_count")
	if !ok {
		return nil, malformed("overlap.overlap_count must be a non-negative integer")
	}
	return strconv.AppendInt(nil, n, 10), nil
}
