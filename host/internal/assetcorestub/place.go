package assetcorestub

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// location is where an AddFungible or AddInstance puts an item. Its kind
// decides which fields apply: balance (none), grid_cell (position,
// optional rotation "none"), slot (slot_index), continuous_1d
// (center_x_scaled, span_length_scaled) and continuous_2d (center_x_scaled,
// center_y_scaled, rect_width_scaled, rect_height_scaled, optional
// rotation_millideg).
type location struct {
	ContainerID      string  `json:"container_id"`
	Kind             string  `json:"kind"`
	Position         *int64  `json:"position"`
	Rotation         *string `json:"rotation"`
	SlotIndex        *int64  `json:"slot_index"`
	CenterXScaled    *int64  `json:"center_x_scaled"`
	CenterYScaled    *int64  `json:"center_y_scaled"`
	SpanLengthScaled *int64  `json:"span_length_scaled"`
	RectWidthScaled  *int64  `json:"rect_width_scaled"`
	RectHeightScaled *int64  `json:"rect_height_scaled"`
	RotationMillideg *int64  `json:"rotation_millideg"`
}

// fields checks that the location sets the required fields, and no field
// outside required and optional.
func (l *location) fields(required []string, optional ...string) error {
	set := map[string]bool{
		"position": l.Position != nil, "rotation": l.Rotation != nil, "slot_index": l.SlotIndex != nil,
		"center_x_scaled": l.CenterXScaled != nil, "center_y_scaled": l.CenterYScaled != nil,
		"span_length_scaled": l.SpanLengthScaled != nil, "rect_width_scaled": l.RectWidthScaled != nil,
		"rect_height_scaled": l.RectHeightScaled != nil, "rotation_millideg": l.RotationMillideg != nil,
	}
	for name, present := range set {
		req, opt := slices.Contains(required, name), slices.Contains(optional, name)
		switch {
		case !present && req:
			return fmt.Errorf("location kind %s needs %s", l.Kind, name)
		case present && !req && !opt:
			return fmt.Errorf("location kind %s has no %s", l.Kind, name)
		}
	}
	if l.Rotation != nil && *l.Rotation != "none" {
		return fmt.Errorf("grid rotation %q is not implemented by the stub (only \"none\")", *l.Rotation)
	}
	return nil
}

// target resolves the class and the container of an add operation.
func (n *namespace) target(classID string, loc *location) (*class, *container, error) {
	cl := n.classes[classID]
	if cl == nil {
		return nil, nil, fmt.Errorf("class %q is not registered", classID)
	}
	c := n.containers[loc.ContainerID]
	if c == nil {
		return nil, nil, fmt.Errorf("container %q does not exist", loc.ContainerID)
	}
	return cl, c, nil
}

// gridCell returns the cell at loc.position of a grid container, creating
// it empty. Only 1×1 classes are placed: the stub does not implement
// multi-cell footprints.
func (c *container) gridCell(cl *class, loc *location) (*cell, error) {
	if c.kind != KindGrid1D && c.kind != KindGrid2D {
		return nil, fmt.Errorf("container %s is %s, not a grid", c.id, c.kind)
	}
	if err := loc.fields([]string{"position"}, "rotation"); err != nil {
		return nil, err
	}
	if cl.width != 1 || cl.height != 1 {
		return nil, fmt.Errorf("class %s is %dx%d: multi-cell shapes are not implemented by the stub", cl.id, cl.width, cl.height)
	}
	pos := *loc.Position
	if pos < 1 || pos > c.capacity {
		return nil, fmt.Errorf("position %d outside 1..%d of %s", pos, c.capacity, c.id)
	}
	if c.cells[pos] == nil {
		c.cells[pos] = &cell{}
	}
	return c.cells[pos], nil
}

