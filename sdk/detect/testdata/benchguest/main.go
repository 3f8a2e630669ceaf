//go:build wasip1

// Command benchguest is a throwaway guard for sdk/detect's Wasm benchmark
// (../../wasm_bench_test.go): it runs detect.PII and/or detect.Secrets on
// every message of a request and reports the number of findings as
// scores, so the host can check the guest found what native code finds.
//
// Config: {"mode": "none" | "pii" | "secrets" | "both"} (default "both");
// "none" measures the cost of the call alone. "kinds" (a comma-separated
// list of PII kinds, default all) restricts PII to some detector families,
// to see what each costs.
package main

import (
	"strings"

	"github.com/wardgate/ward/sdk/detect"
	ward "github.com/wardgate/ward/sdk/go"
)

var (
	runPII, runSecrets bool
	// Reused across calls: an instance handles one call at a time.
	piiDst, secDst []detect.Finding
	piiOpt         detect.PIIOptions
)

func init() {
	ward.Register(ward.Guard{
		Name:    "detectbench",
		Version: "0.0.0",
		ConfigSchema: map[string]string{
			"mode":  `"none", "pii", "secrets" or "both" (default)`,
			"kinds": "comma-separated PII kinds to scan (default all)",
		},
		Configure: func(c *ward.Config) error {
			mode, err := c.String("mode", "both")
			if err != nil {
				return err
			}
			kinds, err := c.String("kinds", "")
			if err != nil {
				return err
			}
			piiOpt = detect.PIIOptions{}
			for k := range strings.SplitSeq(kinds, ",") {
				if k != "" {
					piiOpt.Kinds = append(piiOpt.Kinds, detect.Kind(k))
				}
			}
			piiOpt.Prepare() // as the guards do
			switch mode {
			case "none":
			case "pii":
				runPII = true
			case "secrets":
				runSecrets = true
			case "both":
				runPII, runSecrets = true, true
			default:
				return ward.ConfigError{Key: "mode", Msg: "want none, pii, secrets or both"}
			}
			return nil
		},
		Request: func(x *ward.Exchange, v *ward.Verdict) {
			nPII, nSec := 0, 0
			for i := range x.Messages {
				text := x.Messages[i].Text
				if runPII {
					piiDst = detect.PII(text, piiDst[:0], &piiOpt)
					nPII += len(piiDst)
				}
				if runSecrets {
					secDst = detect.Secrets(text, secDst[:0])
					nSec += len(secDst)
				}
			}
			// Counts are scaled into [0, 1] (a score's range) by 1/1000.
			v.Score("pii", float64(nPII)/1000)
			v.Score("secrets", float64(nSec)/1000)
		},
		ZeroCopy: true,
	})
}

func main() {}
