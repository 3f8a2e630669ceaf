package config

import (
	"bytes"
	"encoding/json"
	"math"
	"time"
)

// configJSON converts a guard's free-form config table to JSON. Tables
// become objects (keys sorted, as encoding/json does for maps), arrays and
// arrays of tables become arrays, integers and floats numbers, datetimes
// strings. NaN and infinities have no JSON form and are reported at their
// key; ok is then false.
func (d *decoder) configJSON(path []string, v any) ([]byte, bool) {
	ok := true
	tree := d.jsonValue(path, v, &ok)
	if !ok {
		return nil, false
	}
	js, err := encodeJSON(tree)
	if err != nil {
		d.errorf(CodeValue, path, "cannot convert to JSON: %v", err)
		return nil, false
	}
	return js, true
}

// encodeJSON encodes a tree built by jsonValue (or decoded from such JSON
// with json.Number numbers): maps with sorted keys, no HTML escaping, no
// trailing newline.
func encodeJSON(tree any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func (d *decoder) jsonValue(path []string, v any, ok *bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = d.jsonValue(with(path, k), e, ok)
		}
		return out
	case []map[string]any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = d.jsonValue(with(path, indexElem(i)), e, ok)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = d.jsonValue(with(path, indexElem(i)), e, ok)
		}
		return out
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			d.errorf(CodeValue, path, "%v cannot be represented in JSON", x)
			*ok = false
			return nil
		}
		return x
	case time.Time:
		return formatTime(x)
	}
	return v // string, int64, bool
}

// formatTime renders a TOML datetime as text. BurntSushi/toml marks local
// datetimes, dates and times with dedicated fixed zones; those are written
// without an offset, exactly as TOML spells them. Offset datetimes use
// RFC 3339 with the offset as written.
func formatTime(t time.Time) string {
	switch t.Location().String() {
	case "datetime-local":
		return t.Format("2006-01-02T15:04:05.999999999")
	case "date-local":
		return t.Format("2006-01-02")
	case "time-local":
		return t.Format("15:04:05.999999999")
	}
	return t.Format(time.RFC3339Nano)
}
