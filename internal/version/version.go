// Package version holds the release version of both kubeproof binaries.
//
// Version is a variable so that `make release VERSION=x.y.z` can stamp it
// (-ldflags -X, see scripts/release); every other build — go build, go
// test, make static — keeps the default below, so that the fixtures'
// bundles and the reports made from them stay byte-identical across
// builds. The default is the version the committed fixtures record.
package version

// Version is the release, stamped by make release; the default otherwise.
var Version = "0.1.0"

// Path is the import path of Version, for -ldflags -X.
const Path = "github.com/kubeproof/kubeproof/internal/version.Version"
