package ddl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
)

// jsonNode is a decoded JSON value that keeps object key order and the
// line each member starts on, which encoding/json's maps lose.
type jsonNode struct {
	members []jsonMember // objects
	items   []*jsonNode  // arrays
	value   any          // scalars: string, int64, float64, bool, nil
	kind    byte         // '{', '[' or 0 for a scalar
	line    int
}

type jsonMember struct {
	key  string
	val  *jsonNode
	line int
}

// jsonReader walks a json.Decoder's tokens into jsonNodes.
type jsonReader struct {
	failer
	dec      *json.Decoder
	newlines []int // offsets of '\n'
	depth    int
}

func readJSONTree(file string, src []byte) *jsonNode {
	r := &jsonReader{failer: failer{file}, dec: json.NewDecoder(bytes.NewReader(src))}
	r.dec.UseNumber()
	for i, c := range src {
		if c == '\n' {
			r.newlines = append(r.newlines, i)
		}
	}
	root := r.value()
	if _, err := r.dec.Token(); !errors.Is(err, io.EOF) {
		r.fail(r.line(), "trailing data after the JSON document")
	}
	return root
}

// line is the line of the decoder's current offset.
func (r *jsonReader) line() int {
	off := int(r.dec.InputOffset())
	return sort.SearchInts(r.newlines, off) + 1
}

func (r *jsonReader) token() json.Token {
	t, err := r.dec.Token()
	if err != nil {
		r.fail(r.line(), "invalid JSON: %v", err)
	}
	return t
}

func (r *jsonReader) value() *jsonNode {
	r.depth++
	defer func() { r.depth-- }()
	if r.depth > maxNesting {
		r.fail(r.line(), "JSON nested too deeply")
	}
	tok := r.token()
	line := r.line()
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			n := &jsonNode{kind: '{', line: line}
			for r.dec.More() {
				key, ok := r.token().(string)
				if !ok {
					r.fail(r.line(), "invalid JSON: object key is not a string")
				}
				memberLine := r.line()
				n.members = append(n.members, jsonMember{key: key, val: r.value(), line: memberLine})
			}
			r.token()
			return n
		}
		n := &jsonNode{kind: '[', line: line}
		for r.dec.More() {
			n.items = append(n.items, r.value())
		}
		r.token()
		return n
	case json.Number:
		return &jsonNode{value: normalizeNumbers(t), line: line}
	default:
		return &jsonNode{value: t, line: line}
	}
}

// plain converts a node to the Go values the model holds.
func (n *jsonNode) plain() any {
	switch n.kind {
	case '{':
		m := make(map[string]any, len(n.members))
		for _, mem := range n.members {
			m[mem.key] = mem.val.plain()
		}
		return m
	case '[':
		a := make([]any, len(n.items))
		for i, it := range n.items {
			a[i] = it.plain()
		}
		return a
	}
	return n.value
}

func (n *jsonNode) typeName() string {
	switch n.kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	switch n.value.(type) {
	case string:
		return "a string"
	case int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}
