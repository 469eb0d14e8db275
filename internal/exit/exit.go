// Package exit is the one place where errors become exit codes, for both
// kubeproof binaries. The codes are documented in the README.
package exit

import (
	"errors"
	"fmt"

	"github.com/kubeproof/kubeproof/bundle"
)

// Exit codes.
const (
	OK       = 0 // everything done, nothing failed
	Failed   = 1 // analyze: checks failed (with --exit-code); other commands: an error not listed below
	Usage    = 2 // bad flags or arguments
	Partial  = 3 // collect: the bundle was written, but some evidence could not be collected
	BadInput = 4 // a bundle, spec, catalog or key is malformed, tampered with, badly signed, untrusted where trust is required, or unsupported
	Refused  = 5 // analyze --keep-going: the report was written, but some bundles were refused (the report lists them)
	Nothing  = 6 // nothing to audit: no bundle found, or no node runs a component the selected checks apply to
)

// UsageError marks an error in how the command was called.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// InputError marks input that is malformed (a node spec, a catalog).
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ChoiceError marks a bundle whose benchmark cannot be picked (no
// Kubernetes version to pick by): the user chooses one, so its code is
// Usage, unless a bundle in the same run is bad input.
type ChoiceError struct{ Err error }

func (e *ChoiceError) Error() string { return e.Err.Error() }
func (e *ChoiceError) Unwrap() error { return e.Err }

// NothingError marks a run that found nothing to audit; Hint says what
// the user may do about it.
type NothingError struct {
	Err  error
	Hint string
}

func (e *NothingError) Error() string { return e.Err.Error() }
func (e *NothingError) Unwrap() error { return e.Err }

// RefusedError marks a report written without the bundles it could not
// read (analyze --keep-going).
type RefusedError struct {
	Refused, Total int
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%d of %d bundles refused and left out of the report (listed on its first page)", e.Refused, e.Total)
}

// PartialError marks a collection that wrote its bundle with problems.
type PartialError struct{ Problems int }

func (e *PartialError) Error() string {
	return "collection was partial: some evidence could not be collected (see the problems in the bundle)"
}

// CodeError carries an explicit exit code (analyze --exit-code).
type CodeError struct {
	Code int
	Msg  string
}

func (e *CodeError) Error() string { return e.Msg }

// Code maps an error to the process's exit code.
func Code(err error) int {
	if err == nil {
		return OK
	}
	var ce *CodeError
	var ue *UsageError
	var ie *InputError
	var pe *PartialError
	var ne *NothingError
	var re *RefusedError
	var che *ChoiceError
	switch {
	case errors.As(err, &ue):
		return Usage
	case errors.As(err, &ne):
		return Nothing
	case errors.As(err, &re):
		return Refused
	case errors.As(err, &ce):
		return ce.Code
	case errors.As(err, &pe):
		return Partial
	case errors.As(err, &ie),
		errors.Is(err, bundle.ErrFormat), errors.Is(err, bundle.ErrVersion),
		errors.Is(err, bundle.ErrIntegrity), errors.Is(err, bundle.ErrInsecurePath),
		errors.Is(err, bundle.ErrMemberType), errors.Is(err, bundle.ErrDuplicate),
		errors.Is(err, bundle.ErrUnlisted), errors.Is(err, bundle.ErrLimit),
		errors.Is(err, bundle.ErrSignature), errors.Is(err, bundle.ErrUntrusted):
		return BadInput
	case errors.As(err, &che):
		return Usage
	}
	return Failed
}
