// Command mkbundles writes N node bundles varied from the fixture bundles,
// for measuring whole-cluster runs of the analyzer by hand:
//
//	go run ./scripts/mkbundles -n 1000 -o /tmp/cluster
//	/usr/bin/time -v go run ./cmd/kubeproof analyze /tmp/cluster --format json -o /dev/null
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kubeproof/kubeproof/internal/fixturegen"
)

func main() {
	n := flag.Int("n", 1000, "number of bundles")
	out := flag.String("o", "cluster", "output directory")
	from := flag.String("from", "fixtures/bundles", "directory of fixture bundles to vary")
	stats := flag.Int("stats", 0, "add `N` stat records to each bundle (heavier bundles, for memory measurements)")
	flag.Parse()
	fixtures, _ := filepath.Glob(filepath.Join(*from, "*.kpb"))
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "mkbundles:", err)
		os.Exit(1)
	}
	files, err := fixturegen.HeavyCluster(*out, fixtures, *n, *stats)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkbundles:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d bundles to %s\n", len(files), *out)
}
