package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kubeproof/kubeproof/internal/exit"
)

// bareError strips the path from an OS error, for a message that names
// the path once, as the user gave it.
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// pathError is the one error for a path named on the command line that
// cannot be examined: a path that does not exist is a usage error (exit
// 2) in every subcommand; any other failure is exit 1.
func pathError(arg string, err error) error {
	err = fmt.Errorf("%s: %w", arg, bareError(err))
	if errors.Is(err, fs.ErrNotExist) {
		return &exit.UsageError{Err: err}
	}
	return err
}

// bundleFiles expands the arguments into bundle files: a file stands for
// itself, a directory for the *.kpb files in it, sorted. Special files are
// kept, so that reading them refuses them by name (without blocking on a
// FIFO) in the same way for every subcommand. The same path given twice
// counts once; the same bundle under two paths is found by its digest
// later.
func bundleFiles(args []string) ([]string, error) {
	if len(args) == 0 {
		return nil, &exit.UsageError{Err: fmt.Errorf("no bundle given")}
	}
	var out []string
	seen := map[string]bool{}
	add := func(f string) {
		if key := filepath.Clean(f); !seen[key] {
			out = append(out, f)
			seen[key] = true
		}
	}
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, pathError(a, err)
		}
		if !fi.IsDir() {
			add(a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, pathError(a, err)
		}
		var found []string
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".kpb") {
				found = append(found, filepath.Join(a, e.Name()))
			}
		}
		if len(found) == 0 {
			return nil, &exit.NothingError{Err: fmt.Errorf("%s: no bundle in this directory (bundles are files named *.kpb)", a),
				Hint: "give the directory the bundles were copied into, or the bundle files themselves"}
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return out, nil
}

// bundleFile is the one bundle file of inspect.
func bundleFile(arg string) (string, error) {
	fi, err := os.Stat(arg)
	if err != nil {
		return "", pathError(arg, err)
	}
	if fi.IsDir() {
		return "", &exit.UsageError{Err: fmt.Errorf("%s is a directory: inspect takes one bundle file", arg)}
	}
	return arg, nil
}
