package cli

import (
	"fmt"
	"reflect"
	"testing"
)

func twentyNodes() []string {
	var nodes []string
	for i := 20; i >= 1; i-- {
		nodes = append(nodes, fmt.Sprintf("node%02d", i))
	}
	return nodes
}

// TestLimitNodesRuby checks the picks against Ruby 3.1 running MCollective
// 2.12's pick_nodes_from_discovered with srand(seed).
func TestLimitNodesRuby(t *testing.T) {
	thousand := make([]string, 1000)
	for i := range thousand {
		thousand[i] = fmt.Sprintf("n%d", i+1)
	}
	cases := []struct {
		nodes []string
		spec  string
		seed  int64
		want  []string
	}{
		{twentyNodes(), "3", 1, []string{"node06", "node13", "node15"}},
		{twentyNodes(), "5", 42, []string{"node07", "node16", "node12", "node09", "node17"}},
		{twentyNodes(), "25%", 7, []string{"node16", "node05", "node04", "node10", "node17"}},
		{twentyNodes(), "1%", 0, []string{"node13"}},
		{twentyNodes(), "50%", -9, []string{"node02", "node10", "node20", "node03", "node17", "node16", "node01", "node19", "node18", "node13"}},
		{twentyNodes(), "4", 1<<40 + 3, []string{"node15", "node18", "node09", "node17"}},
		{thousand, "5", 123456789, []string{"n725", "n70", "n374", "n989", "n410"}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%d", c.spec, c.seed), func(t *testing.T) {
			got, err := limitNodes(c.nodes, c.spec, c.seed)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %v, want %v", got, c.want)
			}
			again, _ := limitNodes(c.nodes, c.spec, c.seed)
			if !reflect.DeepEqual(again, got) {
				t.Fatalf("same seed picked %v then %v", got, again)
			}
		})
	}
}

func TestRubyRandSequence(t *testing.T) {
	// ruby -e 'srand(42); p [rand(10), rand(9), rand(8), rand(1000000)]'
	r := newRubyRand(42)
	got := []int{r.intn(10), r.intn(9), r.intn(8), r.intn(1000000)}
	if want := []int{6, 3, 4, 365838}; !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestLimitCount(t *testing.T) {
	cases := []struct {
		spec  string
		total int
		want  int
		ok    bool
	}{
		{"3", 10, 3, true},
		{"30", 10, 30, true},
		{"10%", 10, 1, true},
		{"10%", 5, 1, true},
		{"50%", 7, 3, true},
		{"100%", 7, 7, true},
		{"0%", 7, 1, true},
		{"10%%", 20, 2, true},
		{"0", 10, 0, false},
		{"", 10, 0, false},
		{"-1", 10, 0, false},
		{"1.5", 10, 0, false},
		{"%", 10, 0, false},
		{"ten", 10, 0, false},
		{"5%x", 10, 0, false},
		{"99999999999999999999", 10, 0, false},
	}
	for _, c := range cases {
		got, err := limitCount(c.spec, c.total)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("limitCount(%q, %d) = %d, %v; want %d (ok %v)", c.spec, c.total, got, err, c.want, c.ok)
		}
	}
}

func TestLimitKeepsAll(t *testing.T) {
	nodes := []string{"c", "a", "b"}
	for _, spec := range []string{"3", "5", "100%"} {
		got, err := limitNodes(nodes, spec, 1)
		if err != nil || !reflect.DeepEqual(got, nodes) {
			t.Errorf("limitNodes(%q) = %v, %v; want all", spec, got, err)
		}
	}
	got, err := limitFirst(nodes, "2")
	if err != nil || !reflect.DeepEqual(got, []string{"c", "a"}) {
		t.Errorf("limitFirst = %v, %v", got, err)
	}
	if _, err := limitNodes(nodes, "x", 1); err == nil {
		t.Error("bad spec accepted")
	}
}
