# syntax=docker/dockerfile:1.7
# promptreg service image. Multi-stage: `build` installs with the frozen lockfile, compiles the service and the
# workspace packages it needs to JavaScript (tsc type-checks as it emits), validates the templates and deploys the
# production tree; `runtime` is a slim non-root image holding that tree and the templates, run with plain `node`.
# Not built in CI (the development box has no Docker engine); tooling/packing/src/deployed-server.test.ts runs the
# same tree under the same constraints without Docker. See docs/operations.md.

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
# dist/ for the service and its production workspace dependencies (--filter-prod: not the test and bench tooling).
RUN pnpm --filter-prod "@promptreg/server..." run build \
 && node --import tsx packages/cli/src/bin.ts validate
# /deploy: the service's dist/ and package.json with its production dependencies only (no tsx, no TypeScript, no
# test tooling), each workspace package as its published form (dist/ through publishConfig.exports), plus templates.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    node --import tsx tooling/packing/src/deploy-server-bin.ts /deploy \
 && cp -R templates /deploy/templates

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PROMPTREG_TEMPLATES_DIR=/app/templates \
    PROMPTREG_WATCH=off
WORKDIR /app
# Root-owned and not writable by the service user: the service writes nothing to disk (compose runs it read_only).
COPY --from=build --chown=root:root /deploy ./
USER node
EXPOSE 3000
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
