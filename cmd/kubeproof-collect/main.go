// Command kubeproof-collect gathers the evidence of one Kubernetes node into
// a bundle for offline CIS benchmark audits. It only reads, runs no other
// program and writes nothing but its bundle.
package main

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/collector"
	"github.com/kubeproof/kubeproof/internal/atomicfile"
	"github.com/kubeproof/kubeproof/internal/clidoc"
	"github.com/kubeproof/kubeproof/internal/exit"
	"github.com/kubeproof/kubeproof/internal/version"
	"github.com/kubeproof/kubeproof/redact"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		var pe *exit.PartialError
		if !errors.As(err, &pe) {
			fmt.Fprintf(os.Stderr, "kubeproof-collect: %v\n", err)
		}
	}
	if errors.Is(err, flag.ErrHelp) {
		err = nil
	}
	os.Exit(exit.Code(err))
}

const usage = "Usage: kubeproof-collect [flags]\n\n" + description + "\n" + exitCodes + "\nFlags:\n"

const description = `Collects the evidence of this node (processes, file stats, redacted
configuration copies, certificate metadata) into one bundle,
<hostname>-<UTC time>.kpb, and prints its digest: write the digest into
the ticket. Run it as root to see everything; a less privileged run
records what it could not read.

With --sign-key NAME.key (from kubeproof keygen) the bundle is signed:
auditors check it with kubeproof verify --trusted-key NAME.pub.

In a container, --root /host collects the node whose directories are
mounted under /host (deploy/ in the kubeproof sources); -o - --base64
writes the bundle to the log, -wait keeps the container running after.

kubeproof-collect api seals kubectl's output about a cluster's objects into
an API snapshot instead (kubeproof-collect api -h).
`

