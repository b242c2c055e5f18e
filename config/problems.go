package config

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A FieldError is one problem with one field of the configuration. Path
// names the field as the file spells it: "chain.chain_id",
// "models[0].token".
type FieldError struct {
	Path string
	Err  error
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// fieldErr is a FieldError with a formatted message.
func fieldErr(path, format string, args ...any) *FieldError {
	return &FieldError{Path: path, Err: fmt.Errorf(format, args...)}
}

// joinOnce joins the problems found while reading values (read: the file's
// types, environment overrides, secrets) and those found by checks, each
// reported once: a check's problem with a field whose value, or the value
// of a field holding it, could not be read is left out (the value it judged
// is not the one the operator wrote: an unset variable, a mistyped number),
// and so is a check's problem already reported word for word.
func joinOnce(read []error, checks ...error) error {
	out := flatten(read...)
	unreadable := map[string]bool{}
	seen := map[string]bool{}
	for _, err := range out {
		if fe := (*FieldError)(nil); errors.As(err, &fe) {
			unreadable[fe.Path] = true
		}
		seen[err.Error()] = true
	}
	for _, err := range flatten(checks...) {
		if fe := (*FieldError)(nil); errors.As(err, &fe) && underUnreadable(fe.Path, unreadable) {
			continue
		}
		if msg := err.Error(); !seen[msg] {
			seen[msg] = true
			out = append(out, err)
		}
	}
	return errors.Join(out...)
}

// underUnreadable says whether path or a field holding it (chain for
// chain.chain_id, models[0] for models[0].token) could not be read.
func underUnreadable(path string, unreadable map[string]bool) bool {
	for {
		if unreadable[path] {
			return true
		}
		i := strings.LastIndexAny(path, ".[")
		if i <= 0 {
			return false
		}
		path = path[:i]
	}
}

// flatten lists the errors inside joined errors, in order; nils are dropped.
func flatten(errs ...error) []error {
	var out []error
	for _, err := range errs {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			out = append(out, flatten(j.Unwrap()...)...)
		} else if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// yamlNode is a field of the file found on a line: its path, its key (for
// a mapping entry) and its value (for a scalar).
type yamlNode struct {
	path, key, value string
	scalar           bool
}

// typeErrors turns the decoder's type errors into problems, each with the
// path of the field on its line where that path is clear (a flow mapping
// can put several fields on one line), its value hidden.
func typeErrors(data []byte, te *yaml.TypeError) []error {
	var doc yaml.Node
	lines := map[int][]yamlNode{}
	if yaml.Unmarshal(data, &doc) == nil {
		indexLines(&doc, "", lines)
	}
	out := make([]error, 0, len(te.Errors))
	for _, msg := range te.Errors {
		path, text := locate(lines, msg)
		text = backquoted.ReplaceAllString(text, "`…`")
		if path == "" {
			out = append(out, errors.New(text))
		} else {
			out = append(out, &FieldError{Path: path, Err: errors.New(text)})
		}
	}
	return out
}

// indexLines records, by line, every mapping entry and sequence item under
// n with its path. Aliases are not followed (they can be cyclic).
func indexLines(n *yaml.Node, path string, lines map[int][]yamlNode) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			indexLines(c, path, lines)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			lines[k.Line] = append(lines[k.Line], yamlNode{path: p, key: k.Value, value: v.Value, scalar: v.Kind == yaml.ScalarNode})
			if v.Line != k.Line {
				lines[v.Line] = append(lines[v.Line], yamlNode{path: p, value: v.Value, scalar: v.Kind == yaml.ScalarNode})
			}
			indexLines(v, p, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			lines[c.Line] = append(lines[c.Line], yamlNode{path: p, value: c.Value, scalar: c.Kind == yaml.ScalarNode})
			indexLines(c, p, lines)
		}
	}
}

var (
	yamlLineRE   = regexp.MustCompile(`^line (\d+): `)
	yamlFieldRE  = regexp.MustCompile(`^field (\S+) (not found|already set) in type \S+$`)
	yamlDupKeyRE = regexp.MustCompile(`^mapping key "(.*)" already defined at line \d+$`)
	yamlValueRE  = regexp.MustCompile("`([^`]*)`")
	yamlQuotedRE = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// locate finds the path of the field a decoder message is about and words
// the message for the operator: "models[0].max_tokens", "line 9: cannot
// unmarshal !!str `lots` into int". The path is "" when the line holds no
// field or several the message could be about.
func locate(lines map[int][]yamlNode, msg string) (path, text string) {
	m := yamlLineRE.FindStringSubmatch(msg)
	if m == nil {
		return "", msg
	}
	line, _ := strconv.Atoi(m[1])
	rest := strings.TrimPrefix(msg, m[0])
	var match func(yamlNode) bool
	f := yamlFieldRE.FindStringSubmatch(rest)
	if f != nil {
		match = func(n yamlNode) bool { return n.key == f[1] }
	} else if f := yamlDupKeyRE.FindStringSubmatch(rest); f != nil {
		match = func(n yamlNode) bool { return n.key == f[1] }
	} else if v := yamlValueRE.FindStringSubmatch(rest); v != nil {
		match = func(n yamlNode) bool {
			if prefix, cut := strings.CutSuffix(v[1], "..."); cut {
				return n.scalar && strings.HasPrefix(n.value, prefix)
			}
			return n.scalar && n.value == v[1]
		}
	} else if q := yamlQuotedRE.FindString(rest); q != "" {
		v, _ := strconv.Unquote(q)
		match = func(n yamlNode) bool { return n.scalar && n.value == v }
	} else {
		match = func(n yamlNode) bool { return !n.scalar }
	}
	for _, n := range lines[line] {
		if !match(n) {
			continue
		}
		if path != "" && path != n.path {
			path = "" // several fields on the line fit
			break
		}
		path = n.path
	}
	switch {
	case f == nil || f[2] != "not found":
		return path, msg
	case path == "":
		return "", fmt.Sprintf("%sunknown field %s (deploy/imogate.example.yaml lists every field)", m[0], f[1])
	}
	return path, m[0] + "unknown field (deploy/imogate.example.yaml lists every field)"
}
