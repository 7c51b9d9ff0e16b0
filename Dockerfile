# Build with every dependency (the TypeScript build needs the @types packages), then ship
# the compiled service with production dependencies only.
FROM node:24-bookworm-slim AS build
# A compiler for argon2, in case its prebuilt binding does not work here (config/ensure-argon2.mjs).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json tsconfig.console.json ./
COPY config ./config
COPY src ./src
COPY workers ./workers
COPY console ./console
# npm ci runs postinstall (argon2 must load, else it is rebuilt) and prepare (the build to dist/,
# the console's dist/console/ included).
RUN npm ci --no-audit --no-fund && npm prune --omit=dev \
 && node -e "import('argon2').then((a) => a.hash('build'))"

FROM node:24-bookworm-slim
# tini as PID 1: signals reach node (SIGTERM is a clean shutdown) and zombies are reaped.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
# glibc hands each argon2 buffer (19 MiB a hash) back when the hash is done, instead of keeping
# one per libuv thread: the service's RSS stays level (the soak bench, README "Running at scale").
ENV MALLOC_MMAP_THRESHOLD_=131072
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# Slim images have no curl: node's own fetch asks /readyz (Redis reachable, ready to serve).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/cli/main.js", "serve"]
