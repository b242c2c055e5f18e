package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config locates an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, R2, …).
type S3Config struct {
	// Endpoint is host[:port], e.g. s3.amazonaws.com or 127.0.0.1:9000.
	Endpoint string
	// Bucket holds the archive. It must exist.
	Bucket string
	// Prefix is prepended to every object key ("" for the bucket root).
	Prefix string
	// Region of the bucket ("" lets the client discover it).
	Region string
	// AccessKey and SecretKey authenticate; never logged.
	AccessKey, SecretKey string
	// Insecure uses plain HTTP instead of HTTPS (local test servers only).
	Insecure bool
}

// Validate reports every missing field at once.
func (c S3Config) Validate() error {
	var errs []error
	if c.Endpoint == "" {
		errs = append(errs, errors.New("s3 endpoint is required"))
	}
	if c.Bucket == "" {
		errs = append(errs, errors.New("s3 bucket is required"))
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		errs = append(errs, errors.New("s3 access key and secret key are required"))
	}
	return errors.Join(errs...)
}

// S3 is a Store in an S3-compatible bucket, through the MinIO Go client. A
// PUT of one object is atomic in S3: readers see the old object or the new
// one, never a part.
type S3 struct {
	client   *minio.Client
	bucket   string
	prefix   string
	insecure bool
}

var _ Store = (*S3)(nil)

// NewS3 returns a Store in the configured bucket.
func NewS3(cfg S3Config) (*S3, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: !cfg.Insecure,
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("s3 client: %w", err)
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{client: c, bucket: cfg.Bucket, prefix: prefix, insecure: cfg.Insecure}, nil
}

func (s *S3) key(path string) (string, error) {
	if path == "" || strings.HasPrefix(path, "/") || strings.Contains(path, "..") {
		return "", fmt.Errorf("invalid archive path %q", path)
	}
	return s.prefix + path, nil
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, path string, data []byte) error {
	k, err := s.key(path)
	if err != nil {
		return err
	}
	ct := "application/json"
	if strings.HasSuffix(path, ".ndjson") {
		ct = "application/x-ndjson"
	}
	// Content-MD5 lets the server reject a corrupted upload. Over plain
	// HTTP the client would otherwise use aws-chunked streaming signatures,
	// which not every S3-compatible server decodes; the MD5 check stands in.
	opts := minio.PutObjectOptions{ContentType: ct, SendContentMd5: true, DisableContentSha256: s.insecure}
	if _, err := s.client.PutObject(ctx, s.bucket, k, bytes.NewReader(data), int64(len(data)), opts); err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", s.bucket, k, err)
	}
	return nil
}

// Get implements Store.
func (s *S3) Get(ctx context.Context, path string) ([]byte, error) {
	k, err := s.key(path)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, k, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", s.bucket, k, err)
	}
	defer obj.Close()
	data, err := io.ReadAll(obj)
	if err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, path)
		}
		return nil, fmt.Errorf("get s3://%s/%s: %w", s.bucket, k, err)
	}
	return data, nil
}

// Open implements Opener: the object streams from the bucket as it is read.
func (s *S3) Open(ctx context.Context, path string) (io.ReadCloser, error) {
	k, err := s.key(path)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, k, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", s.bucket, k, err)
	}
	// GetObject is lazy: Stat makes the request, so a missing object is
	// reported here and not halfway through a response.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, fmt.Errorf("%w: %s", ErrNotFound, path)
		}
		return nil, fmt.Errorf("get s3://%s/%s: %w", s.bucket, k, err)
	}
	return obj, nil
}
