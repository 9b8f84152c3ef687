# Chatbot API container image. Stages (docs/deployment.md):
#   build   SDK: restore (a layer cached apart from the sources), then publish Release to /app/publish
#   test    `docker build --target test .` runs every test of the solution (nginx included, for the proxy tests)
#   dev     `dotnet watch` on a checkout mounted at /src (docker-compose.yml, profile dev)
#   final   the default target: the ASP.NET Core runtime, the published service, a non-root user, port 8000
# tests/Chatbot.DeploymentTests/DockerfileTests.cs checks this structure; no Docker engine runs in CI.

ARG DOTNET_VERSION=10.0

# ---- build -----------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
WORKDIR /src
# Only what restore reads (SDK pin, shared props, central package versions, project files), so the restore
# layer is reused until a project file or a package version changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Chatbot.Domain/Chatbot.Domain.csproj src/Chatbot.Domain/
COPY src/Chatbot.Application/Chatbot.Application.csproj src/Chatbot.Application/
COPY src/Chatbot.Infrastructure/Chatbot.Infrastructure.csproj src/Chatbot.Infrastructure/
COPY src/Chatbot.Api/Chatbot.Api.csproj src/Chatbot.Api/
RUN dotnet restore src/Chatbot.Api/Chatbot.Api.csproj
# Then the sources.
COPY .editorconfig ./
COPY src/ src/
RUN dotnet publish src/Chatbot.Api/Chatbot.Api.csproj -c Release --no-restore -o /app/publish -p:UseAppHost=false

# ---- test: docker build --target test . -------------------------------------------------------------------
# The project files of tests/ alone (every test project, present and future, without listing them here),
# so that the test stage's restore is cached apart from the test sources too.
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS test-projects
WORKDIR /src
COPY tests/ tests/
RUN find tests -type f ! -name '*.csproj' -delete

FROM build AS test
# nginx: the reverse-proxy tests run Debian/Ubuntu's nginx against deploy/nginx/nginx.conf.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/*
COPY --from=test-projects /src/tests/ tests/
COPY Chatbot.sln ./
RUN dotnet restore Chatbot.sln
# Everything else the tests read (deploy/, docker-compose.yml, env.example, this Dockerfile, ...), then the tests.
COPY . .
RUN dotnet test Chatbot.sln -c Release --no-restore

# ---- dev: hot reload on a mounted checkout ----------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS dev
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    DOTNET_USE_POLLING_FILE_WATCHER=1 \
    DOTNET_WATCH_RESTART_ON_RUDE_EDIT=1 \
    DOTNET_WATCH_SUPPRESS_EMOJIS=1 \
    ASPNETCORE_URLS=http://+:8000
WORKDIR /src
EXPOSE 8000
# bin/ and obj/ go to /artifacts (a volume), never into the mounted checkout the host builds in.
ENTRYPOINT ["dotnet", "watch", "--project", "src/Chatbot.Api", "--artifacts-path", "/artifacts", "--non-interactive", "run", "--no-launch-profile"]

# ---- final: the production image (default target) ---------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS final
# Port 8000 on every interface. The base image's ASPNETCORE_HTTP_PORTS=8080 is cleared: ASPNETCORE_URLS wins anyway,
# and Kestrel would warn at every start that it overrides it.
ENV ASPNETCORE_URLS=http://+:8000 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1
WORKDIR /app
COPY --from=build /app/publish .
# APP_UID (1654) is the non-root "app" user the .NET images ship; never root.
USER $APP_UID
EXPOSE 8000
# The service probes itself (`--healthcheck`: GET /health on the first ASPNETCORE_URLS address, exit 0 on 200):
# the runtime image has no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["dotnet", "Chatbot.Api.dll", "--healthcheck"]
# SIGTERM (docker stop) lets requests in flight finish for up to SHUTDOWN_TIMEOUT seconds (default 30):
# give `docker stop -t` / stop_grace_period more than that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "Chatbot.Api.dll"]
