package rubytext

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/marionette-mco/marionette/core/marshal"
)

// Width is the line width Ruby's pretty_inspect fills: 80 columns less one.
const Width = 79

// Pretty returns Ruby 3.1's pretty_inspect of v without its final newline:
// Inspect, broken over lines (outermost groups first) where a line would
// pass width columns.
func Pretty(v any, width int) string {
	p := newPrinter(width)
	p.value(v)
	p.flush()
	return p.out.String()
}

// value writes v as Ruby's PP#pp does: in a group of its own.
func (p *printer) value(v any) {
	p.group(0, "", "", func() { p.prettyPrint(v) })
}

// prettyPrint is the pretty_print method of v's class.
func (p *printer) prettyPrint(v any) {
	switch x := v.(type) {
	case *marshal.Hash:
		p.hash(x.Len(), func(i int) (any, any) { return x.Keys[i], x.Values[i] })
	case map[string]any:
		keys := sortedKeys(x)
		p.hash(len(keys), func(i int) (any, any) { return keys[i], x[keys[i]] })
	case []any:
		p.group(1, "[", "]", func() {
			for i, e := range x {
				if i > 0 {
					p.commaBreakable()
				}
				p.value(e)
			}
		})
	case string:
		p.stringValue(x)
	default:
		p.text(Inspect(v))
	}
}

func (p *printer) hash(n int, pair func(int) (any, any)) {
	p.group(1, "{", "}", func() {
		for i := range n {
			if i > 0 {
				p.commaBreakable()
			}
			k, v := pair(i)
			p.group(0, "", "", func() {
				p.value(k)
				p.text("=>")
				p.group(1, "", "", func() {
					p.breakable("")
					p.value(v)
				})
			})
		}
	})
}

// stringValue writes a string of several lines as "a\n" + "b", as Ruby
// 3.1 does.
func (p *printer) stringValue(s string) {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) <= 1 {
		p.text(String(s))
		return
	}
	p.group(0, "", "", func() {
		for i, l := range lines {
			if i > 0 {
				p.text(" +")
				p.breakable(" ")
			}
			p.value(l)
		}
	})
}

func (p *printer) commaBreakable() {
	p.text(",")
	p.breakable(" ")
}

// printer is Ruby's PrettyPrint (Oppen's algorithm as prettyprint.rb
// implements it), ported line for line so that lines break where Ruby's
// break.
type printer struct {
	out         strings.Builder
	maxwidth    int
	outputWidth int
	bufferWidth int
	buffer      []doc
	groupStack  []*ppGroup
	queue       [][]*ppGroup
	indent      int
}

type ppGroup struct {
	depth      int
	breakables []*ppBreakable
	broken     bool
}

// doc is a buffered piece: text or a breakable.
type doc interface {
	output(p *printer, width int) int
	size() int
}

type ppText struct {
	parts []string
	width int
}

func (t *ppText) output(p *printer, width int) int {
	for _, s := range t.parts {
		p.out.WriteString(s)
	}
	return width + t.width
}

func (t *ppText) size() int { return t.width }

type ppBreakable struct {
	sep    string
	width  int
	indent int
	group  *ppGroup
}

func (b *ppBreakable) output(p *printer, width int) int {
	b.group.breakables = b.group.breakables[1:]
	if b.group.broken {
		p.out.WriteString("\n")
		p.out.WriteString(strings.Repeat(" ", b.indent))
		return b.indent
	}
	if len(b.group.breakables) == 0 {
		p.deleteGroup(b.group)
	}
	p.out.WriteString(b.sep)
	return width + b.width
}

func (b *ppBreakable) size() int { return b.width }

func newPrinter(width int) *printer {
	p := &printer{maxwidth: width}
	root := &ppGroup{}
	p.groupStack = []*ppGroup{root}
	p.enqueue(root)
	return p
}

func (p *printer) current() *ppGroup { return p.groupStack[len(p.groupStack)-1] }

func (p *printer) text(s string) {
	w := utf8.RuneCountInString(s)
	if len(p.buffer) == 0 {
		p.out.WriteString(s)
		p.outputWidth += w
		return
	}
	t, ok := p.buffer[len(p.buffer)-1].(*ppText)
	if !ok {
		t = &ppText{}
		p.buffer = append(p.buffer, t)
	}
	t.parts = append(t.parts, s)
	t.width += w
	p.bufferWidth += w
	p.breakOutmostGroups()
}

func (p *printer) breakable(sep string) {
	g := p.current()
	if g.broken {
		p.flush()
		p.out.WriteString("\n")
		p.out.WriteString(strings.Repeat(" ", p.indent))
		p.outputWidth = p.indent
		p.bufferWidth = 0
		return
	}
	b := &ppBreakable{sep: sep, width: utf8.RuneCountInString(sep), indent: p.indent, group: g}
	g.breakables = append(g.breakables, b)
	p.buffer = append(p.buffer, b)
	p.bufferWidth += b.width
	p.breakOutmostGroups()
}

func (p *printer) group(indent int, open, close string, body func()) {
	p.text(open)
	g := &ppGroup{depth: p.current().depth + 1}
	p.groupStack = append(p.groupStack, g)
	p.enqueue(g)
	p.indent += indent
	body()
	p.indent -= indent
	p.groupStack = p.groupStack[:len(p.groupStack)-1]
	if len(g.breakables) == 0 {
		p.deleteGroup(g)
	}
	p.text(close)
}

func (p *printer) breakOutmostGroups() {
	for p.maxwidth < p.outputWidth+p.bufferWidth {
		g := p.dequeue()
		if g == nil {
			return
		}
		for len(g.breakables) > 0 {
			d := p.buffer[0]
			p.buffer = p.buffer[1:]
			p.outputWidth = d.output(p, p.outputWidth)
			p.bufferWidth -= d.size()
		}
		for len(p.buffer) > 0 {
			t, ok := p.buffer[0].(*ppText)
			if !ok {
				break
			}
			p.buffer = p.buffer[1:]
			p.outputWidth = t.output(p, p.outputWidth)
			p.bufferWidth -= t.width
		}
	}
}

func (p *printer) flush() {
	for _, d := range p.buffer {
		p.outputWidth = d.output(p, p.outputWidth)
	}
	p.buffer = nil
	p.bufferWidth = 0
}

func (p *printer) enqueue(g *ppGroup) {
	for g.depth >= len(p.queue) {
		p.queue = append(p.queue, nil)
	}
	p.queue[g.depth] = append(p.queue[g.depth], g)
}

// dequeue picks the group to break: the outermost, and among groups of one
// depth the last one that has breakables.
func (p *printer) dequeue() *ppGroup {
	for d, gs := range p.queue {
		for i := len(gs) - 1; i >= 0; i-- {
			if len(gs[i].breakables) > 0 {
				g := gs[i]
				p.queue[d] = slices.Delete(gs, i, i+1)
				g.broken = true
				return g
			}
		}
		for _, g := range gs {
			g.broken = true
		}
		p.queue[d] = nil
	}
	return nil
}

func (p *printer) deleteGroup(g *ppGroup) {
	gs := p.queue[g.depth]
	if i := slices.Index(gs, g); i >= 0 {
		p.queue[g.depth] = slices.Delete(gs, i, i+1)
	}
}
