package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// mcoVersion is the MCollective version mco speaks, as the daemon reports
// it (core/daemon.Version).
const mcoVersion = "2.12.5-marionette"

type helpOptions struct {
	config string
}

// newHelpCommand is `mco help`: the list of applications as Ruby's help
// application prints it, an application's usage, or an agent's DDL
// documentation.
func newHelpCommand(sio IO) *cobra.Command {
	o := &helpOptions{}
	cmd := &cobra.Command{
		Use:   "help [COMMAND|AGENT]",
		Short: "Application list and help",
		Long: "mco help lists the applications; mco help COMMAND shows a command's usage;\n" +
			"mco help AGENT shows an agent's documentation from its DDL.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				writeAppList(sio.Stdout, cmd.Root())
				return nil
			}
			return runHelp(cmd.Root(), sio, o, args[0])
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []cobra.Completion
			for _, c := range cmd.Root().Commands() {
				if c.IsAvailableCommand() {
					names = append(names, cobra.CompletionWithDesc(c.Name(), c.Short))
				}
			}
			for _, a := range loadCatalog(sio, o.config).agents() {
				names = append(names, a)
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
	cmd.Flags().StringVarP(&o.config, "config", "c", "", "client configuration file (for its libdir)")
	return cmd
}

// writeAppList prints "The Marionette Collective version ..." and each
// application with its description, sorted.
func writeAppList(w io.Writer, root *cobra.Command) {
	var b strings.Builder
	fmt.Fprintf(&b, "The Marionette Collective version %s\n\n", mcoVersion)
	cmds := slices.Clone(root.Commands())
	slices.SortFunc(cmds, func(a, b *cobra.Command) int { return strings.Compare(a.Name(), b.Name()) })
	for _, c := range cmds {
		if c.Hidden || c.Name() == "__complete" || c.Name() == "__completeNoDesc" {
			continue
		}
		fmt.Fprintf(&b, "  %-15s %s\n", c.Name(), c.Short)
	}
	b.WriteString("\n")
	io.WriteString(w, b.String())
}

// runHelp shows a command's usage, or else an agent's documentation.
func runHelp(root *cobra.Command, sio IO, o *helpOptions, name string) error {
	for _, c := range root.Commands() {
		if c.Name() == name || c.HasAlias(name) {
			c.SetOut(sio.Stdout)
			return c.Help()
		}
	}
	cat := loadCatalog(sio, o.config)
	if cat.err != nil {
		return &ExitError{Code: ExitFailure, Err: cat.err}
	}
	p, err := cat.find("agent/" + name)
	if err != nil {
		return usageErr(fmt.Errorf("no application or agent named %q; mco help lists the applications, mco plugin doc the agents", name))
	}
	d, err := p.load()
	if err != nil {
		return &ExitError{Code: ExitFailure, Err: err}
	}
	io.WriteString(sio.Stdout, d.Doc())
	return nil
}
