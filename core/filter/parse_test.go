package filter_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/protocol"
)

func TestParseFact(t *testing.T) {
	tests := []struct {
		in      string
		want    protocol.FactTerm
		wantErr bool
	}{
		{in: "role=web", want: protocol.FactTerm{Fact: "role", Operator: "==", Value: "web"}},
		{in: "role==web", want: protocol.FactTerm{Fact: "role", Operator: "==", Value: "web"}},
		{in: "role=/web/", want: protocol.FactTerm{Fact: "role", Operator: "=~", Value: "/web/"}},
		{in: "role=~web", want: protocol.FactTerm{Fact: "role", Operator: "=~", Value: "web"}},
		{in: "rank>=1", want: protocol.FactTerm{Fact: "rank", Operator: ">=", Value: "1"}},
		{in: "rank=>1", want: protocol.FactTerm{Fact: "rank", Operator: ">=", Value: "1"}},
		{in: "rank=<1", want: protocol.FactTerm{Fact: "rank", Operator: "<=", Value: "1"}},
		{in: "rank<=1", want: protocol.FactTerm{Fact: "rank", Operator: "<=", Value: "1"}},
		{in: "rank<1", want: protocol.FactTerm{Fact: "rank", Operator: "<", Value: "1"}},
		{in: "rank>1", want: protocol.FactTerm{Fact: "rank", Operator: ">", Value: "1"}},
		{in: "rank!=1", want: protocol.FactTerm{Fact: "rank", Operator: "!=", Value: "1"}},
		{in: "role = web", want: protocol.FactTerm{Fact: "role", Operator: "==", Value: "web"}},
		{in: "os.family=Debian", want: protocol.FactTerm{Fact: "os.family", Operator: "==", Value: "Debian"}},
		{in: "a=b=c", want: protocol.FactTerm{Fact: "a", Operator: "==", Value: "b=c"}},
		{in: "a!=/x/", want: protocol.FactTerm{Fact: "a", Operator: "!=", Value: "/x/"}},
		{in: "a<>b", want: protocol.FactTerm{Fact: "a", Operator: "<", Value: ">b"}},
		{in: "role", wantErr: true},
		{in: "a=", wantErr: true},
		{in: "=a", wantErr: true},
		{in: " role=web", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := filter.ParseFact(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("ParseFact(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestParseWith(t *testing.T) {
	facts, classes := filter.ParseWith("roles::web  role=web\tbase rank>1 ")
	wantF := []protocol.FactTerm{{Fact: "role", Operator: "==", Value: "web"}, {Fact: "rank", Operator: ">", Value: "1"}}
	if !reflect.DeepEqual(facts, wantF) || !reflect.DeepEqual(classes, []string{"roles::web", "base"}) {
		t.Errorf("ParseWith = %+v, %q", facts, classes)
	}
}

func TestParseCompound(t *testing.T) {
	st := func(v string) protocol.Token { return protocol.Token{Kind: protocol.TokenStatement, Value: v} }
	and := protocol.Token{Kind: protocol.TokenAnd, Value: "and"}
	not := protocol.Token{Kind: protocol.TokenNot, Value: "not"}
	open := protocol.Token{Kind: protocol.TokenOpen, Value: "("}
	cl := protocol.Token{Kind: protocol.TokenClose, Value: ")"}
	fs := func(fc protocol.FuncCall) protocol.Token {
		return protocol.Token{Kind: protocol.TokenFStatement, Func: &fc}
	}
	tests := []struct {
		in   string
		want []protocol.Token
	}{
		{"role=web and rank>0", []protocol.Token{st("role=web"), and, st("rank>0")}},
		{"role = web", []protocol.Token{st("role=web")}},
		{"!role=web", []protocol.Token{not, st("role=web")}},
		{"not (a and b)", []protocol.Token{not, open, st("a"), and, st("b"), cl}},
		{"/roles::w/ and base", []protocol.Token{st("/roles::w/"), and, st("base")}},
		{"role='web server'", []protocol.Token{st("role=web server")}},
		{"", []protocol.Token{}},
		{"fstat('/etc/hosts').size>0", []protocol.Token{fs(protocol.FuncCall{
			Name: "fstat", Params: "/etc/hosts", Field: "size", Operator: ">", Value: "0"})}},
		{"fact(\"os.family\").value=/deb/", []protocol.Token{fs(protocol.FuncCall{
			Name: "fact", Params: "os.family", Field: "value", Operator: "=~", Value: "deb", Regex: true})}},
		{"fact('os').value!=/deb/", []protocol.Token{fs(protocol.FuncCall{
			Name: "fact", Params: "os", Field: "value", Operator: "!=~", Value: "deb", Regex: true})}},
		{"fstat('/x')=1", []protocol.Token{fs(protocol.FuncCall{
			Name: "fstat", Params: "/x", Operator: "==", Value: "1"})}},
		{"agent()=1", []protocol.Token{fs(protocol.FuncCall{Name: "agent", Operator: "==", Value: "1"})}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := filter.ParseCompound(tc.in)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ParseCompound(%q) = %s, %v; want %s", tc.in, show(got), err, show(tc.want))
			}
		})
	}
}

func TestParseCompoundErrors(t *testing.T) {
	tests := []struct {
		in   string
		kind string
		from int
		text string
	}{
		{"bar(", "malformed token", 0, "bar("},
		{"a and /b", "malformed token", 6, "/b"},
		{"a/=b", "malformed token", 0, "a/=b"},
		{"a and", "parse error", 1, "and"},
		{"or a", "parse error", 0, "or a"},
		{"a b", "parse error", 1, "b"},
		{" a", "parse error", 0, "a"},
		{"(a", "missing parenthesis", 0, "("},
		{"a) or b", "missing parenthesis", 1, ")"},
		{"(a or (b)", "missing parenthesis", 0, "("},
		{"fstat('/x').size", "", 0, ""},
		{"fact('x').value=/(/", "", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := filter.ParseCompound(tc.in)
			if err == nil {
				t.Fatal("no error")
			}
			var ce *filter.CompoundError
			if tc.kind == "" {
				if errors.As(err, &ce) {
					t.Fatalf("got a token error %v, want a function error", err)
				}
				return
			}
			if !errors.As(err, &ce) || ce.Kind != tc.kind || ce.From != tc.from || ce.Text != tc.text {
				t.Fatalf("error %v (%+v), want %s %q at %d", err, ce, tc.kind, tc.text, tc.from)
			}
		})
	}
}
