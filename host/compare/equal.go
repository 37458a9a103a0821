package compare

import "bytes"

// jsonEqual is serde_json's Value equality on two validated values: the
// same type, numbers equal by [sameNumber] (so 1 != 1.0), strings equal
// after unescaping, arrays element by element, and objects as maps
// regardless of member order.
func jsonEqual(a, b value) bool {
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case kindNull:
		return true
	case kindBool:
		return a.raw[0] == b.raw[0]
	case kindNumber:
		if bytes.Equal(a.raw, b.raw) {
			// Identical literals are the same serde_json number; only
			// out-of-range literals differ, and those never get here.
			return true
		}
		na, ok1 := parseNumber(a.raw)
		nb, ok2 := parseNumber(b.raw)
		return ok1 && ok2 && sameNumber(na, nb)
	case kindString:
		return stringEqual(a, b)
	case kindArray:
		ia, ib := newElems(a.raw), newElems(b.raw)
		for {
			ea, oka := ia.next()
			eb, okb := ib.next()
			if oka != okb {
				return false
			}
			if !oka {
				return true
			}
			if !jsonEqual(ea, eb) {
				return false
			}
		}
	case kindObject:
		// Small objects sort their members in place on the stack.
		var sa, sb [8]member
		ma, mb := members(a.raw, sa[:0]), members(b.raw, sb[:0])
		if len(ma) != len(mb) {
			return false
		}
		for i := range ma {
			if !bytes.Equal(ma[i].key, mb[i].key) || !jsonEqual(ma[i].val, mb[i].val) {
				return false
			}
		}
		return true
	}
	return false
}

func stringEqual(a, b value) bool {
	if !a.esc && !b.esc {
		return bytes.Equal(a.raw, b.raw)
	}
	var ba, bb [64]byte
	return bytes.Equal(a.str(ba[:0]), b.str(bb[:0]))
}
