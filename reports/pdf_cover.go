package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kubeproof/kubeproof/results"
)

// The cover says what was audited, how, when and with what result, on one
// page whatever the number of nodes: lists are counted ("3 versions:
// v1.32.4 on 990 nodes, …"), never printed whole.

// tallyItem is a value and how many nodes have it.
type tallyItem struct {
	value string
	n     int
}

// tally counts the values of the nodes, most frequent first, then by
// value; "" counts as unknown.
func tally(nodes []results.NodeResult, value func(*results.NodeResult) string) []tallyItem {
	counts := map[string]int{}
	var order []string
	for i := range nodes {
		v := value(&nodes[i])
		if _, ok := counts[v]; !ok {
			order = append(order, v)
		}
		counts[v]++
	}
	out := make([]tallyItem, len(order))
	for i, v := range order {
		out[i] = tallyItem{v, counts[v]}
	}
	slices.SortStableFunc(out, func(a, b tallyItem) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.value, b.value)
	})
	return out
}

// tallyText writes a tally: "v1.32.4" when every node has one value,
// "v1.32.4 on 998 nodes, v1.31.2 on 2 nodes", or, with more than max
// values, "5 versions: v1.32.4 on 990 nodes, … and 3 more". unknown names
// the empty value.
func tallyText(items []tallyItem, noun, unknown string, max int) string {
	return tallyTextOf(items, noun, unknown, "node", max)
}

// tallyTextOf is tallyText for things counted in units other than nodes.
func tallyTextOf(items []tallyItem, noun, unknown, unit string, max int) string {
	name := func(v string) string {
		if v == "" {
			return unknown
		}
		return v
	}
	if len(items) == 1 {
		return name(items[0].value)
	}
	var parts []string
	for i, it := range items {
		if i == max {
			parts = append(parts, fmt.Sprintf("and %d more", len(items)-max))
			break
		}
		parts = append(parts, fmt.Sprintf("%s on %s", name(it.value), countNoun(it.n, unit)))
	}
	s := strings.Join(parts, ", ")
	if len(items) > max {
		s = fmt.Sprintf("%d %ss: %s", len(items), noun, s)
	}
	return s
}

// clustersText names the clusters of the nodes by their API endpoints,
// with the names the nodes' kubeconfigs give each (a control plane's
// admin.conf and a worker's kubelet.conf often name one cluster
// differently).
func clustersText(nodes []results.NodeResult) string {
	names := map[string][]results.NodeResult{}
	items := tally(nodes, func(n *results.NodeResult) string {
		k := n.Cluster.Endpoint
		if k == "" {
			k = "\x00" + n.Cluster.Name
		}
		names[k] = append(names[k], *n)
		return k
	})
	for i, it := range items {
		var ns []string
		for _, t := range tally(names[it.value], func(n *results.NodeResult) string { return n.Cluster.Name }) {
			if t.value != "" {
				ns = append(ns, t.value)
			}
		}
		endpoint, _ := strings.CutPrefix(it.value, "\x00")
		if it.value != endpoint {
			endpoint = ""
		}
		switch {
		case endpoint != "" && len(ns) > 0:
			items[i].value = strings.Join(ns, ", ") + " · API " + endpoint
		case endpoint != "":
			items[i].value = "API " + endpoint
		default:
			items[i].value = strings.Join(ns, ", ")
		}
	}
	slices.SortStableFunc(items, func(a, b tallyItem) int {
		if a.n != b.n {
			return b.n - a.n
		}
		if (a.value == "") != (b.value == "") {
			return boolCmp(a.value == "")
		}
		return strings.Compare(a.value, b.value)
	})
	return tallyText(items, "cluster", "not named by the bundles", 3)
}

// boolCmp orders true after false.
func boolCmp(after bool) int {
	if after {
		return 1
	}
	return -1
}

// benchmarkText names the benchmark of each node: "cis-1.12 on 998
// nodes, cis-1.11 on 2 nodes", and how they were chosen.
func benchmarkText(rep *results.Report) string {
	if len(rep.Nodes) == 0 {
		return rep.BenchmarkNames()
	}
	items := tally(rep.Nodes, func(n *results.NodeResult) string { return nodeBenchmark(rep, n) })
	s := tallyText(items, "benchmark", "none", 4)
	reasons := tally(rep.Nodes, func(n *results.NodeResult) string { return n.BenchmarkReason })
	if len(reasons) == 1 && strings.HasPrefix(reasons[0].value, "chosen") {
		return s + ", " + reasons[0].value
	}
	return s + ", by each node's Kubernetes version"
}

