# imogate's release image: one static binary that runs every subcommand
# (serve, settle, dev, audit, contracts, keys, config validate, repair).
#
#   docker build -t imogate:local .
#   docker run --rm -p 8080:8080 -v "$PWD/imogate.yaml:/etc/imogate/imogate.yaml:ro" \
#     -e IMOGATE_SIGNER_KEY imogate:local                      # the gateway (serve)
#   docker run --rm imogate:local settle --config /etc/imogate/imogate.yaml
#
# The final stage is distroless (no shell, no package manager; CA certificates
# and /etc/passwd only) and runs as the unprivileged user 65532. Its
# HEALTHCHECK probes the gateway's /readyz with the binary itself
# (`imogate healthcheck`); a settler's health is on settlement.listen
# (deploy/compose.yaml overrides the check for it).

# --- build ---------------------------------------------------------------------
# Built on the build machine's platform and cross-compiled for the target one
# (docker buildx build --platform linux/amd64,linux/arm64 .): CGO is off, so no
# C toolchain for the target is needed.
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm AS build
# No defaults: BuildKit fills them in for each target platform (a default
# would win over it and ship one architecture's binary in every image).
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -buildvcs=false -ldflags "-s -w" -o /out/imogate ./cmd/imogate \
 && mkdir -p /out/var/lib/imogate

# --- release -------------------------------------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="imogate" \
      org.opencontainers.image.description="Metered, receipt-signing OpenAI-compatible gateway and settlement batcher for ERC-7641 models"
COPY --from=build /out/imogate /imogate
# The state directory (the settler's archive, the compose demo's shared
# config), owned by the runtime user so a fresh named volume mounted here is
# writable.
COPY --from=build --chown=65532:65532 /out/var/lib/imogate /var/lib/imogate
USER 65532:65532
# 8080: the gateway (API, /healthz, /readyz, /metrics); 9464: a settler's
# /healthz, /readyz and /metrics (settlement.listen).
EXPOSE 8080 9464
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/imogate", "healthcheck", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/imogate"]
CMD ["serve", "--config", "/etc/imogate/imogate.yaml"]
