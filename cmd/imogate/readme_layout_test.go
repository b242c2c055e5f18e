package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestReadmeLayoutListsEverySubcommand: the README's layout row of
// cmd/imogate names every command the binary runs, and nothing else, so
// the README and the binary cannot drift apart.
func TestReadmeLayoutListsEverySubcommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var row string
	for line := range strings.SplitSeq(string(readme), "\n") {
		if strings.HasPrefix(line, "| `cmd/imogate` |") {
			row = strings.TrimPrefix(line, "| `cmd/imogate` |")
		}
	}
	if row == "" {
		t.Fatal("README.md has no layout row for cmd/imogate")
	}
	var listed []string
	for _, m := range regexp.MustCompile("`([a-z -]+)`").FindAllStringSubmatch(row, -1) {
		listed = append(listed, m[1])
	}
	var commands []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			if sub.Runnable() {
				commands = append(commands, strings.TrimPrefix(sub.CommandPath(), "imogate "))
			}
			walk(sub)
		}
	}
	walk(newRootCmd())
	for _, c := range commands {
		if !slices.Contains(listed, c) {
			t.Errorf("the README's layout row does not list `%s`", c)
		}
	}
	for _, l := range listed {
		if !slices.Contains(commands, l) {
			t.Errorf("the README's layout row lists `%s`, which is not a command", l)
		}
	}
}
