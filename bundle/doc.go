// Package bundle is the kubeproof evidence bundle format: what the
// collector writes on a node and the analyzer reads on a laptop, possibly
// years later. docs/bundle-format.md specifies it, with a change log.
//
// A bundle is a tar stream compressed as one zstd frame with a content
// checksum. manifest.json is the first member: the format version, the
// collector, host facts, the collection, and every other member's path,
// size and SHA-256. The bundle digest (Digest) is the SHA-256 of the
// manifest's exact bytes, so it covers every member.
//
// A bundle may be signed: an Ed25519 signature of the digest, in a zstd
// skippable frame after the bundle's frame (SignatureFrame, Sign). Signing
// changes neither the tar stream nor the digest. Read checks a signature
// against the digest; whether its key is trusted is for a Keyring to say.
//
// Invariants:
//   - Writing is deterministic: the same members give the same bytes
//     (sorted members, fixed tar headers, pinned zstd settings).
//   - Reading trusts nothing: names that could escape a directory, links,
//     devices, sparse and duplicate members, members not in the manifest,
//     digest or size mismatches, truncation, trailing data and decompression
//     bombs are refused with typed errors, within Limits, never a panic.
//     Problems with single members, and a bad signature, are all collected
//     (VerifyError). Nothing may follow the bundle's frame but one
//     signature frame.
//
// Compatibility: every released format version stays readable by every
// later version of this package. Read accepts versions MinFormatVersion to
// FormatVersion and refuses others with a *VersionError; testdata/v1 holds
// a bundle of each released version that the tests read.
package bundle
