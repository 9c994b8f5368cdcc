// Package value is the JSON codec for values crossing between the
// Marionette daemon, its plugin host process and its Go plugin agents:
// request inputs, reply data, facts and data plugin results. It imports
// nothing beyond the standard library, so the daemon can use it without
// linking go-plugin or gRPC. JSON has one number type, so the codec keeps
// Go's distinction by the literal's form:
//
//   - a string, bool or nil arrives as it was sent;
//   - integers (int, int8..int64, uint..uint64) are written as integer
//     literals and arrive as int64, whatever their size in int64's range;
//     an integer beyond int64 arrives as float64;
//   - float32 and float64 are always written with a fraction or exponent
//     (1.0, not 1) and arrive as float64, so 1.0 stays a float; NaN and
//     infinities cannot be encoded and are an error;
//   - slices and arrays arrive as []any, maps with string keys as
//     map[string]any, recursively; []byte arrives as a base64 string, as
//     encoding/json writes it; structs and other types are encoded by
//     encoding/json and arrive as its JSON form decoded by these rules.
package value

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// Encode encodes v as JSON for the trip between daemon and plugin,
// writing every float with a fraction or exponent so that it arrives as a
// float; see the package comment.
func Encode(v any) ([]byte, error) {
	p, err := prepare(reflect.ValueOf(v))
	if err != nil {
		return nil, fmt.Errorf("encode value: %w", err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode value: %w", err)
	}
	return b, nil
}

// EncodeObject encodes a map as a JSON object; nil encodes as {}.
func EncodeObject(m map[string]any) ([]byte, error) {
	if m == nil {
		return []byte("{}"), nil
	}
	return Encode(m)
}

// Decode decodes one JSON document written by Encode: integer
// literals become int64 (float64 beyond int64's range), other numbers
// float64, arrays []any and objects map[string]any.
func Decode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode value: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("decode value: trailing data after the JSON document")
	}
	return numbers(v), nil
}

// DecodeObject decodes a JSON object written by EncodeObject; an empty
// input decodes as an empty map.
func DecodeObject(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return map[string]any{}, nil
	}
	v, err := Decode(b)
	if err != nil {
		return nil, err
	}
	switch m := v.(type) {
	case map[string]any:
		return m, nil
	case nil:
		return map[string]any{}, nil
	default:
		return nil, fmt.Errorf("decode object: got %T, not an object", v)
	}
}

// numbers replaces json.Number values in a decoded document with int64 or
// float64, in place.
func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		s := x.String()
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n
			}
		}
		f, _ := strconv.ParseFloat(s, 64) // a JSON number always parses; overflow gives ±Inf
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	}
	return v
}

var jsonMarshaler = reflect.TypeFor[json.Marshaler]()

// prepare copies v into a tree encoding/json writes as the codec wants:
// floats as json.Number literals that keep a fraction, maps with string
// keys and slices walked so that floats inside them are reached too.
// Values that marshal themselves, structs and other types are left to
// encoding/json.
func prepare(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	if v.Type().Implements(jsonMarshaler) {
		return v.Interface(), nil
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		return prepare(v.Elem())
	case reflect.Float32, reflect.Float64:
		return floatLiteral(v.Float())
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return v.Interface(), nil
		}
		if v.IsNil() {
			return nil, nil
		}
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			e, err := prepare(it.Value())
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", it.Key().String(), err)
			}
			out[it.Key().String()] = e
		}
		return out, nil
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 || (v.Kind() == reflect.Slice && v.IsNil()) {
			return v.Interface(), nil
		}
		out := make([]any, v.Len())
		for i := range out {
			e, err := prepare(v.Index(i))
			if err != nil {
				return nil, fmt.Errorf("index %d: %w", i, err)
			}
			out[i] = e
		}
		return out, nil
	}
	return v.Interface(), nil
}

// floatLiteral writes f so that it reads back as a float: 1 becomes 1.0.
func floatLiteral(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("unsupported float %v", f)
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return json.Number(s), nil
}
