package evidence

import (
	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/redact"
)

// Format-1 bundles were written by collectors that kept command lines as
// given and redacted copied files by patterns of what looks secret. Their
// facts are redacted again as they are read, by today's closed-world
// rules: what a format-2 collector would not keep reaches no report.

// legacy redacts without keyed digests: the analyzer holds no key.
var legacy = redact.New(nil)

// Processes returns the processes of a bundle, with the command lines of
// a format-1 bundle redacted.
func Processes(b *bundle.Bundle) ([]bundle.Process, error) {
	var procs bundle.Processes
	if err := b.DecodeJSON(bundle.ProcessesPath, &procs); err != nil {
		return nil, err
	}
	if b.Manifest.Format < 2 {
		for i := range procs.Processes {
			p := &procs.Processes[i]
			p.Argv, p.Redactions = legacy.Argv(p.Component, p.Argv)
			if p.ArgvB64 != nil {
				// The bytes of the command line would carry what was
				// redacted: keep them only where nothing was.
				p.ArgvB64 = nil
			}
		}
	}
	return procs.Processes, nil
}

// copyOf returns the copy of the node file p held in member, redacted
// again when the bundle is of format 1; ok is false when today's rules
// keep no copy of such a file.
func copyOf(b *bundle.Bundle, p, member string) (data []byte, present, ok bool) {
	data, present = b.Member(member)
	if !present {
		return nil, false, false
	}
	if b.Manifest.Format >= 2 {
		return data, true, true
	}
	f := legacy.File(p, data, redact.Via{})
	return f.Data, true, f.Data != nil
}
