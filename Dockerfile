# syntax=docker/dockerfile:1
# The one deployable: the API co-hosting an Orleans silo (src/Api). Kubernetes probes it over HTTP
# (/health/live, /health/ready), so the image has no HEALTHCHECK of its own.
#
#   docker build -t admanager-migration:dev .
#
# Ports: 8080 HTTP (API, admin page, /health, /metrics), 11111 silo-to-silo, 30000 Orleans gateway.

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Restore from the project files alone, so this layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props NuGet.config .editorconfig ./
COPY src/Grains.Abstractions/Grains.Abstractions.csproj src/Grains.Abstractions/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Silo/Silo.csproj src/Silo/
COPY src/Api/Api.csproj src/Api/
RUN dotnet restore src/Api/Api.csproj
COPY src/ src/
RUN dotnet publish src/Api/Api.csproj --configuration Release --no-restore --output /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
# Structured logs for the cluster's log pipeline: one JSON object per line, scopes (JobId, Phase, BatchNo) included.
ENV ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_NOLOGO=1 \
    Logging__Console__FormatterName=json \
    Logging__Console__FormatterOptions__IncludeScopes=true \
    Logging__Console__FormatterOptions__UseUtcTimestamp=true \
    Logging__Console__FormatterOptions__TimestampFormat="yyyy-MM-ddTHH:mm:ss.fffZ"
COPY --from=build --chown=root:root /app ./
# The base image's unprivileged "app" user, by number, so Kubernetes' runAsNonRoot can verify it.
USER $APP_UID
EXPOSE 8080 11111 30000
ENTRYPOINT ["dotnet", "AdManager.Api.dll"]
