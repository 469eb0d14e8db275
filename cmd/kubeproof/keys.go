package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/internal/exit"
)

func keygenCommand() *cli.Command {
	return &cli.Command{
		Name:  "keygen",
		Usage: "make an Ed25519 key pair for signing bundles: NAME.key (private) and NAME.pub (public)",
		Description: "The collector signs bundles with NAME.key (kubeproof-collect --sign-key NAME.key); auditors\n" +
			"check them with NAME.pub (kubeproof verify --trusted-key NAME.pub). Existing files are never\n" +
			"overwritten. The key id printed is also shown in every report of a bundle the key signed.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write `NAME`.key and NAME.pub"},
		},
		Action: func(c *cli.Context) error {
			name := c.String("output")
			switch {
			case c.NArg() > 0:
				return &exit.UsageError{Err: fmt.Errorf("keygen takes no arguments, got %q; name the files with -o NAME", c.Args().First())}
			case name == "":
				return &exit.UsageError{Err: errors.New("keygen: give -o NAME to write NAME.key and NAME.pub")}
			case strings.HasSuffix(name, ".key") || strings.HasSuffix(name, ".pub"):
				return &exit.UsageError{Err: fmt.Errorf("-o %q: give the name without .key or .pub; keygen writes both", name)}
			}
			pub, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return err
			}
			keyFile, pubFile := name+".key", name+".pub"
			for _, f := range []string{keyFile, pubFile} {
				if _, err := os.Lstat(f); err == nil {
					return fmt.Errorf("%s exists: refusing to overwrite a key", f)
				}
			}
			if err := createExclusive(keyFile, bundle.MarshalPrivateKey(priv), 0o600); err != nil {
				return err
			}
			if err := createExclusive(pubFile, bundle.MarshalPublicKey(pub), 0o644); err != nil {
				os.Remove(keyFile)
				return err
			}
			w := c.App.Writer
			fmt.Fprintf(w, "key id %s\n", bundle.KeyID(pub))
			fmt.Fprintf(w, "wrote %s: the private key; keep it secret, and sign with kubeproof-collect --sign-key %s\n", keyFile, keyFile)
			fmt.Fprintf(w, "wrote %s: the public key; give it to auditors, who check with kubeproof verify --trusted-key %s\n", pubFile, pubFile)
			return nil
		},
	}
}

// createExclusive writes a new file, never one that exists; on an error
// nothing is left.
func createExclusive(name string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// trustFlags choose the keys whose signatures are trusted.
func trustFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "trusted-key", Usage: "trust signatures by the public key in `FILE` (NAME.pub of kubeproof keygen); repeat for several keys"},
		&cli.BoolFlag{Name: "require-signature", Usage: "refuse bundles that are not signed by a trusted key"},
	}
}

// keyring loads the --trusted-key files.
func keyring(c *cli.Context) (*bundle.Keyring, error) {
	files := c.StringSlice("trusted-key")
	if c.Bool("require-signature") && len(files) == 0 {
		return nil, &exit.UsageError{Err: errors.New("--require-signature needs the keys to trust: give --trusted-key FILE")}
	}
	k := bundle.NewKeyring()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, &exit.InputError{Err: fmt.Errorf("--trusted-key: %w", err)}
		}
		pub, err := bundle.ParsePublicKey(data)
		if err != nil {
			return nil, &exit.InputError{Err: fmt.Errorf("--trusted-key %s: %w", f, err)}
		}
		k.Add(pub)
	}
	return k, nil
}

// limitFlags set the reader's limits; their defaults are bundle.DefaultLimits.
func limitFlags() []cli.Flag {
	d := bundle.DefaultLimits
	return []cli.Flag{
		&cli.StringFlag{Name: "max-member-size", Value: sizeText(d.MaxMemberSize), Usage: "refuse a member larger than `SIZE` (bytes, or with a KiB, MiB or GiB suffix)"},
		&cli.StringFlag{Name: "max-total-size", Value: sizeText(d.MaxTotalSize), Usage: "refuse a bundle that decompresses to more than `SIZE`"},
		&cli.IntFlag{Name: "max-members", Value: d.MaxMembers, Usage: "refuse a bundle of more than `N` members, the manifest included"},
	}
}

// limits reads the limit flags.
func limits(c *cli.Context) (bundle.Limits, error) {
	lim := bundle.DefaultLimits
	var err error
	if lim.MaxMemberSize, err = parseSize(c.String("max-member-size")); err != nil {
		return lim, &exit.UsageError{Err: fmt.Errorf("--max-member-size: %w", err)}
	}
	if lim.MaxTotalSize, err = parseSize(c.String("max-total-size")); err != nil {
		return lim, &exit.UsageError{Err: fmt.Errorf("--max-total-size: %w", err)}
	}
	if lim.MaxMembers = c.Int("max-members"); lim.MaxMembers <= 0 {
		return lim, &exit.UsageError{Err: fmt.Errorf("--max-members %d: want at least 1", lim.MaxMembers)}
	}
	return lim, nil
}

var sizeUnits = []struct {
	suffix string
	shift  uint
}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}, {"B", 0}, {"", 0}}

// parseSize reads a positive byte count: digits, optionally followed by
// B, KiB, MiB or GiB.
func parseSize(s string) (int64, error) {
	for _, u := range sizeUnits {
		digits, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(digits), 10, 64)
		if err != nil || n <= 0 || n > (1<<62)>>u.shift {
			break
		}
		return n << u.shift, nil
	}
	return 0, fmt.Errorf("%q: want a positive number of bytes, like 16777216 or 16MiB", s)
}

// sizeText writes n in the largest unit that divides it.
func sizeText(n int64) string {
	for _, u := range sizeUnits[:3] {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
