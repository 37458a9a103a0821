package assetcorestub

import (
	"fmt"
	"math"
)

// Geometry of continuous containers, in scaled integer units. A 1D
// placement is the interval [cx − width/2, cx + width/2]; a 2D placement is
// a width×height rectangle centred on (cx, cy) and rotated
// rotationMilliDg/1000 degrees counter-clockwise. Two placements overlap
// when their intersection has a positive length or area: touching edges do
// not count. Axis-aligned cases (every rotation a multiple of 90°) are
// decided exactly on doubled integer coordinates; other rotations by the
// separating-axis test in float64.

// maxCoord bounds centres and sizes so that doubled coordinates cannot
// overflow int64.
const maxCoord = 1 << 60

// validPlacement checks a placement's ranges.
func (c *container) validPlacement(p placement) error {
	switch {
	case p.width < 1 || (c.kind == KindPlane && p.height < 1):
		return fmt.Errorf("placement sizes must be at least 1")
	case outOfRange(p.cx) || outOfRange(p.cy) || p.width > maxCoord || p.height > maxCoord:
		return fmt.Errorf("placement coordinates exceed ±2^60")
	case p.rotationMilliDg < 0 || p.rotationMilliDg > 359999:
		return fmt.Errorf("rotation_millideg %d outside 0..359999", p.rotationMilliDg)
	}
	return nil
}

// overlapCount counts the container's placements that overlap p.
func (c *container) overlapCount(p placement) int {
	n := 0
	for _, q := range c.placements {
		if c.kind == KindLine && intervalsOverlap(p, q) || c.kind == KindPlane && rectsOverlap(p, q) {
			n++
		}
	}
	return n
}

// inside reports whether p lies within the container's bounds.
func (c *container) inside(p placement) bool {
	if c.kind == KindLine {
		return 2*p.cx-p.width >= 2*c.minX && 2*p.cx+p.width <= 2*c.maxX
	}
	if w, h, ok := axisAligned(p); ok {
		return 2*p.cx-w >= 2*c.minX && 2*p.cx+w <= 2*c.maxX && 2*p.cy-h >= 2*c.minY && 2*p.cy+h <= 2*c.maxY
	}
	xs, ys := corners(p)
	for i := range 4 {
		if xs[i] < float64(c.minX) || xs[i] > float64(c.maxX) || ys[i] < float64(c.minY) || ys[i] > float64(c.maxY) {
			return false
		}
	}
	return true
}

func intervalsOverlap(a, b placement) bool {
	return 2*a.cx-a.width < 2*b.cx+b.width && 2*b.cx-b.width < 2*a.cx+a.width
}

func rectsOverlap(a, b placement) bool {
	aw, ah, aok := axisAligned(a)
	bw, bh, bok := axisAligned(b)
	if aok && bok {
		return abs(2*a.cx-2*b.cx) < aw+bw && abs(2*a.cy-2*b.cy) < ah+bh
	}
	ax, ay := corners(a)
	bx, by := corners(b)
	for _, axis := range [][2]float64{edgeNormal(ax, ay, 0), edgeNormal(ax, ay, 1), edgeNormal(bx, by, 0), edgeNormal(bx, by, 1)} {
		amin, amax := project(ax, ay, axis)
		bmin, bmax := project(bx, by, axis)
		const eps = 1e-9
		if amax <= bmin+eps*math.Max(1, math.Abs(bmin)) || bmax <= amin+eps*math.Max(1, math.Abs(amin)) {
			return false
		}
	}
	return true
}

// axisAligned returns the extents along x and y of a rectangle whose
// rotation is a multiple of 90°.
func axisAligned(p placement) (w, h int64, ok bool) {
	switch p.rotationMilliDg {
	case 0, 180000:
		return p.width, p.height, true
	case 90000, 270000:
		return p.height, p.width, true
	}
	return 0, 0, false
}

// corners returns the rectangle's corners in order around it.
func corners(p placement) (xs, ys [4]float64) {
	th := float64(p.rotationMilliDg) / 1000 * math.Pi / 180
	cos, sin := math.Cos(th), math.Sin(th)
	hw, hh := float64(p.width)/2, float64(p.height)/2
	for i, d := range [4][2]float64{{-hw, -hh}, {hw, -hh}, {hw, hh}, {-hw, hh}} {
		xs[i] = float64(p.cx) + d[0]*cos - d[1]*sin
		ys[i] = float64(p.cy) + d[0]*sin + d[1]*cos
	}
	return xs, ys
}

// edgeNormal is the normal of edge i (0 or 1) of a corner list.
func edgeNormal(xs, ys [4]float64, i int) [2]float64 {
	return [2]float64{-(ys[i+1] - ys[i]), xs[i+1] - xs[i]}
}

func project(xs, ys [4]float64, axis [2]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := range 4 {
		v := xs[i]*axis[0] + ys[i]*axis[1]
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}

// outOfRange reports a coordinate beyond ±maxCoord.
func outOfRange(v int64) bool { return v < -maxCoord || v > maxCoord }

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
