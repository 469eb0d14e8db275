package release

import (
	"fmt"
	"regexp"
	"strings"
)

// newTagLine is the kustomization's tag of the collector's image, which
// a release replaces with the image's digest.
var newTagLine = regexp.MustCompile(`(?m)^(\s*)newTag:.*$`)

// PinImage rewrites deploy/kustomization.yaml so that the collector's
// image is pulled by digest: its one newTag line becomes "digest: …".
func PinImage(kustomization []byte, digest string) ([]byte, error) {
	if !strings.HasPrefix(digest, "sha256:") || len(digest) != len("sha256:")+64 {
		return nil, fmt.Errorf("image digest %q: want sha256: and 64 hex digits", digest)
	}
	if n := len(newTagLine.FindAll(kustomization, -1)); n != 1 {
		return nil, fmt.Errorf("deploy/kustomization.yaml: %d newTag lines, want the one of the collector's image", n)
	}
	return newTagLine.ReplaceAll(kustomization, []byte("${1}digest: "+digest)), nil
}
