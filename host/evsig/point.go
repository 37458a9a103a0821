package evsig

import "math/big"

// Small-order point detection on edwards25519 with math/big: decompress
// the point, multiply it by the cofactor 8 and check for the identity.
// Only used on keys and signature R values, so speed is secondary.

var (
	fieldP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	// curveD = -121665/121666 mod p
	curveD = func() *big.Int {
		d := new(big.Int).ModInverse(big.NewInt(121666), fieldP)
		d.Mul(d, big.NewInt(-121665))
		return d.Mod(d, fieldP)
	}()
	// sqrtM1 = 2^((p-1)/4) mod p
	sqrtM1 = new(big.Int).Exp(big.NewInt(2), new(big.Int).Rsh(new(big.Int).Sub(fieldP, big.NewInt(1)), 2), fieldP)
)

// canonicalY reports whether the 255-bit y of an encoded point is below p.
func canonicalY(enc []byte) bool {
	return decodeY(enc).Cmp(fieldP) < 0
}

func decodeY(enc []byte) *big.Int {
	b := make([]byte, 32)
	for i := range 32 {
		b[31-i] = enc[i]
	}
	b[0] &= 0x7f
	return new(big.Int).SetBytes(b)
}

// weakPoint reports whether enc is not a valid point or is a point of
// small order (one the cofactor multiplies to the identity).
func weakPoint(enc []byte) bool {
	if len(enc) != 32 {
		return true
	}
	x, y, ok := decompress(enc)
	if !ok {
		return true
	}
	for range 3 {
		x, y = double(x, y)
	}
	return x.Sign() == 0 && y.Cmp(big.NewInt(1)) == 0
}

// decompress recovers (x, y) from the RFC 8032 encoding.
func decompress(enc []byte) (x, y *big.Int, ok bool) {
	y = decodeY(enc)
	y.Mod(y, fieldP)
	sign := enc[31] >> 7
	// x^2 = (y^2 - 1) / (d y^2 + 1)
	y2 := new(big.Int).Mul(y, y)
	y2.Mod(y2, fieldP)
	u := new(big.Int).Sub(y2, big.NewInt(1))
	u.Mod(u, fieldP)
	v := new(big.Int).Mul(curveD, y2)
	v.Add(v, big.NewInt(1))
	v.Mod(v, fieldP)
	x2 := new(big.Int).Mul(u, new(big.Int).ModInverse(v, fieldP))
	x2.Mod(x2, fieldP)
	// candidate x = x2^((p+3)/8)
	x = new(big.Int).Exp(x2, new(big.Int).Rsh(new(big.Int).Add(fieldP, big.NewInt(3)), 3), fieldP)
	check := new(big.Int).Mul(x, x)
	check.Mod(check, fieldP)
	if check.Cmp(x2) != 0 {
		x.Mul(x, sqrtM1)
		x.Mod(x, fieldP)
		check.Mul(x, x)
		check.Mod(check, fieldP)
		if check.Cmp(x2) != 0 {
			return nil, nil, false
		}
	}
	if x.Sign() == 0 && sign == 1 {
		return nil, nil, false
	}
	if x.Bit(0) != uint(sign) {
		x.Sub(fieldP, x)
	}
	return x, y, true
}

// double returns 2·(x, y) on -x² + y² = 1 + d x² y².
func double(x, y *big.Int) (*big.Int, *big.Int) {
	xy := new(big.Int).Mul(x, y)
	xy.Mod(xy, fieldP)
	x2 := new(big.Int).Mul(x, x)
	x2.Mod(x2, fieldP)
	y2 := new(big.Int).Mul(y, y)
	y2.Mod(y2, fieldP)
	dxy := new(big.Int).Mul(curveD, new(big.Int).Mul(x2, y2))
	dxy.Mod(dxy, fieldP)
	// x3 = 2xy / (1 + d x²y²); y3 = (y² + x²) / (1 - d x²y²)
	nx := new(big.Int).Lsh(xy, 1)
	dx := new(big.Int).Add(big.NewInt(1), dxy)
	nx.Mul(nx, new(big.Int).ModInverse(dx.Mod(dx, fieldP), fieldP))
	nx.Mod(nx, fieldP)
	ny := new(big.Int).Add(y2, x2)
	dy := new(big.Int).Sub(big.NewInt(1), dxy)
	dy.Mod(dy, fieldP)
	inv := new(big.Int).ModInverse(dy, fieldP)
	if inv == nil {
		return big.NewInt(0), big.NewInt(0) // not on the curve; never the identity
	}
	ny.Mul(ny, inv)
	ny.Mod(ny, fieldP)
	return nx, ny
}
