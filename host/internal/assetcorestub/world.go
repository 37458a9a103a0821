package assetcorestub

import (
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
)

// Container kinds as the read API reports them.
const (
	KindBalance = "balance"
	KindGrid1D  = "grid1d"
	KindGrid2D  = "grid2d"
	KindSlots   = "slots"
	KindLine    = "continuous_line_1d"
	KindPlane   = "continuous_grid_2d"
)

// namespace is one AssetCore namespace: its classes, containers and commit
// position.
type namespace struct {
	id         uint64
	worldSeq   uint64
	commitID   string // "" before the first commit
	chainHash  string // hex SHA-256 chain over every commit
	classes    map[string]*class
	containers map[string]*container
	applied    map[string]appliedCommit // idempotency_key → the commit it produced
	nextInst   uint64
}

func newNamespace(id uint64) *namespace {
	return &namespace{id: id, classes: map[string]*class{}, containers: map[string]*container{}, applied: map[string]appliedCommit{}}
}

// class is a registered class.
type class struct {
	id, name      string
	flags         int64
	balanceScale  int64 // 0 when the class has no balance behaviour
	width, height int64 // shape; 1×1 unless registered
}

// stackKey names a fungible stack: a class and an optional key.
type stackKey struct {
	class  string
	key    string
	hasKey bool
}

// instance is one placed instance.
type instance struct {
	id, class string
	key       *string
}

// cell is one grid cell: at most one occupant, a stack or an instance.
type cell struct {
	stack    *stackKey
	quantity int64
	inst     *instance
}

// placement is an instance in a continuous container: an interval (1D) or
// a rotated rectangle (2D), in scaled units.
type placement struct {
	inst            *instance
	cx, cy          int64
	width, height   int64 // width is the span length in 1D
	rotationMilliDg int64
}

// container is one container and its contents.
type container struct {
	id              string
	kind            string
	quantizationInv int64 // 0: none
	capacity        int64
	gridWidth       int64
	slotCount       int64
	minX, maxX      int64
	minY, maxY      int64
	balances        map[stackKey]int64 // scaled amounts
	cells           map[int64]*cell    // 1-based position → occupant
	slots           map[int64]*instance
	placements      []placement
}

// clone deep-copies the namespace so that a commit applies atomically.
func (n *namespace) clone() *namespace {
	c := *n
	c.classes = make(map[string]*class, len(n.classes))
	for k, v := range n.classes {
		cl := *v
		c.classes[k] = &cl
	}
	c.containers = make(map[string]*container, len(n.containers))
	for k, v := range n.containers {
		c.containers[k] = v.clone()
	}
	c.applied = maps.Clone(n.applied)
	return &c
}

func (c *container) clone() *container {
	d := *c
	d.balances = maps.Clone(c.balances)
	d.cells = make(map[int64]*cell, len(c.cells))
	for k, v := range c.cells {
		cl := *v
		d.cells[k] = &cl
	}
	d.slots = maps.Clone(c.slots)
	d.placements = slices.Clone(c.placements)
	return &d
}

// position maps 1-based grid coordinates to a 1-based cell position
// (rows of gridWidth cells in a 2D grid); ok is false outside the grid.
func (c *container) position(x, y int64) (int64, bool) {
	if c.kind == KindGrid1D {
		return x, y == 0 && x >= 1 && x <= c.capacity
	}
	rows := c.capacity / c.gridWidth
	return (y-1)*c.gridWidth + x, x >= 1 && x <= c.gridWidth && y >= 1 && y <= rows
}

// scaleQuantity parses a decimal quantity string ("150", "1.25") and
// multiplies it by inv, which must give a positive integer that fits int64.
func scaleQuantity(q string, inv int64) (int64, error) {
	if !isDecimal(q) {
		return 0, fmt.Errorf("quantity %q is not a decimal number", q)
	}
	r, ok := new(big.Rat).SetString(q)
	if !ok {
		return 0, fmt.Errorf("quantity %q is not a decimal number", q)
	}
	r.Mul(r, new(big.Rat).SetInt64(inv))
	if !r.IsInt() || r.Sign() <= 0 || !r.Num().IsInt64() {
		return 0, fmt.Errorf("quantity %q is not a positive multiple of 1/%d", q, inv)
	}
	return r.Num().Int64(), nil
}

// isDecimal reports digits with at most one inner decimal point.
func isDecimal(s string) bool {
	dot := -1
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] >= '0' && s[i] <= '9':
		case s[i] == '.' && dot < 0 && i > 0 && i < len(s)-1:
			dot = i
		default:
			return false
		}
	}
	return s != ""
}

// addChecked adds b to a without overflowing.
func addChecked(a, b int64) (int64, error) {
	if b > 0 && a > math.MaxInt64-b {
		return 0, fmt.Errorf("quantity overflows")
	}
	return a + b, nil
}
