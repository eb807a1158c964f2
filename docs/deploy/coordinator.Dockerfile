# syntax=docker/dockerfile:1
# The cohort coordinator's image (docs/deploy.md). Build from the repository root:
#   docker build -f docs/deploy/coordinator.Dockerfile -t cohort-coordinator .

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
    && install -d -o cohort -g cohort -m 0700 /var/lib/cohort
COPY --from=build --chown=root:root /src /opt/cohort
USER cohort
VOLUME ["/var/lib/cohort"]
EXPOSE 7700
# GET /readyz (coordinator/health.ts): 200 once the database is writable, the ledger key loaded
# and the socket listening. Asked on --health-port, plain http on the container's loopback only,
# so the check works whether or not --port serves TLS or mutual TLS.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:7709/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/opt/cohort/cohort.mjs", "coordinator", "start", "--health-port", "7709"]
CMD ["--config", "/etc/cohort/coordinator.json", "--db", "/var/lib/cohort/coordinator.db"]