const exitCodes = `Exit codes: 0 complete, 3 bundle written but partial, 2 usage, 4 malformed
node spec or signing key, 1 other errors (no bundle written).
`

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "api" {
		return runAPI(args[1:], os.Stdin, stdout, stderr)
	}
	fs := flag.NewFlagSet("kubeproof-collect", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	var (
		out         = fs.String("o", ".", "write the bundle to `FILE`, into DIR, or to standard output with -")
		root        = fs.String("root", "", "collect from `DIR` as the node's root file system (a mounted disk image, or the node's directories mounted into a container)")
		hostname    = fs.String("hostname", "", "record `NAME` as the node's host name (in a container, whose own name is the pod's: the Kubernetes node name)")
		spec        = fs.String("spec", "", "collect from the node spec in `DIR` (tests and demos)")
		at          = fs.String("time", "", "record `RFC3339` as the collection time (reproducible fixtures)")
		maxFileSize = fs.Int64("max-file-size", collector.DefaultMaxFileSize, "read at most `BYTES` of any file")
		timeout     = fs.Duration("timeout", collector.DefaultTimeout, "stop discovery after `DURATION`")
		quiet       = fs.Bool("q", false, "print only the bundle digest on standard error")
		signKey     = fs.String("sign-key", "", "sign the bundle with the private key in `FILE` (NAME.key of kubeproof keygen)")
		redactKey   = fs.String("redaction-key", "", "give redaction markers keyed digests, with a key derived from the private key in `FILE` (NAME.key of kubeproof keygen): equal secrets then show as equal markers across the nodes collected with it")
		showVersion = fs.Bool("version", false, "print the version and exit")
		armor       = fs.Bool("base64", false, "with -o -, write the bundle as base64 lines between BEGIN and END lines, for a log (kubectl logs)")
		wait        = fs.Bool("wait", false, "after writing the bundle, wait until terminated (a DaemonSet's container must not exit)")
		showMan     = fs.Bool("man", false, "print this manual page (roff: kubeproof-collect -man | man -l -) and exit")
	)
	fs.StringVar(out, "output", ".", "write the bundle to `FILE`, into DIR, or to standard output with - (same as -o)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exit.UsageError{Err: err}
	}
	if fs.NArg() > 0 {
		return &exit.UsageError{Err: fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	if *showVersion {
		fmt.Fprintln(stdout, "kubeproof-collect", version.Version)
		return nil
	}
	if *showMan {
		_, err := stdout.Write(clidoc.Man(manual(fs))[0].Text)
		return err
	}
	if *armor && *out != "-" {
		return &exit.UsageError{Err: errors.New("-base64 encodes the bundle written to standard output: give -o - too")}
	}
	opts := collector.Options{Root: *root, Spec: *spec, Version: version.Version, Hostname: *hostname, MaxFileSize: *maxFileSize, Timeout: *timeout}
	if strings.ContainsFunc(*hostname, func(r rune) bool { return r < 0x21 || r == 0x7f || r > 0x7e }) {
		return &exit.UsageError{Err: fmt.Errorf("-hostname %q: want a host name, without spaces or control characters", *hostname)}
	}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return &exit.UsageError{Err: fmt.Errorf("-time %q: want RFC 3339, like 2021-09-15T08:00:00Z", *at)}
		}
		opts.Time = t
	}
	if *spec != "" && *root != "" {
		return &exit.UsageError{Err: errors.New("-spec and -root exclude each other")}
	}
	if *out == "-" && !*armor && isTerminal(os.Stdout) {
		return &exit.UsageError{Err: errors.New("refusing to write a binary bundle to a terminal; redirect standard output or use -o FILE")}
	}
	// The keys are read before collecting: a bad key must not cost a run.
	key, redactionKey, err := loadKeys(*signKey, *redactKey, stderr)
	if err != nil {
		return err
	}
	opts.RedactionKey = redactionKey
	res, err := collector.Collect(context.Background(), opts)
	if err != nil {
		var se *collector.SpecError
		if errors.As(err, &se) {
			return &exit.InputError{Err: err}
		}
		return err
	}
	if res.Bundle, err = signed(res.Bundle, res.Digest, key); err != nil {
		return err
	}
	name := bundleName(res.Manifest.Host.Hostname, res.Manifest.Collection.Started)
	dest := *out
	if dest == "-" {
		data := res.Bundle
		if *armor {
			data = armored(name, res.Bundle)
		}
		if _, err := stdout.Write(data); err != nil {
			return fmt.Errorf("writing the bundle to standard output: %w", err)
		}
		dest = "standard output"
	} else {
		if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
			dest = filepath.Join(dest, name)
		}
		if err := atomicfile.WriteFile(dest, res.Bundle, 0o600); err != nil {
			return err
		}
	}
	h := res.Manifest.Host
	if !*quiet {
		fmt.Fprintf(stderr, "kubeproof-collect %s: %s (%s), %s mode\n", version.Version, h.Hostname, orNone(h.Roles), res.Manifest.Collection.Mode)
		fmt.Fprintf(stderr, "  %d processes, %d paths, %d copies, %d certificates, %d problems\n",
			res.Processes, res.Files, res.Copies, res.Certificates, len(res.Problems))
		for i, p := range res.Problems {
			if i == 10 {
				fmt.Fprintf(stderr, "  … and %d more problems (facts/problems.json in the bundle)\n", len(res.Problems)-10)
				break
			}
			fmt.Fprintf(stderr, "  problem: %s %s: %s (%s)\n", p.Op, p.Path, p.Message, p.Kind)
		}
		fmt.Fprintf(stderr, "  wrote %s (%d bytes)\n", dest, len(res.Bundle))
		if key != nil {
			fmt.Fprintf(stderr, "  signed with key %s\n", bundle.KeyID(key.Public().(ed25519.PublicKey)))
		}
		if r := res.Manifest.Redaction; r != nil && r.KeyID != "" {
			fmt.Fprintf(stderr, "  redaction markers keyed with %s\n", r.KeyID)
		}
	}
	fmt.Fprintf(stderr, "bundle digest %s\n", res.Digest.Prefixed())
	var partial error
	if res.Partial() {
		partial = &exit.PartialError{Problems: len(res.Problems)}
	}
	if *wait {
		waitForSignal(stderr)
	}
	return partial
}

// Armor lines around a bundle in base64 (-base64): the bundle's file name
// follows the BEGIN marker. Logs are lines of text, and stderr's lines
// may fall between stdout's: the markers say where the bundle is.
const (
	armorBegin = "-----BEGIN KUBEPROOF BUNDLE "
	armorEnd   = "-----END KUBEPROOF BUNDLE-----"
	armorWidth = 76 // as base64(1) wraps
)

// armored is the bundle as base64 lines between the markers:
//
//	-----BEGIN KUBEPROOF BUNDLE node-1-20210915T080000Z.kpb-----
//	KLUv/QRY…
//	-----END KUBEPROOF BUNDLE-----
//
// Decoded: sed -n '/^-----BEGIN KUBEPROOF/,/^-----END/{//!p}' | base64 -d.
func armored(name string, bundle []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(bundle)
	var b strings.Builder
	b.WriteString(armorBegin + name + "-----\n")
	for len(enc) > armorWidth {
		b.WriteString(enc[:armorWidth] + "\n")
		enc = enc[armorWidth:]
	}
	if enc != "" {
		b.WriteString(enc + "\n")
	}
	b.WriteString(armorEnd + "\n")
	return []byte(b.String())
}