// nodeBenchmark is the benchmark a node was analyzed against.
func nodeBenchmark(rep *results.Report, n *results.NodeResult) string {
	if n.Benchmark != "" {
		return n.Benchmark
	}
	return rep.Benchmark
}

// rolesText counts the nodes by role: "1,000 nodes: 3 master, 997 node".
func rolesText(rep *results.Report) string {
	counts := map[string]int{}
	var roles []string
	for _, n := range rep.Nodes {
		for _, r := range n.Bundle.Host.Roles {
			if counts[r] == 0 {
				roles = append(roles, r)
			}
			counts[r]++
		}
	}
	slices.Sort(roles)
	var parts []string
	for _, r := range roles {
		parts = append(parts, fmt.Sprintf("%s %s", r, thousands(counts[r])))
	}
	s := countNoun(len(rep.Nodes), "node")
	if len(parts) > 0 {
		s += " · by role: " + strings.Join(parts, ", ")
	}
	if len(rep.Clusters) > 0 {
		s += " · and the policies of " + countNoun(len(rep.Clusters), "cluster")
	}
	return s
}

// windowText is the time from the earliest start to the latest end
// of the collections.
func windowText(rep *results.Report) string {
	var from, to time.Time
	for _, b := range bundles(rep) {
		start := b.CollectionStarted
		if start.IsZero() {
			start = b.CollectedAt
		}
		if !start.IsZero() && (from.IsZero() || start.Before(from)) {
			from = start
		}
		if b.CollectedAt.After(to) {
			to = b.CollectedAt
		}
	}
	if to.IsZero() {
		return "unknown"
	}
	const layout = "2006-01-02 15:04:05"
	if to.Sub(from) < time.Second {
		return to.UTC().Format(layout) + " UTC"
	}
	return fmt.Sprintf("%s → %s UTC (%s)", from.UTC().Format(layout), to.UTC().Format(layout), spanText(to.Sub(from)))
}

// spanText is a duration for people: "2 h 28 min", "45 s", "3 days 2 h".
func spanText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%d days %d h", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
}

// modeText says how a bundle was collected.
func modeText(mode string) string {
	switch mode {
	case "live":
		return "live on the node"
	case "root":
		return "from a mounted root or disk image"
	case "spec":
		return "from a node spec"
	case "api":
		return "from the API server (a cluster snapshot)"
	case "":
		return "mode not recorded"
	}
	return mode
}

// collectorText says who collected the bundles and how: "root (uid 0),
// live on the node", counted when bundles differ.
func collectorText(rep *results.Report) string {
	var nodes []results.NodeResult
	for _, b := range bundles(rep) {
		nodes = append(nodes, results.NodeResult{Bundle: b})
	}
	items := tally(nodes, func(n *results.NodeResult) string {
		u := n.Bundle.User
		if u == "" {
			u = "user not recorded"
		}
		return u + ", " + modeText(n.Bundle.Mode)
	})
	return tallyTextOf(items, "way", "", "bundle", 3)
}

// scoreText is the compliance score: "87.5 % (702 of 802 automated checks)".
func (d *pdfDoc) scoreText() string {
	passed, applicable := d.rep.Score()
	if applicable == 0 {
		return "none: no automated check applies"
	}
	return fmt.Sprintf("%s (%s of %s passed)", percent(passed, applicable), thousands(passed), countNoun(applicable, "automated check"))
}

