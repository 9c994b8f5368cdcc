# Generates ../ruby.json: what Ruby MCollective 2.12 itself answers for the
# filter cases the Go tests replay (filter_ruby_test.go).
#
#   cd core/filter && RUBYLIB=/usr/lib/ruby/vendor_ruby ruby testdata/ruby/gen.rb > testdata/ruby.json
#
# It stubs only what a daemon would read from disk and config (facts,
# classes file, identity, agents, collectives) and runs Ruby's own code:
# Util.parse_fact_string, Matcher.create_compound_callstack,
# Util.test_fact_value and Security::Base#validate_filter? with the
# shipped fact, agent, collective and fstat data plugins.
$LOAD_PATH.unshift "/usr/lib/ruby/vendor_ruby"
require "mcollective"
require "json"
require "tempfile"

include MCollective

module MCollective
  class Log
    def self.log(*_args); end
  end
end

NODE = {
  "identity" => "web1.example.com",
  "facts" => {
    "role" => "web", "rank" => "1", "country" => "de", "osfamily" => "debian",
    "load" => "1.50", "octal" => "010", "eight" => "08", "version" => "10.5",
    "ips" => ["10.0.0.1", "10.0.0.2"],
    "os" => {"family" => "Debian", "release" => {"major" => "12", "full" => "12.5"}},
    "empty" => "", "nested" => [["a"], "b"], "multi" => "line1\nline2",
  },
  "classes" => ["roles::web", "base", "profile::ntp"],
  "agents" => ["rpcutil", "discovery", "package"],
  "collectives" => ["mcollective", "eu_collective"],
  "agent_meta" => {
    "rpcutil" => {"license" => "Apache License, Version 2.0", "timeout" => 2,
                  "description" => "General helpful actions", "url" => "https://docs.puppetlabs.com/mcollective/",
                  "version" => "1.0", "author" => "R.I.Pienaar"},
    "package" => {"license" => "ASL 2.0", "timeout" => 180, "description" => "Install packages",
                  "url" => "https://example.com/", "version" => "4.4.0", "author" => "someone"},
  },
}.freeze

class StubFacts < Facts::Base
  def load_facts_from_source
    NODE["facts"]
  end
end

class StubAgent
  attr_reader :meta

  def initialize(meta)
    @meta = meta.map { |k, v| [k.to_sym, v] }.to_h
  end
end

class StubStats
  def passed; end

  def filtered; end
end

CLASSES_FILE = Tempfile.new("classes")
CLASSES_FILE.write(NODE["classes"].join("\n") + "\n")
CLASSES_FILE.flush

config = Config.instance
config.instance_variable_set(:@identity, NODE["identity"])
config.instance_variable_set(:@classesfile, CLASSES_FILE.path)
config.instance_variable_set(:@collectives, NODE["collectives"])
config.instance_variable_set(:@libdir, ["/usr/lib/ruby/vendor_ruby"])
config.instance_variable_set(:@fact_cache_time, 300)

# StubFacts registered itself as facts_plugin (Facts::Base.inherited).
PluginManager << {:type => "global_stats", :class => StubStats.new}
NODE["agent_meta"].each { |name, meta| PluginManager << {:type => "#{name}_agent", :class => StubAgent.new(meta)} }
agents = NODE["agents"]
Agents.define_singleton_method(:agentlist) { agents }
%w[fact agent collective fstat].each { |d| require "mcollective/data/#{d}_data" }
SECURITY = Security::Base.new

def error_of(e)
  "#{e.class}: #{e.message.gsub(/\e\[\d+m/, '')}"
end

def jsonable(stack)
  stack.map do |tok|
    k, v = tok.first
    next {k => v} unless k == "fstatement"

    f = v.dup
    if f["r_compare"].is_a?(Regexp)
      f["r_compare_regex"] = f["r_compare"].source
      f.delete("r_compare")
    end
    {k => f}
  end
end

