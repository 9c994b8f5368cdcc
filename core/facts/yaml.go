package facts

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxDepth bounds how deeply values nest, aliases included.
const maxDepth = 10000

// maxExpansion is how many values aliases may add beyond the file's own:
// a few lines of anchors can otherwise expand to billions ("billion laughs").
const maxExpansion = 1 << 20

// yamlError is a YAML syntax or structure error; line is 0 when unknown.
type yamlError struct {
	line int
	msg  string
}

func (e *yamlError) Error() string { return e.msg }

// nodeError reports a structure problem at n's line.
func nodeError(n *yaml.Node, format string, args ...any) error {
	return &yamlError{line: n.Line, msg: fmt.Sprintf(format, args...)}
}

// decodeYAML parses the first document of data into fact values: string,
// bool, int64, uint64, float64, nil, []any and map[string]any. An empty
// document gives nil. Later documents are not read, as with Psych.
func decodeYAML(data []byte) (any, error) {
	return decodeYAMLWithin(data, maxExpansion)
}

// decodeYAMLWithin is decodeYAML letting aliases add at most expansion
// values.
func decodeYAMLWithin(data []byte, expansion int) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(acceptYAML12(data), &doc); err != nil {
		return nil, parseError(data, err)
	}
	if doc.Kind == 0 {
		return nil, nil // no document at all: empty or comments only
	}
	d := &decoder{budget: len(data) + expansion, active: map[*yaml.Node]bool{}}
	return d.value(&doc)
}

// acceptYAML12 rewrites a leading "%YAML 1.2" directive, which the parser
// rejects, to 1.1; the parser's version makes no difference here, and the
// text keeps its length and lines.
func acceptYAML12(data []byte) []byte {
	const v12 = "%YAML 1.2"
	i := 0
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		i = len("\ufeff")
	}
	for i < len(data) && (data[i] == '#' || data[i] == '\n' || data[i] == '\r') {
		if j := bytes.IndexByte(data[i:], '\n'); j >= 0 {
			i += j + 1
			continue
		}
		return data
	}
	if !bytes.HasPrefix(data[i:], []byte(v12)) {
		return data
	}
	out := bytes.Clone(data)
	out[i+len(v12)-1] = '1'
	return out
}

// decoder walks a node tree. yaml.v3 refuses duplicate keys when it builds
// maps itself; walking the nodes lets the last duplicate win, as in Psych.
type decoder struct {
	budget int                 // values still allowed
	depth  int                 // current nesting
	active map[*yaml.Node]bool // anchored nodes being decoded: an alias to one is a loop
}

// value decodes n, following aliases.
func (d *decoder) value(n *yaml.Node) (any, error) {
	if d.budget--; d.budget < 0 {
		return nil, nodeError(n, "document too large: aliases expand to too many values")
	}
	if d.depth >= maxDepth {
		return nil, nodeError(n, "values nest deeper than %d", maxDepth)
	}
	if n.Anchor != "" {
		d.active[n] = true
		defer delete(d.active, n)
	}
	d.depth++
	defer func() { d.depth-- }()

	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return d.value(n.Content[0])
	case yaml.AliasNode:
		if d.active[n.Alias] {
			return nil, nodeError(n, "alias *%s is inside the value it names", n.Value)
		}
		return d.value(n.Alias)
	case yaml.ScalarNode:
		return scalar(n), nil
	case yaml.SequenceNode:
		return d.sequence(n)
	case yaml.MappingNode:
		return d.mapping(n)
	}
	return nil, nodeError(n, "unknown YAML node kind %d", n.Kind)
}

func (d *decoder) sequence(n *yaml.Node) ([]any, error) {
	out := make([]any, len(n.Content))
	for i, c := range n.Content {
		v, err := d.value(c)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// mapping decodes n's pairs in document order, each overwriting what an
// earlier key or merge set, as Psych does.
func (d *decoder) mapping(n *yaml.Node) (map[string]any, error) {
	m := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMergeKey(k) {
			if err := d.merge(m, v); err != nil {
				return nil, err
			}
			continue
		}
		key, err := d.key(k)
		if err != nil {
			return nil, err
		}
		if m[key], err = d.value(v); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// isMergeKey reports a plain (or !!merge tagged) `<<` key; a quoted one
// is an ordinary string key.
func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag == "!!merge" &&
		k.Style&^yaml.TaggedStyle == 0
}

// merge copies the mapping, or the list of mappings, v names into m. In a
// list the earlier mapping wins, as in Psych and the YAML merge spec.
func (d *decoder) merge(m map[string]any, v *yaml.Node) error {
	src := v
	for src.Kind == yaml.AliasNode {
		if d.active[src.Alias] {
			return nodeError(src, "alias *%s is inside the value it names", src.Value)
		}
		src = src.Alias
	}
	if src.Kind != yaml.SequenceNode {
		return d.mergeOne(m, v)
	}
	for i := len(src.Content) - 1; i >= 0; i-- {
		if err := d.mergeOne(m, src.Content[i]); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) mergeOne(m map[string]any, v *yaml.Node) error {
	val, err := d.value(v)
	if err != nil {
		return err
	}
	src, ok := val.(map[string]any)
	if !ok {
		return nodeError(v, "merge key << needs a mapping or a list of mappings, not %s", kindName(val))
	}
	for k, e := range src {
		m[k] = e
	}
	return nil
}

// key decodes a mapping key to a string: null becomes "null" and other
// scalars their fmt form, as with goccy/go-yaml before; a list or map key
// is an error.
func (d *decoder) key(k *yaml.Node) (string, error) {
	v, err := d.value(k)
	if err != nil {
		return "", err
	}
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		return x, nil
	case []any, map[string]any:
		return "", nodeError(k, "a %s cannot be a mapping key", kindName(v))
	default:
		return fmt.Sprint(x), nil
	}
}

// kindName names a decoded value's YAML kind for error messages.
func kindName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "list"
	case map[string]any:
		return "mapping"
	default:
		return fmt.Sprintf("scalar %q", fmt.Sprint(v))
	}
}

