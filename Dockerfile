# syntax=docker/dockerfile:1
# rlm: the `rlm` command and its OpenAI-compatible server (`rlm serve`), on Node 20 with python3
# for the `process` sandbox. Models come from a server (Ollama in docker-compose.yml); the embedded
# llama.cpp engine (an optional dependency with a large native part) is left out of this image.
#
#   docker build -t rlm .
#   export RLM_SERVER_API_KEY="$(openssl rand -hex 24)"    # clients send it as a bearer key
#   docker run --rm -p 8080:8080 -e RLM_SERVER_API_KEY -e OLLAMA_HOST=http://host.docker.internal:11434 rlm
#   docker run --rm -i -e OLLAMA_HOST=... rlm ask "Summarize this" - < notes.md

ARG NODE_VERSION=20

# ---- build: compile TypeScript with the dev dependencies --------------------------------------
FROM node:${NODE_VERSION}-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Everything, optional node-llama-cpp included: its types are part of the compile. --ignore-scripts:
# compiling needs no install script (node-llama-cpp's would fetch native binaries).
RUN npm ci --ignore-scripts
COPY . .
RUN npm run build

# ---- runtime: production dependencies, compiled code, the Python driver -----------------------
FROM node:${NODE_VERSION}-slim AS runtime
# python3 runs the `process` sandbox (`--sandbox process`); the default `pyodide` sandbox needs
# nothing outside node_modules.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
# The sandbox's Python files ship as source beside the compiled code (see src/sandbox/python-files.ts).
COPY src/sandbox/python ./src/sandbox/python
COPY viewer ./viewer
RUN chmod +x dist/src/cli/main.js && ln -s /app/dist/src/cli/main.js /usr/local/bin/rlm \
 && mkdir -p /data/traces /data/cache && chown node:node /data/traces /data/cache

# Not root: the model's Python (in the process sandbox) runs with this user's rights.
USER node
ENV HOME=/home/node
# The pyodide memory snapshot (faster sandbox starts) is cached here; mount a volume to keep it.
ENV RLM_CACHE_DIR=/data/cache
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
ENTRYPOINT ["rlm"]
# 0.0.0.0: the container's port is published to other machines, so `rlm serve` requires
# RLM_SERVER_API_KEY here and exits (code 2) with a message without it. The health check above
# needs no key, and any Host is answered on 0.0.0.0.
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
