package console

import (
	"strconv"
	"strings"

	"rsc.io/qr"
)

// qrQuiet is the quiet zone around a QR code, in modules (ISO/IEC 18004
// asks for 4).
const qrQuiet = 4

// QRSVG returns text as a QR code (ISO/IEC 18004, byte mode, error
// correction level M, encoded by rsc.io/qr) drawn as a standalone SVG
// image: a white square and one black path of the dark modules, one
// sub-path per horizontal run, with a quiet zone of 4 modules; one SVG
// unit is one module. The SVG holds nothing but these two shapes (no
// text, script or reference), so it can be shown as an image.
func QRSVG(text string) (string, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", err
	}
	n := strconv.Itoa(c.Size + 2*qrQuiet)
	var b strings.Builder
	b.Grow(c.Size * c.Size * 4)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + " " + n + `" shape-rendering="crispEdges">` +
		`<rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	for y := range c.Size {
		for x := 0; x < c.Size; {
			if !c.Black(x, y) {
				x++
				continue
			}
			start := x
			for x < c.Size && c.Black(x, y) {
				x++
			}
			w := strconv.Itoa(x - start)
			b.WriteString("M" + strconv.Itoa(start+qrQuiet) + " " + strconv.Itoa(y+qrQuiet) + "h" + w + "v1h-" + w + "z")
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String(), nil
}
