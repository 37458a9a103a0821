// Package s3 stores runpacks in an S3-compatible object store (spec §6.6).
//
// A runpack's files live under one key base:
//
//	<prefix>/tenant/<t>/namespace/<n>/scenario/<scenario_id>/run/<run_id>/spec/sha256/<spec_hash hex>/<artifact path>
//
// Every segment is validated, keys are capped at 4096 bytes and objects at
// 16 MiB. The store is untrusted: [runpack.Verify] over a [Store.Source]
// checks every hash, so a reader needs no more than the read cap here.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/decision-gate/dgw/host/runpack"
)

// Limits from spec §6.6.
const (
	MaxKeyBytes     = 4096
	MaxSegmentBytes = 255
	MaxObjectBytes  = runpack.MaxArtifactBytes
)

// DefaultRegion signs requests when Options.Region is empty.
const DefaultRegion = "us-east-1"

// Options configures [Open]; the fields mirror [runpack_storage].
type Options struct {
	Bucket string
	// Region defaults to DefaultRegion.
	Region string
	// Endpoint is an https:// (or, with AllowHTTP, http://) base URL; empty
	// means the AWS endpoint for Region.
	Endpoint       string
	Prefix         string
	ForcePathStyle bool
	AllowHTTP      bool
	// Credentials signs requests; nil means [EnvCredentials] with
	// os.Getenv.
	Credentials aws.CredentialsProvider
	// HTTPClient sends requests; nil means the SDK's default client.
	HTTPClient *http.Client
}

// Key names one runpack: the run's ids and its spec hash (lowercase hex).
type Key struct {
	TenantID, NamespaceID uint64
	ScenarioID, RunID     string
	SpecHash              string
}

// KeyFromManifest is the key a runpack is stored under: the manifest's ids
// and spec hash.
func KeyFromManifest(m *runpack.Manifest) Key {
	return Key{TenantID: uint64(m.TenantID), NamespaceID: uint64(m.NamespaceID),
		ScenarioID: m.ScenarioID, RunID: m.RunID, SpecHash: m.SpecHash.Value}
}

// Store is an opened object store.
type Store struct {
	client *awss3.Client
	bucket string
	prefix string // "" or ending in "/"
}

// EnvCredentials reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN through getenv. When the key id or the secret is
// unset it returns anonymous credentials (unsigned requests).
func EnvCredentials(getenv func(string) string) aws.CredentialsProvider {
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	if id == "" || secret == "" {
		return aws.AnonymousCredentials{}
	}
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret,
		SessionToken: getenv("AWS_SESSION_TOKEN"), Source: "environment"}
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })
}

// Open validates opts and builds a client. It does not contact the store,
// so a server can start before its object store is reachable.
func Open(_ context.Context, opts Options) (*Store, error) {
	bucket := strings.TrimSpace(opts.Bucket)
	if bucket == "" {
		return nil, fmt.Errorf("runpack storage: bucket is required")
	}
	if strings.ContainsAny(bucket, "/\\") {
		return nil, fmt.Errorf("runpack storage: bucket %q must not contain a slash or backslash", bucket)
	}
	prefix, err := normalizePrefix(opts.Prefix)
	if err != nil {
		return nil, err
	}
	region := strings.TrimSpace(opts.Region)
	if region == "" {
		region = DefaultRegion
	}
	o := awss3.Options{Region: region, UsePathStyle: opts.ForcePathStyle, Credentials: opts.Credentials}
	if o.Credentials == nil {
		o.Credentials = EnvCredentials(os.Getenv)
	}
	if opts.HTTPClient != nil {
		o.HTTPClient = opts.HTTPClient
	}
	if ep := strings.TrimSpace(opts.Endpoint); ep != "" {
		u, err := url.Parse(ep)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("runpack storage: endpoint %q is not an absolute URL", ep)
		}
		switch u.Scheme {
		case "https":
		case "http":
			if !opts.AllowHTTP {
				return nil, fmt.Errorf("runpack storage: endpoint %q uses http://, which needs allow_http = true", ep)
			}
		default:
			return nil, fmt.Errorf("runpack storage: endpoint %q must be http:// or https://", ep)
		}
		o.BaseEndpoint = aws.String(ep)
	}
	return &Store{client: awss3.New(o), bucket: bucket, prefix: prefix}, nil
}

