# First version: build with the SDK, run on the ASP.NET runtime as a non-root user, port 8000.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Chatbot.sln ./
COPY src/Chatbot.Domain/Chatbot.Domain.csproj src/Chatbot.Domain/
COPY src/Chatbot.Application/Chatbot.Application.csproj src/Chatbot.Application/
COPY src/Chatbot.Infrastructure/Chatbot.Infrastructure.csproj src/Chatbot.Infrastructure/
COPY src/Chatbot.Api/Chatbot.Api.csproj src/Chatbot.Api/
RUN dotnet restore src/Chatbot.Api/Chatbot.Api.csproj
COPY src/ src/
RUN dotnet publish src/Chatbot.Api/Chatbot.Api.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final
WORKDIR /app
ENV ASPNETCORE_URLS=http://0.0.0.0:8000
EXPOSE 8000
COPY --from=build /app .
USER $APP_UID
ENTRYPOINT ["dotnet", "Chatbot.Api.dll"]
