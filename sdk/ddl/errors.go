package ddl

import "fmt"

// ParseError is a problem in a DDL file: a syntax error, a construct outside
// the supported Ruby subset, or a declaration Ruby MCollective would refuse.
type ParseError struct {
	Pos Pos    // where the problem is
	Msg string // what it is
}

// Error renders the error as file:line: message.
func (e *ParseError) Error() string {
	return e.Pos.String() + ": " + e.Msg
}

// failer raises ParseErrors for one file. The lexer, parser and evaluator
// raise them with panic and Parse turns them back into errors; any other
// panic is left alone so that bugs stay visible.
type failer struct {
	file string
}

func (f failer) fail(line int, format string, args ...any) {
	panic(&ParseError{Pos: Pos{File: f.file, Line: line}, Msg: fmt.Sprintf(format, args...)})
}

// catch turns a ParseError panic into *err.
func catch(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if pe, ok := r.(*ParseError); ok {
		*err = pe
		return
	}
	panic(r)
}
