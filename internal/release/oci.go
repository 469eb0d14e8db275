package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"sort"
)

// The collector's container image is written here, not by a container
// engine, so that its digest is reproducible and known at release time:
// an OCI image layout (https://github.com/opencontainers/image-spec), in
// one tar file, holding an image index for linux/amd64 and linux/arm64,
// each a single layer with the static collector at /kubeproof-collect and
// the licences under /licenses. It is what deploy/image/Dockerfile
// describes (FROM scratch, the binary, the entrypoint), without the
// timestamps and history an engine adds.

// Media types of the OCI image specification.
const (
	mediaIndex    = "application/vnd.oci.image.index.v1+json"
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaConfig   = "application/vnd.oci.image.config.v1+json"
	mediaLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

// ImageEntrypoint is the collector's path in the image.
const ImageEntrypoint = "/kubeproof-collect"

type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Platform    *ociPlatform      `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

type ociPlatform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Variant      string `json:"variant,omitempty"`
}

type ociIndex struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType"`
	Manifests     []ociDescriptor   `json:"manifests"`
	Annotations   map[string]string `json:"annotations,omitempty"`
}

type ociManifest struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType"`
	Config        ociDescriptor     `json:"config"`
	Layers        []ociDescriptor   `json:"layers"`
	Annotations   map[string]string `json:"annotations,omitempty"`
}

type ociConfig struct {
	Architecture string         `json:"architecture"`
	OS           string         `json:"os"`
	Variant      string         `json:"variant,omitempty"`
	Config       ociImageConfig `json:"config"`
	RootFS       ociRootFS      `json:"rootfs"`
}

type ociImageConfig struct {
	User       string            `json:"User"`
	Entrypoint []string          `json:"Entrypoint"`
	WorkingDir string            `json:"WorkingDir"`
	Labels     map[string]string `json:"Labels,omitempty"`
}

type ociRootFS struct {
	Type    string   `json:"type"`
	DiffIDs []string `json:"diff_ids"`
}

// ImagePlatform is one architecture of the image: the collector built for
// it and the licence files to ship beside it.
type ImagePlatform struct {
	Arch     string
	Exe      []byte
	Licences []File
}

func digestOf(b []byte) string {
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// Image writes the collector's multi-architecture image of version v as
// an OCI image layout in a tar file, and returns it with the digest of its
// image index: the digest to pin in the manifests (image@sha256:…), which
// registries keep when the layout is copied with its digests preserved.
func Image(v string, platforms []ImagePlatform) (archive []byte, digest string, err error) {
	blobs := map[string][]byte{}
	put := func(b []byte) string {
		d := digestOf(b)
		blobs[d] = b
		return d
	}
	labels := map[string]string{
		"org.opencontainers.image.title":   "kubeproof-collect",
		"org.opencontainers.image.version": v,
	}
	var manifests []ociDescriptor
	sort.Slice(platforms, func(i, j int) bool { return platforms[i].Arch < platforms[j].Arch })
	for _, p := range platforms {
		files := append([]File{{Name: path.Base(ImageEntrypoint), Exec: true, Data: p.Exe}}, p.Licences...)
		layerTar, err := tarBytes("", files)
		if err != nil {
			return nil, "", err
		}
		var gz bytes.Buffer
		zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		if err != nil {
			return nil, "", err
		}
		if _, err := zw.Write(layerTar); err != nil {
			return nil, "", err
		}
		if err := zw.Close(); err != nil {
			return nil, "", err
		}
		plat := ociPlatform{Architecture: p.Arch, OS: "linux"}
		if p.Arch == "arm64" {
			plat.Variant = "v8"
		}
		cfg, err := json.Marshal(ociConfig{
			Architecture: plat.Architecture, OS: plat.OS, Variant: plat.Variant,
			Config: ociImageConfig{User: "0:0", Entrypoint: []string{ImageEntrypoint}, WorkingDir: "/", Labels: labels},
			RootFS: ociRootFS{Type: "layers", DiffIDs: []string{digestOf(layerTar)}},
		})
		if err != nil {
			return nil, "", err
		}
		man, err := json.Marshal(ociManifest{
			SchemaVersion: 2, MediaType: mediaManifest,
			Config: ociDescriptor{MediaType: mediaConfig, Digest: put(cfg), Size: int64(len(cfg))},
			Layers: []ociDescriptor{{MediaType: mediaLayer, Digest: put(gz.Bytes()), Size: int64(gz.Len())}},
		})
		if err != nil {
			return nil, "", err
		}
		manifests = append(manifests, ociDescriptor{MediaType: mediaManifest, Digest: put(man), Size: int64(len(man)), Platform: &plat})
	}
	idx, err := json.Marshal(ociIndex{SchemaVersion: 2, MediaType: mediaIndex, Manifests: manifests, Annotations: labels})
	if err != nil {
		return nil, "", err
	}
	digest = put(idx)
	top, err := json.Marshal(ociIndex{SchemaVersion: 2, MediaType: mediaIndex, Manifests: []ociDescriptor{{
		MediaType: mediaIndex, Digest: digest, Size: int64(len(idx)),
		Annotations: map[string]string{
			"org.opencontainers.image.ref.name": v,
			// The name containerd gives the image it imports (ctr images
			// import), which the manifests' kubeproof-collect@digest finds.
			"io.containerd.image.name": "docker.io/library/kubeproof-collect:" + v,
		},
	}}})
	if err != nil {
		return nil, "", err
	}
	files := []File{
		{Name: "oci-layout", Data: []byte(`{"imageLayoutVersion":"1.0.0"}`)},
		{Name: "index.json", Data: top},
	}
	for d, b := range blobs {
		files = append(files, File{Name: "blobs/sha256/" + d[len("sha256:"):], Data: b})
	}
	archive, err = tarBytes("", files)
	if err != nil {
		return nil, "", err
	}
	return archive, digest, nil
}

// tarBytes is an uncompressed tarball of files, under top when not empty,
// with the determinism of TarGz.
func tarBytes(top string, files []File) ([]byte, error) {
	files, err := sortedFiles(files)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	written := map[string]bool{}
	for _, f := range files {
		for _, d := range parents(top, f.Name, written) {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: epoch, Format: tar.FormatPAX}); err != nil {
				return nil, err
			}
		}
		mode := int64(0o644)
		if f.Exec {
			mode = 0o755
		}
		name := f.Name
		if top != "" {
			name = path.Join(top, f.Name)
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(f.Data)), ModTime: epoch, Format: tar.FormatPAX}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Data); err != nil {
			return nil, fmt.Errorf("writing %s: %w", name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
