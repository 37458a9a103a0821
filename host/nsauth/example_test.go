package nsauth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/decision-gate/dgw/host/errcode"
	"github.com/decision-gate/dgw/host/internal/assetcorestub"
	"github.com/decision-gate/dgw/host/nsauth"
)

func ExampleNewAssetCoreHTTP() {
	catalogue := assetcorestub.New(nil) // an AssetCore that knows namespace 7
	catalogue.AddNamespace(7)
	ts := httptest.NewServer(catalogue)
	defer ts.Close()

	a, err := nsauth.NewAssetCoreHTTP(ts.URL, nil)
	if err != nil {
		panic(err)
	}
	defer a.Close()
	fmt.Println(a.Check(context.Background(), nil, 7, "corr-1"))
	err = a.Check(context.Background(), nil, 8, "corr-2")
	fmt.Println(errcode.Of(err), errors.Is(err, nsauth.ErrDenied))
	// Output:
	// <nil>
	// permission_denied true
}
