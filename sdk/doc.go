// Package sdk is the contract between the Marionette daemon and an agent
// written in Go: Request, Reply, StatusCode, Action, Agent, Host and Serve.
// A plugin's dependency tree is this package (and what it imports) alone;
// it never imports the daemon's core packages.
//
// An agent is a name and a set of actions, built into its own executable
// whose main calls Serve:
//
//	func main() {
//		sdk.Serve(&sdk.Agent{
//			Name: "hello",
//			Actions: map[string]sdk.Action{
//				"greet": func(ctx context.Context, req *sdk.Request, reply *sdk.Reply) error {
//					id, err := req.Host.Identity(ctx)
//					if err != nil {
//						return err
//					}
//					name, _ := req.String("name")
//					reply.Set("message", "hello "+name+" from "+id)
//					return nil
//				},
//			},
//		})
//	}
//
// The executable goes in <libdir>/mcollective/agent/<name>, next to the
// agent's DDL <name>.ddl. The daemon validates inputs against the DDL before
// an action runs and fills the DDL's output defaults after it returns, so an
// action sees typed, validated inputs (see package sdk/plugin for the Go
// types values arrive as) and sets only the outputs it has.
//
// Package sdk/agenttest runs an action in-process, DDL validation included,
// so an agent can be tested without a daemon.
package sdk
