// Package model holds the trained weights of the injection detector,
// produced by `go tool task train:injection` (see README.md here for the
// command and the data files).
package model

import _ "embed"

// File is the model file (format: plugins/injection/detector/model.go).
//
//go:embed weights.bin
var File []byte
