package release

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The SBOM is CycloneDX 1.5 JSON, made from the build information Go
// links into every binary (debug/buildinfo): the modules actually linked,
// not those go.mod requires. It holds no timestamp and no random serial
// number, so that the same binary gives the same SBOM.

type cdxBOM struct {
	BOMFormat    string          `json:"bomFormat"`
	SpecVersion  string          `json:"specVersion"`
	Version      int             `json:"version"`
	Metadata     cdxMetadata     `json:"metadata"`
	Components   []cdxComponent  `json:"components"`
	Dependencies []cdxDependency `json:"dependencies"`
}

type cdxMetadata struct {
	Tools     cdxTools     `json:"tools"`
	Component cdxComponent `json:"component"`
}

type cdxTools struct {
	Components []cdxComponent `json:"components"`
}

type cdxComponent struct {
	Type       string        `json:"type"`
	BOMRef     string        `json:"bom-ref,omitempty"`
	Name       string        `json:"name"`
	Version    string        `json:"version,omitempty"`
	PURL       string        `json:"purl,omitempty"`
	Hashes     []cdxHash     `json:"hashes,omitempty"`
	Properties []cdxProperty `json:"properties,omitempty"`
}

type cdxHash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cdxDependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// goPURL is the package URL of a Go module.
func goPURL(module, version string) string { return "pkg:golang/" + module + "@" + version }

// SBOM describes the binary exe (its bytes) of release version v: the
// binary with its SHA-256 and build settings, then the Go standard library
// and every module linked, as CycloneDX 1.5 JSON. It also returns the
// number of modules (the standard library not counted).
func SBOM(exe []byte, name, v string) ([]byte, int, error) {
	info, err := buildinfo.Read(bytes.NewReader(exe))
	if err != nil {
		return nil, 0, fmt.Errorf("reading the build information of %s: %w", name, err)
	}
	sum := sha256.Sum256(exe)
	mainRef := goPURL(info.Main.Path, "v"+v) + "#" + strings.TrimPrefix(info.Path, info.Main.Path+"/")
	main := cdxComponent{
		Type: "application", BOMRef: mainRef, Name: name, Version: v,
		PURL:   goPURL(info.Main.Path, "v"+v),
		Hashes: []cdxHash{{"SHA-256", hex.EncodeToString(sum[:])}},
		Properties: []cdxProperty{
			{"go:package", info.Path},
			{"go:toolchain", info.GoVersion},
		},
	}
	for _, s := range info.Settings {
		main.Properties = append(main.Properties, cdxProperty{"go:build:" + s.Key, s.Value})
	}
	std := cdxComponent{
		Type: "library", BOMRef: goPURL("stdlib", info.GoVersion), Name: "stdlib", Version: info.GoVersion,
		PURL: goPURL("stdlib", info.GoVersion),
	}
	comps := []cdxComponent{std}
	var mods []cdxComponent
	for _, d := range info.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		c := cdxComponent{Type: "library", BOMRef: goPURL(d.Path, d.Version), Name: d.Path, Version: d.Version, PURL: goPURL(d.Path, d.Version)}
		if d.Sum != "" {
			c.Properties = []cdxProperty{{"go:module:sum", d.Sum}}
		}
		mods = append(mods, c)
	}
	sort.Slice(mods, func(i, j int) bool { return mods[i].BOMRef < mods[j].BOMRef })
	comps = append(comps, mods...)
	dep := cdxDependency{Ref: mainRef, DependsOn: []string{}}
	for _, c := range comps {
		dep.DependsOn = append(dep.DependsOn, c.BOMRef)
	}
	bom := cdxBOM{
		BOMFormat: "CycloneDX", SpecVersion: "1.5", Version: 1,
		Metadata: cdxMetadata{
			Tools:     cdxTools{Components: []cdxComponent{{Type: "application", Name: "kubeproof scripts/release", Version: v}}},
			Component: main,
		},
		Components:   comps,
		Dependencies: []cdxDependency{dep},
	}
	out, err := json.MarshalIndent(bom, "", "  ")
	if err != nil {
		return nil, 0, err
	}
	return append(out, '\n'), len(mods), nil
}