// parseError turns a yaml.v3 parse error ("yaml: line N: problem") into a
// yamlError with the line where the problem is reported.
func parseError(data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			if l, convErr := strconv.Atoi(n); convErr == nil {
				line, msg = l, tail
			}
		}
	}
	// The parser (unlike the scanner) reports 0-based lines, and none for
	// the first line.
	if parserProblems[msg] {
		line++
	}
	if name, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
		line = aliasLine(data, strings.TrimSuffix(name, "' referenced"))
	}
	return &yamlError{line: line, msg: msg}
}

// parserProblems are the problems yaml.v3's parser, rather than its
// scanner, reports.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or '}'":       true,
	"did not find expected ',' or ']'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
	"found duplicate %TAG directive":         true,
}

// aliasLine finds the line of the first *name alias in data, 0 if none.
func aliasLine(data []byte, name string) int {
	ref := []byte("*" + name)
	for i, line := range bytes.Split(data, []byte("\n")) {
		for off := 0; ; {
			j := bytes.Index(line[off:], ref)
			if j < 0 {
				break
			}
			end := off + j + len(ref)
			if end == len(line) || bytes.IndexByte([]byte(" \t\r,[]{}"), line[end]) >= 0 {
				return i + 1
			}
			off = end
		}
	}
	return 0
}

// scalar decodes a scalar node: quoted and block scalars are strings, plain
// ones resolve as YAML 1.2 (`yes` stays a string) with goccy/go-yaml's
// number rules, and standard tags apply where their text fits.
func scalar(n *yaml.Node) any {
	if n.Style&yaml.TaggedStyle != 0 {
		if v, ok := tagged(n.Tag, n.Value); ok {
			return v
		}
	}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Value
	}
	return plain(n.Value)
}

// plain resolves an untagged plain scalar.
func plain(s string) any {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return nil
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	case ".inf", ".Inf", ".INF":
		return math.Inf(1)
	case "-.inf", "-.Inf", "-.INF":
		return math.Inf(-1)
	case ".nan", ".NaN", ".NAN":
		return math.NaN()
	}
	if v, ok := number(s); ok {
		return v
	}
	return s
}

// number parses s as goccy/go-yaml did: one dot makes a float (so "1e3"
// stays a string), 0x, 0o, 0b and a leading 0 set the base, underscores
// are ignored, and out-of-range numbers stay strings. Integers above
// MaxInt64 are uint64.
func number(s string) (any, bool) {
	dots := strings.Count(s, ".")
	if s == "" || s[0] == '_' || dots > 1 {
		return nil, false
	}
	neg := strings.HasPrefix(s, "-")
	digits := strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(s, "+"), "-"), "_", "")
	base := 10
	switch {
	case strings.HasPrefix(digits, "0x"):
		digits, base = digits[2:], 16
	case strings.HasPrefix(digits, "0o"):
		digits, base = digits[2:], 8
	case strings.HasPrefix(digits, "0b"):
		digits, base = digits[2:], 2
	case strings.HasPrefix(digits, "0") && len(digits) > 1 && dots == 0:
		base = 8
	case dots == 1:
		base = 0
	}
	if neg {
		digits = "-" + digits
	}
	switch {
	case base == 0:
		f, err := strconv.ParseFloat(digits, 64)
		return f, err == nil
	case neg:
		i, err := strconv.ParseInt(digits, base, 64)
		return i, err == nil
	}
	u, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		return nil, false
	}
	return canonicalUint(u), true
}

// tagged applies an explicit standard tag to text. ok is false when the
// tag is unknown or the text does not fit it; the tag is then ignored,
// as Psych ignores `!!int abc`. !!timestamp keeps the text: a snapshot
// holds no times.
func tagged(tag, text string) (v any, ok bool) {
	switch tag {
	case "!!str", "!!timestamp":
		return text, true
	case "!!null":
		return nil, plain(text) == nil
	case "!!bool":
		return taggedBool(text)
	case "!!int":
		n, isNum := number(text)
		if _, isFloat := n.(float64); isFloat {
			return nil, false
		}
		return n, isNum
	case "!!float":
		return taggedFloat(text)
	case "!!binary":
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(text), ""))
		return string(b), err == nil
	}
	return nil, false
}

func taggedBool(text string) (bool, bool) {
	switch strings.ToLower(text) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

func taggedFloat(text string) (float64, bool) {
	switch v := plain(text).(type) {
	case float64:
		return v, true
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	}
	return 0, false
}
