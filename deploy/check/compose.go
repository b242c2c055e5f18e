package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// checkCompose loads deploy/compose.yaml as `docker compose` does (the
// compose-spec schema, interpolation, normalization and consistency
// checks), then checks its wiring: the imogate services run the image built
// from the repository's Dockerfile, Redis is pinned and keeps an
// append-only file on a volume, every service has a health check, and the
// gateway and settler start only once the chain has written their config.
func (c *checker) checkCompose() (string, error) {
	file := c.path("deploy", "compose.yaml")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	opts, err := cli.NewProjectOptions([]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		// Only the file: no .env or variables of the machine running the check.
		cli.WithEnv(nil),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return "", err
	}
	p, err := opts.LoadProject(ctx)
	if err != nil {
		return "", fmt.Errorf("compose-go refuses %s: %w", file, err)
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	service := func(name string) types.ServiceConfig {
		s, ok := p.Services[name]
		if !ok {
			bad("no %s service", name)
		}
		return s
	}

	redis := service("redis")
	if image, tag, _ := strings.Cut(redis.Image, ":"); image != "redis" || tag == "" || tag == "latest" || !strings.Contains(tag, ".") {
		bad("redis: image %q is not a pinned redis tag (redis:7.x.y-…)", redis.Image)
	}
	if !slices.Contains(redis.Command, "--appendonly") || redis.Command[slices.Index(redis.Command, "--appendonly")+1] != "yes" {
		bad("redis: command %q does not turn on --appendonly yes", redis.Command)
	}
	if !hasVolumeAt(redis, "/data") {
		bad("redis: /data is not on a volume")
	}

	for _, name := range []string{"chain", "gateway", "settler"} {
		errs = append(errs, c.checkImogateService(name, service(name))...)
	}
	if chain := service("chain"); !slices.Contains(chain.Command, "--chain-only") {
		bad("chain: command %q is not `imogate dev --chain-only`", chain.Command)
	}
	if len(errs) > 0 {
		return "", errors.Join(errs...)
	}
	names := p.ServiceNames()
	slices.Sort(names)
	return fmt.Sprintf("project %q, services %s", p.Name, strings.Join(names, ", ")), nil
}

// checkImogateService checks one service that runs imogate: built from the
// repository's Dockerfile under a name, a command and a health check
// running the binary (both recorded), a read-only root without
// capabilities, the shared state volume; the gateway and the settler wait
// for a healthy Redis and for the chain's config, and restart with it.
func (c *checker) checkImogateService(name string, s types.ServiceConfig) []error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(name+": "+format, args...)) }
	if s.Build == nil || s.Build.Context != c.root || s.Build.Dockerfile != "Dockerfile" {
		bad("not built from the repository's Dockerfile (build %+v)", s.Build)
	}
	if s.Image == "" {
		bad("the built image has no name")
	}
	if len(s.Command) == 0 {
		bad("no command")
	} else {
		c.addLine("deploy/compose.yaml "+name, s.Command)
	}
	if s.HealthCheck == nil || len(s.HealthCheck.Test) < 3 || s.HealthCheck.Test[1] != "/imogate" {
		bad("no health check running /imogate")
	} else {
		c.addLine("deploy/compose.yaml "+name+" healthcheck", s.HealthCheck.Test[2:])
	}
	if !s.ReadOnly {
		bad("the root filesystem is not read-only")
	}
	if !slices.Contains(s.CapDrop, "ALL") {
		bad("capabilities are not dropped (cap_drop: [ALL])")
	}
	if !hasVolumeAt(s, "/var/lib/imogate") {
		bad("/var/lib/imogate (the shared config and archive) is not on a volume")
	}
	if name == "chain" {
		return errs
	}
	if dep, ok := s.DependsOn["chain"]; !ok || dep.Condition != types.ServiceConditionHealthy || !dep.Restart {
		bad("does not wait for the chain's config (depends_on chain: service_healthy, restart: true)")
	}
	if dep := s.DependsOn["redis"]; dep.Condition != types.ServiceConditionHealthy {
		bad("does not wait for a healthy Redis")
	}
	return errs
}

func hasVolumeAt(s types.ServiceConfig, target string) bool {
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeVolume && v.Target == target {
			return true
		}
	}
	return false
}
