package marshal

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"math"
	"math/big"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
)

// valueGen builds random values of the Go mapping. With ruby set it keeps
// to values Ruby reads and writes back unchanged: no repeated floats (Ruby
// links them), hash keys Ruby would not merge, regexps Ruby compiles.
type valueGen struct {
	r      *rand.Rand
	ruby   bool
	floats map[uint64]bool
}

func newValueGen(seed uint64, ruby bool) *valueGen {
	return &valueGen{r: rand.New(rand.NewPCG(seed, 1)), ruby: ruby, floats: map[uint64]bool{}}
}

var genEncodings = []string{"Shift_JIS", "EUC-JP", "UTF-16LE", "ISO-8859-1", "Windows-1252"}

var genRegexps = []Regexp{{"ab+c", 0}, {"^x$", 1}, {"[a-z]*", 2}, {"a.b", 4}, {"(?<n>x)", 7}, {"é+", 16}, {"", 0}}

func (g *valueGen) value(depth int) any {
	n := 14
	if depth <= 0 {
		n = 12
	}
	switch g.r.IntN(n) {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2:
		return g.int()
	case 3:
		return g.bigInt()
	case 4:
		return g.float()
	case 5:
		return g.text(false)
	case 6:
		return ASCII(g.text(true))
	case 7:
		if g.ruby {
			return []byte(g.text(true))
		}
		return []byte(g.bytes())
	case 8:
		return EncodedString{Value: []byte(g.bytes()), Encoding: genEncodings[g.r.IntN(len(genEncodings))]}
	case 9:
		return Symbol(g.text(g.r.IntN(4) > 0))
	case 10:
		if g.ruby {
			return genRegexps[g.r.IntN(len(genRegexps))]
		}
		return Regexp{Source: g.bytes(), Options: byte(g.r.IntN(256))}
	case 11:
		return g.text(true)
	case 12:
		a := make([]any, g.r.IntN(6))
		for i := range a {
			a[i] = g.value(depth - 1)
		}
		return a
	}
	return g.hash(depth)
}

func (g *valueGen) hash(depth int) *Hash {
	h := NewHash(0)
	for range g.r.IntN(6) {
		var k any
		switch {
		case g.ruby && g.r.IntN(2) == 0:
			k = Symbol(g.text(true))
		case g.ruby:
			k = g.int()
		default:
			k = g.value(depth - 1)
		}
		h.Set(k, g.value(depth-1))
	}
	if g.r.IntN(4) == 0 {
		h.Default, h.HasDefault = g.value(depth-1), true
		if g.ruby && h.Default == nil {
			h.Default = true
		}
	}
	return h
}

func (g *valueGen) int() int64 {
	switch g.r.IntN(4) {
	case 0:
		return int64(g.r.IntN(600)) - 300
	case 1:
		return int64(g.r.Uint64() >> (1 + g.r.IntN(63)))
	case 2:
		return -int64(g.r.Uint64() >> (1 + g.r.IntN(63)))
	}
	return []int64{1 << 30, 1<<30 - 1, -1 << 30, -1<<30 - 1, math.MaxInt64, math.MinInt64, 1 << 31, 1<<32 - 1}[g.r.IntN(8)]
}

func (g *valueGen) bigInt() *big.Int {
	n := new(big.Int).Lsh(big.NewInt(int64(g.r.IntN(1000)+1)), uint(63+g.r.IntN(100)))
	if g.r.IntN(2) == 0 {
		n.Neg(n)
	}
	return n
}

func (g *valueGen) float() float64 {
	for {
		var f float64
		switch g.r.IntN(4) {
		case 0:
			f = math.Float64frombits(g.r.Uint64())
		case 1:
			f = float64(g.r.IntN(100000)) / 100
		case 2:
			f = []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e100, 5e-324}[g.r.IntN(7)]
		default:
			f = g.r.NormFloat64() * math.Pow(10, float64(g.r.IntN(40)-20))
		}
		if !g.ruby {
			return f
		}
		if bits := math.Float64bits(f); !g.floats[bits] && !math.IsNaN(f) {
			g.floats[bits] = true
			return f
		}
	}
}

func (g *valueGen) text(ascii bool) string {
	const alphabet = "abcxyzAZ09_ -:E"
	var b strings.Builder
	for range g.r.IntN(12) {
		if !ascii && g.r.IntN(5) == 0 {
			b.WriteRune([]rune("éあ€𝄞ß")[g.r.IntN(5)])
			continue
		}
		b.WriteByte(alphabet[g.r.IntN(len(alphabet))])
	}
	return b.String()
}

func (g *valueGen) bytes() string {
	b := make([]byte, g.r.IntN(12))
	for i := range b {
		b[i] = byte(g.r.IntN(256))
	}
	return string(b)
}

// TestRoundTrip marshals random values and checks they decode to equal
// values.
func TestRoundTrip(t *testing.T) {
	g := newValueGen(1, false)
	for i := range 3000 {
		v := g.value(4)
		data, err := Marshal(v)
		if err != nil {
			t.Fatalf("#%d Marshal(%s): %v", i, show(v), err)
		}
		got, err := Unmarshal(data)
		if err != nil {
			t.Fatalf("#%d Unmarshal(%x) of %s: %v", i, data, show(v), err)
		}
		if !equal(got, v) {
			t.Fatalf("#%d round trip of %s gave %s", i, show(v), show(got))
		}
	}
}

// TestRubyRoundTrip has Ruby load and dump random values written by
// Marshal and checks Ruby writes the very same bytes. It needs ruby on
// PATH and is skipped in -short mode.
func TestRubyRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ruby")
	}
	ruby, err := exec.LookPath("ruby")
	if err != nil {
		t.Skip("ruby not found")
	}
	g := newValueGen(2, true)
	var in bytes.Buffer
	var sent [][]byte
	for range 1000 {
		g.floats = map[uint64]bool{}
		data, err := Marshal(g.value(4))
		if err != nil {
			t.Fatal(err)
		}
		sent = append(sent, data)
		in.WriteString(hex.EncodeToString(data) + "\n")
	}
	cmd := exec.Command(ruby, "-e", `STDIN.each_line { |l| puts Marshal.dump(Marshal.load([l.chomp].pack("H*"))).unpack1("H*") }`)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ruby: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n := 0
	for i := 0; sc.Scan(); i++ {
		n++
		if got := sc.Text(); got != hex.EncodeToString(sent[i]) {
			v, _ := Unmarshal(sent[i])
			t.Errorf("value %s\nMarshal wrote %x\n   Ruby wrote %s", show(v), sent[i], got)
		}
	}
	if n != len(sent) {
		t.Fatalf("ruby answered %d of %d values", n, len(sent))
	}
}
