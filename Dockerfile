# syntax=docker/dockerfile:1.7
# promptreg service image. Multi-stage: `build` installs with the frozen lockfile and type-checks the service and
# the packages it uses; `runtime` is a slim non-root image holding only the repository files the service needs.
# Not built in CI yet (the development box has no Docker engine); see docs/operations.md.
#
# The workspace packages export TypeScript source and the service runs it with tsx, so the runtime keeps the
# installed node_modules (dev dependencies included, because tsx is one). Emitting dist/ per package and pruning
# to production dependencies is the follow-up that shrinks the image.

ARG NODE_VERSION=20.20
FROM node:${NODE_VERSION}-bookworm-slim AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH TURBO_TELEMETRY_DISABLED=1
RUN corepack enable && corepack prepare pnpm@10.34.9 --activate
WORKDIR /repo

FROM base AS build
# Only the lockfile first: `pnpm fetch` fills the store in a layer that survives source edits.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm fetch
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --offline --frozen-lockfile
RUN pnpm --filter "@promptreg/server..." typecheck \
 && node --import tsx packages/cli/src/bin.ts validate

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PROMPTREG_TEMPLATES_DIR=/app/templates \
    PROMPTREG_WATCH=off
WORKDIR /app
COPY --from=build --chown=root:root /repo/package.json /repo/pnpm-workspace.yaml ./
COPY --from=build --chown=root:root /repo/node_modules ./node_modules
COPY --from=build --chown=root:root /repo/packages ./packages
COPY --from=build --chown=root:root /repo/apps/server ./apps/server
COPY --from=build --chown=root:root /repo/apps/mock-gateway ./apps/mock-gateway
COPY --from=build --chown=root:root /repo/templates ./templates
# Files are root-owned and read-only for the service user; it writes nothing to disk.
USER node
WORKDIR /app/apps/server
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--import", "tsx", "src/main.ts"]
