# Writes floats.txt: one Float per line, "IEEE-754 bits in hex" then
# "Marshal.dump in hex". Run from testdata: ruby gen-floats.rb > floats.txt
rng = Random.new(20240601)
floats = [0.0, -0.0, Float::INFINITY, -Float::INFINITY, Float::NAN,
          Float::MAX, -Float::MAX, Float::MIN, Float::EPSILON, 5e-324, 2.225073858507201e-308]
(-325..308).each { |e| floats << "1e#{e}".to_f << "-5e#{e}".to_f << "1.25e#{e}".to_f }
(-1074..1023).step(7) { |e| floats << 2.0**e }
[2**53 - 1, 2**53, 2**53 + 2, 2**63, 2**64, 10**15, 10**16, 10**17, 123456789012345680].each { |i| floats << i.to_f << -i.to_f }
(1..200).each { |k| floats << k * 0.1 << k / 3.0 << k * 1000.0 << k / 10000.0 << k / 100000.0 }
500.times { floats << rng.rand(1_000_000) / 1000.0 }
1000.times do
  f = [rng.bytes(8)].pack('a8').unpack1('E')
  floats << f unless f.nan?
end
floats.each do |f|
  puts "#{[f].pack('G').unpack1('H*')} #{Marshal.dump(f).unpack1('H*')}"
end
