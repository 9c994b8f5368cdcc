package ddl

import (
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Doc renders the DDL as Ruby MCollective 2.12's `mco plugin doc` prints it
// (the metadata-help, rpc-help, data-help and discovery-help templates),
// with actions, inputs and outputs sorted by name and usage text wrapped
// for an 80 column terminal as when the output is not a terminal.
func (d *DDL) Doc() string {
	var b strings.Builder
	meta := d.metadataDoc()
	switch d.Kind {
	case KindAgent:
		b.WriteString(meta + "\n")
		d.agentDoc(&b)
	case KindData:
		b.WriteString(meta + "\n")
		d.dataDoc(&b)
	case KindDiscovery:
		b.WriteString(meta + "\n")
		d.discoveryDoc(&b)
	default:
		b.WriteString(meta)
	}
	out := b.String()
	if !strings.HasSuffix(out, "\n") {
		out += "\n" // as puts does
	}
	return out
}

func (d *DDL) metadataDoc() string {
	m := d.Metadata
	var b strings.Builder
	b.WriteString(m.Name + "\n")
	b.WriteString(strings.Repeat("=", utf8.RuneCountInString(m.Name)) + "\n\n")
	b.WriteString(m.Description + "\n\n")
	b.WriteString("      Author: " + m.Author + "\n")
	b.WriteString("     Version: " + m.Version + "\n")
	b.WriteString("     License: " + m.License + "\n")
	b.WriteString("     Timeout: " + strconv.Itoa(m.Timeout) + "\n")
	b.WriteString("   Home Page: " + m.URL + "\n")
	if d.Requires != "" {
		b.WriteString("\n   Requires MCollective " + d.Requires + " or newer\n")
	}
	if d.Usage != "" {
		b.WriteString("\n" + alignText(d.Usage, 80, 3) + "\n")
	}
	return b.String()
}

func (d *DDL) agentDoc(b *strings.Builder) {
	actions := append([]*Action(nil), d.Actions...)
	sort.Slice(actions, func(i, j int) bool { return actions[i].Name < actions[j].Name })
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a.Name
	}
	b.WriteString("ACTIONS:\n========\n   " + strings.Join(names, ", ") + "\n\n")
	for _, a := range actions {
		b.WriteString("   " + a.Name + " action:\n")
		b.WriteString("   " + strings.Repeat("-", utf8.RuneCountInString(a.Name)+8) + "\n")
		b.WriteString("       " + a.Description + "\n\n")
		b.WriteString("       INPUT:\n")
		if len(a.Inputs) == 0 {
			b.WriteString("          This action does not have any inputs\n")
		}
		for _, in := range sortedInputs(a.Inputs) {
			b.WriteString("           " + in.Name + ":\n")
			inputDoc(b, in, true)
			b.WriteString("\n")
		}
		b.WriteString("\n       OUTPUT:\n")
		for _, out := range sortedOutputs(a.Outputs) {
			outputDoc(b, out, true)
			b.WriteString("\n")
		}
	}
}

// inputDoc writes an input's fields; the data template has no Optional.
func inputDoc(b *strings.Builder, in *Input, optional bool) {
	b.WriteString("              Description: " + in.Description + "\n")
	b.WriteString("                   Prompt: " + in.Prompt + "\n")
	b.WriteString("                     Type: " + string(in.Type) + "\n")
	if optional {
		b.WriteString("                 Optional: " + strconv.FormatBool(in.Optional) + "\n")
	}
	switch in.Type {
	case TypeString:
		b.WriteString("               Validation: " + in.Validation.String() + "\n")
		b.WriteString("                   Length: " + strconv.Itoa(in.MaxLength) + "\n")
	case TypeList:
		b.WriteString("             Valid Values: " + join(in.List, ", ") + "\n")
	}
	if truthy(in.Default) {
		b.WriteString("            Default Value: " + rubyString(in.Default) + "\n")
	}
}

