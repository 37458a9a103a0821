package broker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/provider"
)

// MaxContractFileBytes caps the file at capabilities_path (spec §8.2).
const MaxContractFileBytes = 1 << 20

// Contract problem codes; the first six are the reference's start-up
// contract errors (spec §5.6).
const (
	codeContractMissing     = "contract_missing"
	codeContractReadFailed  = "contract_read_failed"
	codeContractParseFailed = "contract_parse_failed"
	codeContractInvalid     = "contract_invalid"
	codeSchemaCompileFailed = "schema_compile_failed"
	codeContractSHA256      = "contract_sha256_mismatch"
	codeContractChanged     = "contract_changed"
)

// loadContract reads and checks the capability contract of an mcp
// provider (spec §8.2; design broker.md §4.2.2): at most 1 MiB; the bytes
// match contract_sha256 when it is set; the document parses as a
// ProviderContract whose provider_id is the provider name and whose
// transport is "mcp"; every check has a non-empty comparator list and
// params and result schemas that compile.
func loadContract(p *config.Provider) (*provider.Contract, *problem) {
	const key = "capabilities_path"
	path := p.CapabilitiesPath.Resolved
	if path == "" {
		path = p.CapabilitiesPath.Raw
	}
	if path == "" {
		return nil, newProblem(codeContractMissing, key, "is required for an mcp provider")
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, newProblem(codeContractMissing, key, "%v", err)
	}
	if err != nil {
		return nil, newProblem(codeContractReadFailed, key, "%v", err)
	}
	defer f.Close()
	doc, err := io.ReadAll(io.LimitReader(f, MaxContractFileBytes+1))
	if err != nil {
		return nil, newProblem(codeContractReadFailed, key, "%v", err)
	}
	if len(doc) > MaxContractFileBytes {
		return nil, newProblem(codeContractInvalid, key, "%s is larger than %d bytes", path, MaxContractFileBytes)
	}
	if pin := p.ContractSHA256; pin != "" {
		if got := sha256Hex(doc); got != pin {
			return nil, newProblem(codeContractSHA256, "contract_sha256", "%s has sha256 %s, the pin is %s", path, got, pin)
		}
	}
	if !json.Valid(doc) {
		return nil, newProblem(codeContractParseFailed, key, "%s is not valid JSON", path)
	}
	c, err := provider.ParseContract(doc)
	if err != nil {
		return nil, newProblem(codeContractInvalid, key, "%s: %v", path, err)
	}
	if c.ProviderID != p.Name {
		return nil, newProblem(codeContractInvalid, key, "provider_id %q does not match the provider name %q", c.ProviderID, p.Name)
	}
	if c.Transport != provider.MCP {
		return nil, newProblem(codeContractInvalid, key, "transport is %q, want \"mcp\"", c.Transport)
	}
	for i, ch := range c.Checks {
		if len(ch.AllowedComparators) == 0 {
			return nil, newProblem(codeContractInvalid, key, "checks[%d] (%s): allowed_comparators is empty", i, ch.CheckID)
		}
		for _, s := range []struct {
			name   string
			schema json.RawMessage
		}{{"params_schema", ch.ParamsSchema}, {"result_schema", ch.ResultSchema}} {
			if _, err := provider.CompileSchema(s.schema); err != nil {
				return nil, newProblem(codeSchemaCompileFailed, key, "checks[%d] (%s).%s: %v", i, ch.CheckID, s.name, err)
			}
		}
	}
	return c, nil
}

// sha256Hex returns the lower-case hex SHA-256 of b.
func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// contractHash returns the hex of a contract's canonical hash.
func contractHash(c *provider.Contract) string { return c.Hash().Value }
