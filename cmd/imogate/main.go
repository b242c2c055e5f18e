// Command imogate is the imogate binary: the metered OpenAI-compatible
// gateway (serve), API key administration (keys) and configuration checks
// (config validate).
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "imogate:", err)
		os.Exit(1)
	}
}