func outputDoc(b *strings.Builder, out *Output, withDefault bool) {
	b.WriteString("           " + out.Name + ":\n")
	b.WriteString("              Description: " + out.Description + "\n")
	b.WriteString("               Display As: " + out.DisplayAs + "\n")
	if withDefault && truthy(out.Default) {
		b.WriteString("            Default Value: " + rubyString(out.Default) + "\n")
	}
}

func (d *DDL) dataDoc(b *strings.Builder) {
	b.WriteString("QUERY FUNCTION INPUT:\n\n")
	q := d.DataQuery
	if q == nil {
		q = &Action{}
	}
	if in := q.Input("query"); in != nil {
		inputDoc(b, in, false)
	} else {
		b.WriteString("    This plugin does not take any input\n")
	}
	b.WriteString("\nQUERY FUNCTION OUTPUT:\n\n")
	for _, out := range sortedOutputs(q.Outputs) {
		outputDoc(b, out, false)
		b.WriteString("\n")
	}
}

func (d *DDL) discoveryDoc(b *strings.Builder) {
	b.WriteString("DISCOVERY METHOD CAPABILITIES:\n")
	for _, c := range [][2]string{
		{"classes", "Filter based on configuration management classes"},
		{"facts", "Filter based on system facts"},
		{"identity", "Filter based on mcollective identity"},
		{"agents", "Filter based on mcollective agents"},
		{"compound", "Compound filters combining classes and facts"},
	} {
		for _, have := range d.Capabilities {
			if have == c[0] {
				b.WriteString("      " + c[1] + "\n")
				break
			}
		}
	}
	b.WriteString("\n")
}

func sortedInputs(in []*Input) []*Input {
	out := append([]*Input(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func sortedOutputs(in []*Output) []*Output {
	out := append([]*Output(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// alignText is MCollective::Util.align_text: it indents every line by
// preamble spaces and wraps lines longer than cols, carrying the cut-off
// words to the start of the next line.
func alignText(text string, cols, preamble int) string {
	width := cols - preamble
	if width <= 0 {
		return text
	}
	lines := rubySplitLines(text)
	piece := []rune(nil)
	whitespace := 0
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		whitespace = 0
		for whitespace < len(line) && line[whitespace] == ' ' {
			whitespace++
		}
		if len(piece) > 0 {
			if whitespace >= width {
				whitespace = 0
			}
			if i+1 < len(lines) && string(line) == strings.Repeat(" ", whitespace) {
				lines = append(lines[:i+1], append([][]rune{{}}, lines[i+1:]...)...)
			}
			line = append(append(append(append([]rune{}, line[:whitespace]...), piece...), ' '), line[whitespace:]...)
		}
		piece = nil
		if len(line) > width+preamble {
			// Ruby loops for ever, or fails, when the only place to cut
			// is the indentation; such a line is left as it is.
			if cut := wrapPoint(line, width); cut >= leadingSpaces(line) {
				piece = []rune(strings.TrimLeft(string(line[cut:]), " \t\n\v\f\r\x00"))
				line = line[:cut]
			}
		}
		if len(piece) > 0 && i+1 >= len(lines) {
			lines = append(lines, append([]rune(strings.Repeat(" ", whitespace)), piece...))
			piece = nil
		}
		lines[i] = append([]rune(strings.Repeat(" ", preamble)), line...)
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = string(l)
	}
	return strings.Join(out, "\n")
}

func leadingSpaces(line []rune) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}

// wrapPoint finds the space align_text cuts at, scanning back from width
// (and, as Ruby's negative indexes do, on from the end of the line); -1
// when there is none, where Ruby would fail.
func wrapPoint(line []rune, width int) int {
	for r := width; ; r-- {
		idx := r
		if r < 0 {
			idx = len(line) + r
		}
		if idx < 0 {
			return -1
		}
		if line[idx] == ' ' {
			return idx
		}
	}
}

// rubySplitLines is Ruby's text.split("\n"): trailing empty lines dropped.
func rubySplitLines(text string) [][]rune {
	parts := strings.Split(text, "\n")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	lines := make([][]rune, len(parts))
	for i, p := range parts {
		lines[i] = []rune(p)
	}
	return lines
}
