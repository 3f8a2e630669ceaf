package main

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// chartRow is one target in the chart.
type chartRow struct {
	name  string
	rps   float64
	p99   time.Duration
	group int // 0 reference (upstream, proxies), 1 Ward bare, 2 Ward with guards
}

// chartSVG draws throughput and p99 latency side by side as horizontal
// bars, one row per target: a self-contained SVG (no scripts, no external
// fonts), readable in a browser and on GitHub.
func chartSVG(title, subtitle string, rows []chartRow) string {
	const (
		labelW = 290
		panelW = 300
		gap    = 40
		rowH   = 24
		top    = 78
		left   = 10
		// valueW is kept free at the end of each panel for the value
		// printed after the longest bar, so that it cannot run into the
		// next panel.
		valueW = 70
		barW   = panelW - valueW
	)
	width := left + labelW + 2*panelW + gap
	height := top + len(rows)*rowH + 40
	var maxRPS float64
	var maxP99 time.Duration
	for _, r := range rows {
		maxRPS = max(maxRPS, r.rps)
		maxP99 = max(maxP99, r.p99)
	}
	colors := [...]string{"#6b7280", "#1d4ed8", "#0f766e"}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<title>%s</title>`+"\n", html.EscapeString(title))
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold" fill="#111827">%s</text>`+"\n", left, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="%d" y="40" fill="#374151">%s</text>`+"\n", left, html.EscapeString(subtitle))
	x1 := left + labelW
	x2 := x1 + panelW + gap
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="bold" fill="#111827">Throughput (requests/s, median)</text>`+"\n", x1, top-12)
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-weight="bold" fill="#111827">p99 latency (median of runs)</text>`+"\n", x2, top-12)
	for i, r := range rows {
		y := top + i*rowH
		if i%2 == 1 {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="%d" fill="#f3f4f6"/>`+"\n", y, width, rowH)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#111827">%s</text>`+"\n", left, y+16, html.EscapeString(r.name))
		c := colors[min(max(r.group, 0), len(colors)-1)]
		w := 0
		if maxRPS > 0 {
			w = int(float64(barW) * r.rps / maxRPS)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", x1, y+5, w, rowH-10, c)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#111827">%s</text>`+"\n", x1+w+4, y+16, fmtRPS(r.rps))
		w = 0
		if maxP99 > 0 {
			w = int(float64(barW) * float64(r.p99) / float64(maxP99))
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"/>`+"\n", x2, y+5, w, rowH-10, c)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#111827">%s</text>`+"\n", x2+w+4, y+16, fmtDur(r.p99))
	}
	ly := top + len(rows)*rowH + 24
	for i, l := range [...]string{"upstream and reference proxies", "Ward without guards", "Ward with guards"} {
		x := left + i*230
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" fill="#374151">%s</text>`+"\n", x, ly-10, colors[i], x+18, ly, l)
	}
	b.WriteString("</svg>\n")
	return b.String()
}
