package cli

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/marionette-mco/marionette/core/libdir"
	"github.com/marionette-mco/marionette/sdk/ddl"
)

// invocation is what mco rpc was asked to do: an agent's action and its
// key=value arguments as typed, in order.
type invocation struct {
	agent, action string
	args          []rawArg
}

type rawArg struct{ key, value string }

// argPattern is Ruby's /^(.+?)=(.+)$/: a key, the first =, a value.
var argPattern = regexp.MustCompile(`^(?s)(.+?)=(.+)$`)

// parseInvocation takes the agent and action from --agent and --action or
// else from the first positional arguments, as Ruby's rpc application
// does, and the arguments from --arg and the remaining positionals.
func parseInvocation(agent, action string, flagArgs, positional []string) (invocation, error) {
	inv := invocation{agent: agent, action: action}
	rest := positional
	if inv.agent == "" && len(rest) > 0 {
		inv.agent, rest = rest[0], rest[1:]
	}
	if inv.action == "" && len(rest) > 0 {
		inv.action, rest = rest[0], rest[1:]
	}
	if inv.agent == "" || inv.action == "" {
		return inv, usageErr(errors.New("No agent, action and arguments specified"))
	}
	for _, a := range append(append([]string(nil), flagArgs...), rest...) {
		m := argPattern.FindStringSubmatch(a)
		if m == nil {
			return inv, usageErr(fmt.Errorf("Could not parse --arg %s should be of the form key=val", a))
		}
		inv.args = append(inv.args, rawArg{key: m[1], value: m[2]})
	}
	return inv, nil
}

// findAgentDDL looks the agent's DDL up in the client's libdirs: the
// config's libdir, then the shipped one, as the daemon does. No DDL is
// not an error (the request goes out untyped and every output is shown);
// a DDL that does not parse is reported on warn and ignored.
func findAgentDDL(sio IO, configPath, agent string, warn io.Writer) (*ddl.DDL, error) {
	dirs, err := clientLibDirs(sio, configPath)
	if err != nil {
		return nil, &ExitError{Code: ExitFailure, Err: err}
	}
	found, _ := libdir.Scan(dirs)
	for _, f := range found {
		if f.Name != agent {
			continue
		}
		d, err := ddl.ParseFile(f.DDL)
		if err != nil {
			fmt.Fprintf(warn, "mco: warning: the DDL of agent %s cannot be used, inputs are sent as given: %v\n", agent, err)
			return nil, nil
		}
		return d, nil
	}
	return nil, nil
}

// buildArguments turns the typed arguments into the request's data as
// Ruby's client does before it sends anything: each declared input is
// converted to its DDL type, defaults are filled in for required inputs,
// and the request is validated (unknown action, missing input, failed
// validator, an input the DDL does not declare), each refusal a usage
// error naming what is wrong. (Ruby's client sends undeclared inputs and
// lets the agent ignore them; a typo then silently does nothing, so
// Marionette refuses them.) Without a DDL every argument is sent as a
// string.
func buildArguments(d *ddl.DDL, inv invocation) (map[string]any, error) {
	given := make(map[string]any, len(inv.args))
	if d == nil {
		for _, a := range inv.args {
			given[a.key] = a.value
		}
		return given, nil
	}
	act := d.Action(inv.action)
	if act == nil {
		return nil, usageErr(fmt.Errorf("Attempted to call action %s for %s but it's not declared in the DDL (actions: %v)", inv.action, inv.agent, d.ActionNames()))
	}
	for _, a := range inv.args {
		in := act.Input(a.key)
		if in == nil {
			return nil, usageErr(fmt.Errorf("action %s of agent %s takes no input %q (inputs: %s)",
				inv.action, inv.agent, a.key, inputNames(act)))
		}
		v, err := ddl.ConvertArg(in, a.value)
		if err != nil {
			return nil, usageErr(err)
		}
		given[a.key] = v
	}
	checked, err := act.Validate(given)
	if err != nil {
		return nil, usageErr(err)
	}
	// Validate fills every default; Ruby's client sends only those of
	// required inputs and leaves optional ones to the agent.
	for _, in := range act.Inputs {
		if _, ok := given[in.Name]; !ok && in.Optional {
			delete(checked, in.Name)
		}
	}
	return checked, nil
}

// inputNames lists an action's declared inputs for a message.
func inputNames(act *ddl.Action) string {
	if len(act.Inputs) == 0 {
		return "none"
	}
	names := make([]string, len(act.Inputs))
	for i, in := range act.Inputs {
		names[i] = in.Name
	}
	return strings.Join(names, ", ")
}
