package cli

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/marionette-mco/marionette/core/scaffold"
)

// generateOptions are the flags of mco plugin generate.
type generateOptions struct {
	lang        string
	dir         string
	author      string
	description string
}

func (g *generateOptions) register(fs *pflag.FlagSet) {
	fs.StringVar(&g.lang, "lang", "lua", "generate: the agent's language, lua or go")
	fs.StringVar(&g.dir, "dir", ".", "generate: the directory to create the agent's directory in")
	fs.StringVar(&g.author, "author", "", "generate: the DDL's author")
	fs.StringVar(&g.description, "description", "", "generate: the DDL's description")
}

// runPluginGenerate writes a new agent's skeleton: mco plugin generate
// agent NAME.
func runPluginGenerate(sio IO, g *generateOptions, args []string) error {
	if len(args) != 2 || args[0] != "agent" {
		return usageErr(fmt.Errorf("usage: mco plugin generate agent NAME [--lang lua|go] [--dir DIR]"))
	}
	files, err := scaffold.Generate(g.dir, scaffold.Options{Name: args[1], Lang: scaffold.Lang(g.lang),
		Author: g.author, Description: g.description})
	if err != nil {
		return usageErr(err)
	}
	for _, f := range files {
		fmt.Fprintf(sio.Stdout, "created %s\n", f)
	}
	return nil
}
