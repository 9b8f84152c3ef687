using System.Text.Json;

namespace Chatbot.DeploymentTests;

/// <summary>
/// The routes files the deployments mount (deploy/k8s-routes, docker-compose.routes.yml): each is started with by the
/// real service, with its key variables set, and serves the routes it lists. The single-provider variables are
/// taken out where the file is mounted, since with a routes file one of them set stops the start.
/// </summary>
public sealed class RoutesDeploymentTests
{
    private static readonly string[] SingleProviderVariables = ["LLM_PROVIDER", "LLM_BASE_URL", "LLM_MODEL", "LLM_API_KEY"];

    [TestCase("deploy/k8s-routes/routes.json")]
    [TestCase("deploy/routes.example.json")]
    public async Task A_shipped_routes_file_starts_the_service_and_serves_its_routes(string file)
    {
        using var routes = JsonDocument.Parse(Repo.Read(file));
        var listed = routes.RootElement.GetProperty("routes").EnumerateArray().Select(r => r.GetProperty("model").GetString()!).ToList();
        var environment = new Dictionary<string, string> { ["LLM_ROUTES_FILE"] = Repo.PathOf(file), ["DOTENV_FILE"] = "none" };
        foreach (var keyVariable in routes.RootElement.GetProperty("routes").EnumerateArray()
                     .Where(r => r.TryGetProperty("apiKeyEnv", out _)).Select(r => r.GetProperty("apiKeyEnv").GetString()!))
        {
            environment[keyVariable] = "sk-deployment-test-0123456789";
        }

        await using var api = await ApiProcess.StartAsync(environment);
        using var client = api.CreateClient();
        using var models = JsonDocument.Parse(await client.GetStringAsync(new Uri("/v1/models", UriKind.Relative)));

        models.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString())
            .Should().Equal(listed, $"{file} is a valid routes file");
    }

    [Test]
    public void The_Kubernetes_overlay_mounts_its_routes_file_read_only_where_LLM_ROUTES_FILE_points_and_drops_the_single_provider_variables()
    {
        var overlay = Yaml.Document(Repo.Read("deploy/k8s-routes/kustomization.yaml"));
        overlay["resources"].Items.Select(r => r.Text).Should().Contain("../k8s");
        var generator = overlay["configMapGenerator"].Items.Should().ContainSingle().Subject;
        generator["name"].Text.Should().Be("chatbot-routes");
        generator["files"].Items.Select(f => f.Text).Should().Equal("routes.json");

        var patches = string.Join("\n", overlay["patches"].Items.Select(p => p["patch"].Text));
        patches.Should().Contain("value: /etc/chatbot/routes.json").And.Contain("mountPath: /etc/chatbot").And.Contain("readOnly: true")
            .And.Contain("name: chatbot-routes");
        foreach (var variable in SingleProviderVariables.Where(v => v != "LLM_API_KEY"))
        {
            patches.Should().Contain($"path: /data/{variable}", $"{variable} beside a routes file stops the start");
        }

        // The container's env is replaced by the routes' key variables: LLM_API_KEY is gone.
        patches.Should().Contain("path: /spec/template/spec/containers/0/env").And.NotContain("name: LLM_API_KEY");
        var secret = Yaml.Document(Repo.Read("deploy/k8s/secret.example.yaml"));
        using var routes = JsonDocument.Parse(Repo.Read("deploy/k8s-routes/routes.json"));
        foreach (var route in routes.RootElement.GetProperty("routes").EnumerateArray().Where(r => r.TryGetProperty("apiKeyEnv", out _)))
        {
            var key = route.GetProperty("apiKeyEnv").GetString()!;
            patches.Should().Contain($"key: {key}");
            secret["stringData"].Keys.Should().Contain(key);
        }
    }

    [Test]
    public void The_compose_override_mounts_a_shipped_routes_file_and_empties_the_single_provider_variables()
    {
        var api = Yaml.Document(Repo.Read("docker-compose.routes.yml"))["services"]["api"];
        var target = api["environment"]["LLM_ROUTES_FILE"].Text!;
        var mount = api["volumes"].Items.Select(v => v.Text!.Split(':')).Should().ContainSingle().Subject;
        mount[1].Should().Be(target);
        mount.Should().Contain("ro");
        File.Exists(Repo.PathOf(mount[0].TrimStart('.', '/'))).Should().BeTrue();
        foreach (var variable in SingleProviderVariables)
        {
            api["environment"][variable].Text.Should().BeNullOrEmpty($"{variable} beside a routes file stops the start");
        }

        Repo.KnownVariables.Should().Contain(api["environment"].Keys);
    }
}
