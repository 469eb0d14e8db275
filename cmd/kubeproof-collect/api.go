package main

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/collector"
	"github.com/kubeproof/kubeproof/internal/atomicfile"
	"github.com/kubeproof/kubeproof/internal/clidoc"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/version"
)

const apiUsage = `Usage: kubectl get KINDS -A -o json | kubeproof-collect api -o cluster.kpb
       kubeproof-collect api -o cluster.kpb LIST.json…

Seals what kubectl printed about a cluster's objects into an API snapshot
bundle, from which kubeproof analyze decides section 5 of the benchmarks
(RBAC, pod security, network policies) offline. It reads kubectl's JSON
(Lists, single objects, kubectl version -o json) from the files named, or
from standard input; it never talks to the API server itself. Run kubectl
with read-only verbs (scripts/capture-api.sh prints the one-liner):

  kubectl get pods,serviceaccounts,namespaces,roles,clusterroles,rolebindings,\
clusterrolebindings,networkpolicies,deployments,replicasets,statefulsets,daemonsets,\
jobs,cronjobs,replicationcontrollers,services,certificatesigningrequests,\
validatingwebhookconfigurations,mutatingwebhookconfigurations -A -o json \
    | kubeproof-collect api -o cluster.kpb

Objects of kinds the checks need are kept, redacted field by field (env
values, annotations such as last-applied-configuration and any other
free-form value become markers); every other kind — Secrets and
ConfigMaps first of all — is dropped and only counted.

Exit codes: 0 written, 2 usage, 4 malformed input or signing key, 1 other
errors (no bundle written).

Flags:
`

// apiOptions are the flags of the api command.
type apiOptions struct {
	out, cluster, at, signKey, redactKey *string
	quiet, man                           *bool
	maxInput                             *int64
}

// apiFlagSet declares the api command's flags.
func apiFlagSet(stderr io.Writer) (*flag.FlagSet, apiOptions) {
	fs := flag.NewFlagSet("kubeproof-collect api", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, apiUsage)
		fs.PrintDefaults()
	}
	o := apiOptions{
		out:       fs.String("o", ".", "write the snapshot to `FILE`, into DIR, or to standard output with -"),
		cluster:   fs.String("cluster", "", "name the cluster in the snapshot (`NAME`)"),
		at:        fs.String("time", "", "record `RFC3339` as the capture time (reproducible fixtures)"),
		quiet:     fs.Bool("q", false, "print only the bundle digest on standard error"),
		signKey:   fs.String("sign-key", "", "sign the snapshot with the private key in `FILE` (NAME.key of kubeproof keygen)"),
		redactKey: fs.String("redaction-key", "", "give redaction markers keyed digests, with a key derived from the private key in `FILE`"),
		maxInput:  fs.Int64("max-input", collector.DefaultMaxSnapshotInput, "read at most `BYTES` of each input"),
		man:       fs.Bool("man", false, "print this command's manual page (roff: kubeproof-collect api -man | man -l -) and exit"),
	}
	fs.StringVar(o.out, "output", ".", "same as -o")
	return fs, o
}

// apiCommand describes the api command for the manual pages.
func apiCommand() clidoc.Command {
	fs, _ := apiFlagSet(io.Discard)
	desc, _, _ := strings.Cut(strings.SplitN(apiUsage, "\n\n", 2)[1], "\nFlags:")
	return clidoc.Command{
		Name:        "api",
		Summary:     "seal what kubectl printed about a cluster's objects into an API snapshot bundle",
		Description: strings.TrimSpace(desc),
		Args:        "[LIST.json…]",
		ArgKind:     clidoc.File,
		Flags:       clidoc.FromFlagSet(fs, map[string]clidoc.Kind{"o": clidoc.File, "output": clidoc.File, "sign-key": clidoc.File, "redaction-key": clidoc.File}),
	}
}