PARSE_FACT = [
  "role=web", "role==web", "role=/web/", "role=~web", "role=~/web/", "rank>=1", "rank=>1",
  "rank=<1", "rank<=1", "rank<1", "rank>1", "rank!=1", "role = web", "role  =  /w b/",
  "os.family=Debian", "a=b=c", "a=", "=a", "role", "foo bar=baz", "a => 1", "x=/a/b/",
  "path=/etc/", "a!=/x/", "a<>b", "role=web server", "a==", "a =~ b", "a=>", "a>=b>=c",
  " role=web", "a=/", "a=//", "a=///", "é=ü",
].freeze

WITH = ["roles::web role=web", "base rank>5", "  a   b=c\td  ", "x= y", "", "a=/b c/"].freeze

COMPOUND = [
  "role=web and rank>0", "role=web or rank>0 and country=de", "not (role=web and rank>0)",
  "!role=web", "! role=web", "roles::web", "/roles::w/", "/web/ and base", "role = web",
  "role =web", "role= web", "rank >= 1", "(a or b) and (c or d)", "((a))", "not not a",
  "a and not b", "a and", "or a", "a and and b", "(a", "a)", "a ) )", "()", " a", "a  and  b",
  "bar(", "/foo/=bar", "foo/=bar", "a/b", "fstat('/etc/hosts').size>0",
  "fstat(\"/etc/hosts\").size>=100", "fact('os.family').value=/deb/",
  "fact('os.family').value!=/deb/", "fact('role').value=web", "agent('rpcutil').version=1.0",
  "collective('mcollective').member=true", "fstat('/a.b').present=1",
  "fstat('/etc/hosts').size", "fstat('/x')=1", "foo()=1", "fact('x').value='a b'",
  "role='web server'", "role=\"a\\\"b\"", "os.family=/deb/i", "a=//", "=foo", "nota", "andrew",
  "oregon", "not(a)", "and(a)", "a or(b)", "x>1 and y<2", "x!=1",
  "fstat('/etc/hosts').mtime_age<3600 and role=web", "Fact('role').value=web",
  "fact('role', 'x').value=1", "roles::web and not /db/", "a and (b or not c)",
  "fstat('/etc/hosts').size>0)", "té=ü", "a\tb", "a=/b c/", "fact('a=b').value=1",
  "fact('a').value>=/x/", "fact('a(b').value=1", "fact('a').value=a=b", "a = = b", "a b",
  "role=web and (rank>0 or", "a)(b", "not", "!", "a and !b", "a=\\b", "fact('x').value=", "",
  "fact('x').value=/a b/", "fstat('`x`').size=0",
].freeze

FACT_VALUES = ["1", "01", "010", "08", "5", "10", "9", "1.5", "10.5", "1.50", "1e5", "1_5", "1a5",
               "0x5", "abc", "web", "", "123456789012345678901234567890", "-1", " 5", "5\n"].freeze
FILTER_VALUES = ["1", "5", "10", "08", "010", "1.5", "5.0", "1e5", "1_5", "abc", "web", "/we/",
                 "we", "^w.b$", "(", "", "/(/", "9"].freeze
OPERATORS = ["==", "=~", "!=", "<", ">", "<=", ">=", "=", "!=~"].freeze

def outcome
  yield ? true : false
rescue Exception => e # rubocop:disable Lint/RescueException
  "error"
end

