package cli

import (
	"fmt"

	"github.com/marionette-mco/marionette/sdk/ddl"
)

// The plugins built into Marionette rather than found in a libdir: the
// daemon's data plugins, mco's discovery methods, the connectors, the
// validators and aggregate functions. Their DDLs describe the same
// interface as Ruby MCollective 2.12's, so `mco plugin doc` documents them
// alike.

const builtinURL = "https://github.com/marionette-mco/marionette"

func builtinMeta(name, description string, timeout int) string {
	return fmt.Sprintf(`metadata :name => %q,
         :description => %q,
         :author => "The Marionette authors",
         :license => "ASL 2.0",
         :version => "1.0",
         :url => %q,
         :timeout => %d
`, name, description, builtinURL, timeout)
}

const agentDataQuery = `
dataquery :description => "Agent meta data" do
  input :query,
        :prompt => "Agent Name",
        :description => "Valid agent name",
        :type => :string,
        :validation => /^[\w\_]+$/,
        :maxlength => 20

  output :agent, :description => "Agent name", :display_as => "Agent"
  [:license, :timeout, :description, :url, :version, :author].each do |item|
    output item, :description => "Agent #{item}", :display_as => item.to_s.capitalize
  end
end
`

const collectiveDataQuery = `
dataquery :description => "Collective" do
  input :query,
        :prompt => "Collective",
        :description => "Collective name to ask about, eg mcollective",
        :type => :string,
        :validation => /./,
        :maxlength => 256

  output :member, :description => "Node is a member of the named collective", :display_as => "member"
end
`

const factDataQuery = `
dataquery :description => "Fact" do
  input :query,
        :prompt => "Fact Path",
        :description => "Path to a fact, eg network.eth0.address",
        :type => :string,
        :validation => /./,
        :maxlength => 256

  output :exists, :description => "Fact is present", :display_as => "exists"
  output :value, :description => "Fact value", :display_as => "value"
  output :value_encoding, :description => "Encoding of the fact value (text/plain or application/json)", :display_as => "value_encoding"
end
`

const fstatDataQuery = `
dataquery :description => "File stat information" do
  input :query,
        :prompt => "File Name",
        :description => "Valid File Name",
        :type => :string,
        :validation => /.+/,
        :maxlength => 120

  output :name, :description => "File name", :display_as => "Name"
  output :output, :description => "Human readable information about the file", :display_as => "Status"
  output :present, :description => "Indicates if the file exist using 0 or 1", :display_as => "Present"
  output :size, :description => "File size", :display_as => "Size"
  output :mode, :description => "File mode", :display_as => "Mode"
  output :md5, :description => "File MD5 digest", :display_as => "MD5"
  output :uid, :description => "File owner", :display_as => "Owner"
  output :gid, :description => "File group", :display_as => "Group"
  output :type, :description => "File type", :display_as => "Type"
  output :mtime, :description => "File modification time", :display_as => "Modification time"
  output :mtime_seconds, :description => "File modification time in seconds", :display_as => "Modification time"
  output :mtime_age, :description => "File modification age in seconds", :display_as => "Modification age"
  output :ctime, :description => "File change time", :display_as => "Change time"
  output :ctime_seconds, :description => "File change time in seconds", :display_as => "Change time"
  output :ctime_age, :description => "File change age in seconds", :display_as => "Change age"
  output :atime, :description => "File access time", :display_as => "Access time"
  output :atime_seconds, :description => "File access time in seconds", :display_as => "Access time"
  output :atime_age, :description => "File access age in seconds", :display_as => "Access age"
end
`

// builtinPlugins returns the built-in plugins with their DDL sources.
func builtinPlugins() []plugin {
	src := func(kind ddl.Kind, name, text string) plugin {
		return plugin{kind: kind, name: name, source: text}
	}
	return []plugin{
		src(ddl.KindAggregate, "average", builtinMeta("average", "Displays the average of a set of numeric values", 5)),
		src(ddl.KindAggregate, "sum", builtinMeta("sum", "Determine the total added value of a set of values", 5)),
		src(ddl.KindAggregate, "summary", builtinMeta("summary", "Displays the summary of a set of results", 5)),

		src(ddl.KindConnector, "activemq", builtinMeta("ActiveMQ Connector", "Connector plugin for ActiveMQ middleware", 60)),
		src(ddl.KindConnector, "rabbitmq", builtinMeta("RabbitMQ Connector", "Connector plugin for RabbitMQ middleware", 60)),
		src(ddl.KindConnector, "stomp", builtinMeta("STOMP Connector", "Connector plugin for plain STOMP brokers and the embedded broker", 60)),

		src(ddl.KindData, "agent", builtinMeta("Agent", "Meta data about installed MCollective Agents", 1)+agentDataQuery),
		src(ddl.KindData, "collective", builtinMeta("Collective", "Collective membership", 1)+collectiveDataQuery),
		src(ddl.KindData, "fact", builtinMeta("Fact", "Structured fact query", 1)+factDataQuery),
		src(ddl.KindData, "fstat", builtinMeta("File Stat", "Retrieve file stat data for a given file", 1)+fstatDataQuery),

		src(ddl.KindDiscovery, methodFlatfile, builtinMeta("flatfile", "Flatfile based discovery for node identities", 0)+
			"\ndiscovery do\n  capabilities :identity\nend\n"),
		src(ddl.KindDiscovery, methodMC, builtinMeta("mc", "MCollective Broadcast based discovery", 2)+
			"\ndiscovery do\n  capabilities [:classes, :facts, :identity, :agents, :compound]\nend\n"),
		src(ddl.KindDiscovery, methodStdin, builtinMeta("stdin", "STDIN based discovery for node identities", 0)+
			"\ndiscovery do\n  capabilities :identity\nend\n"),

		src(ddl.KindValidator, "array", builtinMeta("Array", "Validates that a value is included in a list", 1)),
		src(ddl.KindValidator, "ipv4address", builtinMeta("IPv4 Address", "Validates that a value is an ipv4 address", 1)),
		src(ddl.KindValidator, "ipv6address", builtinMeta("IPv6 Address", "Validates that a value is an ipv6 address", 1)),
		src(ddl.KindValidator, "length", builtinMeta("Length", "Validates that the length of a string is less or equal to a specified value", 1)),
		src(ddl.KindValidator, "regex", builtinMeta("Regex", "Validates that a string matches a supplied regular expression", 1)),
		src(ddl.KindValidator, "shellsafe", builtinMeta("Shellsafe", "Validates that a string is shellsafe", 1)),
		src(ddl.KindValidator, "typecheck", builtinMeta("Typecheck", "Validates that a value is of a certain type", 1)),
	}
}
