package fuel

// The committed fixtures in testdata/fixtures are built from their .wat
// sources with wabt's wat2wasm (Debian package wabt, 1.0.32); tests only read
// the .wasm files.
//go:generate sh -c "cd testdata/fixtures && for f in *.wat; do wat2wasm --enable-all --debug-names $f -o ${f%.wat}.wasm; done"
