package filter_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/protocol"
)

// boolNode has the classes t1, t2 and t3: a statement naming one of them
// is true, f1, f2 and f3 are false.
func boolNode(data map[string]filter.DataSource) filter.Node {
	return filter.Node{
		Facts: facts.NewSnapshot(map[string]any{"role": "web", "rank": 1}, []string{"t1", "t2", "t3"}),
		Data:  data,
	}
}

func matchS(t *testing.T, expr string, n filter.Node) (bool, error) {
	t.Helper()
	stack, err := filter.ParseCompound(expr)
	if err != nil {
		t.Fatalf("ParseCompound(%q): %v", expr, err)
	}
	err = filter.Check(context.Background(), protocol.Filter{Compound: [][]protocol.Token{stack}}, n)
	return err == nil, err
}

func TestCompoundPrecedence(t *testing.T) {
	tests := []struct {
		expr string
		want bool
	}{
		{"t1", true},
		{"f1", false},
		{"t1 or f1 and f2", true}, // and binds tighter: t1 or (f1 and f2)
		{"f1 and f2 or t1", true},
		{"(t1 or f1) and f2", false},
		{"f1 or t1 and t2", true},
		{"f1 or t1 and f2", false},
		{"not (t1 and t2)", false},
		{"not (t1 and f1)", true},
		{"not t1 and f1", false}, // not binds tightest: (not t1) and f1
		{"not f1 and t1", true},
		{"!t1", false},
		{"!f1", true},
		{"! f1", true},
		{"not not t1", true},
		{"t1 and not f1 and (f2 or t3)", true},
		{"((t1))", true},
		{"not(f1)", true},
		{"role=web and rank>0", true},
		{"role=db or rank>0", true},
		{"role=db or rank>0 and role=x", false},
		{"/^t/ and not /^f/", true},
		{"rank!=1", false}, // Ruby reads fact "rank!" = "1"
		{"role=web=x", true},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := matchS(t, tc.expr, boolNode(nil))
			if got != tc.want {
				t.Errorf("%s = %v (%v), want %v", tc.expr, got, err, tc.want)
			}
		})
	}
}

// TestCompoundTokens covers token lists only a hand-made or foreign
// request carries; Ruby's eval rejects the malformed ones.
func TestCompoundTokens(t *testing.T) {
	st := func(v string) protocol.Token { return protocol.Token{Kind: protocol.TokenStatement, Value: v} }
	and := protocol.Token{Kind: protocol.TokenAnd}
	or := protocol.Token{Kind: protocol.TokenOr}
	not := protocol.Token{Kind: protocol.TokenNot}
	open := protocol.Token{Kind: protocol.TokenOpen}
	cl := protocol.Token{Kind: protocol.TokenClose}
	tests := []struct {
		name    string
		stack   []protocol.Token
		want    bool
		wantErr bool
	}{
		{"empty", nil, false, false},
		{"empty parens", []protocol.Token{open, cl}, false, false},
		{"not empty parens", []protocol.Token{not, open, cl}, true, false},
		{"unknown kind ignored", []protocol.Token{st("t1"), {Kind: "bogus"}}, true, false},
		{"two statements", []protocol.Token{st("t1"), st("t2")}, false, true},
		{"dangling and", []protocol.Token{st("t1"), and}, false, true},
		{"leading or", []protocol.Token{or, st("t1")}, false, true},
		{"unclosed", []protocol.Token{open, st("t1")}, false, true},
		{"extra close", []protocol.Token{st("t1"), cl, cl}, false, true},
		{"juxtaposed groups", []protocol.Token{open, st("t1"), cl, open, st("t2"), cl}, false, true},
		{"fstatement without call", []protocol.Token{{Kind: protocol.TokenFStatement}}, false, true},
		{"statement without value", []protocol.Token{st("role=")}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := filter.Check(context.Background(), protocol.Filter{Compound: [][]protocol.Token{tc.stack}}, boolNode(nil))
			if (err == nil) != tc.want {
				t.Fatalf("Check = %v, want match %v", err, tc.want)
			}
			if tc.wantErr && (err == nil || errors.Is(err, filter.ErrNoMatch)) {
				t.Errorf("Check = %v, want an evaluation error", err)
			}
		})
	}
}

// fake is a DataSource answering fixed fields.
type fake map[string]any

func (f fake) Query(_ context.Context, q string) (map[string]any, error) {
	if q == "fail" {
		return nil, errors.New("query failed")
	}
	return f, nil
}

// slow blocks until its context ends.
type slow struct{}