func runAPI(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, o := apiFlagSet(stderr)
	out, cluster, at, quiet, signKey, redactKey, maxInput := o.out, o.cluster, o.at, o.quiet, o.signKey, o.redactKey, o.maxInput
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exit.UsageError{Err: err}
	}
	if *o.man {
		page := clidoc.Man(&clidoc.Program{Name: "kubeproof-collect", Version: version.Version, Commands: []clidoc.Command{apiCommand()}})[1]
		_, err := stdout.Write(page.Text)
		return err
	}
	if err := collector.CheckClusterName(*cluster); err != nil {
		return &exit.UsageError{Err: fmt.Errorf("-cluster: %w", err)}
	}
	opts := collector.SnapshotOptions{Cluster: *cluster, Version: version.Version, MaxInput: *maxInput}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return &exit.UsageError{Err: fmt.Errorf("-time %q: want RFC 3339, like 2021-09-15T08:00:00Z", *at)}
		}
		opts.Time = t.UTC()
		opts.Hostname = "capture"
		opts.User = bundle.Account{}
	} else {
		opts.Hostname, _ = os.Hostname()
		opts.User = currentAccount()
	}
	if *out == "-" && isTerminal(os.Stdout) {
		return &exit.UsageError{Err: errors.New("refusing to write a binary bundle to a terminal; redirect standard output or use -o FILE")}
	}
	key, redactionKey, err := loadKeys(*signKey, *redactKey, stderr)
	if err != nil {
		return err
	}
	opts.RedactionKey = redactionKey
	var inputs []collector.SnapshotInput
	if fs.NArg() == 0 {
		if f, ok := stdin.(*os.File); ok && isTerminal(f) {
			return &exit.UsageError{Err: errors.New("no input: pipe kubectl get KINDS -A -o json into kubeproof-collect api, or name the files")}
		}
		inputs = append(inputs, collector.SnapshotInput{Name: "-", R: stdin})
	}
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return &exit.InputError{Err: err}
		}
		defer f.Close()
		inputs = append(inputs, collector.SnapshotInput{Name: name, R: f})
	}
	res, err := collector.Snapshot(inputs, opts)
	if err != nil {
		var se *collector.SnapshotError
		if errors.As(err, &se) {
			return &exit.InputError{Err: err}
		}
		return err
	}
	if res.Bundle, err = signed(res.Bundle, res.Digest, key); err != nil {
		return err
	}
	name := *cluster
	if name == "" {
		name = "cluster"
	}
	dest := *out
	if dest == "-" {
		if _, err := stdout.Write(res.Bundle); err != nil {
			return fmt.Errorf("writing the snapshot to standard output: %w", err)
		}
		dest = "standard output"
	} else {
		if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
			dest = filepath.Join(dest, bundleName(name+"-api", res.Manifest.Collection.Started))
		}
		if err := atomicfile.WriteFile(dest, res.Bundle, 0o600); err != nil {
			return err
		}
	}
	if !*quiet {
		fmt.Fprintf(stderr, "kubeproof-collect %s: API snapshot of %s\n", version.Version, name)
		for _, k := range res.Manifest.Snapshot.Kinds {
			fmt.Fprintf(stderr, "  kept %6d %s\n", k.Count, k.Kind)
		}
		for _, k := range res.Manifest.Snapshot.Dropped {
			fmt.Fprintf(stderr, "  dropped %3d %s (not needed; not stored)\n", k.Count, k.Kind)
		}
		fmt.Fprintf(stderr, "  wrote %s (%d bytes)\n", dest, len(res.Bundle))
		if key != nil {
			fmt.Fprintf(stderr, "  signed with key %s\n", bundle.KeyID(key.Public().(ed25519.PublicKey)))
		}
	}
	fmt.Fprintf(stderr, "bundle digest %s\n", res.Digest.Prefixed())
	return nil
}

// currentAccount is the user running the capture.
func currentAccount() bundle.Account {
	a := bundle.Account{UID: os.Getuid(), GID: os.Getgid()}
	if u, err := user.LookupId(strconv.Itoa(a.UID)); err == nil {
		a.Name = u.Username
	}
	return a
}
