package filter_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/marionette-mco/marionette/core/facts"
	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/protocol"
)

// peer is one of the Ruby peers the wire vectors were captured against
// (shared/peers/rubymc-peer.sh): rubyK has role web and country de when K
// is odd, db and uk when even, osfamily debian, rank K, and the classes
// roles::<role> and base.
func peer(k int) filter.Node {
	role, country := "web", "de"
	if k%2 == 0 {
		role, country = "db", "uk"
	}
	snap := facts.NewSnapshot(
		map[string]any{"role": role, "country": country, "osfamily": "debian", "rank": k},
		[]string{"roles::" + role, "base"},
	)
	return filter.Node{Identity: fmt.Sprintf("ruby%d", k), Facts: snap, Agents: []string{"discovery", "rpcutil"}}
}

// TestVectors matches the filters Ruby's mco sent in the captured vectors
// (their "decoded" :filter, rebuilt by hand) against the three peers; want
// lists the peers that answered.
func TestVectors(t *testing.T) {
	roleWeb := []protocol.FactTerm{{Fact: "role", Operator: "==", Value: "web"}}
	tests := []struct {
		vector string
		filter protocol.Filter
		want   []int
	}{
		{"a-ping-request", protocol.Filter{}, []int{1, 2, 3}},
		{"c-find-fact-request", protocol.Filter{Fact: roleWeb, Agent: []string{"rpcutil"}, Collective: "mcollective"}, []int{1, 3}},
		{"d-find-class-request", protocol.Filter{Class: []string{"roles::db"}, Agent: []string{"rpcutil"}, Collective: "mcollective"}, []int{2}},
		{"e-find-identity-regex-request", protocol.Filter{Agent: []string{"rpcutil"}, Identity: []string{"/ruby1/"}, Collective: "mcollective"}, []int{1}},
		{"e-ping-identity-request", protocol.Filter{Identity: []string{"ruby1"}}, []int{1}},
		{"f-find-compound-request", protocol.Filter{Agent: []string{"rpcutil"}, Collective: "mcollective", Compound: [][]protocol.Token{{
			{Kind: protocol.TokenStatement, Value: "role=web"},
			{Kind: protocol.TokenAnd, Value: "and"},
			{Kind: protocol.TokenStatement, Value: "rank>0"},
		}}}, []int{1, 3}},
		{"g-rpc-ping-request", protocol.Filter{Agent: []string{"rpcutil"}}, []int{1, 2, 3}},
		{"l-broadcast-rpc-request", protocol.Filter{Fact: roleWeb, Agent: []string{"rpcutil"}}, []int{1, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.vector, func(t *testing.T) {
			var got []int
			for k := 1; k <= 3; k++ {
				if filter.Match(context.Background(), tc.filter, peer(k)) {
					got = append(got, k)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("matched peers %v, want %v", got, tc.want)
			}
		})
	}
}

// TestVectorFlags checks that the mco flags behind the vectors parse into
// the filters Ruby sent.
func TestVectorFlags(t *testing.T) {
	term, err := filter.ParseFact("role=web") // c-find-fact-request: -F role=web
	if err != nil || term != (protocol.FactTerm{Fact: "role", Operator: "==", Value: "web"}) {
		t.Errorf("ParseFact(role=web) = %+v, %v", term, err)
	}
	stack, err := filter.ParseCompound("role=web and rank>0") // f-find-compound-request
	want := []protocol.Token{
		{Kind: protocol.TokenStatement, Value: "role=web"},
		{Kind: protocol.TokenAnd, Value: "and"},
		{Kind: protocol.TokenStatement, Value: "rank>0"},
	}
	if err != nil || !reflect.DeepEqual(stack, want) {
		t.Errorf("ParseCompound = %+v, %v; want %+v", stack, err, want)
	}
}
