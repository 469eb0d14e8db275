package reports

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Chart caches. A chart part names the cells it draws (c:f) and may hold
// a copy of their values (c:strCache, c:numCache). Excel recalculates a
// chart from its cells; viewers that do not (Google's preview, some
// importers and mail previews) draw only the cached values, and excelize
// writes none. chartCaches fills them in, from the workbook's cells, after
// excelize has written the chart.

// chartRef matches a string or number reference with what excelize
// writes after its formula: nothing, or an empty cache.
var chartRef = regexp.MustCompile(`<(strRef|numRef)><f>([^<]*)</f>(?:<numCache><formatCode></formatCode></numCache>|<strCache></strCache>)?</(?:strRef|numRef)>`)

// chartCaches returns the chart part data with a cache after each
// reference, the values read from f.
func chartCaches(f *excelize.File, data []byte) ([]byte, error) {
	var err error
	out := chartRef.ReplaceAllFunc(data, func(m []byte) []byte {
		if err != nil {
			return m
		}
		sub := chartRef.FindSubmatch(m)
		kind, ref := string(sub[1]), html(string(sub[2]))
		var values []string
		if values, err = refValues(f, ref); err != nil {
			return m
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "<%s><f>%s</f>", kind, sub[2])
		if kind == "numRef" {
			b.WriteString("<numCache><formatCode>General</formatCode>")
		} else {
			b.WriteString("<strCache>")
		}
		fmt.Fprintf(&b, `<ptCount val="%d"></ptCount>`, len(values))
		for i, v := range values {
			if kind == "numRef" {
				if _, perr := strconv.ParseFloat(v, 64); perr != nil {
					continue // an empty cell is no point
				}
			}
			fmt.Fprintf(&b, `<pt idx="%d"><v>`, i)
			if xerr := xml.EscapeText(&b, []byte(v)); xerr != nil {
				err = xerr
				return m
			}
			b.WriteString("</v></pt>")
		}
		if kind == "numRef" {
			b.WriteString("</numCache></numRef>")
		} else {
			b.WriteString("</strCache></strRef>")
		}
		return b.Bytes()
	})
	return out, err
}

// html undoes the escaping of a formula as XML text.
func html(s string) string {
	return strings.NewReplacer("&amp;", "&", "&apos;", "'", "&#39;", "'", "&quot;", `"`, "&lt;", "<", "&gt;", ">").Replace(s)
}

// refValues reads the cells of a reference like Summary!$D$5:$D$9 (one
// row or one column), in order.
func refValues(f *excelize.File, ref string) ([]string, error) {
	i := strings.LastIndexByte(ref, '!')
	if i < 0 {
		return nil, fmt.Errorf("chart reference %q names no sheet", ref)
	}
	sheet := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(ref[:i], "'"), "'"), "''", "'")
	from, to, _ := strings.Cut(strings.ReplaceAll(ref[i+1:], "$", ""), ":")
	if to == "" {
		to = from
	}
	c1, r1, err := excelize.CellNameToCoordinates(from)
	if err != nil {
		return nil, fmt.Errorf("chart reference %q: %w", ref, err)
	}
	c2, r2, err := excelize.CellNameToCoordinates(to)
	if err != nil {
		return nil, fmt.Errorf("chart reference %q: %w", ref, err)
	}
	var out []string
	for r := r1; r <= r2; r++ {
		for c := c1; c <= c2; c++ {
			v, err := f.GetCellValue(sheet, cell(c, r), excelize.Options{RawCellValue: true})
			if err != nil {
				return nil, fmt.Errorf("chart reference %q: %w", ref, err)
			}
			out = append(out, v)
		}
	}
	return out, nil
}
