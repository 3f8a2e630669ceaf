package toolkit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/wardgate/ward/sdk/abi"
)

// Func is an exported or imported function and its signature.
type Func struct {
	Module  string   `json:"module,omitempty"` // imports only
	Name    string   `json:"name"`
	Params  []string `json:"params"`
	Results []string `json:"results"`
}

func (f Func) String() string {
	name := f.Name
	if f.Module != "" {
		name = f.Module + "." + f.Name
	}
	return fmt.Sprintf("%s(%s) -> (%s)", name, strings.Join(f.Params, ", "), strings.Join(f.Results, ", "))
}

// Info is what Inspect finds in a module.
type Info struct {
	Size    int    `json:"size"`
	SHA256  string `json:"sha256"`
	ABI     string `json:"abi"` // "ward/v1", "extism" or "unknown"
	Exports []Func `json:"exports"`
	Imports []Func `json:"imports"`
	// Memory limits in 64 KiB pages; MaxPages 0 with HasMax false means
	// none declared (the host's memory_limit applies).
	MinPages       uint32 `json:"min_pages"`
	MaxPages       uint32 `json:"max_pages,omitempty"`
	HasMax         bool   `json:"has_max"`
	MemoryExported bool   `json:"memory_exported"`
	// Description is ward_describe's answer for a native guard whose
	// imports are all WASI (nil otherwise); DescribeError says why it
	// could not be read.
	Description   *abi.Description `json:"description,omitempty"`
	DescribeError string           `json:"describe_error,omitempty"`
}

// Inspect compiles wasm (without instantiating it, except to call
// ward_describe on a native guard that needs nothing but WASI) and reports
// its ABI, exports, imports, memory limits and size.
func Inspect(ctx context.Context, wasm []byte) (Info, error) {
	sum := sha256.Sum256(wasm)
	info := Info{Size: len(wasm), SHA256: hex.EncodeToString(sum[:]), ABI: "unknown"}
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	cm, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		return info, errf("inspect: compile: %v", err)
	}
	for name, d := range cm.ExportedFunctions() {
		info.Exports = append(info.Exports, Func{Name: name, Params: typeNames(d.ParamTypes()), Results: typeNames(d.ResultTypes())})
	}
	sort.Slice(info.Exports, func(i, j int) bool { return info.Exports[i].Name < info.Exports[j].Name })
	onlyWASI := true
	for _, d := range cm.ImportedFunctions() {
		mod, name, _ := d.Import()
		info.Imports = append(info.Imports, Func{Module: mod, Name: name, Params: typeNames(d.ParamTypes()), Results: typeNames(d.ResultTypes())})
		if mod == "extism:host/env" {
			info.ABI = "extism"
		}
		if mod != wasi_snapshot_preview1.ModuleName {
			onlyWASI = false
		}
	}
	sort.Slice(info.Imports, func(i, j int) bool { return info.Imports[i].String() < info.Imports[j].String() })
	mems := cm.ExportedMemories()
	if m, ok := mems["memory"]; ok {
		info.MemoryExported = true
		info.MinPages = m.Min()
		info.MaxPages, info.HasMax = m.Max()
	}
	for _, m := range cm.ImportedMemories() {
		info.MinPages = m.Min()
		info.MaxPages, info.HasMax = m.Max()
	}
	if _, ok := cm.ExportedFunctions()["ward_alloc"]; ok && info.ABI == "unknown" {
		info.ABI = abi.Version
	}
	if info.ABI == abi.Version {
		if !onlyWASI {
			info.DescribeError = "imports host functions besides WASI: load it with its grants to describe it"
		} else if d, err := describe(ctx, rt, cm); err != nil {
			info.DescribeError = err.Error()
		} else {
			info.Description = &d
		}
	}
	return info, nil
}

func describe(ctx context.Context, rt wazero.Runtime, cm wazero.CompiledModule) (abi.Description, error) {
	var d abi.Description
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return d, err
	}
	mod, err := rt.InstantiateModule(ctx, cm, wazero.NewModuleConfig().WithName("").WithStartFunctions("_initialize").WithSysNanotime())
	if err != nil {
		return d, fmt.Errorf("instantiate: %w", err)
	}
	fn := mod.ExportedFunction("ward_describe")
	if fn == nil {
		return d, fmt.Errorf("no ward_describe export")
	}
	res, err := fn.Call(ctx)
	if err != nil {
		return d, fmt.Errorf("ward_describe: %w", err)
	}
	b, ok := mod.Memory().Read(uint32(res[0]>>32), uint32(res[0]))
	if !ok {
		return d, fmt.Errorf("ward_describe: result outside memory")
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, fmt.Errorf("ward_describe: %w", err)
	}
	return d, nil
}

func typeNames(ts []api.ValueType) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = api.ValueTypeName(t)
	}
	return out
}

// Print writes info for people.
func (info Info) Print(w io.Writer) {
	fmt.Fprintf(w, "size     %d bytes\nsha256   %s\nabi      %s\n", info.Size, info.SHA256, info.ABI)
	if d := info.Description; d != nil {
		fmt.Fprintf(w, "guard    %s %s, phases %s\n", d.Name, d.Version, strings.Join(d.Phases, ", "))
		keys := make([]string, 0, len(d.ConfigSchema))
		for k := range d.ConfigSchema {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "config   %s: %s\n", k, d.ConfigSchema[k])
		}
	} else if info.DescribeError != "" {
		fmt.Fprintf(w, "guard    (not described: %s)\n", info.DescribeError)
	}
	max := "none"
	if info.HasMax {
		max = fmt.Sprintf("%d pages (%d KiB)", info.MaxPages, info.MaxPages*64)
	}
	fmt.Fprintf(w, "memory   min %d pages (%d KiB), max %s, exported %v\n", info.MinPages, info.MinPages*64, max, info.MemoryExported)
	fmt.Fprintf(w, "exports  %d\n", len(info.Exports))
	for _, f := range info.Exports {
		fmt.Fprintf(w, "  %s\n", f)
	}
	fmt.Fprintf(w, "imports  %d\n", len(info.Imports))
	for _, f := range info.Imports {
		fmt.Fprintf(w, "  %s\n", f)
	}
}
