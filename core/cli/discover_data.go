package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/marionette-mco/marionette/core/filter"
	"github.com/marionette-mco/marionette/core/protocol"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// checkDataCalls checks the data plugin calls of a -S expression against
// the data plugins' DDLs before anything is sent, as Ruby's mco does
// (Message#validate_compound_filter): the plugin must exist, its query
// must pass the DDL's validation and the field compared must be one of
// its outputs.
func checkDataCalls(expr string, tokens []protocol.Token) error {
	plugins := map[string]*ddl.DDL{}
	var names []string
	for _, p := range builtinPlugins() {
		if p.kind != ddl.KindData {
			continue
		}
		d, err := p.load()
		if err != nil {
			return err
		}
		plugins[p.name] = d
		names = append(names, p.name)
	}
	slices.Sort(names)
	for _, t := range tokens {
		fc := t.Func
		if t.Kind != protocol.TokenFStatement || fc == nil {
			continue
		}
		d, ok := plugins[filter.DataKey(fc.Name)]
		if !ok {
			return fmt.Errorf("-S %q: unknown data plugin %s() (known: %s)", expr, fc.Name, strings.Join(names, ", "))
		}
		if _, err := d.ValidateQuery(fc.Params, nil); err != nil {
			return fmt.Errorf("-S %q: %s(%q): %w", expr, fc.Name, fc.Params, err)
		}
		if fc.Field == "" || d.DataQuery.Output(fc.Field) == nil {
			return fmt.Errorf("-S %q: data plugin '%s()' does not return a '%s' value", expr, fc.Name, fc.Field)
		}
	}
	return nil
}
