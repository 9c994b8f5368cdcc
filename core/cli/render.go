package cli

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/marionette-mco/marionette/core/aggregate"
	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/rubytext"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// ANSI colours as Ruby MCollective's Util.colorize writes them.
const (
	colRed    = "\x1b[31m"
	colGreen  = "\x1b[32m"
	colYellow = "\x1b[33m"
	colBold   = "\x1b[1m"
	colReset  = "\x1b[0m"
)

// rpcText writes mco rpc's text output as Ruby's printrpc (RPC::Helpers
// rpcresults and text_for_result) and printrpcstats (RPC::Stats#report)
// do.
type rpcText struct {
	// color turns on Ruby's ANSI colours.
	color bool
	// verbose shows every reply's data unformatted (-v).
	verbose bool
	// display, when set, overrides the action's display policy (--display).
	display ddl.Display
	// action is the action's DDL; nil without one, when every reply is
	// shown with its data keys as labels.
	action *ddl.Action
}

func (t rpcText) paint(code, s string) string {
	if !t.color {
		return s
	}
	return code + s + colReset
}

// results is printrpc's text for a list of replies.
func (t rpcText) results(rs []client.RPCResult) string {
	var b strings.Builder
	b.WriteString("\n")
	for _, r := range rs {
		switch {
		case t.verbose:
			b.WriteString(t.verboseResult(r))
		case t.shows(r.StatusCode):
			if t.policy() == ddl.DisplayFlatten {
				b.WriteString(flattenedResult(r))
			} else {
				b.WriteString(t.result(r))
			}
		}
	}
	b.WriteString("\n")
	return b.String()
}

// policy is the display policy in force: --display, else the action's
// (failed when the DDL says nothing, as in Ruby), else always without a
// DDL.
func (t rpcText) policy() ddl.Display {
	switch {
	case t.display != "":
		return t.display
	case t.action == nil:
		return ddl.DisplayAlways
	case t.action.Display == "":
		return ddl.DisplayFailed
	}
	return t.action.Display
}

// shows reports whether a reply with status code is displayed.
func (t rpcText) shows(code int) bool {
	switch t.policy() {
	case ddl.DisplayOK:
		return code == 0
	case ddl.DisplayFailed:
		return code > 0
	case ddl.DisplayAlways, ddl.DisplayFlatten:
		return true
	}
	return false
}

// statusTexts are Ruby's words for status codes 1 to 5.
var statusTexts = []struct{ color, text string }{
	{}, {colRed, "Request Aborted"}, {colYellow, "Unknown Action"}, {colYellow, "Missing Request Data"},
	{colYellow, "Invalid Request Data"}, {colRed, "Unknown Request Status"},
}

// result is text_for_result: the sender and status, the status message
// unless OK, and for a successful reply each data item under its
// display_as label, labels right-aligned three columns in.
func (t rpcText) result(r client.RPCResult) string {
	var b strings.Builder
	status := ""
	if r.StatusCode > 0 && r.StatusCode < len(statusTexts) {
		status = t.paint(statusTexts[r.StatusCode].color, statusTexts[r.StatusCode].text)
	}
	fmt.Fprintf(&b, "%-40s %s\n", r.Sender, status)
	if r.StatusMsg != "OK" {
		fmt.Fprintf(&b, "   %s\n", t.paint(colYellow, r.StatusMsg))
	}
	if r.StatusCode == 0 {
		t.writeData(&b, r)
	}
	b.WriteString("\n")
	return b.String()
}

// writeData writes a successful reply's data items sorted by key.
func (t rpcText) writeData(b *strings.Builder, r client.RPCResult) {
	items := dataItems(r)
	if items == nil {
		b.WriteString("\n\t" + strings.ReplaceAll(rubytext.Pretty(r.Raw, rubytext.Width), "\n", "\n\t"))
		return
	}
	width := 0
	for _, it := range items {
		width = max(width, utf8.RuneCountInString(t.label(it.key)))
	}
	for _, it := range items {
		label := t.label(it.key)
		padding := width - utf8.RuneCountInString(label) + 3
		b.WriteString(strings.Repeat(" ", padding) + label + ":")
		text, ok := plainText(it.value)
		if !ok {
			pretty := rubytext.Pretty(it.value, rubytext.Width)
			b.WriteString(" " + strings.ReplaceAll(pretty, "\n", "\n"+strings.Repeat(" ", width+5)) + "\n")
			continue
		}
		lines := strings.Split(text, "\n")
		for len(lines) > 0 && lines[len(lines)-1] == "" { // as Ruby's split
			lines = lines[:len(lines)-1]
		}
		if len(lines) == 0 {
			b.WriteString("\n")
			continue
		}
		for i, l := range lines {
			pad := " "
			if i > 0 {
				pad = strings.Repeat(" ", padding+utf8.RuneCountInString(label)+2)
			}
			b.WriteString(pad + l + "\n")
		}
	}
}

// label is an output's display_as, else its name.
func (t rpcText) label(key string) string {
	if t.action != nil {
		if out := t.action.Output(key); out != nil && out.DisplayAs != "" {
			return out.DisplayAs
		}
	}
	return key
}

type dataItem struct {
	key   string
	value any
}

// dataItems are a reply's data items sorted by key, with Ruby's types when
// the reply was decoded with them; nil when the data is not a Hash.
func dataItems(r client.RPCResult) []dataItem {
	items := []dataItem{}
	switch raw := r.Raw.(type) {
	case nil:
		for _, k := range slices.Sorted(maps.Keys(r.Data)) {
			items = append(items, dataItem{k, r.Data[k]})
		}
	case *marshal.Hash:
		for i, k := range raw.Keys {
			key := rubytext.ToS(k)
			items = append(items, dataItem{key, raw.Values[i]})
		}
		slices.SortStableFunc(items, func(a, b dataItem) int { return strings.Compare(a.key, b.key) })
	default:
		return nil
	}
	return items
}

