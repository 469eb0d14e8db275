// Package version holds the release version of both kubeproof binaries.
// It is a constant, not a build-time stamp, so that the fixtures' bundles
// and reports stay byte-identical across builds of the same release.
package version

// Version is the current release.
const Version = "0.1.0"
