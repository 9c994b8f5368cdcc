// Package ddl owns MCollective Data Description Language files as data: the
// agent, data, discovery, validator and other plugin DDLs that describe a
// plugin's metadata, its actions, their inputs and outputs.
//
// Two sources load into the same model: the Ruby DSL real DDL files are
// written in (metadata, action, input, output, summarize, dataquery, ...),
// read by a small hand-written lexer and evaluator for the subset those files
// use, and Choria's JSON DDL. ParseFile picks the reader by extension.
//
// The package also validates request inputs the way Ruby MCollective 2.12's
// DDL::AgentDDL#validate_rpc_request does, converts command line key=value
// strings to typed values, fills reply defaults, and renders the text
// `mco plugin doc` prints.
//
// # The Ruby subset
//
// Statements are method calls with or without parentheses, local variable
// assignment and blocks (do ... end, { ... }). Values are strings ('...',
// "..." with escapes and #{} interpolation, %q %Q %() and heredocs <<ID,
// <<-ID, <<~ID), symbols (:name, :"name"), integers, floats, true, false,
// nil, arrays ([...] and %w[], %W[], %i[], %I[] without interpolation),
// hashes with => and key: value pairs, and regexp literals (/.../ with
// options i and m, %r{...}, without interpolation). The only operator is +
// (strings, numbers, arrays). Methods on values are limited to:
//
//	String    to_s to_str to_sym intern inspect capitalize upcase downcase
//	          swapcase strip lstrip rstrip chomp sub gsub length size
//	          freeze dup (sub and gsub take a string or regexp and a
//	          replacement string with \0 \& \1..\9 \k<name>)
//	Symbol    to_s to_sym id2name name inspect capitalize upcase downcase
//	          swapcase length size
//	Integer, Float  to_s to_i to_f inspect
//	Array     each each_with_index map collect join first last length
//	          size to_a flatten freeze dup inspect to_s
//	Hash      each each_pair keys values length size to_h freeze dup
//	          inspect to_s
//	nil, true, false  to_s inspect
//
// The DDL methods are metadata, requires, usage, action, display, input,
// output, summarize, aggregate (any function name inside summarize),
// dataquery, discovery and capabilities. Anything else (if, unless, def,
// constants, other operators, other methods) is an error naming the
// construct and its file:line.
//
// # Regular expressions
//
// Validation patterns are compiled with Go's regexp package. Ruby-only
// escapes \h, \H and \Z are translated; the i and m options of a /regexp/
// literal map to Go's (?i) and (?s); the x option and constructs RE2 lacks
// (look-around, back-references) are errors when the DDL is read. Unlike
// Ruby, ^ and $ match only at the start and end of the value, not of each
// line, so a value with an embedded newline cannot slip past '^\w+$'.
package ddl
