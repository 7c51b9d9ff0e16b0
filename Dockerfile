# Build with every dependency (the TypeScript build needs the @types packages), then ship
# the compiled service with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY config ./config
COPY src ./src
COPY workers ./workers
RUN npm ci --no-audit --no-fund && npm prune --omit=dev \
 && node -e "import('argon2').then(a => a.hash('build'))"

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "dist/src/cli/main.js", "serve"]
