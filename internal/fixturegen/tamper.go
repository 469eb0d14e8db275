package fixturegen

import (
	"archive/tar"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// TestKey is the signing key of the tests: fixtures/keys/test.key holds
// it (and test.pub its public key). It is public, so nothing it signs is
// evidence of anything.
func TestKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("kubeproof test signing key: public, never trust it"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// OtherKey is a second key, that no test trusts (fixtures/keys/other.pub).
func OtherKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("kubeproof other test key"))
	return ed25519.NewKeyFromSeed(seed[:])
}

// Tamper returns a copy of the unsigned bundle data whose member is
// changed by edit after the manifest was made, as an attacker or a bad
// disk would: the manifest (and the digest) stay, the tar stream and the
// zstd frame are valid. An edit that returns nil drops the member.
func Tamper(data []byte, member string, edit func([]byte) []byte) ([]byte, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	raw, err := dec.DecodeAll(data, nil)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(bytes.NewReader(raw))
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	found := false
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		content, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		if hdr.Name == member {
			found = true
			if content = edit(bytes.Clone(content)); content == nil {
				continue
			}
			hdr.Size = int64(len(content))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(content); err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, fmt.Errorf("no member %s in the bundle", member)
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderCRC(true), zstd.WithEncoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer enc.Close()
	return enc.EncodeAll(out.Bytes(), nil), nil
}
