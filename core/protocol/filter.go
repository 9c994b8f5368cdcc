package protocol

// Filter is MCollective's request filter: a node answers only when every
// non-empty part matches. The zero value matches every node.
type Filter struct {
	// Fact terms, all of which must match.
	Fact []FactTerm
	// Class names or /regex/ patterns, all of which must match.
	Class []string
	// Agent names or /regex/ patterns, all of which must match.
	Agent []string
	// Identity names or /regex/ patterns; any one matching is enough.
	Identity []string
	// Compound holds -S expressions, each a list of tokens in Ruby's
	// call-stack form; all of them must match.
	Compound [][]Token
	// Collective is sent by Ruby's discovery requests and ignored by nodes.
	Collective string
}

// FactTerm is one fact comparison: Fact Operator Value, with Operator one of
// ==, =~, !=, <, >, <=, >=.
type FactTerm struct {
	Fact     string
	Operator string
	Value    string
}

// TokenKind names a compound filter token as Ruby's matcher parser does.
type TokenKind string

// Compound filter token kinds, as Ruby's parser names them.
const (
	TokenStatement  TokenKind = "statement"
	TokenFStatement TokenKind = "fstatement"
	TokenAnd        TokenKind = "and"
	TokenOr         TokenKind = "or"
	TokenNot        TokenKind = "not"
	TokenOpen       TokenKind = "("
	TokenClose      TokenKind = ")"
)

// Token is one element of a compound filter's call stack. Statement tokens
// carry Value; fstatement tokens (data plugin calls) carry Func.
type Token struct {
	Kind  TokenKind
	Value string
	Func  *FuncCall
}

// FuncCall is a data plugin comparison such as fstat("/etc/hosts").size>0.
// When the right-hand side was a /regex/, Regex is set and Value holds its
// source.
type FuncCall struct {
	Name     string
	Params   string
	Field    string
	Operator string
	Value    string
	Regex    bool
}

// Empty reports whether the filter selects every node.
func (f Filter) Empty() bool {
	return len(f.Fact) == 0 && len(f.Class) == 0 && len(f.Agent) == 0 &&
		len(f.Identity) == 0 && len(f.Compound) == 0
}
