# Run from this directory with Ruby 3.1: ruby gen_format.rb > format.json
require 'json'
fmts = ["%d", "%5d", "%-5d|", "%05d", "%+d", "%x", "%o", "%b", "%f", "%.2f", "%10.3f", "%-10.1f|", "%e", "%g", "%.3g", "%10.4g", "%s", "%10s", "%-10s|", "%p", "Matching processes: %d", "Average RTT: %.3f ms", "Sum of x: %f", "%5s = %s", "%%d %d"]
args = [42, -7, 3.7, -3.7, 1234567.891, 0.0001, "12", "web", nil, true, [1, "a"], 2**70, 1.0/0]
out = []
fmts.each { |f| args.each { |a|
  begin
    r = (f.count("%") - 2*f.scan("%%").size) >= 2 ? f % [a, a] : f % [a]
    out << {"f" => f, "a" => Marshal.dump(a).unpack1("H*"), "r" => r}
  rescue => e
    out << {"f" => f, "a" => Marshal.dump(a).unpack1("H*"), "err" => e.class.to_s}
  end
} }
puts JSON.generate(out)
