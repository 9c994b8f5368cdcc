package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/aggregate"
	"github.com/marionette-mco/marionette/core/client"
	"github.com/marionette-mco/marionette/core/marshal"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// rubyHash builds a reply's :data as Ruby sends it: Symbol keys in order.
func rubyHash(kv ...any) *marshal.Hash {
	h := marshal.NewHash(len(kv) / 2)
	for i := 0; i < len(kv); i += 2 {
		h.Set(marshal.Symbol(kv[i].(string)), kv[i+1])
	}
	return h
}

func result(sender string, code int, msg string, raw *marshal.Hash) client.RPCResult {
	data, _ := protocol.Plain(raw).(map[string]any)
	return client.RPCResult{Sender: sender, StatusCode: code, StatusMsg: msg, Raw: raw, Data: data}
}

// pad is the sender column of Ruby's "%-40s %s\n".
func pad(s string) string { return s + strings.Repeat(" ", 40-len(s)) }

var testResults = []client.RPCResult{
	result("node1", 0, "OK", rubyHash("msg", "hello", "length", int64(5))),
	result("node2", 1, "went wrong", rubyHash("msg", nil, "length", nil)),
	result("node3", 0, "OK", rubyHash("msg", "two\nlines", "length", int64(8), "extra", []any{int64(1), int64(2)})),
	result("node4", 4, "Cannot validate input msg: value should be a string", rubyHash()),
}

// Each node's text as Ruby's text_for_result writes it: labels
// right-aligned to the longest (display_as, else the key) plus three,
// Integers and Arrays inspected, a String's further lines aligned.
var (
	node1Text = pad("node1") + " \n" +
		"    Length: 5\n" +
		"   Message: hello\n\n"
	node2Text = pad("node2") + " Request Aborted\n" +
		"   went wrong\n\n"
	node3Text = pad("node3") + " \n" +
		"     extra: [1, 2]\n" +
		"    Length: 8\n" +
		"   Message: two\n" +
		"            lines\n\n"
	node4Text = pad("node4") + " Invalid Request Data\n" +
		"   Cannot validate input msg: value should be a string\n\n"
)

func TestRenderResults(t *testing.T) {
	act := parseTestDDL(t).Action("echo") // display :ok
	cases := []struct {
		name string
		text rpcText
		want string
	}{
		{"ddl display ok", rpcText{action: act}, "\n" + node1Text + node3Text + "\n"},
		{"display all", rpcText{action: act, display: ddl.DisplayAlways}, "\n" + node1Text + node2Text + node3Text + node4Text + "\n"},
		{"display failed", rpcText{action: act, display: ddl.DisplayFailed}, "\n" + node2Text + node4Text + "\n"},
		{"verbose shows every reply unformatted", rpcText{action: act, verbose: true}, "\n" +
			"node1                                   : OK\n    {:msg=>\"hello\", :length=>5}\n\n" +
			"node2                                   : went wrong\n    {:msg=>nil, :length=>nil}\n\n" +
			"node3                                   : OK\n    {:msg=>\"two\\n\" + \"lines\", :length=>8, :extra=>[1, 2]}\n\n" +
			"node4                                   : Cannot validate input msg: value should be a string\n" +
			"\n"},
		{"no ddl shows everything with keys as labels", rpcText{}, "\n" +
			pad("node1") + " \n" + "   length: 5\n" + "      msg: hello\n\n" +
			node2Text +
			pad("node3") + " \n" + "    extra: [1, 2]\n" + "   length: 8\n" + "      msg: two\n" + "           lines\n\n" +
			node4Text + "\n"},
		{"colour", rpcText{action: act, display: ddl.DisplayFailed, color: true}, "\n" +
			pad("node2") + " \x1b[31mRequest Aborted\x1b[0m\n   \x1b[33mwent wrong\x1b[0m\n\n" +
			pad("node4") + " \x1b[33mInvalid Request Data\x1b[0m\n   \x1b[33mCannot validate input msg: value should be a string\x1b[0m\n\n\n"},
		{"nothing to show", rpcText{action: act}, "\n\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := testResults
			if c.name == "nothing to show" {
				rs = nil
			}
			if got := c.text.results(rs); got != c.want {
				t.Fatalf("got:\n%s\nwant:\n%s\n(got %q)", got, c.want, got)
			}
		})
	}
}

func TestRenderValues(t *testing.T) {
	long := []any{}
	for i := range 30 {
		long = append(long, int64(i*1000))
	}
	r := result("n", 0, "OK", rubyHash("empty", "", "nested", map[string]any{"b": true, "a": 1.5},
		"list", long, "sym", marshal.Symbol("up"), "none", nil, "trailing", "x\n\n"))
	got := rpcText{}.result(r)
	want := pad("n") + " \n" +
		"      empty:\n" +
		"       list: [0,\n" +
		"              1000,\n"
	if !strings.HasPrefix(got, want) {
		t.Fatalf("got:\n%s\nwant prefix:\n%s", got, want)
	}
	for _, line := range []string{
		`     nested: {"a"=>1.5, "b"=>true}` + "\n",
		"       none: nil\n",
		"        sym: :up\n",
		"   trailing: x\n\n",
		"              29000]\n",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("missing %q in:\n%s", line, got)
		}
	}
}

