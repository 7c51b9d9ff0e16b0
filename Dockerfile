FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY config ./config
COPY src ./src
COPY workers ./workers
RUN npm ci --no-audit --no-fund && node -e "import('argon2').then(a => a.hash('build'))"
USER node
EXPOSE 3000
CMD ["node", "dist/src/cli/main.js", "serve"]