// normalizePrefix validates a key prefix and returns it with one trailing
// slash ("" when empty).
func normalizePrefix(p string) (string, error) {
	p = strings.TrimSuffix(strings.TrimSpace(p), "/")
	if p == "" {
		return "", nil
	}
	if strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("runpack storage: prefix %q must be relative", p)
	}
	for _, s := range strings.Split(p, "/") {
		if err := checkSegment("prefix", s); err != nil {
			return "", err
		}
	}
	if len(p)+1 > MaxKeyBytes {
		return "", fmt.Errorf("runpack storage: prefix exceeds %d bytes", MaxKeyBytes)
	}
	return p + "/", nil
}

// checkSegment validates one key segment.
func checkSegment(what, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("runpack storage: %s segment is empty", what)
	case len(s) > MaxSegmentBytes:
		return fmt.Errorf("runpack storage: %s segment exceeds %d bytes", what, MaxSegmentBytes)
	case strings.ContainsAny(s, "/\\"):
		return fmt.Errorf("runpack storage: %s segment %q contains a slash or backslash", what, s)
	case s == "." || s == "..":
		return fmt.Errorf("runpack storage: %s segment must not be %q", what, s)
	}
	return nil
}

// base returns the key base for k, ending in "/".
func (s *Store) base(k Key) (string, error) {
	if k.TenantID == 0 || k.NamespaceID == 0 {
		return "", fmt.Errorf("runpack storage: tenant and namespace ids must be at least 1")
	}
	if err := checkSegment("scenario_id", k.ScenarioID); err != nil {
		return "", err
	}
	if err := checkSegment("run_id", k.RunID); err != nil {
		return "", err
	}
	if err := checkSegment("spec_hash", k.SpecHash); err != nil {
		return "", err
	}
	for _, c := range k.SpecHash {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", fmt.Errorf("runpack storage: spec_hash %q is not lowercase hex", k.SpecHash)
		}
	}
	b := s.prefix + "tenant/" + strconv.FormatUint(k.TenantID, 10) + "/namespace/" + strconv.FormatUint(k.NamespaceID, 10) +
		"/scenario/" + k.ScenarioID + "/run/" + k.RunID + "/spec/sha256/" + k.SpecHash + "/"
	if len(b) >= MaxKeyBytes {
		return "", fmt.Errorf("runpack storage: key base exceeds %d bytes", MaxKeyBytes)
	}
	return b, nil
}

// Bucket is the bucket the store writes to.
func (s *Store) Bucket() string { return s.bucket }

// URI is the storage URI of k's runpack: s3://<bucket>/<key base>.
func (s *Store) URI(k Key) (string, error) {
	b, err := s.base(k)
	if err != nil {
		return "", err
	}
	return "s3://" + s.bucket + "/" + b, nil
}

// ObjectKey is the object key of the file at path in k's runpack.
func (s *Store) ObjectKey(k Key, path string) (string, error) {
	b, err := s.base(k)
	if err != nil {
		return "", err
	}
	return objectKey(b, path)
}

func objectKey(base, path string) (string, error) {
	if err := runpack.CheckPath(path); err != nil {
		return "", err
	}
	key := base + path
	if len(key) > MaxKeyBytes {
		return "", fmt.Errorf("object key for %s is %d bytes, limit %d", path, len(key), MaxKeyBytes)
	}
	return key, nil
}