func (slow) Query(ctx context.Context, _ string) (map[string]any, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (slow) Timeout() time.Duration { return 20 * time.Millisecond }

func TestFStatements(t *testing.T) {
	data := map[string]filter.DataSource{
		"f": fake{
			"s": "web", "n": 17, "x": 1.5, "b": true, "nil": nil, "big": uint64(1 << 63),
		},
		"slow": slow{},
	}
	tests := []struct {
		expr    string
		want    bool
		wantErr bool
	}{
		{"f('q').s=web", true, false},
		{"f('q').s!=web", false, false},
		{"f('q').s=/^w/", true, false},
		{"f('q').s!=/^w/", false, false},
		{"f('q').s>a", false, false}, // no ordering of strings
		{"f('q').n=17", true, false},
		{"f('q').n=17.0", true, false},
		{"f('q').n>=0x11", true, false}, // Ruby's Integer("0x11")
		{"f('q').n<1e2", true, false},
		{"f('q').n=/17/", false, false}, // regex match needs a string
		{"f('q').n>abc", false, true},   // Ruby: invalid numeric value
		{"f('q').x>1", true, false},
		{"f('q').x<=1.5", true, false},
		{"f('q').big>9223372036854775807", true, false},
		{"f('q').b=true", true, false},
		{"f('q').b!=false", true, false},
		{"f('q').b>0", false, false},
		{"f('q').b=yes", false, true}, // Ruby: invalid boolean value
		{"f('q').nil=x", false, false},
		{"not f('q').nil=x", true, false},
		{"f('q').missing=x", false, false},
		{"not f('q').missing=x", true, false},
		{"F('q').s=web", true, false},      // names are case-insensitive
		{"f_data('q').s=web", true, false}, // and may carry _data
		{"f('`q`').s=web", false, false},   // backticks: false, not an error
		{"f('fail').s=web", false, true},
		{"not f('fail').s=web", false, true},
		{"nosuch('q').s=web", false, true},
		{"not nosuch('q').s=web", false, true}, // a missing plugin fails it all
		{"t1 or nosuch('q').s=web", false, true},
		{"slow('q').a=1", false, true},
		{"f('q')=1", false, false}, // no field: == is false
		{"f('q')!=1", true, false}, // and != true
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			got, err := matchS(t, tc.expr, boolNode(data))
			if got != tc.want {
				t.Fatalf("%s = %v (%v), want %v", tc.expr, got, err, tc.want)
			}
			if tc.wantErr && (err == nil || errors.Is(err, filter.ErrNoMatch)) {
				t.Errorf("Check = %v, want an evaluation error", err)
			}
		})
	}
	t.Run("missing plugin error", func(t *testing.T) {
		_, err := matchS(t, "nosuch('q').s=web", boolNode(data))
		if !errors.Is(err, filter.ErrNoDataSource) {
			t.Errorf("err = %v, want ErrNoDataSource", err)
		}
	})
}

func TestFStatementRegexForOrdering(t *testing.T) {
	// A wire token may pair a regex with >: Ruby then fails on a number
	// and compares a string with the Regexp's to_s for ==.
	data := map[string]filter.DataSource{"f": fake{"n": 1, "s": "(?-mix:a)"}}
	tests := []struct {
		fc      protocol.FuncCall
		want    bool
		wantErr bool
	}{
		{protocol.FuncCall{Name: "f", Params: "q", Field: "n", Operator: ">", Value: "1", Regex: true}, false, true},
		{protocol.FuncCall{Name: "f", Params: "q", Field: "n", Operator: "!=", Value: "1", Regex: true}, true, false},
		{protocol.FuncCall{Name: "f", Params: "q", Field: "s", Operator: "==", Value: "a", Regex: true}, true, false},
	}
	for _, tc := range tests {
		f := protocol.Filter{Compound: [][]protocol.Token{{{Kind: protocol.TokenFStatement, Func: &tc.fc}}}}
		err := filter.Check(context.Background(), f, boolNode(data))
		if (err == nil) != tc.want || (tc.wantErr && (err == nil || errors.Is(err, filter.ErrNoMatch))) {
			t.Errorf("%+v: Check = %v, want match %v", tc.fc, err, tc.want)
		}
	}
}

func TestDataKey(t *testing.T) {
	for in, want := range map[string]string{"fstat": "fstat", "Fstat": "fstat", "FSTAT_DATA": "fstat", "fact_data": "fact"} {
		if got := filter.DataKey(in); got != want {
			t.Errorf("DataKey(%q) = %q, want %q", in, got, want)
		}
	}
}
