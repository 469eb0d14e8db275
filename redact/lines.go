package redact

import (
	"slices"
	"strings"
)

// Line-oriented files: systemd units and drop-ins, environment files
// (KEY=VALUE, as systemd's EnvironmentFile= and /etc/default read them),
// and flag files (one or more flags a line, as microk8s and snaps keep
// a component's arguments). Each logical line is read with its
// continuations; values are decoded as the reader of the file would, and
// a value with parts to redact is written back whole, quoted again where
// it needs to be.

// logicalLine is a line with its continuation lines ("\" at the end).
type logicalLine struct {
	start, end int // the bytes of the line and its continuations, line breaks excluded at the end
}

// logicalLines splits src into lines, joining a line ending in "\" with
// the next when join is set.
func logicalLines(src []byte, join bool) []logicalLine {
	var out []logicalLine
	for off := 0; off < len(src); {
		start := off
		for {
			e := off
			for e < len(src) && src[e] != '\n' {
				e++
			}
			le := e
			if le > off && src[le-1] == '\r' {
				le--
			}
			next := e
			if next < len(src) {
				next++
			}
			if join && le > off && src[le-1] == '\\' && next < len(src) {
				off = next
				continue
			}
			out = append(out, logicalLine{start, le})
			off = next
			break
		}
	}
	return out
}

// word is one word of a command line or an assignment list, with the
// span of its source text and its decoded value.
type word struct {
	start, end int
	value      string
	quoted     bool // the source used quotes or escapes: the value is not the source
}

// splitWords splits src[start:end] into words as systemd and the shell
// do: blanks separate words, double and single quotes group them, a
// backslash escapes the next byte, and a backslash before a line break
// continues the line. ok is false for an unclosed quote.
func splitWords(src []byte, start, end int) ([]word, bool) {
	var out []word
	i := start
	for {
		for i < end && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r' || src[i] == '\n' ||
			src[i] == '\\' && i+1 < end && (src[i+1] == '\n' || src[i+1] == '\r')) {
			i++
		}
		if i >= end {
			return out, true
		}
		w := word{start: i}
		var b strings.Builder
		for i < end && src[i] != ' ' && src[i] != '\t' && src[i] != '\n' && src[i] != '\r' {
			switch c := src[i]; c {
			case '"', '\'':
				w.quoted = true
				j := i + 1
				for j < end && src[j] != c {
					if c == '"' && src[j] == '\\' && j+1 < end {
						j++
						if src[j] == '\n' {
							j++
							continue
						}
					}
					b.WriteByte(src[j])
					j++
				}
				if j >= end {
					return out, false
				}
				i = j + 1
			case '\\':
				w.quoted = true
				if i+1 < end {
					if src[i+1] == '\n' || src[i+1] == '\r' {
						i += 2
						continue
					}
					b.WriteByte(src[i+1])
				}
				i += 2
			default:
				b.WriteByte(c)
				i++
			}
		}
		w.end = min(i, end)
		w.value = b.String()
		out = append(out, w)
	}
}

