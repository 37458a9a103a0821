package pgreg_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/decision-gate/dgw/host/evidence"
	"github.com/decision-gate/dgw/host/registry"
	"github.com/decision-gate/dgw/host/registry/pgreg"
)

// A registry on PostgreSQL, shared by every server on the database: the
// count limit holds across all of them. The example needs a server, so it
// is compiled but not run.
func ExampleOpen() {
	ctx := context.Background()
	d, err := pgreg.Open(ctx, os.Getenv("DG_PG_DSN"), &pgreg.Options{MaxConns: 4})
	if err != nil {
		panic(err)
	}
	reg, err := registry.New(d, &registry.Options{MaxEntries: 1000})
	if err != nil {
		panic(err)
	}
	defer reg.Close()
	rec, err := reg.Register(ctx, registry.Record{TenantID: 1, NamespaceID: 1, SchemaID: "report", Version: "1",
		Schema: json.RawMessage(`{"type":"object"}`), CreatedAt: evidence.AtMillis(1_700_000_000_000)})
	if err != nil {
		panic(err)
	}
	fmt.Println(rec.SchemaID, rec.Version)
}
