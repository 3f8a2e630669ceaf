// Package detect finds personal data and secrets in text, for guards (it
// compiles to Wasm with the guest SDK, and runs on the host as well). It is
// written for the budgets of a gateway inside Wasm: one pass over the text
// per detector family, no regular expressions on the hot path (Go regexps
// in Wasm cost about 0.5 ms per pattern on 2 KB), validators (checksums,
// ranges, issuer prefixes) instead of looser patterns, and context words
// around a candidate to raise or lower its confidence.
//
// Findings are byte spans of the scanned text. The package never retains
// the text or the findings slice given to it.
package detect

// Kind is an entity type.
type Kind string

// Finding is one detected entity.
type Finding struct {
	Kind Kind
	// Rule names the detector or rule that matched (for secrets the
	// provider rule, such as "aws-access-key-id"; for PII the detector,
	// such as "iban").
	Rule string
	// Start and End delimit the value in the scanned text (bytes,
	// End exclusive).
	Start, End int
	// Confidence is in [0, 1]: validators (checksums) and context words
	// raise it, missing context lowers it.
	Confidence float64
}