func (d *pdfDoc) cover() {
	rep := d.rep
	d.newPage()
	d.section("Cover", 0)
	sub := rep.BenchmarkNames()
	if len(rep.Benchmarks) > 3 {
		sub = fmt.Sprintf("%d benchmarks", len(rep.Benchmarks))
	}
	if len(rep.Nodes) > 0 && rep.Nodes[0].Cluster.Name != "" && len(tally(rep.Nodes, func(n *results.NodeResult) string { return n.Cluster.Name })) == 1 {
		sub = "Cluster " + rep.Nodes[0].Cluster.Name + " · " + sub
	}
	d.titleBlock("CIS Kubernetes Benchmark audit", sub)

	kube := tallyText(tally(rep.Nodes, kubeVersion), "version", "not recorded", 3)
	platform := tallyText(tally(rep.Nodes, func(n *results.NodeResult) string {
		if n.PlatformTitle != "" {
			return n.PlatformTitle
		}
		return n.Platform
	}), "distribution", "generic Kubernetes", 3)
	rows := [][2]string{
		{"Cluster", clustersText(rep.Nodes)},
		{"Distribution", platform},
		{"Kubernetes", kube},
		{"Benchmark", benchmarkText(rep)},
		{"Nodes", rolesText(rep)},
		{"Targets", targetsText(rep)},
		{"Collected", windowText(rep)},
		{"Collected by", collectorText(rep)},
		{"Bundles", signatureSummary(rep)},
		{"Report date", reportTime(rep.ReportTime)},
		{"Analyzer", "kubeproof " + rep.AnalyzerVersion},
		{"Report ID", d.id},
		{"Detail", detailText(d.opts.Detail)},
	}
	if len(rep.Nodes) == 0 {
		rows = slices.Delete(rows, 0, 3)
	}
	if rep.Waivers != nil {
		rows = append(rows, [2]string{"Waivers", fmt.Sprintf("%s, %s (sha256:%s)", countNoun(len(rep.Waivers.Entries), "waiver"),
			rep.Waivers.File, rep.Waivers.Digest.Short())})
	}
	label, value := style{size: 9, bold: true, color: grey}, style{size: 9, color: black}
	for _, r := range rows {
		ls := d.layout(r[1], value, contentW-34, 2)
		d.text(r[0], label, marginL, d.y, 34, "L")
		for _, l := range ls {
			d.draw(l, value, marginL+34, d.y, contentW-34, "L")
			d.y += value.lineH()
		}
		d.y += 1.2
	}

	// The score, then the verdicts.
	d.y += 5
	passed, applicable := rep.Score()
	boxH := 24.0
	d.fill(groupBG, marginL, d.y, contentW, boxH)
	big := percent(passed, applicable)
	if applicable == 0 {
		big = "–"
	}
	d.text(big, style{size: 26, bold: true, color: black}, marginL+4, d.y+4, 50, "L")
	d.text("Compliance score", style{size: 10, bold: true, color: black}, marginL+58, d.y+3.5, contentW-62, "L")
	d.text(fmt.Sprintf("%s of %s passed", thousands(passed), countNoun(applicable, "automated check")), style{size: 9, color: black},
		marginL+58, d.y+8.5, contentW-62, "L")
	ry := d.y + 13
	for _, l := range d.layout(results.ScoreRule, style{size: 7, color: grey}, contentW-62, 3) {
		d.draw(l, style{size: 7, color: grey}, marginL+58, ry, contentW-62, "L")
		ry += style{size: 7}.lineH()
	}
	d.y += boxH + 5
	d.tiles(rep.Totals, d.y)
	d.y += 24

	note := "Produced offline from evidence bundles collected on each node. Every verdict cites the bundle member and the " +
		"value it was read from (Appendix A); the bundles' digests are in Appendix B. The report ID is derived from the bundles, " +
		"benchmark, analyzer version, report time, targets, check selection, waivers and how each bundle verified: the same " +
		"inputs always give the same report."
	if d.opts.Detail == PDFDetailNone {
		note = strings.Replace(note, "(Appendix A)", "(in the JSON report)", 1)
		note = strings.Replace(note, "Appendix B", "the appendix", 1)
	}
	noteSt := style{size: 8, color: grey}
	noteH := float64(len(d.layout(note, noteSt, contentW, 0)))*noteSt.lineH() + 5

	// The notices come before any verdict; those the cover has no room
	// for open the summary, and the cover says so.
	nts := notices(rep)
	if failed := failedBundles(rep); len(failed) > 0 {
		var items []string
		for _, b := range failed {
			items = append(items, b.Host.Hostname+" ("+b.File+"): "+b.Verification)
		}
		nts = append([]notice{{title: "VERIFICATION FAILED", text: failureWarning(rep, len(failed)), items: items, alert: true}}, nts...)
	}
	more := notice{title: "MORE NOTICES"}
	for i, nt := range nts {
		rest := 0.0
		if i < len(nts)-1 {
			rest = d.noticeHeight(more)
		}
		if d.y+d.noticeHeight(nt)+rest+noteH > contentBottom {
			d.overflow = nts[i:]
			more.text = fmt.Sprintf("%s more: see the start of the summary (page 3).", firstUpper(countNoun(len(d.overflow), "notice")))
			for _, o := range d.overflow {
				more.alert = more.alert || o.alert
			}
			d.noticeBox(more)
			break
		}
		d.noticeBox(nt)
	}
	d.y += 5
	d.paragraph(note, noteSt, marginL, contentW)
}