func testTally() *rpcTally {
	return &rpcTally{discovered: []string{"node1", "node2", "node3", "node4"}, discoveryRan: true,
		responded: []string{"node1", "node2", "node3"}, ok: 2, failed: 1,
		start:         time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		discoveryTime: 100 * time.Millisecond, agentTime: 12500 * time.Microsecond}
}

func TestRenderReport(t *testing.T) {
	act := parseTestDDL(t).Action("echo")
	sums := []aggregate.Summary{{Output: "length", Function: "sum", Text: "Total length: 13"},
		{Output: "msg", Function: "summary", Text: "hello = 2\n  bye = 1"}, {Output: "msg", Function: "summary"}}
	fails := []aggregate.Failure{{Output: "nosuch", Function: "summary", Stage: aggregate.StageCreate}}
	aggText := "Summary of Length:\n\n   Total length: 13\n\n" +
		"Summary of Message:\n\n   hello = 2\n     bye = 1\n\n" +
		"Summary of Message:\n\n     No aggregate summary could be computed\n\n" +
		"Summary of nosuch:\n\n     Could not compute summary - unspecified output 'nosuch' for the action\n\n"
	noResponse := "No response from:\n\n    node4" + strings.Repeat(" ", 25+31+31) + "\n"
	cases := []struct {
		name string
		text rpcText
		rep  rpcReport
		want string
	}{
		{"statistics line", rpcText{action: act}, rpcReport{tally: &rpcTally{discovered: []string{"a"}, responded: []string{"a"}, agentTime: 3 * time.Millisecond}},
			"\nFinished processing 1 / 1 hosts in 3.00 ms\n\n"},
		{"aggregates and no response", rpcText{action: act}, rpcReport{tally: testTally(), summaries: sums, failures: fails},
			aggText + "\nFinished processing 3 / 4 hosts in 12.50 ms\n\n\n" + noResponse + "\n"},
		{"unexpected responders", rpcText{action: act}, rpcReport{tally: &rpcTally{discovered: []string{"a"},
			responded: []string{"a", "zz"}, agentTime: time.Millisecond}, unexpected: []string{"zz"}},
			"\nFinished processing 2 / 1 hosts in 1.00 ms\n\n\nUnexpected response from:\n\n    zz" + strings.Repeat(" ", 28+62) + "\n\n"},
		{"verbose call stats", rpcText{action: act, verbose: true}, rpcReport{tally: testTally(), caption: "echo#echo call stats", summaries: sums[:1]},
			"Summary of Length:\n\n   Total length: 13\n\n\n" +
				"---- echo#echo call stats ----\n" +
				"           Nodes: 4 / 3\n" +
				"     Pass / Fail: 2 / 1\n" +
				"      Start Time: 2026-01-02 03:04:05 +0000\n" +
				"  Discovery Time: 100.00ms\n" +
				"      Agent Time: 12.50ms\n" +
				"      Total Time: 112.50ms\n\n\n" + noResponse + "\n"},
		{"colour", rpcText{action: act, color: true}, rpcReport{tally: testTally(), summaries: sums[:1]},
			"\x1b[1mSummary of Length:\x1b[0m\n\n   Total length: 13\n\n" +
				"\nFinished processing \x1b[31m3\x1b[0m / \x1b[31m4\x1b[0m hosts in 12.50 ms\n\n\n" +
				"\x1b[31mNo response from:\x1b[0m\n\n    node4" + strings.Repeat(" ", 25+31+31) + "\n\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.text.report(c.rep); got != c.want {
				t.Fatalf("got:\n%s\nwant:\n%s\n(got  %q)\n(want %q)", got, c.want, got, c.want)
			}
		})
	}
}

