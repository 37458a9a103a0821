// Package registrytest is the conformance suite every schema-registry
// backend runs. A backend's test file is one call:
//
//	func TestConformance(t *testing.T) {
//		registrytest.Run(t, registrytest.Harness{
//			Open: func(tb testing.TB, path string) driver.Driver { … },
//			Persistent: true,
//		})
//	}
//
// The suite drives the backend both directly (the [driver.Driver]
// contract) and through [registry.Registry] (every registration check in
// the reference's order, listing and cursors, limits, the compiled-schema
// cache), hammers it from concurrent goroutines (registrations racing for a
// count limit and for one key, paging readers racing writers), and, for
// persistent backends, checks that data survives a reopen and that a byte
// flipped in the file is reported as errcode.DataLoss and never served.
//
// Run the suite with -race.
package registrytest
