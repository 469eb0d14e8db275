package evidence

import (
	"fmt"
	"strings"

	"github.com/kubeproof/kubeproof/bundle"
	"github.com/kubeproof/kubeproof/results"
)

// Citations point at the member and the place in it that a verdict read.

// rd is a bundle digest as the results model holds it.

func (n *Node) citation(member, locator, observed string) results.Citation {
	return results.Citation{Bundle: n.hexSelf, Node: n.Name, Member: member, MemberSHA256: n.memberHex(member), Locator: locator, Observed: observed}
}

// StatCitation cites a stat record's field.
func (n *Node) StatCitation(st *bundle.Stat, field, observed string) results.Citation {
	return n.citation(bundle.StatPath, st.Path+" "+field, observed)
}

func (n *Node) statCitation(st *bundle.Stat, field, observed string) results.Citation {
	return n.StatCitation(st, field, observed)
}

// arguments says how long a command line is: citations quote what a
// check read of it, never the whole of it.
func arguments(p *bundle.Process) string {
	if len(p.Argv) == 2 {
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", max(len(p.Argv)-1, 0))
}

// occObserved quotes one occurrence of a flag as the command line holds
// it: "--name=value", or "--name value" when the value is the next
// argument.
func occObserved(p *bundle.Process, o flagOcc) string {
	a := p.Argv[o.index]
	if !o.bare && !strings.Contains(a, "=") && o.index+1 < len(p.Argv) {
		return a + " " + p.Argv[o.index+1]
	}
	return a
}

// maxFlagCitations occurrences of one flag are cited: the first and the
// last halves (the last decides a flag's value), with a citation between
// them that counts the others. A flag given 20,000 times on one command
// line once made a 13 KB bundle cost 13 s, 433 MB and an 88 MB report.
const maxFlagCitations = 8

// citeOccurrences cites the occurrences of flag --name on p's command
// line, within maxFlagCitations.
func (n *Node) citeOccurrences(o *Observation, p *bundle.Process, name string, occ []flagOcc) {
	half := maxFlagCitations / 2
	for i, oc := range occ {
		if len(occ) > maxFlagCitations {
			if i == half {
				o.cite(n.argvCitation(p, -1, fmt.Sprintf("--%s given %d times; %d occurrences between these are not cited", name, len(occ), len(occ)-maxFlagCitations)))
			}
			if i >= half && i < len(occ)-half {
				continue
			}
		}
		if oc.cite != nil {
			o.cite(*oc.cite) // an argument read from a file
			continue
		}
		o.cite(n.argvCitation(p, oc.index, occObserved(p, oc)))
	}
}

func (n *Node) argvCitation(p *bundle.Process, index int, observed string) results.Citation {
	loc := fmt.Sprintf("pid %d %s argv", p.PID, p.Component)
	if index >= 0 {
		loc = fmt.Sprintf("pid %d %s argv[%d]", p.PID, p.Component, index)
	}
	return n.citation(bundle.ProcessesPath, loc, observed)
}

func (n *Node) envCitation(p *bundle.Process, index int, observed string) results.Citation {
	loc := fmt.Sprintf("pid %d %s env", p.PID, p.Component)
	if index >= 0 {
		loc = fmt.Sprintf("pid %d %s env[%d]", p.PID, p.Component, index)
	}
	return n.citation(bundle.ProcessesPath, loc, observed)
}

// ProcessCitation cites the process that runs a component: that it runs,
// never its command line.
func (n *Node) ProcessCitation(component string) (results.Citation, bool) {
	p, _ := n.process(component)
	if p == nil {
		return results.Citation{}, false
	}
	return n.argvCitation(p, -1, fmt.Sprintf("%s runs (pid %d, %s)", component, p.PID, arguments(p))), true
}

// ProcessesCitation cites the process list as a whole.
func (n *Node) ProcessesCitation(observed string) results.Citation {
	return n.citation(bundle.ProcessesPath, "processes", observed)
}

// ManifestCitation cites the manifest's host facts.
func (n *Node) ManifestCitation(observed string) results.Citation {
	return results.Citation{Bundle: n.hexSelf, Node: n.Name, Member: bundle.ManifestPath, MemberSHA256: n.hexSelf, Locator: "host", Observed: observed}
}

func (n *Node) problemCitation(pr *bundle.Problem) results.Citation {
	return n.citation(bundle.ProblemsPath, pr.Path+" "+pr.Op, pr.Message+" ("+pr.Kind+")")
}

func (n *Node) fieldCitation(d *configDoc, locator, observed string) results.Citation {
	return n.citation(d.member, locator, observed)
}
