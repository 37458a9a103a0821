package memreg_test

import (
	"testing"

	"github.com/decision-gate/dgw/host/registry/driver"
	"github.com/decision-gate/dgw/host/registry/memreg"
	"github.com/decision-gate/dgw/host/registry/registrytest"
)

func TestConformance(t *testing.T) {
	registrytest.Run(t, registrytest.Harness{
		Open: func(testing.TB, string) driver.Driver { return memreg.New() },
	})
}
