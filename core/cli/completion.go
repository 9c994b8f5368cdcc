package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newCompletionCommand is `mco completion bash|zsh|fish`: cobra's shell
// completion scripts. The scripts ask mco itself for candidates, so agent
// names (mco help AGENT, mco plugin doc agent/NAME) come from the DDLs in
// the libdirs at the time of completion.
func newCompletionCommand(sio IO) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Helper for shell completion systems",
		Long: "Writes a shell completion script for mco to standard output.\n\n" +
			"  bash: source <(mco completion bash)\n" +
			"  zsh:  mco completion zsh > \"${fpath[1]}/_mco\"\n" +
			"  fish: mco completion fish > ~/.config/fish/completions/mco.fish",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []cobra.Completion{"bash", "zsh", "fish"},
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(sio.Stdout, true)
			case "zsh":
				return root.GenZshCompletion(sio.Stdout)
			case "fish":
				return root.GenFishCompletion(sio.Stdout, true)
			}
			return usageErr(fmt.Errorf("unknown shell %q: bash, zsh or fish", args[0]))
		},
	}
}
