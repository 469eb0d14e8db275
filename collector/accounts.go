package collector

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"syscall"

	"github.com/kubeproof/kubeproof/bundle"
)

type problem = bundle.Problem

// problemFor turns an error into evidence of what could not be collected.
func problemFor(p, op string, err error) problem {
	return problem{Path: p, Op: op, Kind: errorKind(err), Message: errorMessage(err)}
}

func errorKind(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "not-exist"
	case errors.Is(err, fs.ErrPermission):
		return "permission"
	case errors.Is(err, errTooLarge):
		return "too-large"
	case errors.Is(err, errNotRegular):
		return "special-file"
	case errors.Is(err, errLoop), errors.Is(err, syscall.ELOOP):
		return "loop"
	case errors.Is(err, syscall.ESRCH):
		return "vanished"
	}
	return "other"
}

// errorMessage is the error's text without the path (recorded beside it),
// so that the same state gives the same evidence whatever the root.
func errorMessage(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

func (s *hostSource) accounts() (users, groups map[int]string) {
	users = parseIDFile(s, "/etc/passwd")
	groups = parseIDFile(s, "/etc/group")
	return users, groups
}

// parseIDFile reads NAME:x:ID:… lines of /etc/passwd or /etc/group. The
// first name given to an id wins, as getpwuid does.
func parseIDFile(s source, p string) map[int]string {
	out := map[int]string{}
	data, err := s.readFile(p, 4<<20)
	if err != nil && !errors.Is(err, errTooLarge) {
		return out
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.SplitN(line, ":", 4)
		if len(f) < 3 || strings.HasPrefix(f[0], "#") || f[0] == "" {
			continue
		}
		id, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		if _, seen := out[id]; !seen {
			out[id] = f[0]
		}
	}
	return out
}
