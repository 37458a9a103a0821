package driver

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/decision-gate/dgw/host/errcode"
)

// Checksum is the hex SHA-256 the SQL drivers store beside each record.
func Checksum(value []byte) string {
	sum := sha256.Sum256(value)
	return hex.EncodeToString(sum[:])
}

// VerifyRecord checks a stored record against its checksum; a mismatch is
// DataLoss naming the driver (name), the scope and the key.
func VerifyRecord(name string, sc Scope, key Key, value []byte, sum string) error {
	if Checksum(value) != sum {
		return errcode.New(errcode.DataLoss, "%s: record %s %s failed its integrity check", name, sc, key)
	}
	return nil
}

// Rows is the part of a SQL result set ScanEntries reads: *sql.Rows and
// pgx.Rows both have it.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanEntries reads rows of (record_key, record_json, checksum), verifies
// each record and returns them in order. classify maps a driver error to
// the caller's error; a key that does not decode is DataLoss under op.
func ScanEntries(rows Rows, name, op string, sc Scope, classify func(error) error) ([]Entry, error) {
	var out []Entry
	for rows.Next() {
		var k, value []byte
		var sum string
		if err := rows.Scan(&k, &value, &sum); err != nil {
			return nil, classify(err)
		}
		key, err := DecodeKey(k)
		if err != nil {
			return nil, &errcode.Error{Code: errcode.DataLoss, Op: op, Err: err}
		}
		if err := VerifyRecord(name, sc, key, value, sum); err != nil {
			return nil, err
		}
		out = append(out, Entry{Key: key, Value: value}) // Scan copied value
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return out, nil
}
