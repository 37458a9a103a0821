package server_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/decision-gate/dgw/host/config"
	"github.com/decision-gate/dgw/host/server"
)

// pki writes a CA, a server certificate for 127.0.0.1 and a client
// certificate, all signed by the CA, and returns their paths.
type pki struct {
	caPEM                     []byte
	caFile, certFile, keyFile string
	clientCert                tls.Certificate
	pool                      *x509.CertPool
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	dir := t.TempDir()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dg-test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	ca, _ := x509.ParseCertificate(caDER)
	issue := func(cn string, usage x509.ExtKeyUsage, ips []net.IP) ([]byte, []byte) {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips}
		der, _ := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		kder, _ := x509.MarshalPKCS8PrivateKey(k)
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	}
	p := &pki{caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	certPEM, keyPEM := issue("127.0.0.1", x509.ExtKeyUsageServerAuth, []net.IP{net.ParseIP("127.0.0.1")})
	p.caFile, p.certFile, p.keyFile = filepath.Join(dir, "ca.pem"), filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(p.caFile, p.caPEM, 0o600)
	os.WriteFile(p.certFile, certPEM, 0o600)
	os.WriteFile(p.keyFile, keyPEM, 0o600)
	ccert, ckey := issue("ci-client", x509.ExtKeyUsageClientAuth, nil)
	p.clientCert, _ = tls.X509KeyPair(ccert, ckey)
	return p
}

func tlsConfigTOML(p *pki, mtls bool) string {
	s := baseConfig(os.TempDir()) + "\n[server.tls]\ncert_path = \"" + p.certFile + "\"\nkey_path = \"" + p.keyFile + "\"\n"
	if mtls {
		s += "client_ca_path = \"" + p.caFile + "\"\nrequire_client_cert = true\n"
	}
	return s
}

func TestTLS(t *testing.T) {
	p := newPKI(t)
	r := start(t, tlsConfigTOML(p, false))
	url := strings.Replace(r.url, "http://", "https://", 1)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.pool}}}
	resp, err := client.Post(url+"/rpc", "application/json", bytes.NewReader([]byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"scenario_define"`)) || resp.TLS == nil {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if _, err := http.Post(r.url+"/rpc", "application/json", bytes.NewReader(nil)); err == nil {
		// plain HTTP to a TLS port must not be served as JSON-RPC
		t.Log("plain http got a response (Go answers 400 to HTTP on a TLS port)")
	}
}

func TestMutualTLS(t *testing.T) {
	p := newPKI(t)
	r := start(t, tlsConfigTOML(p, true))
	url := strings.Replace(r.url, "http://", "https://", 1)
	body := []byte(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	noCert := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.pool}}}
	if _, err := noCert.Post(url+"/rpc", "application/json", bytes.NewReader(body)); err == nil {
		t.Fatal("a client without a certificate must fail the handshake")
	}
	withCert := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p.pool, Certificates: []tls.Certificate{p.clientCert}}}}
	resp, err := withCert.Post(url+"/rpc", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// TestNonLoopbackRules: exposing the server needs the opt-in, non-local
// auth and TLS (native or upstream).
func TestNonLoopbackRules(t *testing.T) {
	p := newPKI(t)
	bearer := "\n[server.auth]\nmode = \"bearer_token\"\nbearer_tokens = [\"t0ken-value\"]\n"
	base := func(extra string) string {
		s := strings.Replace(baseConfig(os.TempDir()), `bind = "127.0.0.1:0"`, `bind = "0.0.0.0:0"`, 1)
		if strings.Contains(extra, "[server.auth]") {
			s = strings.Replace(s, "[server.auth]\nmode = \"local_only\"\n", "", 1)
		}
		return s + extra
	}
	cases := []struct {
		name  string
		toml  string
		allow bool
		want  string
	}{
		{"no opt-in", base(bearer + "[server.tls]\ncert_path = \"" + p.certFile + "\"\nkey_path = \"" + p.keyFile + "\"\n"), false, "--allow-non-loopback"},
		{"no tls", base(bearer), true, "configure [server.tls]"},
		{"ok native tls", base(bearer + "[server.tls]\ncert_path = \"" + p.certFile + "\"\nkey_path = \"" + p.keyFile + "\"\n"), true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tc.toml), "")
			if err != nil {
				t.Fatalf("config: %v", err)
			}
			srv, err := server.New(context.Background(), cfg, server.Options{AllowNonLoopback: tc.allow, Stderr: io.Discard})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				srv.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
	// local_only with a non-loopback bind is a config error already.
	if _, err := config.Parse([]byte(base("")), ""); err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("local_only + 0.0.0.0: %v", err)
	}
}