// ParseObjectKey splits a full object key (with the store's prefix) into
// the runpack key and the file path inside the runpack.
func (s *Store) ParseObjectKey(objKey string) (Key, string, error) {
	rest, ok := strings.CutPrefix(objKey, s.prefix)
	if !ok {
		return Key{}, "", fmt.Errorf("object key %q is not under the prefix %q", objKey, s.prefix)
	}
	parts := strings.SplitN(rest, "/", 12)
	if len(parts) != 12 || parts[0] != "tenant" || parts[2] != "namespace" || parts[4] != "scenario" ||
		parts[6] != "run" || parts[8] != "spec" || parts[9] != "sha256" {
		return Key{}, "", fmt.Errorf("object key %q does not follow tenant/<t>/namespace/<n>/scenario/<s>/run/<r>/spec/sha256/<hash>/<path>", objKey)
	}
	t, err1 := strconv.ParseUint(parts[1], 10, 64)
	n, err2 := strconv.ParseUint(parts[3], 10, 64)
	if err1 != nil || err2 != nil || strconv.FormatUint(t, 10) != parts[1] || strconv.FormatUint(n, 10) != parts[3] {
		return Key{}, "", fmt.Errorf("object key %q: tenant and namespace must be decimal ids", objKey)
	}
	k := Key{TenantID: t, NamespaceID: n, ScenarioID: parts[5], RunID: parts[7], SpecHash: parts[10]}
	path := parts[11]
	if _, err := s.ObjectKey(k, path); err != nil {
		return Key{}, "", err
	}
	return k, path, nil
}

// Sink returns a [runpack.Sink] writing k's runpack, and its storage URI.
func (s *Store) Sink(_ context.Context, k Key) (runpack.Sink, string, error) {
	b, err := s.base(k)
	if err != nil {
		return nil, "", err
	}
	return &objects{s: s, base: b}, "s3://" + s.bucket + "/" + b, nil
}

// Source returns a [runpack.Source] reading k's runpack.
func (s *Store) Source(_ context.Context, k Key) (runpack.Source, error) {
	b, err := s.base(k)
	if err != nil {
		return nil, err
	}
	return &objects{s: s, base: b}, nil
}

// objects is one runpack's objects; it is both a Sink and a Source.
type objects struct {
	s    *Store
	base string
}

// Put uploads one object in a single PutObject, which S3 applies
// atomically. JSON files (the manifest and the artifacts) are stored as
// application/json.
func (o *objects) Put(ctx context.Context, path string, data []byte) error {
	key, err := objectKey(o.base, path)
	if err != nil {
		return err
	}
	if len(data) > MaxObjectBytes {
		return fmt.Errorf("object %s is %d bytes, limit %d", path, len(data), MaxObjectBytes)
	}
	ct := "application/octet-stream"
	if strings.HasSuffix(path, ".json") {
		ct = "application/json"
	}
	_, err = o.s.client.PutObject(ctx, &awss3.PutObjectInput{
		Bucket: aws.String(o.s.bucket), Key: aws.String(key), Body: bytes.NewReader(data),
		ContentLength: aws.Int64(int64(len(data))), ContentType: aws.String(ct),
	})
	if err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", o.s.bucket, key, err)
	}
	return nil
}

// Get downloads one object, refusing any over MaxObjectBytes.
func (o *objects) Get(ctx context.Context, path string) ([]byte, error) {
	key, err := objectKey(o.base, path)
	if err != nil {
		return nil, err
	}
	out, err := o.s.client.GetObject(ctx, &awss3.GetObjectInput{Bucket: aws.String(o.s.bucket), Key: aws.String(key)})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && (ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == "NotFound") {
			return nil, fmt.Errorf("file not found")
		}
		return nil, fmt.Errorf("get s3://%s/%s: %w", o.s.bucket, key, err)
	}
	defer out.Body.Close()
	if out.ContentLength != nil && *out.ContentLength > MaxObjectBytes {
		return nil, fmt.Errorf("file exceeds %d bytes", MaxObjectBytes)
	}
	data, err := io.ReadAll(io.LimitReader(out.Body, MaxObjectBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", o.s.bucket, key, err)
	}
	if len(data) > MaxObjectBytes {
		return nil, fmt.Errorf("file exceeds %d bytes", MaxObjectBytes)
	}
	return data, nil
}

var (
	_ runpack.Sink   = (*objects)(nil)
	_ runpack.Source = (*objects)(nil)
)
