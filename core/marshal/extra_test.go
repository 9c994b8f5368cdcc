package marshal

import (
	"bufio"
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
)

// extraValue is the Go value of a vector in testdata/extra.txt, written by
// Ruby 3.1 (gen-extra.rb). Where Ruby wrote an object link, or an encoding
// the Go mapping does not keep, copy is set: Marshal's bytes differ from
// Ruby's but decode to the same value.
type extraValue struct {
	want any
	copy bool
}

func es(s, enc string) EncodedString { return EncodedString{Value: []byte(s), Encoding: enc} }

func seq[T any](n int, f func(int) T) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

var extraValues = map[string]extraValue{
	"re_plain":           {want: Regexp{"ab", 0}},
	"re_utf8":            {want: Regexp{"é", 16}},
	"re_n":               {want: Regexp{"ab", 32}},
	"re_n_escape":        {want: Regexp{`\xff`, 48}},
	"re_binary":          {want: Regexp{"\xff", 16}},
	"re_options":         {want: Regexp{"ab", 7}},
	"re_u":               {want: Regexp{"a", 16}},
	"re_fixed_i":         {want: Regexp{"ab", 17}},
	"re_eucjp":           {want: Regexp{"a", 16}, copy: true},
	"sym_utf8":           {want: Symbol("é")},
	"sym_utf8_twice":     {want: []any{Symbol("é"), Symbol("é")}},
	"sym_E_first":        {want: []any{Symbol("E"), "x", Symbol("é")}},
	"sym_encoding_first": {want: []any{Symbol("encoding"), es("x", "EUC-JP")}},
	"sym_eucjp":          {want: []any{es("x", "EUC-JP"), Symbol("\xa4\xa2")}, copy: true},
	"enc_names": {want: []any{es("a", "Shift_JIS"), es("b", "Shift_JIS"),
		es("c", "EUC-JP"), es("d", "Shift_JIS")}},
	"enc_utf16":          {want: es("x\x00", "UTF-16LE")},
	"str_empty":          {want: ""},
	"str_empty_binary":   {want: []byte{}},
	"str_empty_ascii":    {want: ASCII("")},
	"str_long":           {want: strings.Repeat("x", 300)},
	"int_2p32m1":         {want: int64(1<<32 - 1)},
	"int_m2p30":          {want: int64(-1 << 30)},
	"int_m2p30m1":        {want: int64(-1<<30 - 1)},
	"int_2p40":           {want: int64(1 << 40)},
	"int_2p63m1":         {want: int64(math.MaxInt64)},
	"int_2p63":           {want: bigInt("9223372036854775808")},
	"int_m2p63":          {want: int64(math.MinInt64)},
	"int_2p64m1":         {want: bigInt("18446744073709551615")},
	"int_m2p64":          {want: bigInt("-18446744073709551616")},
	"int_2p100":          {want: bigInt("1267650600228229401496703205376")},
	"float_repeat":       {want: []any{1.5, 1.5}, copy: true},
	"hash_default_empty": {want: &Hash{Default: int64(5), HasDefault: true}},
	"hash_repeat":        {want: []any{NewHash(0), NewHash(0)}},
	"hash_keys": {want: hash(int64(1), "a", nil, int64(2), []any{int64(1)}, int64(3),
		1.5, int64(4), Symbol("s"), int64(5), []byte("k"), int64(6))},
	"hash_default_array": {want: &Hash{Keys: []any{Symbol("a")}, Values: []any{int64(2)},
		Default: []any{int64(1)}, HasDefault: true}},
	"hash_shared_string": {want: hash(Symbol("a"), "v", Symbol("b"), "v"), copy: true},
	"mixed": {want: []any{nil, true, false, int64(1), int64(-1), 1.5, "s", Symbol("s"),
		[]any{int64(1)}, hash(int64(1), int64(2)), Regexp{"x", 0}, bigInt("1180591620717411303424")}},
	"array_long":   {want: seq(130, func(i int) int64 { return int64(i) })},
	"symbols_many": {want: append(seq(130, func(i int) Symbol { return Symbol("s" + strconv.Itoa(i)) }), Symbol("s129"))},
}

// TestExtraRubyVectors checks more Ruby-written values: regexps, encodings,
// symbols with encodings, Bignum boundaries, links and long counts.
func TestExtraRubyVectors(t *testing.T) {
	sc := bufio.NewScanner(bytes.NewReader(readFile(t, "extra.txt")))
	sc.Buffer(nil, 1<<20)
	seen := 0
	for sc.Scan() {
		name, hexData, _ := strings.Cut(sc.Text(), " ")
		seen++
		t.Run(name, func(t *testing.T) {
			ev, ok := extraValues[name]
			if !ok {
				t.Fatalf("no expected value for %s", name)
			}
			data := mustHex(t, hexData)
			got, err := Unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if !equal(got, ev.want) {
				t.Fatalf("Unmarshal = %s, want %s", show(got), show(ev.want))
			}
			out, err := Marshal(got)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if !ev.copy && !bytes.Equal(out, data) {
				t.Fatalf("Marshal = %x\nRuby wrote %x", out, data)
			}
			again, err := Unmarshal(out)
			if err != nil || !equal(again, ev.want) {
				t.Fatalf("Unmarshal(Marshal) = %s, %v", show(again), err)
			}
		})
	}
	if seen != len(extraValues) {
		t.Errorf("extra.txt has %d vectors, table has %d", seen, len(extraValues))
	}
}
