# Writes extra.txt: one value per line, "name" then "Marshal.dump in hex".
# Run from testdata: ruby gen-extra.rb > extra.txt
v = {}
v['re_plain'] = /ab/
v['re_utf8'] = /é/
v['re_n'] = /ab/n
v['re_n_escape'] = /\xff/n
v['re_binary'] = Regexp.new("\xff".b)
v['re_options'] = /ab/mix
v['re_u'] = /a/u
v['re_fixed_i'] = Regexp.new('ab', Regexp::IGNORECASE | Regexp::FIXEDENCODING)
v['re_eucjp'] = /a/e
v['sym_utf8'] = :"é"
v['sym_utf8_twice'] = [:"é", :"é"]
v['sym_E_first'] = [:E, 'x', :"é"]
v['sym_encoding_first'] = [:encoding, 'x'.encode('EUC-JP')]
v['sym_eucjp'] = ['x'.encode('EUC-JP'), 'あ'.encode('EUC-JP').to_sym]
v['enc_names'] = ['a'.encode('Shift_JIS'), 'b'.encode('Shift_JIS'), 'c'.encode('EUC-JP'), 'd'.encode('Shift_JIS')]
v['enc_utf16'] = 'x'.encode('UTF-16LE')
v['str_empty'] = ''
v['str_empty_binary'] = ''.b
v['str_empty_ascii'] = ''.encode('US-ASCII')
v['str_long'] = 'x' * 300
v['int_2p32m1'] = 2**32 - 1
v['int_m2p30'] = -(2**30)
v['int_m2p30m1'] = -(2**30) - 1
v['int_2p40'] = 2**40
v['int_2p63m1'] = 2**63 - 1
v['int_2p63'] = 2**63
v['int_m2p63'] = -(2**63)
v['int_2p64m1'] = 2**64 - 1
v['int_m2p64'] = -(2**64)
v['int_2p100'] = 2**100
v['float_repeat'] = [1.5, 1.5]
v['hash_default_empty'] = Hash.new(5)
v['hash_repeat'] = [{}, {}]
v['hash_keys'] = { 1 => 'a', nil => 2, [1] => 3, 1.5 => 4, :s => 5, 'k'.b => 6 }
v['hash_default_array'] = Hash.new([1]).merge!(a: 2)
s = 'v'
v['hash_shared_string'] = { a: s, b: s }
v['mixed'] = [nil, true, false, 1, -1, 1.5, 's', :s, [1], { 1 => 2 }, /x/, 2**70]
v['array_long'] = (0...130).to_a
v['symbols_many'] = (0...130).map { |i| :"s#{i}" } + [:s129]
v.each { |name, value| puts "#{name} #{Marshal.dump(value).unpack1('H*')}" }