// detailText says what the per-node appendix holds.
func detailText(detail string) string {
	switch detail {
	case PDFDetailNone:
		return "none: findings per check only, no per-node evidence (--pdf-detail none)"
	case PDFDetailAll:
		return "all: the evidence of every verdict, PASS included (--pdf-detail all)"
	}
	return "failures: the evidence of every finding (--pdf-detail failures)"
}

// noticeHeight is the height a notice box takes, the space above it too.
func (d *pdfDoc) noticeHeight(nt notice) float64 {
	_, _, _, _, h := d.noticeLayout(nt)
	return h + 4
}

func (d *pdfDoc) noticeLayout(nt notice) (head, body style, title, lines []line, h float64) {
	const pad = 3.0
	head = style{size: 9.5, bold: true, color: white}
	body = style{size: 8, color: white}
	if !nt.alert {
		head.color, body.color = black, black
	}
	title = d.layout(nt.title, head, contentW-2*pad, 1)
	lines = d.layout(nt.text, body, contentW-2*pad, 4)
	for i, it := range nt.items {
		if i == 3 {
			lines = append(lines, d.layout(fmt.Sprintf("… and %d more: see the text or JSON report", len(nt.items)-3), body, contentW-2*pad, 1)...)
			break
		}
		lines = append(lines, d.layout("• "+it, body, contentW-2*pad, 1)...)
	}
	h = 2*pad + head.lineH() + 1 + float64(len(lines))*body.lineH()
	return head, body, title, lines, h
}

// titleBlock opens a first page: a band across the top of the page, the
// document's title and, under it in grey, what it is about.
func (d *pdfDoc) titleBlock(title, sub string) {
	d.fill(headerBG, 0, 0, pageW, 8)
	d.y = 24
	d.text(title, style{size: 22, bold: true, color: black}, marginL, d.y, contentW, "L")
	d.y += 11
	d.text(sub, style{size: 13, color: grey}, marginL, d.y, contentW, "L")
	d.y += 11
}

// tile is a coloured box with a count and what it counts.
type tile struct {
	n         int
	label     string
	fill, ink rgb
}

// tiles draws one coloured box per verdict with its count.
func (d *pdfDoc) tiles(t results.Totals, y float64) {
	var ts []tile
	for _, s := range pdfStatuses {
		ts = append(ts, tile{statusCount(t, s), statusHeader(s), statusFill(s), statusText(s)})
	}
	d.tileRow(ts, y, 19)
}

// tileRow draws tiles side by side across the page, h high: the count
// large, its label (of one or two lines) under it, in a size that fits
// every word of every label on a line.
func (d *pdfDoc) tileRow(ts []tile, y, h float64) {
	const gap = 2.5
	w := (contentW - gap*float64(len(ts)-1)) / float64(len(ts))
	size := 8.5
	for fits := false; !fits && size > 6; {
		fits = true
		for _, t := range ts {
			for _, word := range strings.Fields(t.label) {
				if d.width(word, style{size: size, bold: true}) > w-2 {
					fits = false
				}
			}
		}
		if !fits {
			size -= 0.5
		}
	}
	for i, t := range ts {
		x := marginL + float64(i)*(w+gap)
		d.fill(t.fill, x, y, w, h)
		d.text(thousands(t.n), style{size: 17, bold: true, color: t.ink}, x, y+2.5, w, "C")
		label := style{size: size, bold: true, color: t.ink}
		ly := y + 12
		for _, l := range d.layout(t.label, label, w-2, 2) {
			d.draw(l, label, x+1, ly, w-2, "C")
			ly += label.lineH()
		}
	}
}

// noticeBox draws, on the cover, a box with a notice (notices): red when
// nodes are missing from the report, amber otherwise.
func (d *pdfDoc) noticeBox(nt notice) {
	const pad = 3.0
	head, body, title, lines, h := d.noticeLayout(nt)
	fill := statusFill(results.Fail)
	if !nt.alert {
		fill = statusFill(results.Warn)
	}
	d.y += 4
	d.need(h)
	d.fill(fill, marginL, d.y, contentW, h)
	y := d.y + pad
	d.draw(title[0], head, marginL+pad, y, contentW-2*pad, "L")
	y += head.lineH() + 1
	for _, l := range lines {
		d.draw(l, body, marginL+pad, y, contentW-2*pad, "L")
		y += body.lineH()
	}
	d.y += h
}
