# syntax=docker/dockerfile:1
#
# One image for every Switchyard process. The default command runs the all-in-one; pick another
# process by overriding the command (the working directory is /app):
#
#   docker run switchyard node dist/apps/ingress/src/main.js
#   docker run switchyard node dist/apps/router/src/main.js
#   docker run switchyard node dist/apps/worker/src/main.js --provider openai
#   docker run switchyard node dist/apps/dispatcher/src/main.js
#   docker run -e SIM_HOST=0.0.0.0 switchyard node dist/apps/provider-sim/src/main.js
#   docker run switchyard node dist/apps/cli/src/routes-check.js /app/routes.yaml
#
# Build: docker build -t switchyard:local .

ARG NODE_VERSION=22

# ---- base: the Node runtime shared by every stage ---------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app
# No install-time analytics from dependencies (@scarf/scarf) during image builds.
ENV SCARF_ANALYTICS=false \
    DO_NOT_TRACK=1 \
    npm_config_update_notifier=false

# ---- build: all dependencies, compile TypeScript to dist/ --------------------------------------
FROM base AS build
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
# `npm run build` compiles apps/ and libs/ to dist/, mirroring the source tree. Fail the build
# here, not at run time, if an entry file the deploy manifests start is missing.
RUN npm run build \
 && for app in all-in-one ingress router worker dispatcher provider-sim; do \
      test -f "dist/apps/${app}/src/main.js" || { echo "missing dist/apps/${app}/src/main.js"; exit 1; }; \
    done \
 && test -f dist/apps/cli/src/routes-check.js

# ---- prod-deps: production dependencies only ---------------------------------------------------
FROM base AS prod-deps
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev \
 && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------------
FROM base AS runtime
# redis-server lets the default command (the all-in-one) run with no REDIS_URL: it then starts a
# private Redis under /app/data. The split processes always get REDIS_URL and never start one.
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*
# A 4 MB young generation instead of V8's 16 MB semi-spaces: npm run bench measured 21-25 MB
# less resident memory per idle process and 38 MB less for a worker with 1,000 calls in flight.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=4 \
    PORT=3000 \
    SIM_HOST=0.0.0.0 \
    SIM_PORT=4010 \
    SWITCHYARD_ROUTES=/app/routes.yaml \
    SWITCHYARD_DATA_DIR=/app/data

# Code and dependencies stay owned by root (read-only to the app); only data/ is writable.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json routes.yaml ./
# Runtime assets beside the sources that tsc does not copy: the shipped model catalog (found by
# walking up from dist/libs/routing/src to /app/libs/routing/catalog), and the console.
COPY libs/routing/catalog ./libs/routing/catalog
# The console's static client (served at /console; uPlot comes from node_modules).
COPY apps/ingress/console ./apps/ingress/console
COPY deploy/docker/healthcheck.js ./deploy/healthcheck.js
# The golden-set datasets (SWITCHYARD_EVALS_DIR defaults to ./evals): POST /v1/evals and the
# router's scheduled runs read them, and the all-in-one's simulator its scripted answers.
COPY evals ./evals
RUN mkdir -p /app/data && chown 1000:1000 /app/data

# The image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000

# 3000: every process's HTTP port (PORT): /healthz, /readyz, /metrics; the ingress API on /v1.
# 4010: the provider simulator (SIM_PORT).
EXPOSE 3000 4010

# Probes http://127.0.0.1:$PORT/healthz (HEALTHCHECK_URL overrides, e.g. for the simulator).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/deploy/healthcheck.js"]

CMD ["node", "dist/apps/all-in-one/src/main.js"]
