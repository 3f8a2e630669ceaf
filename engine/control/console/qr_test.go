package console

import (
	"image"
	"image/color"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

var (
	svgViewBox = regexp.MustCompile(`viewBox="0 0 (\d+) (\d+)"`)
	svgPath    = regexp.MustCompile(` d="([^"]*)"`)
	svgRun     = regexp.MustCompile(`^M(\d+) (\d+)h(\d+)v1h-(\d+)z`)
)

// rasterise draws the SVG QRSVG writes (its viewBox, and its path of
// one-module-high runs) into a grey image, scale pixels a module.
func rasterise(t *testing.T, svg string, scale int) *image.Gray {
	t.Helper()
	vb := svgViewBox.FindStringSubmatch(svg)
	p := svgPath.FindStringSubmatch(svg)
	if vb == nil || p == nil || vb[1] != vb[2] {
		t.Fatalf("not a QR SVG: %.200s", svg)
	}
	n, _ := strconv.Atoi(vb[1])
	img := image.NewGray(image.Rect(0, 0, n*scale, n*scale))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	d := p[1]
	for d != "" {
		m := svgRun.FindStringSubmatch(d)
		if m == nil || m[3] != m[4] {
			t.Fatalf("unexpected path data at %.40q", d)
		}
		d = d[len(m[0]):]
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		if x < qrQuiet || y < qrQuiet || x+w > n-qrQuiet || y >= n-qrQuiet {
			t.Fatalf("module (%d,%d)+%d in the quiet zone of %d", x, y, w, n)
		}
		for yy := y * scale; yy < (y+1)*scale; yy++ {
			for xx := x * scale; xx < (x+w)*scale; xx++ {
				img.SetGray(xx, yy, color.Gray{})
			}
		}
	}
	return img
}

// decode reads the QR code of img with ZXing's decoder (gozxing), an
// implementation independent of the encoder.
func decode(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return res.GetText()
}

func TestQRSVGDecodes(t *testing.T) {
	for _, text := range []string{
		"otpauth://totp/Ward:carol?algorithm=SHA1&digits=6&issuer=Ward&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
		"otpauth://totp/Ward:ops.team-lead_01?algorithm=SHA1&digits=6&issuer=Ward&period=30&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
		"HELLO WORLD", // alphanumeric mode
		"01234567",    // numeric mode
		"https://example.com/ünïcode",
	} {
		svg, err := QRSVG(text)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(svg, "<script") || strings.Contains(svg, "href") || strings.Contains(svg, text) {
			t.Errorf("the SVG holds more than shapes: %.200s", svg)
		}
		if got := decode(t, rasterise(t, svg, 4)); got != text {
			t.Errorf("decoded %q, want %q", got, text)
		}
	}
	// A URI of a 20-byte secret fits a version small enough to scan
	// from a screen: at most 57 modules a side (version 10) with the quiet zone.
	svg, _ := QRSVG("otpauth://totp/Ward:carol?algorithm=SHA1&digits=6&issuer=Ward&period=30&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
	if n, _ := strconv.Atoi(svgViewBox.FindStringSubmatch(svg)[1]); n > 57+2*qrQuiet {
		t.Errorf("%d modules a side", n)
	}
	if _, err := QRSVG(strings.Repeat("x", 3000)); err == nil {
		t.Error("text beyond version 40 encoded")
	}
}

// TestQRSVGFinderAndTiming checks the function patterns ISO/IEC 18004
// fixes for every symbol (finders, timing, the dark module) in the
// version 1 symbol of "HELLO WORLD" at level M.
func TestQRSVGFinderAndTiming(t *testing.T) {
	svg, err := QRSVG("HELLO WORLD")
	if err != nil {
		t.Fatal(err)
	}
	img := rasterise(t, svg, 1)
	dark := func(x, y int) bool { return img.GrayAt(x+qrQuiet, y+qrQuiet).Y == 0 }
	size := img.Bounds().Dx() - 2*qrQuiet
	if size != 21 {
		t.Fatalf("version 1 is 21 modules a side, got %d", size)
	}
	// Finder patterns: 7x7 dark ring, light ring, 3x3 dark core, at three corners.
	for _, c := range [][2]int{{0, 0}, {size - 7, 0}, {0, size - 7}} {
		for y := range 7 {
			for x := range 7 {
				ring := x == 0 || y == 0 || x == 6 || y == 6
				core := x >= 2 && x <= 4 && y >= 2 && y <= 4
				if dark(c[0]+x, c[1]+y) != (ring || core) {
					t.Fatalf("finder at %v: module (%d,%d)", c, x, y)
				}
			}
		}
	}
	// Timing patterns: alternating on row and column 6.
	for i := 8; i < size-8; i++ {
		if dark(i, 6) != (i%2 == 0) || dark(6, i) != (i%2 == 0) {
			t.Fatalf("timing pattern at %d", i)
		}
	}
	// The dark module beside the bottom-left finder (always dark).
	if !dark(8, size-8) {
		t.Error("no dark module at (8, 4V+9)")
	}
}

// DecodeQRSVG decodes an SVG of QRSVG (for the handler tests of package
// console_test).
func DecodeQRSVG(t *testing.T, svg string) string { return decode(t, rasterise(t, svg, 4)) }
