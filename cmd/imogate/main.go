// Command imogate is the imogate binary: the metered OpenAI-compatible
// gateway (serve), API key administration (keys) and configuration checks
// (config validate).
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	if err := newRootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "imogate:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}

// exitError is an error with its own exit status (the audit's INCOMPLETE
// is 2, so a script tells it from a failure).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }
