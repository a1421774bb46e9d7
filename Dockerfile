# Three images from one build: the console (nginx, static files), and one image for the api and the
# worker (the compose file picks the entry point; it is the default target).
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN node tools/build/build-node.mjs \
  && NX_NO_CLOUD=true NX_DAEMON=false npx nx build console --configuration production \
  && npm prune --omit=dev

FROM nginx:1.27-alpine AS console
COPY apps/console/nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/dist/apps/console/browser /usr/share/nginx/html
EXPOSE 8080

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000 3001
CMD ["node", "--enable-source-maps", "dist/node/apps/api/src/main.js"]
