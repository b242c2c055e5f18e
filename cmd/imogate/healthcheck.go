package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// newHealthcheckCmd is `imogate healthcheck URL`: a probe for container
// health checks. The release image (Dockerfile) is distroless, with no curl
// or wget, so its HEALTHCHECK and the compose file's checks run the binary
// itself against /readyz.
func newHealthcheckCmd() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "healthcheck URL",
		Short: "Probe a health URL (/readyz, /healthz): exit 0 on a 2xx answer, else say why and exit 1",
		Long: `GETs URL once and exits 0 when it answers 2xx. Any other answer fails, naming
the status and, for imogate's /readyz, the reasons it gives (Redis unreachable, a
halted model, a token that cannot take its revenue); so does a URL that does not
answer within --timeout. Meant for container health checks, where the image has
no curl:

  HEALTHCHECK CMD ["/imogate", "healthcheck", "http://127.0.0.1:8080/readyz"]`,
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			status, err := probe(ctx, http.DefaultClient, args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", args[0], status)
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the answer")
	return cmd
}

// probeBodyLimit bounds how much of an answer's body is read for its
// reasons.
const probeBodyLimit = 64 << 10

// probe GETs rawURL and returns the answer's status when it is 2xx. Any
// other answer is an error naming the status and the "reasons" (or the
// "redis" state) of an imogate /readyz body, or the body's first line for
// anything else.
func probe(ctx context.Context, client *http.Client, rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http(s) URL", rawURL)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		// The *url.Error names the method and URL again; keep its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("probe %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, probeBodyLimit))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.Status, nil
	}
	if why := notReadyReasons(body); why != "" {
		return "", fmt.Errorf("%s answered %s: %s", u.Redacted(), resp.Status, why)
	}
	return "", fmt.Errorf("%s answered %s", u.Redacted(), resp.Status)
}

// notReadyReasons is what a not-ready answer says: the reasons of an
// imogate /readyz body ({"status":"unavailable","redis":"…","reasons":[…]})
// joined with "; ", or else the body's first line, shortened.
func notReadyReasons(body []byte) string {
	var r struct {
		Status  string   `json:"status"`
		Redis   string   `json:"redis"`
		Reasons []string `json:"reasons"`
	}
	if json.Unmarshal(body, &r) == nil && (len(r.Reasons) > 0 || r.Redis != "" || r.Status != "") {
		var parts []string
		if r.Redis != "" && r.Redis != "ok" {
			parts = append(parts, "redis "+r.Redis)
		}
		parts = append(parts, r.Reasons...)
		if len(parts) == 0 {
			parts = append(parts, "status "+r.Status)
		}
		return strings.Join(parts, "; ")
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	if len(line) > 200 {
		line = line[:200] + "…"
	}
	return line
}