func (n *namespace) addFungible(args json.RawMessage) error {
	var a struct {
		ClassID  string   `json:"class_id"`
		Key      *string  `json:"key"`
		Location location `json:"location"`
		Quantity string   `json:"quantity"`
	}
	if err := strictJSON(args, &a); err != nil {
		return err
	}
	cl, c, err := n.target(a.ClassID, &a.Location)
	if err != nil {
		return err
	}
	key := stackKey{class: cl.id}
	if a.Key != nil {
		key.key, key.hasKey = *a.Key, true
	}
	switch a.Location.Kind {
	case "balance":
		if c.kind != KindBalance {
			return fmt.Errorf("container %s is %s, not a balance", c.id, c.kind)
		}
		if err := a.Location.fields(nil); err != nil {
			return err
		}
		amount, err := scaleQuantity(a.Quantity, c.quantizationInv)
		if err != nil {
			return err
		}
		c.balances[key], err = addChecked(c.balances[key], amount)
		return err
	case "grid_cell":
		cc, err := c.gridCell(cl, &a.Location)
		if err != nil {
			return err
		}
		qty, err := scaleQuantity(a.Quantity, 1)
		if err != nil {
			return err
		}
		if cc.inst != nil || (cc.stack != nil && *cc.stack != key) {
			return fmt.Errorf("cell %d of %s is occupied", *a.Location.Position, c.id)
		}
		cc.stack = &key
		cc.quantity, err = addChecked(cc.quantity, qty)
		return err
	}
	return fmt.Errorf("fungible location kind %q is not implemented by the stub", a.Location.Kind)
}

func (n *namespace) addInstance(args json.RawMessage) error {
	var a struct {
		ClassID  string   `json:"class_id"`
		Key      *string  `json:"key"`
		Location location `json:"location"`
	}
	if err := strictJSON(args, &a); err != nil {
		return err
	}
	cl, c, err := n.target(a.ClassID, &a.Location)
	if err != nil {
		return err
	}
	n.nextInst++
	inst := &instance{id: "i" + strconv.FormatUint(n.nextInst, 10), class: cl.id, key: a.Key}
	loc := &a.Location
	switch loc.Kind {
	case "grid_cell":
		cc, err := c.gridCell(cl, loc)
		if err != nil {
			return err
		}
		if cc.inst != nil || cc.stack != nil {
			return fmt.Errorf("cell %d of %s is occupied", *loc.Position, c.id)
		}
		cc.inst = inst
		return nil
	case "slot":
		if c.kind != KindSlots {
			return fmt.Errorf("container %s is %s, not slots", c.id, c.kind)
		}
		if err := loc.fields([]string{"slot_index"}); err != nil {
			return err
		}
		i := *loc.SlotIndex
		if i < 1 || i > c.slotCount {
			return fmt.Errorf("slot %d outside 1..%d of %s", i, c.slotCount, c.id)
		}
		if c.slots[i] != nil {
			return fmt.Errorf("slot %d of %s is occupied", i, c.id)
		}
		c.slots[i] = inst
		return nil
	case "continuous_1d":
		if c.kind != KindLine {
			return fmt.Errorf("container %s is %s, not %s", c.id, c.kind, KindLine)
		}
		if err := loc.fields([]string{"center_x_scaled", "span_length_scaled"}); err != nil {
			return err
		}
		return c.place(placement{inst: inst, cx: *loc.CenterXScaled, width: *loc.SpanLengthScaled})
	case "continuous_2d":
		if c.kind != KindPlane {
			return fmt.Errorf("container %s is %s, not %s", c.id, c.kind, KindPlane)
		}
		if err := loc.fields([]string{"center_x_scaled", "center_y_scaled", "rect_width_scaled", "rect_height_scaled"}, "rotation_millideg"); err != nil {
			return err
		}
		p := placement{inst: inst, cx: *loc.CenterXScaled, cy: *loc.CenterYScaled, width: *loc.RectWidthScaled, height: *loc.RectHeightScaled}
		if loc.RotationMillideg != nil {
			p.rotationMilliDg = *loc.RotationMillideg
		}
		return c.place(p)
	}
	return fmt.Errorf("instance location kind %q is not implemented by the stub", loc.Kind)
}

// place adds a continuous placement that lies inside the container's
// bounds and overlaps no other placement.
func (c *container) place(p placement) error {
	if err := c.validPlacement(p); err != nil {
		return err
	}
	if !c.inside(p) {
		return fmt.Errorf("placement of %s leaves the bounds of %s", p.inst.class, c.id)
	}
	if c.overlapCount(p) > 0 {
		return fmt.Errorf("placement of %s overlaps another placement in %s", p.inst.class, c.id)
	}
	c.placements = append(c.placements, p)
	return nil
}
