package reports

// signoff draws the page the people who stand behind the report sign by
// hand: who prepared it, who reviewed it, when, and the exceptions they
// note. The report id on it ties the signatures to this report's inputs.
func (d *pdfDoc) signoff() {
	d.newPage()
	d.section("Sign-off", 0)
	d.heading("Sign-off", 16, 0)
	d.paragraph("Signing below states that the signer has read this report, that the review checklist has been worked "+
		"through, and that the exceptions noted are known to the risk owner. The signatures apply to the report "+
		"with the id below: another run over other bundles, another benchmark or another date has another id.",
		style{size: 9, color: black}, marginL, contentW)
	d.y += 4

	label := style{size: 8.5, bold: true, color: grey}
	value := style{size: 10, color: black}
	for _, r := range [][2]string{
		{"Report ID", d.id},
		{"Report date", reportTime(d.rep.ReportTime)},
		{"Benchmark", d.rep.BenchmarkNames()},
		{"Scope", pdfScope(d.rep)},
		{"Compliance score", d.scoreText()},
	} {
		d.text(r[0], label, marginL, d.y+0.4, 40, "L")
		ls := d.layout(r[1], value, contentW-40, 2)
		for _, l := range ls {
			d.draw(l, value, marginL+40, d.y, contentW-40, "L")
			d.y += value.lineH()
		}
		d.y += 1
	}
	d.y += 5

	// Two blocks side by side: prepared by, reviewed by.
	const gap = 10.0
	w := (contentW - gap) / 2
	top := d.y
	for i, who := range []string{"Prepared by", "Reviewed by"} {
		d.y = top
		d.signatureBlock(who, marginL+float64(i)*(w+gap), w)
	}
	d.y += 8

	d.text("Exceptions and remarks", style{size: 10, bold: true, color: black}, marginL, d.y, contentW, "L")
	d.y += 8
	for d.y+9 < contentBottom-4 && d.y < top+170 {
		d.y += 8
		d.hline(grey, marginL, marginL+contentW, d.y)
	}
}

// signatureBlock draws a titled block of fields with lines to write on.
func (d *pdfDoc) signatureBlock(title string, x, w float64) {
	d.fill(groupBG, x, d.y, w, 7)
	d.text(title, style{size: 10, bold: true, color: black}, x+2, d.y+1.2, w-4, "L")
	d.y += 7
	label := style{size: 8, color: grey}
	for _, f := range []struct {
		name string
		h    float64
	}{{"Name", 11}, {"Role", 11}, {"Date", 11}, {"Signature", 20}} {
		d.y += f.h
		d.text(f.name, label, x, d.y-label.lineH()-0.5, 22, "L")
		d.hline(grey, x+22, x+w, d.y)
	}
}
