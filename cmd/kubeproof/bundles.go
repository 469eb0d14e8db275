package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kubeproof/kubeproof/internal/exit"
)

// bundleFiles expands the arguments into bundle files: a file stands for
// itself, a directory for the *.kpb files in it, sorted.
func bundleFiles(args []string) ([]string, error) {
	if len(args) == 0 {
		return nil, &exit.UsageError{Err: fmt.Errorf("no bundle given")}
	}
	var out []string
	seen := map[string]bool{}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, &exit.InputError{Err: err}
		}
		if !fi.IsDir() {
			if !seen[a] {
				out = append(out, a)
				seen[a] = true
			}
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, &exit.InputError{Err: err}
		}
		var found []string
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".kpb") {
				found = append(found, filepath.Join(a, e.Name()))
			}
		}
		if len(found) == 0 {
			return nil, &exit.InputError{Err: fmt.Errorf("%s: no *.kpb bundle in this directory", a)}
		}
		sort.Strings(found)
		for _, f := range found {
			if !seen[f] {
				out = append(out, f)
				seen[f] = true
			}
		}
	}
	return out, nil
}
