// Package atomicfile writes files so that readers see either the old
// content or the whole new content, never a part: the data goes to a
// temporary file in the same directory, is synced, and is renamed over the
// destination. On any error the temporary file is removed.
//
// Only regular files (or names that do not exist yet) are replaced that
// way. A destination that is a device, a pipe, a socket or a terminal —
// /dev/null, /dev/stdout, a FIFO, directly or through symbolic links — is
// opened and written to as it is: replacing it with a regular file would
// break the host (a root process turning /dev/null into a file). Errors
// name the destination as the caller gave it, never the temporary file.
package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// WriteFile writes data to name atomically with the given permissions, or
// streams it to name if name is a special file.
func WriteFile(name string, data []byte, perm os.FileMode) error {
	f, err := Create(name, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return f.fail(err)
	}
	return f.Commit()
}

// File is a file being written atomically: its content appears under its
// name only when Commit succeeds. For a special file (Special), writes go
// straight to it.
type File struct {
	f    *os.File
	name string
	tmp  string // empty for a special file
	done bool
}

// Create starts writing name atomically with the given permissions. If
// name (after following symbolic links) is a special file, Create opens it
// for writing instead, and the permissions are not changed.
func Create(name string, perm os.FileMode) (*File, error) {
	if fi, err := os.Stat(name); err == nil {
		switch {
		case fi.IsDir():
			return nil, &Error{Name: name, Err: syscall.EISDIR}
		case !fi.Mode().IsRegular():
			// No O_CREATE, no O_TRUNC: the file is written as it is.
			// A FIFO blocks here until someone reads it, as a shell
			// redirection would.
			f, err := os.OpenFile(name, os.O_WRONLY, 0)
			if err != nil {
				return nil, &Error{Name: name, Err: bare(err)}
			}
			return &File{f: f, name: name}, nil
		}
	}
	dir, base := filepath.Split(name)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, &Error{Name: name, Err: bare(err)}
	}
	a := &File{f: f, name: name, tmp: f.Name()}
	if err := f.Chmod(perm); err != nil {
		a.Abort()
		return nil, a.fail(err)
	}
	return a, nil
}

// Name is the file's final name.
func (a *File) Name() string { return a.name }

// Special reports whether the destination is a special file (a device, a
// pipe, a socket), written to directly rather than replaced.
func (a *File) Special() bool { return a.tmp == "" }

// Write writes to the temporary file, or to the special file.
func (a *File) Write(p []byte) (int, error) {
	n, err := a.f.Write(p)
	if err != nil {
		err = a.fail(err)
	}
	return n, err
}

// Commit syncs the data and renames it into place; for a special file it
// only closes it.
func (a *File) Commit() error {
	if a.done {
		return &Error{Name: a.name, Err: errors.New("already finished")}
	}
	a.done = true
	if a.Special() {
		if err := a.f.Close(); err != nil {
			return a.fail(err)
		}
		return nil
	}
	err := a.f.Sync()
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.tmp, a.name)
	}
	if err != nil {
		os.Remove(a.tmp)
		return a.fail(err)
	}
	return nil
}

// Abort removes the temporary file; after Commit it does nothing, so it
// can be deferred. What was written to a special file stays written.
func (a *File) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	if !a.Special() {
		os.Remove(a.tmp)
	}
}

// fail names the destination in err, in place of the temporary file.
func (a *File) fail(err error) error {
	var we *Error
	if errors.As(err, &we) {
		return err
	}
	return &Error{Name: a.name, Err: bare(err)}
}

// Error is a failure to write the file Name (as the caller named it).
type Error struct {
	Name string
	Err  error
}

func (e *Error) Error() string { return "writing " + e.Name + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// bare strips the path (our temporary file's name) from an OS error,
// keeping the errno that errors.Is looks for (ENOSPC, ENOTDIR…).
func bare(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	var se *os.SyscallError
	switch {
	case errors.As(err, &pe):
		return pe.Err
	case errors.As(err, &le):
		return le.Err
	case errors.As(err, &se):
		return se.Err
	}
	return err
}