// quoteWord writes a value back as one word: bare when it needs no
// quotes, else double-quoted.
func quoteWord(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n\r\"'\\;#$`") {
		return v
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '"' || c == '\\' || c == '$' || c == '`' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// lineRedaction collects the edits of a line-oriented file.
type lineRedaction struct {
	r     *Redactor
	src   []byte
	edits []edit
	n     int
}

// redactWord replaces the cuts of a word.
func (l *lineRedaction) redactWord(w word, cs []cut) {
	if len(cs) == 0 {
		return
	}
	l.n += len(cs)
	l.edits = append(l.edits, edit{w.start, w.end, quoteWord(l.r.apply(w.value, cs))})
}

// commandLine redacts the words of a command line.
func (l *lineRedaction) commandLine(words []word) {
	// systemd prefixes ("-", "@", ":", "+", "!") before the program.
	args := make([]string, len(words))
	for i, w := range words {
		args[i] = w.value
	}
	if len(args) > 0 {
		args[0] = strings.TrimLeft(args[0], "-@:+!")
	}
	comp := Program(args)
	byArg := map[int][]cut{}
	for _, c := range planArgs(comp, args) {
		byArg[c.arg] = append(byArg[c.arg], c.cut)
	}
	for i, w := range words {
		cs := byArg[i]
		// A variable reference ($KUBELET_KUBEADM_ARGS) names its value;
		// systemd expands it from the environment, which is redacted
		// where it is defined.
		if i > 0 && !w.quoted && len(cs) == 1 && isVarRef(w.value) {
			continue
		}
		if i == 0 {
			cs = decide(filePath, w.value)
		}
		l.redactWord(w, cs)
	}
}

// isVarRef reports whether v is $NAME or ${NAME}.
func isVarRef(v string) bool {
	if len(v) < 2 || v[0] != '$' {
		return false
	}
	name := v[1:]
	if name[0] == '{' {
		if name[len(name)-1] != '}' {
			return false
		}
		name = name[1 : len(name)-1]
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return name != ""
}

// assignment redacts one NAME=VALUE word (systemd Environment=).
func (l *lineRedaction) assignment(w word, comp string) {
	name, value, ok := strings.Cut(w.value, "=")
	if !ok {
		l.redactWord(w, decide(unknown, w.value))
		return
	}
	cs := envValueCuts(comp, name, value)
	for i := range cs {
		cs[i].start += len(name) + 1
		cs[i].end += len(name) + 1
	}
	l.redactWord(w, cs)
}

// envAssignment redacts one NAME=VALUE word of an environment file.
// Unlike systemd's Environment=, whose words are quoted whole
// ("NAME=a b"), an environment file names its variable bare: systemd's
// EnvironmentFile= ignores a line that starts with a quote, and a shell
// runs it as a command. The name stays as it is; an unquoted value has
// its parts replaced in place (its source is its value, and the shell
// or systemd reads it as before), a quoted one is quoted again.
func (l *lineRedaction) envAssignment(w word, comp string) {
	name, value, ok := strings.Cut(w.value, "=")
	if !ok || quoteWord(name) != name { // quoteWord("") is `""`
		l.assignment(w, comp)
		return
	}
	cs := envValueCuts(comp, name, value)
	if len(cs) == 0 {
		return
	}
	l.n += len(cs)
	if !w.quoted {
		vs := w.start + len(name) + 1
		l.edits = append(l.edits, edit{vs, w.end, l.r.apply(string(l.src[vs:w.end]), cs)})
		return
	}
	l.edits = append(l.edits, edit{w.start, w.end, name + "=" + quoteWord(l.r.apply(value, cs))})
}

// comment redacts the text of a comment, from the byte after its "#".
func (l *lineRedaction) comment(start, end int) {
	t := string(l.src[start:end])
	if harmless(strings.TrimSpace(t)) {
		return
	}
	l.n++
	l.edits = append(l.edits, edit{start, end, " " + l.r.Marker(t)})
}

// isComment returns the position after the "#" or ";" that starts a
// comment line, or -1.
func (l *lineRedaction) isComment(ln logicalLine, chars string) int {
	i := ln.start
	for i < ln.end && (l.src[i] == ' ' || l.src[i] == '\t') {
		i++
	}
	if i < ln.end && strings.IndexByte(chars, l.src[i]) >= 0 {
		return i + 1
	}
	return -1
}

// systemdKeys are the directives of units whose values are settings; the
// Exec* directives hold command lines, Environment= assignments.
var systemdKeys = map[string]kind{}

func init() {
	for _, k := range strings.Fields(`Description Documentation After Before Wants Requires Requisite BindsTo
		PartOf Conflicts WantedBy RequiredBy Alias Also DefaultDependencies OnFailure StopWhenUnneeded
		ConditionPathExists ConditionPathIsDirectory ConditionFileIsExecutable ConditionFileNotEmpty
		ConditionVirtualization ConditionHost ConditionKernelCommandLine ConditionSecurity ConditionCapability
		ConditionACPower ConditionNeedsUpdate ConditionFirstBoot ConditionPathExistsGlob ConditionDirectoryNotEmpty
		AssertPathExists AssertFileIsExecutable StartLimitInterval StartLimitIntervalSec StartLimitBurst
		StartLimitAction Type Restart RestartSec RestartPreventExitStatus SuccessExitStatus RemainAfterExit
		TimeoutSec TimeoutStartSec TimeoutStopSec TimeoutAbortSec WatchdogSec RuntimeMaxSec KillMode KillSignal
		SendSIGKILL SendSIGHUP FinalKillSignal Delegate Slice CPUAccounting MemoryAccounting BlockIOAccounting
		IOAccounting TasksAccounting IPAccounting TasksMax CPUQuota CPUWeight CPUShares MemoryLimit MemoryMax
		MemoryHigh MemoryLow MemorySwapMax IOWeight BlockIOWeight LimitNOFILE LimitNPROC LimitCORE LimitMEMLOCK
		LimitAS LimitFSIZE LimitDATA LimitSTACK LimitRSS LimitCPU LimitLOCKS LimitSIGPENDING LimitMSGQUEUE
		LimitNICE LimitRTPRIO LimitRTTIME OOMScoreAdjust OOMPolicy Nice CPUSchedulingPolicy IOSchedulingClass
		IOSchedulingPriority User Group SupplementaryGroups DynamicUser WorkingDirectory RootDirectory
		ReadWritePaths ReadOnlyPaths InaccessiblePaths ReadWriteDirectories ReadOnlyDirectories
		InaccessibleDirectories PrivateTmp PrivateDevices PrivateNetwork PrivateUsers ProtectSystem ProtectHome
		ProtectKernelTunables ProtectKernelModules ProtectControlGroups ProtectClock ProtectHostname
		ProtectKernelLogs NoNewPrivileges CapabilityBoundingSet AmbientCapabilities SecureBits MountFlags
		KeyringMode RestrictNamespaces RestrictRealtime RestrictSUIDSGID LockPersonality MemoryDenyWriteExecute
		SystemCallFilter SystemCallArchitectures StandardInput StandardOutput StandardError SyslogIdentifier
		SyslogFacility SyslogLevel LogLevelMax NotifyAccess PIDFile GuessMainPID UMask RuntimeDirectory
		RuntimeDirectoryMode StateDirectory StateDirectoryMode LogsDirectory CacheDirectory
		ConfigurationDirectory BusName FileDescriptorStoreMax Sockets ListenStream ListenDatagram
		SocketMode SocketUser SocketGroup Accept Service Unit OnCalendar OnBootSec OnUnitActiveSec Persistent
		What Where Options DirectoryMode TimeoutIdleSec EnvironmentFile PassEnvironment UnsetEnvironment
		IgnoreSIGPIPE TTYPath Personality CPUAffinity`) {
		systemdKeys[k] = setting
	}
}

var execKeys = map[string]bool{
	"ExecStart": true, "ExecStartPre": true, "ExecStartPost": true, "ExecStop": true, "ExecStopPost": true,
	"ExecReload": true, "ExecCondition": true,
}

// systemd redacts a unit or a drop-in.
func (l *lineRedaction) systemd() {
	for _, ln := range logicalLines(l.src, true) {
		if c := l.isComment(ln, "#;"); c >= 0 {
			l.comment(c, ln.end)
			continue
		}
		t := strings.TrimSpace(string(l.src[ln.start:ln.end]))
		if t == "" || t[0] == '[' && t[len(t)-1] == ']' {
			continue
		}
		eq := strings.IndexByte(string(l.src[ln.start:ln.end]), '=')
		if eq < 0 {
			l.redactRest(ln.start, ln.end)
			continue
		}
		key := strings.TrimSpace(string(l.src[ln.start : ln.start+eq]))
		vs := ln.start + eq + 1
		for vs < ln.end && (l.src[vs] == ' ' || l.src[vs] == '\t') {
			vs++
		}
		switch {
		case execKeys[key]:
			words, ok := splitWords(l.src, vs, ln.end)
			if !ok {
				l.redactRest(vs, ln.end)
				continue
			}
			// ";" separates commands (ExecStartPre= may hold several).
			from := 0
			for i := 0; i <= len(words); i++ {
				if i == len(words) || words[i].value == ";" && !words[i].quoted {
					l.commandLine(words[from:i])
					from = i + 1
				}
			}
		case key == "Environment":
			words, ok := splitWords(l.src, vs, ln.end)
			if !ok {
				l.redactRest(vs, ln.end)
				continue
			}
			for _, w := range words {
				l.assignment(w, "")
			}
		case key == "EnvironmentFile":
			l.plainValue(vs, ln.end, filePath)
		default:
			l.plainValue(vs, ln.end, systemdKeys[key])
		}
	}
}

// plainValue decides the rest of a line, read as one value.
func (l *lineRedaction) plainValue(start, end int, k kind) {
	v := string(l.src[start:end])
	v = strings.TrimRight(v, " \t")
	if strings.Contains(v, "\\\n") || strings.Contains(v, "\\\r\n") {
		k = unknown // a continued value: free text
	}
	cs := decide(k, v)
	if len(cs) == 0 {
		return
	}
	l.n += len(cs)
	if len(cs) == 1 && cs[0].start == 0 && cs[0].end == len(v) {
		l.edits = append(l.edits, edit{start, start + len(v), l.r.Marker(v)})
		return
	}
	l.edits = append(l.edits, edit{start, start + len(v), l.r.apply(v, cs)})
}

// redactRest redacts src[start:end] whole: a line the reader does not
// understand.
func (l *lineRedaction) redactRest(start, end int) {
	v := string(l.src[start:end])
	if strings.TrimSpace(v) == "" || harmless(strings.TrimSpace(v)) {
		return
	}
	l.n++
	l.edits = append(l.edits, edit{start, end, l.r.Marker(v)})
}

// envFile redacts an environment file: NAME=VALUE lines, "export"
// allowed, values quoted as in the shell. comp is the component the
// file configures, when known.
func (l *lineRedaction) envFile(comp string) {
	for _, ln := range logicalLines(l.src, true) {
		if c := l.isComment(ln, "#"); c >= 0 {
			l.comment(c, ln.end)
			continue
		}
		s := ln.start
		for s < ln.end && (l.src[s] == ' ' || l.src[s] == '\t') {
			s++
		}
		if s == ln.end {
			continue
		}
		if strings.HasPrefix(string(l.src[s:ln.end]), "export ") {
			s += len("export ")
			for s < ln.end && l.src[s] == ' ' {
				s++
			}
		}
		words, ok := splitWords(l.src, s, ln.end)
		if !ok || len(words) == 0 {
			l.redactRest(s, ln.end)
			continue
		}
		// A trailing comment: "NAME=value # note".
		for i, w := range words {
			if i > 0 && !w.quoted && strings.HasPrefix(w.value, "#") {
				l.comment(w.start+1, ln.end)
				words = words[:i]
				break
			}
		}
		if len(words) > 1 && !slices.ContainsFunc(words, func(w word) bool { return w.quoted }) {
			// systemd reads an unquoted value to the end of the line:
			// "KUBELET_FLAGS=--a=1 --b=2" is one variable holding a
			// command line, not a variable and two more words. Unquoted,
			// the value is its source bytes: markers replace what they
			// redact in place, and the line keeps its form.
			if name, value, ok := strings.Cut(words[0].value, "="); ok {
				if _, args := envDef(comp, name); args != "" {
					start, end := words[0].start, words[len(words)-1].end
					value = string(l.src[start+len(name)+1 : end])
					if cs := envValueCuts(comp, name, value); len(cs) > 0 {
						l.n += len(cs)
						l.edits = append(l.edits, edit{start + len(name) + 1, end, l.r.apply(value, cs)})
					}
					continue
				}
			}
		}
		if len(words) > 1 {
			// Several words: "A=1 B=2", or a value the shell would split.
			for _, w := range words {
				if strings.Contains(w.value, "=") {
					l.envAssignment(w, comp)
				} else {
					l.redactWord(w, decide(unknown, w.value))
				}
			}
			continue
		}
		l.envAssignment(words[0], comp)
	}
}

// flagFile redacts a file of flags for a component: each line holds
// flags and their values as a command line does.
func (l *lineRedaction) flagFile(comp string) {
	var words []word
	for _, ln := range logicalLines(l.src, true) {
		if c := l.isComment(ln, "#"); c >= 0 {
			l.comment(c, ln.end)
			continue
		}
		ws, ok := splitWords(l.src, ln.start, ln.end)
		if !ok {
			l.redactRest(ln.start, ln.end)
			continue
		}
		for i, w := range ws {
			if !w.quoted && strings.HasPrefix(w.value, "#") {
				l.comment(w.start+1, ln.end)
				ws = ws[:i]
				break
			}
		}
		words = append(words, ws...)
	}
	args := []string{comp}
	for _, w := range words {
		args = append(args, w.value)
	}
	byArg := map[int][]cut{}
	for _, c := range planArgs(comp, args) {
		byArg[c.arg] = append(byArg[c.arg], c.cut)
	}
	for i, w := range words {
		l.redactWord(w, byArg[i+1])
	}
}
