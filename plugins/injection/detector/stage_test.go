package detector

import (
	"strings"
	"testing"
)

func stagePrompt() string {
	para := "The committee reviewed the quarterly numbers and asked the team to prepare a short summary of the findings for the board, including café revenue and the Zürich office. "
	var b strings.Builder
	for b.Len() < 2048 {
		b.WriteString(para)
	}
	return b.String()[:2048]
}

// BenchmarkStages times each stage of a scan on a 2 KB prose prompt. Run
// it inside Wasm too, where the costs differ (wazero CLI on PATH):
//
//	GOWASIRUNTIME=wazero GOOS=wasip1 GOARCH=wasm go test -run '^$' -bench Stage \
//	    -exec "$(go env GOROOT)/lib/wasm/go_wasip1_wasm_exec" ./plugins/injection/detector
func BenchmarkStages(b *testing.B) {
	text := stagePrompt()
	var st Stats
	norm := Normalize(nil, text, &st)
	s, _ := buildSignals()
	b.Run("normalize", func(b *testing.B) {
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			st.Reset()
			buf = Normalize(buf[:0], text, &st)
		}
	})
	b.Run("match", func(b *testing.B) {
		var hits []hit
		ends := new([segment]uint32)
		for b.Loop() {
			hits = s.m.scanHits(norm, hits[:0], ends)
		}
	})
	b.Run("payloads", func(b *testing.B) {
		var dst []byte
		var ps []payload
		for b.Loop() {
			dst, ps = findPayloads(text, 0, dst[:0], ps[:0])
		}
	})
	b.Run("features", func(b *testing.B) {
		var idx []uint32
		for b.Loop() {
			idx = AppendFeatures(idx[:0], norm, 17)
		}
	})
	m := &Model{DimLog2: 17, Weights: make([]int8, 1<<17), Scale: 1, Block: 64}
	idx := AppendFeatures(nil, norm, 17)
	b.Run("logit", func(b *testing.B) {
		for b.Loop() {
			m.Logit(idx)
		}
	})
}

func BenchmarkStageFused(b *testing.B) {
	var st Stats
	norm := Normalize(nil, stagePrompt(), &st)
	m := &Model{DimLog2: 17, Weights: make([]int8, 1<<17), Scale: 1, Block: 64}
	for b.Loop() {
		m.LogitText(norm)
	}
}

func BenchmarkStageNormASCII(b *testing.B) {
	text := strings.Repeat("hello world this is plain text ", 70)[:2048]
	var st Stats
	buf := make([]byte, 0, 4096)
	for b.Loop() {
		st.Reset()
		buf = Normalize(buf[:0], text, &st)
	}
}

// BenchmarkStageMatchModel compares the keyword scan and LogitText with
// scanGrams, which the scanner uses (model with 64-feature blocks).
func BenchmarkStageMatchModel(b *testing.B) {
	var st Stats
	norm := Normalize(nil, stagePrompt(), &st)
	s, _ := buildSignals()
	m := &Model{DimLog2: 17, Weights: make([]int8, 1<<17), Scale: 1, Block: 64}
	var hits []hit
	b.Run("two-pass", func(b *testing.B) {
		ends := new([segment]uint32)
		for b.Loop() {
			hits = s.m.scanHits(norm, hits[:0], ends)
			m.LogitText(norm)
		}
	})
	b.Run("fused", func(b *testing.B) {
		ends := new([segment]uint32)
		for b.Loop() {
			var p pool
			hits, p = s.m.scanGrams(norm, hits[:0], m, ends)
			p.logit(m)
		}
	})
}
