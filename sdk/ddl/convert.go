package ddl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ConvertArg turns the text of a command line key=value argument into the
// value the input's type asks for, as `mco rpc` does before it validates a
// request:
//
//	boolean        true t yes y 1 / false f no n 0, any case
//	integer        a decimal integer, sign allowed
//	float          a decimal or exponent number; not Inf or NaN
//	number         an integer if it reads as one, else a float
//	list           one of the declared values, compared as text; the
//	               declared value (with its type) is returned
//	hash, array    JSON; whole numbers become int64
//	string, any    the text unchanged
//
// Ruby's string_to_number only knows unsigned decimals; this also reads
// signs and exponents. Errors are *ValidationError values (Code 4) naming
// the input. The converted value still needs Validate.
func ConvertArg(in *Input, raw string) (any, error) {
	v, reason := convert(in, raw)
	if reason != "" {
		return nil, &ValidationError{Input: in.Name, Reason: reason, Code: CodeInvalidData}
	}
	return v, nil
}

func convert(in *Input, raw string) (any, string) {
	text := strings.TrimSpace(raw)
	switch in.Type {
	case TypeBoolean:
		switch strings.ToLower(text) {
		case "true", "t", "yes", "y", "1":
			return true, ""
		case "false", "f", "no", "n", "0":
			return false, ""
		}
		return nil, fmt.Sprintf("%s does not look like a boolean argument", raw)
	case TypeInteger:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, ""
		}
		return nil, fmt.Sprintf("%s does not look like an integer", raw)
	case TypeFloat:
		if f, ok := parseFloat(text); ok {
			return f, ""
		}
		return nil, fmt.Sprintf("%s does not look like a number", raw)
	case TypeNumber:
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, ""
		}
		if f, ok := parseFloat(text); ok {
			return f, ""
		}
		return nil, fmt.Sprintf("%s does not look like a number", raw)
	case TypeList:
		for _, e := range in.List {
			if rubyString(e) == raw {
				return e, ""
			}
		}
		return nil, fmt.Sprintf("value should be one of %s", join(in.List, ", "))
	case TypeHash:
		v, err := decodeJSON([]byte(text))
		if m, ok := v.(map[string]any); ok && err == nil {
			return m, ""
		}
		return nil, fmt.Sprintf("%s is not a JSON object", raw)
	case TypeArray:
		v, err := decodeJSON([]byte(text))
		if a, ok := v.([]any); ok && err == nil {
			return a, ""
		}
		return nil, fmt.Sprintf("%s is not a JSON array", raw)
	}
	return raw, ""
}

// parseFloat reads a finite decimal number.
func parseFloat(s string) (float64, bool) {
	if strings.ContainsAny(s, "xXpP_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// decodeJSON decodes one JSON value with whole numbers as int64 and other
// numbers as float64.
func decodeJSON(src []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("decode json: %w", err)
	}
	if rest := bytes.TrimSpace(src[dec.InputOffset():]); len(rest) > 0 {
		return nil, fmt.Errorf("decode json: trailing data after the value")
	}
	return normalizeNumbers(v), nil
}

func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	}
	return v
}
