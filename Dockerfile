# The one build recipe of every Sync service. From the repository root, naming the service's project:
#   docker build --build-arg PROJECT=services/sync-worker/Sync.SyncWorker.csproj -t sync/sync-worker .
# docker compose builds each of its services through it (docker-compose.yml).
ARG DOTNET_VERSION=10.0

# The project files alone, in their folders: this stage reruns on any change, but what it hands on changes only when a
# project file does, so the restore below stays cached across code changes.
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS project-files
WORKDIR /src
COPY shared/ shared/
COPY services/ services/
RUN find . -type f ! -name '*.csproj' -delete && find . -type d -empty -delete

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG PROJECT
RUN test -n "$PROJECT" || { echo 'Name the service: --build-arg PROJECT=services/<service>/Sync.<Service>.csproj' >&2; exit 1; }
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY --from=project-files /src/ ./
RUN dotnet restore "$PROJECT"
COPY shared/ shared/
COPY services/ services/
RUN dotnet publish "$PROJECT" -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}
ARG PROJECT
# The entry assembly is named for its project: services/sync-worker/Sync.SyncWorker.csproj runs Sync.SyncWorker.dll.
ENV SYNC_PROJECT=${PROJECT}
WORKDIR /app
COPY --from=build /app .
# The aspnet image sets ASPNETCORE_HTTP_PORTS=8080, which takes precedence over the service's default port.
EXPOSE 8080
USER app
# exec: dotnet replaces the shell, so it is process 1 and receives docker's stop signal.
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet \"$(basename \"$SYNC_PROJECT\" .csproj).dll\""]
