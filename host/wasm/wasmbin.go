package wasm

import (
	"errors"
	"fmt"
)

// External kinds of the import and export sections.
const (
	kindFunc   = 0
	kindTable  = 1
	kindMemory = 2
	kindGlobal = 3
	kindTag    = 4
)

var kindNames = [...]string{"function", "table", "memory", "global", "tag"}

func kindName(k byte) string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind %d", k)
}

// wasmImport and wasmExport are the entries of a module's import and export
// sections.
type wasmImport struct {
	Module, Name string
	Kind         byte
}

type wasmExport struct {
	Name string
	Kind byte
}

var errTruncated = errors.New("unexpected end of module")

// wasmReader reads the binary format's primitives.
type wasmReader struct {
	b   []byte
	off int
}

func (r *wasmReader) byte() (byte, error) {
	if r.off >= len(r.b) {
		return 0, errTruncated
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

// u32 reads an unsigned LEB128 value of at most 32 bits.
func (r *wasmReader) u32() (uint32, error) {
	var v uint32
	for shift := uint(0); shift < 35; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint32(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, nil
		}
	}
	return 0, errors.New("LEB128 value too long")
}

// u64 reads an unsigned LEB128 value of at most 64 bits.
func (r *wasmReader) u64() error {
	for shift := uint(0); shift < 70; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return err
		}
		if c&0x80 == 0 {
			return nil
		}
	}
	return errors.New("LEB128 value too long")
}

func (r *wasmReader) bytes(n uint32) ([]byte, error) {
	if uint64(r.off)+uint64(n) > uint64(len(r.b)) {
		return nil, errTruncated
	}
	out := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return out, nil
}

func (r *wasmReader) name() (string, error) {
	n, err := r.u32()
	if err != nil {
		return "", err
	}
	b, err := r.bytes(n)
	return string(b), err
}

// limits skips a table or memory limits entry.
func (r *wasmReader) limits() error {
	flags, err := r.byte()
	if err != nil {
		return err
	}
	if err := r.u64(); err != nil {
		return err
	}
	if flags&1 != 0 {
		return r.u64()
	}
	return nil
}

// parseSections lists a module's imports and exports without compiling it.
// Other sections are skipped unread; the compiler validates them later.
func parseSections(b []byte) (imports []wasmImport, exports []wasmExport, err error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, nil, errors.New("not a WebAssembly module (bad magic)")
	}
	if b[4] != 1 || b[5] != 0 || b[6] != 0 || b[7] != 0 {
		return nil, nil, fmt.Errorf("unsupported WebAssembly binary version %x (a component?)", b[4:8])
	}
	r := &wasmReader{b: b, off: 8}
	for r.off < len(b) {
		id, err := r.byte()
		if err != nil {
			return nil, nil, err
		}
		size, err := r.u32()
		if err != nil {
			return nil, nil, err
		}
		body, err := r.bytes(size)
		if err != nil {
			return nil, nil, fmt.Errorf("section %d: %w", id, err)
		}
		sr := &wasmReader{b: body}
		switch id {
		case 2:
			if imports, err = sr.imports(); err != nil {
				return nil, nil, fmt.Errorf("import section: %w", err)
			}
		case 7:
			if exports, err = sr.exports(); err != nil {
				return nil, nil, fmt.Errorf("export section: %w", err)
			}
		}
	}
	return imports, exports, nil
}

func (r *wasmReader) imports() ([]wasmImport, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	var out []wasmImport
	for i := uint32(0); i < n; i++ {
		var im wasmImport
		if im.Module, err = r.name(); err != nil {
			return nil, err
		}
		if im.Name, err = r.name(); err != nil {
			return nil, err
		}
		if im.Kind, err = r.byte(); err != nil {
			return nil, err
		}
		switch im.Kind {
		case kindFunc:
			_, err = r.u32()
		case kindTable:
			if _, err = r.byte(); err == nil {
				err = r.limits()
			}
		case kindMemory:
			err = r.limits()
		case kindGlobal:
			_, err = r.bytes(2)
		case kindTag:
			if _, err = r.byte(); err == nil {
				_, err = r.u32()
			}
		default:
			err = fmt.Errorf("import %s.%s: unknown kind %d", im.Module, im.Name, im.Kind)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	return out, nil
}

func (r *wasmReader) exports() ([]wasmExport, error) {
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	var out []wasmExport
	for i := uint32(0); i < n; i++ {
		var ex wasmExport
		if ex.Name, err = r.name(); err != nil {
			return nil, err
		}
		if ex.Kind, err = r.byte(); err != nil {
			return nil, err
		}
		if _, err = r.u32(); err != nil {
			return nil, err
		}
		out = append(out, ex)
	}
	return out, nil
}