H = "testdata/fstat/hello.txt"
M = "testdata/fstat/missing"
SCENARIOS = [
  {},
  {"fact" => ["role=web"]}, {"fact" => ["role=db"]}, {"fact" => ["rank>0"]},
  {"fact" => ["rank>=1"]}, {"fact" => ["rank<1"]}, {"fact" => ["rank!=1"]},
  {"fact" => ["rank=>1"]}, {"fact" => ["rank=<1"]}, {"fact" => ["octal>9"]},
  {"fact" => ["octal<9"]}, {"fact" => ["eight>7"]}, {"fact" => ["eight!=8"]},
  {"fact" => ["load=1.50"]}, {"fact" => ["load>1.5"]}, {"fact" => ["load>=1.5"]},
  {"fact" => ["version>9"]}, {"fact" => ["version>9.0"]}, {"fact" => ["ips=10.0.0.2"]},
  {"fact" => ["ips=/10\\.0\\.0\\.3/"]}, {"fact" => ["os=family"]}, {"fact" => ["country=/^d/"]},
  {"fact" => ["missing=x"]}, {"fact" => ["role=~^w"]}, {"fact" => ["multi=/^line2$/"]},
  {"fact" => ["nested!=x"]}, {"fact" => ["nested<x"]}, {"fact" => ["nested=b"]},
  {"fact" => ["empty<a"]}, {"fact" => ["role=web", "rank>5"]}, {"fact" => ["role=/(/"]},
  {"class" => ["roles::web"]}, {"class" => ["/^roles::/"]}, {"class" => ["roles::db"]},
  {"class" => ["/db/"]}, {"class" => ["base", "roles::web"]}, {"class" => ["/ro/les/"]},
  {"class" => ["/(/"]},
  {"agent" => ["rpcutil"]}, {"agent" => ["/util/"]}, {"agent" => ["mcollective"]},
  {"agent" => ["nope"]}, {"agent" => ["rpcutil", "package"]},
  {"identity" => ["web1.example.com"]}, {"identity" => ["/web1/"]},
  {"identity" => ["web1.example.com", "/web/"]}, {"identity" => ["other", "web1.example.com"]},
  {"identity" => ["/^db/"]}, {"identity" => ["/(/"]}, {"identity" => ["web1.example.com", "web1.example.com"]},
  {"with" => "roles::web role=web"}, {"with" => "base rank>5"},
  {"agent" => ["rpcutil"], "identity" => ["/web/"], "class" => ["base"], "fact" => ["country=de"]},
  {"select" => ["role=web and rank>0"]}, {"select" => ["role=db or rank>0"]},
  {"select" => ["role=db or rank>0 and country=fr"]}, {"select" => ["not (role=web and rank>0)"]},
  {"select" => ["!role=db"]}, {"select" => ["roles::web and not /db/"]}, {"select" => ["rank!=1"]},
  {"select" => ["os=family"]}, {"select" => ["rank>0 and (country=de or country=fr)"]},
  {"select" => ["role=web", "rank>5"]}, {"select" => ["role = web"]}, {"select" => ["role=/^w/"]},
  {"select" => ["octal>9"]}, {"select" => ["rank=>1"]}, {"select" => ["role=web=x"]},
  {"select" => ["/ro/les/"]}, {"select" => ["a ) )"]}, {"select" => [""]},
  {"select" => ["fstat('#{H}').size=17"]}, {"select" => ["fstat('#{H}').md5=/^e570/"]},
  {"select" => ["fstat('#{H}').present=1"]}, {"select" => ["fstat('#{M}').present=0"]},
  {"select" => ["fstat('#{M}').mtime_age>0"]}, {"select" => ["not fstat('#{M}').mtime_age>0"]},
  {"select" => ["fstat('#{H}').type=file"]}, {"select" => ["fstat('#{H}').size>=17.0"]},
  {"select" => ["fstat('#{H}').size>abc"]}, {"select" => ["fstat('#{H}').size=/17/"]},
  {"select" => ["fstat('#{H}').output=present"]}, {"select" => ["fstat('#{M}').type=unknown"]},
  {"select" => ["fstat('#{M}').md5=0"]}, {"select" => ["fstat('#{H}').size<0x20"]},
  {"select" => ["fstat('`x`').size=0"]}, {"select" => ["fstat('').size=0"]},
  {"select" => ["fact('role').value=web"]}, {"select" => ["fact('rank').value>0"]},
  {"select" => ["fact('os.family').value=Debian"]}, {"select" => ["fact('os.release').value=/major/"]},
  {"select" => ["fact('os').value_encoding=/json/"]}, {"select" => ["fact('ips.1').value=10.0.0.2"]},
  {"select" => ["fact('ips.-1').value=10.0.0.2"]}, {"select" => ["fact('ips.5').exists=false"]},
  {"select" => ["fact('ips.x').exists=false"]}, {"select" => ["fact('missing').exists=false"]},
  {"select" => ["not fact('missing').exists=true"]}, {"select" => ["fact('missing').value=false"]},
  {"select" => ["fact('role').exists=yes"]}, {"select" => ["fact('role.x').exists=false"]},
  {"select" => ["agent('rpcutil').version=1.0"]}, {"select" => ["agent('rpcutil').timeout>1"]},
  {"select" => ["agent('rpcutil').timeout=2.0"]}, {"select" => ["agent('nope').version=1"]},
  {"select" => ["not agent('nope').version=1"]}, {"select" => ["agent('rpc-util').version=1"]},
  {"select" => ["agent('rpcutil').agent=rpcutil"]},
  {"select" => ["collective('mcollective').member=true"]}, {"select" => ["collective('other').member=false"]},
  {"select" => ["collective('mcollective').member>0"]}, {"select" => ["collective('mcollective').member=yes"]},
  {"select" => ["nosuch('x').y=1"]}, {"select" => ["not nosuch('x').y=1"]},
  {"select" => ["role=web or nosuch('x').y=1"]}, {"select" => ["Fact('role').value=web"]},
  {"select" => ["fact_data('role').value=web"]}, {"select" => ["fact('role').nofield=1"]},
  {"select" => ["fact('role').value=~web"]}, {"select" => ["fact('role').value!=db"]},
  {"select" => ["fact('role').value!=/^w/"]}, {"select" => ["fact('role').value=/(/"]},
].freeze

