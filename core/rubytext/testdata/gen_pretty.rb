# Run from this directory with Ruby 3.1: ruby gen_pretty.rb
# Generates testdata/pretty.json: random nested values as Ruby Marshal bytes
# with Ruby 3.1's inspect and pretty_inspect of each.
require 'json'
require 'pp'
require 'base64'
srand(20261126)
WORDS = %w[a web db de uk rpcutil discovery node1 mcollective roles::web base x osfamily 2.12.5 pid times] +
        ["with space", "quote\"d", "back\\slash", "line\nbreak", "tab\t", "é", "#{'#'}{interp}", "long" * 12]
def rnd(depth)
  r = rand(depth > 2 ? 6 : 9)
  case r
  when 0 then WORDS.sample
  when 1 then rand(-1000..100000)
  when 2 then [rand * 1000, 1.0e20, 0.00001, 12.5, 100.0].sample
  when 3 then [true, false, nil].sample
  when 4 then WORDS.sample.to_sym
  when 5 then 2**70
  when 6, 7 then Array.new(rand(0..12)) { rnd(depth + 1) }
  else
    h = {}
    rand(0..8).times { h[[WORDS.sample, WORDS.sample.to_sym].sample] = rnd(depth + 1) }
    h
  end
end
cases = []
200.times do
  v = rnd(0)
  v = [v] unless v.is_a?(Array) || v.is_a?(Hash)
  cases << {"marshal" => Base64.strict_encode64(Marshal.dump(v)), "inspect" => v.inspect, "pretty" => v.pretty_inspect}
end
File.write("pretty.json", JSON.pretty_generate(cases))