// plainText is the text Ruby prints as is: a String's (Integers and
// Floats are pretty-inspected, as Ruby's [String, Numeric].include?(class)
// lets only Strings through).
func plainText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case marshal.ASCII:
		return string(x), true
	case []byte:
		return string(x), true
	case marshal.EncodedString:
		return string(x.Value), true
	}
	return "", false
}

// symbolKeys gives plain data the Symbol keys Ruby's replies have, for
// inspection; decoded data already has them.
func symbolKeys(data any) any {
	m, ok := data.(map[string]any)
	if !ok {
		return data
	}
	h := marshal.NewHash(len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		h.Set(marshal.Symbol(k), m[k])
	}
	return h
}

// verboseResult is Ruby's -v form: sender and status message, then the
// data inspected, indented by four (Ruby runs the lines together; they are
// kept apart here).
func (t rpcText) verboseResult(r client.RPCResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-40s: %s\n", r.Sender, r.StatusMsg)
	switch {
	case r.StatusCode <= 1:
		data := r.Raw
		if data == nil {
			data = r.Data
		}
		pretty := rubytext.Pretty(symbolKeys(data), rubytext.Width)
		b.WriteString("    " + strings.ReplaceAll(pretty, "\n", "\n    ") + "\n\n")
	case r.StatusCode >= 5:
		b.WriteString("    " + r.StatusMsg)
	}
	return b.String()
}

// flattenedResult is the deprecated :flatten display: the data alone.
func flattenedResult(r client.RPCResult) string {
	if r.StatusCode > 1 {
		return ""
	}
	if s, ok := plainText(r.Raw); ok {
		return s
	}
	return rubytext.Pretty(r.Raw, rubytext.Width) + "\n"
}

// rpcReport is what printrpcstats summarises.
type rpcReport struct {
	tally      *rpcTally
	caption    string
	summaries  []aggregate.Summary
	failures   []aggregate.Failure
	unexpected []string
}

// report is RPC::Stats#report: the aggregate summaries, the statistics
// line (or with -v the call stats block), and the nodes that did not
// answer or answered unasked.
func (t rpcText) report(rep rpcReport) string {
	st := rep.tally
	responses, discovered := len(st.responded), len(st.discovered)
	var parts []string
	withAggregates := len(rep.summaries)+len(rep.failures) > 0
	if t.verbose {
		withAggregates = len(rep.summaries) > 0
	}
	if withAggregates {
		parts = append(parts, t.aggregates(rep.summaries, rep.failures))
	} else {
		parts = append(parts, "")
	}
	if t.verbose {
		color := colReset
		if responses < discovered {
			color = colRed
		}
		parts = append(parts, t.paint(colYellow, "---- "+rep.caption+" ----"),
			fmt.Sprintf("           Nodes: %s / %s", t.paint(color, fmt.Sprint(discovered)), t.paint(color, fmt.Sprint(responses))),
			fmt.Sprintf("     Pass / Fail: %s / %s", t.paint(colReset, fmt.Sprint(st.ok)), t.paint(colReset, fmt.Sprint(st.failed))),
			"      Start Time: "+st.start.Format("2006-01-02 15:04:05 -0700"),
			fmt.Sprintf("  Discovery Time: %.2fms", ms(st.discoveryTime)),
			fmt.Sprintf("      Agent Time: %.2fms", ms(st.agentTime)),
			fmt.Sprintf("      Total Time: %.2fms", ms(st.discoveryTime+st.agentTime)))
	} else {
		color := colGreen
		if responses < discovered {
			color = colRed
		}
		parts = append(parts, fmt.Sprintf("Finished processing %s / %s hosts in %.2f ms",
			t.paint(color, fmt.Sprint(responses)), t.paint(color, fmt.Sprint(discovered)), ms(st.agentTime)))
	}
	parts = append(parts, "")
	if missing := st.noResponse(); len(missing) > 0 {
		parts = append(parts, "", t.nodeList("No response from:", missing))
	}
	if len(rep.unexpected) > 0 {
		parts = append(parts, "", t.nodeList("Unexpected response from:", rep.unexpected))
	}
	parts = append(parts, "")
	out := strings.Join(parts, "\n")
	if !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	return out
}

// nodeList is a titled list of nodes in Ruby's columns.
func (t rpcText) nodeList(title string, nodes []string) string {
	var b strings.Builder
	b.WriteString(t.paint(colRed, title) + "\n\n")
	writeColumns(&b, nodes, 30)
	return b.String()
}

// aggregates is Stats#text_for_aggregates.
func (t rpcText) aggregates(sums []aggregate.Summary, failures []aggregate.Failure) string {
	var b strings.Builder
	for _, s := range sums {
		b.WriteString(t.paint(colBold, "Summary of "+t.label(s.Output)+":") + "\n\n")
		if s.Text == "" {
			b.WriteString(t.paint(colYellow, "     No aggregate summary could be computed") + "\n")
		} else {
			b.WriteString("   " + strings.ReplaceAll(s.Text, "\n", "\n   ") + "\n")
		}
		b.WriteString("\n")
	}
	for _, f := range failures {
		b.WriteString(t.paint(colBold, "Summary of "+f.Output+":") + "\n\n")
		b.WriteString(t.paint(colYellow, "     Could not compute summary - "+f.Reason()) + "\n\n")
	}
	return b.String()
}
