package canonjson

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// conformanceDir is the shared copy of the reference's conformance data,
// relative to this package: the repository root is three levels up and
// shared/ sits next to it.
var conformanceDir = filepath.Join("..", "..", "..", "..", "shared", "conformance", "decision-gate")

// readConformance reads a file under conformanceDir or fails the test.
func readConformance(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(conformanceDir, rel))
	if err != nil {
		tb.Fatalf("conformance data missing (expected the shared folder at %s): %v", conformanceDir, err)
	}
	return b
}

// goldenFiles lists the manifests and artifacts of every golden and
// back-compat runpack, relative to conformanceDir.
func goldenFiles(tb testing.TB) []string {
	tb.Helper()
	var files []string
	for _, pattern := range []string{
		"runpacks/golden/*/manifest.json",
		"runpacks/golden/*/artifacts/*.json",
		"runpacks/backcompat/*/manifest.json",
		"runpacks/backcompat/*/artifacts/*.json",
	} {
		m, err := filepath.Glob(filepath.Join(conformanceDir, filepath.FromSlash(pattern)))
		if err != nil {
			tb.Fatal(err)
		}
		for _, p := range m {
			rel, err := filepath.Rel(conformanceDir, p)
			if err != nil {
				tb.Fatal(err)
			}
			files = append(files, filepath.ToSlash(rel))
		}
	}
	if len(files) < 18 {
		tb.Fatalf("found %d golden runpack files under %s, want at least 18 (is the shared folder present?)", len(files), conformanceDir)
	}
	return files
}

func TestTransform_goldenRunpacksAreCanonical(t *testing.T) {
	for _, rel := range goldenFiles(t) {
		t.Run(rel, func(t *testing.T) {
			b := readConformance(t, rel)
			orig := bytes.Clone(b)
			got, err := Transform(b)
			if err != nil {
				t.Fatalf("Transform: %v", err)
			}
			if !bytes.Equal(got, b) {
				t.Errorf("Transform changed a canonical file\n got: %s\nwant: %s", got, b)
			}
			if !bytes.Equal(b, orig) {
				t.Error("Transform modified its input")
			}
		})
	}
}

// manifest is the part of a runpack manifest that carries its integrity
// data.
type manifest struct {
	Integrity struct {
		FileHashes []struct {
			Hash struct {
				Algorithm string `json:"algorithm"`
				Value     string `json:"value"`
			} `json:"hash"`
			Path string `json:"path"`
		} `json:"file_hashes"`
		RootHash struct {
			Value string `json:"value"`
		} `json:"root_hash"`
	} `json:"integrity"`
}

func TestSHA256_goldenRunpackIntegrity(t *testing.T) {
	for _, dir := range []string{
		"runpacks/golden/golden_time_after_pass",
		"runpacks/golden/golden_visibility_packet",
		"runpacks/backcompat/v1",
	} {
		t.Run(dir, func(t *testing.T) {
			var m manifest
			if err := json.Unmarshal(readConformance(t, dir+"/manifest.json"), &m); err != nil {
				t.Fatal(err)
			}
			for _, fh := range m.Integrity.FileHashes {
				got := SHA256Bytes(readConformance(t, dir+"/"+fh.Path))
				if got != fh.Hash.Value {
					t.Errorf("%s: file hash %s, manifest says %s", fh.Path, got, fh.Hash.Value)
				}
			}
			// The root hash is JCS of the file_hashes array in manifest order.
			root, err := SHA256(m.Integrity.FileHashes)
			if err != nil {
				t.Fatal(err)
			}
			if root != m.Integrity.RootHash.Value {
				t.Errorf("root hash %s, manifest says %s", root, m.Integrity.RootHash.Value)
			}
		})
	}
}

func TestTransform_scenarioExampleSpecHash(t *testing.T) {
	const want = "409337f68069806e3a4b628dde12907a967abb4b5b500fd0aabb4d05c5c2dd33"
	canon, err := Transform(readConformance(t, "contract/examples/scenario.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := SHA256Bytes(canon); got != want {
		t.Errorf("spec_hash = %s, want %s", got, want)
	}
}

func TestTransform_providerContractHashes(t *testing.T) {
	want := map[string]string{
		"time": "cbc94be944531c15eb3a8f2583bb52bf537adf959526184284ff84991fdf552a",
		"env":  "7763099d06ebb1a35c9b84c66b149aaf50c4ca98f1ffba909010438c73ff4ec1",
		"json": "37efb6cf1d3d7ba4113e65dbd0baa475259e6d62329bcf42e480ae577610298e",
		"http": "6c09487d64e2738f5e674268389b7cf5bea90118f1fa21f03c4ee9e0a3718426",
	}
	var contracts []json.RawMessage
	if err := json.Unmarshal(readConformance(t, "contract/providers.json"), &contracts); err != nil {
		t.Fatal(err)
	}
	if len(contracts) != len(want) {
		t.Fatalf("providers.json has %d contracts, want %d", len(contracts), len(want))
	}
	for _, raw := range contracts {
		var id struct {
			ProviderID string `json:"provider_id"`
		}
		if err := json.Unmarshal(raw, &id); err != nil {
			t.Fatal(err)
		}
		canon, err := Transform(raw)
		if err != nil {
			t.Fatalf("%s: %v", id.ProviderID, err)
		}
		if got := SHA256Bytes(canon); got != want[id.ProviderID] {
			t.Errorf("%s: contract hash %s, want %s", id.ProviderID, got, want[id.ProviderID])
		}
	}
}
