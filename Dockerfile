# syntax=docker/dockerfile:1
# Multi-stage image: Node 24 LTS (slim), Debian's chromium for the e-mail login, a non-root user.
# `.ci/check-docker.mjs` reads this file in CI (no Docker engine there) against package.json and the CLI.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS check
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json mikro-orm.config.ts vitest.config.ts ./
COPY bin ./bin
COPY src ./src
COPY conversations ./conversations
COPY migrations ./migrations
COPY locales ./locales
COPY test ./test
RUN npm run typecheck

FROM node:24-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium tini ca-certificates fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/lib/chromium/chromium \
    DATA_DIR=/data \
    HTTP_PORT=8080
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=check /app/package.json /app/mikro-orm.config.ts ./
COPY --from=check /app/bin ./bin
COPY --from=check /app/src ./src
COPY --from=check /app/conversations ./conversations
COPY --from=check /app/migrations ./migrations
COPY --from=check /app/locales ./locales
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["tini", "--", "node", "bin/kaspi-bot.js"]
CMD ["start"]
