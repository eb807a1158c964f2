# syntax=docker/dockerfile:1
# The cohort hospital daemon's image (docs/deploy.md). Build from the repository root:
#   docker build -f docs/deploy/client.Dockerfile -t cohort-client .

# Build stage: install every dependency (the build needs the dev ones), build dist/, then drop the dev ones.
FROM node:20-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 compiles its addon when no prebuilt one matches.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN npm rebuild better-sqlite3 \
    && node scripts/build.mjs \
    && npm prune --omit=dev

# Runtime stage: the built tree only, run as an unprivileged user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/cohort
RUN groupadd --system cohort \
    && useradd --system --gid cohort --home-dir /var/lib/cohort --shell /usr/sbin/nologin cohort \
    && install -d -o cohort -g cohort -m 0700 /var/lib/cohort /run/cohort
COPY --from=build --chown=root:root /src /opt/cohort
USER cohort
VOLUME ["/var/lib/cohort"]
# The daemon listens on no port: it rewrites its health file every 10 s (client/health-file.ts).
# Healthy while the file is under 60 s old, whether or not the coordinator is reachable now.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["node", "-e", "const s=require('fs').statSync('/run/cohort/health.json',{throwIfNoEntry:false});process.exit(s&&Date.now()-s.mtimeMs<60000?0:1)"]
ENTRYPOINT ["node", "/opt/cohort/cohort.mjs", "client", "start"]
CMD ["--config", "/etc/cohort/client.json", "--state", "/var/lib/cohort/hospital.db", "--health-file", "/run/cohort/health.json"]