// waitForSignal blocks until SIGTERM or SIGINT (-wait).
func waitForSignal(stderr io.Writer) {
	fmt.Fprintln(stderr, "waiting until terminated (-wait)")
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	<-ch
	signal.Stop(ch)
}

// manual describes the command line for its manual page.
func manual(fs *flag.FlagSet) *clidoc.Program {
	return &clidoc.Program{
		Name:        "kubeproof-collect",
		Version:     version.Version,
		Summary:     "collect a Kubernetes node's evidence into a bundle for offline CIS benchmark audits",
		Description: description + "\nIt only reads: it runs no other program, never opens a FIFO, socket or device, reads at most 1 MiB of any file, and writes nothing but its bundle.",
		Flags: clidoc.FromFlagSet(fs, map[string]clidoc.Kind{
			"o": clidoc.File, "output": clidoc.File, "root": clidoc.Dir, "spec": clidoc.Dir,
			"sign-key": clidoc.File, "redaction-key": clidoc.File,
		}),
		ExitCodes: []clidoc.ExitCode{
			{Code: "0", Meaning: "the bundle was written, complete"},
			{Code: "1", Meaning: "another error; no bundle was written"},
			{Code: "2", Meaning: "usage"},
			{Code: "3", Meaning: "the bundle was written, but partial: the problems are recorded in it"},
			{Code: "4", Meaning: "the node spec or the --sign-key file is malformed or missing; no bundle was written"},
		},
		Commands:        []clidoc.Command{apiCommand()},
		CommandOptional: true,
		SeeAlso:         []string{"kubeproof(1)"},
	}
}

// signed appends the signature frame of digest to a bundle when a key is
// given. The signature is a frame of its own after the bundle's: the
// manifest, and so the digest, stay as they are.
func signed(data []byte, digest bundle.Digest, key ed25519.PrivateKey) ([]byte, error) {
	if key == nil {
		return data, nil
	}
	frame, err := bundle.SignatureFrame(digest, key)
	if err != nil {
		return nil, err
	}
	return append(data, frame...), nil
}

// loadKeys reads the signing key and the redaction key's seed, when
// their flags name files. The redaction key changes the markers, and with
// them the bundle: it is never taken from -sign-key, so that a signed
// bundle stays the unsigned one with a signature appended.
func loadKeys(signKey, redactKey string, stderr io.Writer) (ed25519.PrivateKey, []byte, error) {
	var key ed25519.PrivateKey
	if signKey != "" {
		var err error
		if key, err = loadSigningKey(signKey, "-sign-key", stderr); err != nil {
			return nil, nil, err
		}
	}
	if redactKey == "" {
		return key, nil, nil
	}
	rk, err := loadSigningKey(redactKey, "-redaction-key", stderr)
	if err != nil {
		return nil, nil, err
	}
	return key, redact.DeriveKey(rk.Seed()), nil
}

// loadSigningKey reads a private key file, warning when others may read it.
// loadSigningKey reads a private key file of kubeproof keygen, given to
// the flag named flagName.
func loadSigningKey(name, flagName string, stderr io.Writer) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, &exit.InputError{Err: fmt.Errorf("%s: %w", flagName, err)}
	}
	key, err := bundle.ParsePrivateKey(data)
	if err != nil {
		return nil, &exit.InputError{Err: fmt.Errorf("%s %s: %w", flagName, name, err)}
	}
	if fi, err := os.Stat(name); err == nil && fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(stderr, "kubeproof-collect: warning: the key %s is readable by others (mode %04o); chmod 600 it\n", name, fi.Mode().Perm())
	}
	return key, nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "no Kubernetes role found"
	}
	return strings.Join(s, ", ")
}

// bundleName is <hostname>-<UTC time>.kpb with the hostname made safe for
// any file system.
func bundleName(host string, t time.Time) string {
	var b strings.Builder
	for _, r := range host {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := strings.Trim(b.String(), ".")
	if name == "" {
		name = "node"
	}
	return name + "-" + t.UTC().Format("20060102T150405Z") + ".kpb"
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