def build_filter(s)
  f = Util.empty_filter
  (s["fact"] || []).each { |x| f["fact"] << Util.parse_fact_string(x) }
  (s["class"] || []).each { |x| f["cf_class"] << x }
  (s["agent"] || []).each { |x| f["agent"] << x }
  (s["identity"] || []).each { |x| f["identity"] << x }
  if s["with"]
    s["with"].split(" ").each do |w|
      f["fact"] << Util.parse_fact_string(w)
    rescue StandardError
      f["cf_class"] << w
    end
  end
  (s["select"] || []).each { |x| f["compound"] << Matcher.create_compound_callstack(x) }
  f
end

out = {"node" => NODE}

out["parse_fact"] = PARSE_FACT.map do |s|
  begin
    r = Util.parse_fact_string(s)
    {"in" => s, "fact" => r[:fact], "operator" => r[:operator], "value" => r[:value]}
  rescue StandardError => e
    {"in" => s, "error" => error_of(e)}
  end
end

out["with"] = WITH.map do |s|
  facts = []
  classes = []
  s.split(" ").each do |w|
    r = Util.parse_fact_string(w)
    facts << {"fact" => r[:fact], "operator" => r[:operator], "value" => r[:value]}
  rescue StandardError
    classes << w
  end
  {"in" => s, "facts" => facts, "classes" => classes}
end

out["compound"] = COMPOUND.map do |s|
  begin
    {"in" => s, "stack" => jsonable(Matcher.create_compound_callstack(s))}
  rescue Exception => e # rubocop:disable Lint/RescueException
    {"in" => s, "error" => error_of(e)}
  end
end

out["test_fact_value"] = FACT_VALUES.product(FILTER_VALUES, OPERATORS).map do |f, v, op|
  [f, v, op, outcome { Util.send(:test_fact_value, f.dup, v.dup, op) }]
end

out["scenarios"] = SCENARIOS.map do |s|
  f = begin
    build_filter(s)
  rescue Exception => e # rubocop:disable Lint/RescueException
    next s.merge("client_error" => error_of(e))
  end
  compound = f["compound"].map { |c| jsonable(c) }
  s.merge("filter" => f.merge("compound" => compound), "match" => outcome { SECURITY.validate_filter?(f) })
end

# One test_fact_value case a line keeps the file small and diffable.
grid = out.delete("test_fact_value")
text = JSON.pretty_generate(out)
rows = grid.map { |row| "    #{JSON.generate(row)}" }.join(",\n")
puts text.sub(/\n\}\z/, ",\n  \"test_fact_value\": [\n#{rows}\n  ]\n}")
