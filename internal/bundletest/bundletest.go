// Package bundletest helps tests take a bundle's stream apart and seal
// it again, so that a tampered member reaches the reader past the zstd
// checksum (only the member's digest, or the signature, can catch it).
package bundletest

import (
	"testing"

	"github.com/klauspost/compress/zstd"
)

// Unseal decompresses a bundle's zstd stream (without its signature
// frame: pass the bytes before it).
func Unseal(tb testing.TB, data []byte) []byte {
	tb.Helper()
	dec, err := zstd.NewReader(nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer dec.Close()
	raw, err := dec.DecodeAll(data, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// Reseal compresses a tar stream as the bundle Writer does (one frame,
// with the checksum).
func Reseal(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderCRC(true), zstd.WithEncoderConcurrency(1))
	if err != nil {
		tb.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(raw, nil)
}
