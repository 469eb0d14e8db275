package bundle

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// Sentinel errors. Every problem the Reader finds wraps one of them, so
// callers can branch with errors.Is.
var (
	// ErrFormat: the file is not a kubeproof bundle, or its stream is
	// corrupt or truncated.
	ErrFormat = errors.New("bundle: malformed bundle")
	// ErrVersion: the bundle's format version is not one this program reads.
	ErrVersion = errors.New("bundle: unsupported format version")
	// ErrIntegrity: a member's size or SHA-256 differs from the manifest,
	// or a listed member is missing.
	ErrIntegrity = errors.New("bundle: integrity check failed")
	// ErrInsecurePath: a member name is not a clean local path.
	ErrInsecurePath = errors.New("bundle: insecure member path")
	// ErrMemberType: a member is a link, device, directory or other
	// non-regular entry.
	ErrMemberType = errors.New("bundle: member is not a regular file")
	// ErrDuplicate: a member name occurs twice.
	ErrDuplicate = errors.New("bundle: duplicate member")
	// ErrUnlisted: a member is not listed in the manifest.
	ErrUnlisted = errors.New("bundle: member not listed in manifest")
	// ErrLimit: a member count, member size or total size limit was exceeded.
	ErrLimit = errors.New("bundle: limit exceeded")
	// ErrSignature: the bundle's signature is malformed or does not
	// verify. An integrity failure, like ErrIntegrity.
	ErrSignature = errors.New("bundle: bad signature")
	// ErrUntrusted: the bundle is not signed by a trusted key, and a
	// caller requires that it is (Keyring.Require).
	ErrUntrusted = errors.New("bundle: not signed by a trusted key")
)

// FormatError reports a stream or manifest that cannot be read.
type FormatError struct {
	Reason string
	Err    error // underlying error, if any
}

func (e *FormatError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("malformed bundle: %s: %v", e.Reason, e.Err)
	}
	return "malformed bundle: " + e.Reason
}

func (e *FormatError) Unwrap() []error { return []error{ErrFormat, e.Err} }

// VersionError reports a format version outside [Min, Max].
type VersionError struct {
	Got, Min, Max int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("unsupported bundle format version %d (this program reads versions %d to %d; a newer kubeproof may read it)", e.Got, e.Min, e.Max)
}

func (e *VersionError) Unwrap() error { return ErrVersion }

// IntegrityError reports a member whose content does not match the manifest.
type IntegrityError struct {
	Path     string
	Missing  bool // listed in the manifest, absent from the stream
	WantSize int64
	GotSize  int64
	Want     Digest
	Got      Digest
}

func (e *IntegrityError) Error() string {
	switch {
	case e.Missing:
		return fmt.Sprintf("member %q: listed in the manifest but missing from the bundle", e.Path)
	case e.WantSize != e.GotSize:
		return fmt.Sprintf("member %q: size %d, manifest says %d", e.Path, e.GotSize, e.WantSize)
	default:
		return fmt.Sprintf("member %q: sha256 %s, manifest says %s", e.Path, e.Got, e.Want)
	}
}

func (e *IntegrityError) Unwrap() error { return ErrIntegrity }

// MemberError reports a member refused for its name or type; Err is one of
// ErrInsecurePath, ErrMemberType, ErrDuplicate, ErrUnlisted.
type MemberError struct {
	Path   string
	Detail string
	Err    error
}

func (e *MemberError) Error() string {
	msg := fmt.Sprintf("member %q: %s", e.Path, strings.TrimPrefix(e.Err.Error(), "bundle: "))
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

func (e *MemberError) Unwrap() error { return e.Err }

// LimitError reports a limit exceeded while reading.
type LimitError struct {
	What  string // "member count", "member size", "manifest size", "decompressed size", "total size", "zstd window or frame size"
	Path  string // the member concerned, if any
	Limit int64
}

func (e *LimitError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("member %q: %s exceeds the limit of %d", e.Path, e.What, e.Limit)
	}
	return fmt.Sprintf("%s exceeds the limit of %d", e.What, e.Limit)
}

func (e *LimitError) Unwrap() error { return ErrLimit }

// VerifyError lists every problem found in one bundle.
type VerifyError struct {
	File     string
	Problems []error
}

func (e *VerifyError) Error() string {
	var b strings.Builder
	name := e.File
	if name == "" {
		name = "bundle"
	}
	fmt.Fprintf(&b, "%s: %d problem", name, len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap lets errors.Is and errors.As see every problem.
func (e *VerifyError) Unwrap() []error { return e.Problems }

// NotRegularError reports a bundle path that is not a regular file (a
// FIFO, a device, a socket, a directory), refused without reading from
// it: a FIFO would make the reader wait forever, a device never end.
type NotRegularError struct {
	File string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s: not a regular file (%s); a bundle is a regular file", e.File, describeMode(e.Mode))
}

func (e *NotRegularError) Unwrap() error { return ErrFormat }

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsDir():
		return "a directory"
	}
	return "mode " + m.String()
}
