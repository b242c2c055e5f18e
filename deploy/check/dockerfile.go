package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	line int
	cmd  string // upper case
	args string
}

// parseDockerfile splits a Dockerfile into instructions (comments and
// blank lines dropped, backslash continuations joined).
func parseDockerfile(path string) ([]instruction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []instruction
	var cur strings.Builder
	start := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\") + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{line: start, cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
		cur.Reset()
	}
	return out, sc.Err()
}

// execForm parses a JSON-array (exec form) argument.
func execForm(args string) ([]string, bool) {
	var v []string
	if err := json.Unmarshal([]byte(args), &v); err != nil {
		return nil, false
	}
	return v, true
}

var (
	goImageRE    = regexp.MustCompile(`^golang:1\.\d+\.\d+-[a-z]+\b`)
	finalImageRE = regexp.MustCompile(`^(gcr\.io/distroless/static(-debian\d+)?(:[a-z0-9.-]+)?|scratch)$`)
)

// checkDockerfile asserts what the release image promises: a pinned Go
// build stage building a static binary, a distroless (or scratch) final
// stage holding only copied files, running as 65532, with a HEALTHCHECK
// and ENTRYPOINT /imogate; and a .dockerignore that keeps the repository's
// bulk out of the build context.
func (c *checker) checkDockerfile() (string, error) {
	ins, err := parseDockerfile(c.path("Dockerfile"))
	if err != nil {
		return "", err
	}
	var froms []int
	for i, in := range ins {
		if in.cmd == "FROM" {
			froms = append(froms, i)
		}
	}
	if len(froms) < 2 {
		return "", fmt.Errorf("Dockerfile has %d stage(s), want a build stage and a final stage", len(froms))
	}
	last := froms[len(froms)-1]
	errs := checkBuildStage(ins[:last])
	finalImage, user, finalErrs := c.checkFinalStage(ins[last:])
	errs = append(errs, finalErrs...)
	errs = append(errs, c.checkDockerignore()...)
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	return fmt.Sprintf("%d stages, final %s as %s", len(froms), finalImage, user), nil
}

// fromImage is the image a FROM instruction names (after its flags).
func fromImage(in instruction) string {
	for _, f := range strings.Fields(in.args) {
		if !strings.HasPrefix(f, "--") {
			return f
		}
	}
	return ""
}

// checkBuildStage checks the stages before the final one: an exact golang
// tag, and a static, trimmed go build of ./cmd/imogate.
func checkBuildStage(ins []instruction) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if img := fromImage(ins[0]); !goImageRE.MatchString(img) {
		bad("line %d: the build stage is %q, want an exact golang tag such as golang:1.26.8-bookworm", ins[0].line, img)
	}
	built := false
	for _, in := range ins {
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			built = true
			for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "./cmd/imogate"} {
				if !strings.Contains(in.args, want) {
					bad("line %d: the go build has no %s", in.line, want)
				}
			}
		}
	}
	if !built {
		bad("no RUN go build in the build stage")
	}
	return errs
}

// checkFinalStage checks the final stage (ins[0] is its FROM) and records
// its HEALTHCHECK and CMD command lines; it returns the stage's image and
// user.
func (c *checker) checkFinalStage(ins []instruction) (string, string, []error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	image := fromImage(ins[0])
	if !finalImageRE.MatchString(image) {
		bad("line %d: the final stage is %q, want gcr.io/distroless/static-debian12:nonroot or scratch", ins[0].line, image)
	}
	var user, healthcheck string
	var entrypoint, command, exposed []string
	copies := 0
	for _, in := range ins[1:] {
		switch in.cmd {
		case "USER":
			user = in.args
		case "HEALTHCHECK":
			healthcheck = in.args
			_, hc, _ := strings.Cut(in.args, "CMD ")
			if v, ok := execForm(strings.TrimSpace(hc)); ok && len(v) > 1 && v[0] == "/imogate" {
				c.addLine(fmt.Sprintf("Dockerfile:%d HEALTHCHECK", in.line), v[1:])
			} else {
				bad("line %d: the HEALTHCHECK is not exec form running /imogate", in.line)
			}
		case "ENTRYPOINT", "CMD":
			v, ok := execForm(in.args)
			if !ok {
				bad("line %d: %s is not exec form", in.line, in.cmd)
			}
			if in.cmd == "CMD" {
				command = v
			} else {
				entrypoint = v
			}
		case "EXPOSE":
			exposed = append(exposed, strings.Fields(in.args)...)
		case "COPY":
			copies++
			if !strings.Contains(in.args, "--from=") {
				bad("line %d: the final stage copies from the build context; it should hold only what the build stage made", in.line)
			}
		case "RUN", "ADD":
			bad("line %d: %s in the final stage (distroless has no shell; copy from the build stage)", in.line, in.cmd)
		}
	}
	if user != "65532" && user != "65532:65532" {
		bad("the final stage's USER is %q, want 65532 or 65532:65532", user)
	}
	if healthcheck == "" {
		bad("the final stage has no HEALTHCHECK")
	} else if !strings.Contains(healthcheck, "/readyz") {
		bad("the HEALTHCHECK does not probe /readyz")
	}
	if !slices.Equal(entrypoint, []string{"/imogate"}) {
		bad("ENTRYPOINT is %q, want [\"/imogate\"]", entrypoint)
	}
	if len(command) == 0 {
		bad("no CMD (the default subcommand)")
	} else {
		c.addLine("Dockerfile CMD", command)
	}
	for _, port := range []string{"8080", "9464"} {
		if !slices.Contains(exposed, port) && !slices.Contains(exposed, port+"/tcp") {
			bad("port %s is not EXPOSEd", port)
		}
	}
	if copies == 0 {
		bad("the final stage copies nothing")
	}
	return image, user, errs
}

// checkDockerignore checks the build context leaves out the repository's
// bulk.
func (c *checker) checkDockerignore() []error {
	ignore, err := os.ReadFile(c.path(".dockerignore"))
	if err != nil {
		return []error{fmt.Errorf(".dockerignore: %w", err)}
	}
	var errs []error
	lines := strings.Fields(string(ignore))
	for _, want := range []string{".git", "node_modules"} {
		if !slices.Contains(lines, want) {
			errs = append(errs, fmt.Errorf(".dockerignore does not exclude %s", want))
		}
	}
	return errs
}