func TestRenderJSON(t *testing.T) {
	b, err := encodeResults("echo", "echo", testResults, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"agent":"echo","action":"echo","sender":"node1","statuscode":0,"statusmsg":"OK","data":{"msg":"hello","length":5}},` +
		`{"agent":"echo","action":"echo","sender":"node2","statuscode":1,"statusmsg":"went wrong","data":{"msg":null,"length":null}},` +
		`{"agent":"echo","action":"echo","sender":"node3","statuscode":0,"statusmsg":"OK","data":{"msg":"two\nlines","length":8,"extra":[1,2]}},` +
		`{"agent":"echo","action":"echo","sender":"node4","statuscode":4,"statusmsg":"Cannot validate input msg: value should be a string","data":{}}]`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	var parsed []map[string]any
	if err := json.Unmarshal(b, &parsed); err != nil || len(parsed) != 4 {
		t.Fatalf("parse: %v, %d objects", err, len(parsed))
	}
	for _, p := range parsed {
		if len(p) != 6 {
			t.Errorf("object has keys %v", p)
		}
	}
	if b, _ := encodeResults("echo", "echo", nil, false); string(b) != "[]" {
		t.Fatalf("no replies = %s", b)
	}
	// Plain data (no Raw), HTML characters and odd values.
	plain := client.RPCResult{Sender: "n", Data: map[string]any{"b": "<&>", "a": []any{1.5, nil}}}
	line, err := marshalJSON(newJSONResult("x", "y", plain), false)
	if err != nil || string(line) != `{"agent":"x","action":"y","sender":"n","statuscode":0,"statusmsg":"","data":{"a":[1.5,null],"b":"<&>"}}` {
		t.Fatalf("line = %s, %v", line, err)
	}
	indented, _ := encodeResults("x", "y", []client.RPCResult{plain}, true)
	if !strings.Contains(string(indented), "\n  {\n    \"agent\": \"x\",") {
		t.Fatalf("indented = %s", indented)
	}
}

// TestPingJSON checks mco ping --json's writer against json.Encoder with
// the two-space indent it replaces.
func TestPingJSON(t *testing.T) {
	for _, replies := range [][]pingReply{
		nil,
		{{Sender: "node1", TimeMS: 1.25}},
		{{Sender: "a", TimeMS: 0}, {Sender: "b<&>\"\\", TimeMS: 1e-7}, {Sender: "nöde\u2028\x01\xff", TimeMS: 123456.789},
			{Sender: "", TimeMS: 3e21}, {Sender: "x", TimeMS: 12.000000001}, {Sender: "y", TimeMS: 1e-6}},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if replies == nil {
			_ = enc.Encode([]pingReply{})
		} else if err := enc.Encode(replies); err != nil {
			t.Fatal(err)
		}
		if got := appendPingJSON(nil, replies); string(got) != want.String() {
			t.Errorf("got\n%s\nwant\n%s", got, want.String())
		}
	}
}

// TestRPCPrint checks what reaches stdout and stderr after a request: an
// aggregate function the client lacks is reported, not fatal; --json
// prints the array alone.
func TestRPCPrint(t *testing.T) {
	d, err := ddl.Parse("agent/echo.ddl", []byte(strings.Replace(testDDL, "aggregate summary(:msg)", "aggregate median(:msg)", 1)))
	if err != nil {
		t.Fatal(err)
	}
	act := d.Action("echo")
	newOutcome := func() *outcome {
		out := &outcome{tally: &rpcTally{discovered: []string{"node1", "node3"}, discoveryRan: true},
			agg: aggregate.New(act.Aggregates, func(o string) bool { return act.Output(o) != nil })}
		out.add(testResults[0])
		out.add(testResults[2])
		return out
	}
	var stdout, stderr strings.Builder
	r := &rpcRunner{sio: IO{Stdout: &stdout, Stderr: &stderr}, o: &rpcOptions{}, inv: invocation{agent: "echo", action: "echo"}, ddl: d}
	if err := r.print(rpcText{action: act}, newOutcome()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Summary of Length:\n\n   Total length: 13\n\n",
		"Summary of msg:\n\n     Could not compute summary - exception raised while processing startup hook\n\n",
		"\nFinished processing 2 / 2 hosts in 0.00 ms\n\n",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "mco: aggregate median(msg) of echo#echo: unknown aggregate function median") {
		t.Errorf("stderr = %q", stderr.String())
	}

	stdout.Reset()
	stderr.Reset()
	r.o.common.json = true
	if err := r.print(rpcText{action: act}, newOutcome()); err != nil {
		t.Fatal(err)
	}
	var parsed []map[string]any
	if err := json.Unmarshal([]byte(stdout.String()), &parsed); err != nil || len(parsed) != 2 || !strings.HasSuffix(stdout.String(), "}]\n") {
		t.Fatalf("--json stdout %q: %v", stdout.String(), err)
	}
	stdout.Reset()
	if err := r.print(rpcText{action: act}, &outcome{tally: &rpcTally{}}); err != nil || stdout.String() != "[]\n" {
		t.Fatalf("--json with no replies: %q, %v", stdout.String(), err)
	}
	r.o.common.json = false
	stdout.Reset()
	if err := r.print(rpcText{action: act}, &outcome{tally: &rpcTally{discoveryRan: true}}); err != nil || stdout.String() != "\n\n" {
		t.Fatalf("nothing discovered: %q, %v", stdout.String(), err)
	}
}
