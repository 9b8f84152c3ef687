using System.Globalization;

namespace Chatbot.DeploymentTests;

/// <summary>deploy/k8s, parsed and checked against the service: ports, probe paths (asked of a running instance), variables.</summary>
public sealed class KubernetesTests
{
    private const string Folder = "deploy/k8s";

    private static readonly IReadOnlyList<(string File, YamlValue Document)> Manifests =
        Directory.GetFiles(Repo.PathOf(Folder), "*.yaml").Order(StringComparer.Ordinal)
            .SelectMany(path => Yaml.Documents(File.ReadAllText(path)).Select(doc => (Path.GetFileName(path), doc)))
            .ToList();

    private static YamlValue Api => Resource("Deployment", "chatbot-api");

    private static YamlValue Container => Api.At("spec.template.spec.containers")[0];

    [Test]
    public void The_kustomization_applies_every_manifest_but_the_example_secret()
    {
        var kustomization = Manifests.Single(m => m.File == "kustomization.yaml").Document;
        var listed = kustomization["resources"].Items.Select(r => r.Text!).ToList();

        listed.Should().BeEquivalentTo(Manifests.Select(m => m.File).Distinct()
            .Where(f => f != "kustomization.yaml" && f != "secret.example.yaml"));
        Manifests.Where(m => m.File != "kustomization.yaml").Should().OnlyContain(m => m.Document["kind"].Exists && m.Document.At("metadata.name").Exists);
    }

    [Test]
    public void The_API_deployment_runs_two_replicas_of_the_image_as_non_root_on_a_read_only_filesystem()
    {
        Api.At("spec.replicas").Int.Should().Be(2);
        var pod = Api.At("spec.template.spec");
        pod.At("securityContext.runAsNonRoot").Text.Should().Be("true");
        pod.At("securityContext.runAsUser").Int.Should().BePositive();
        Container.At("securityContext.readOnlyRootFilesystem").Text.Should().Be("true");
        Container.At("securityContext.allowPrivilegeEscalation").Text.Should().Be("false");

        // The only writable place: an emptyDir on /tmp (.NET's diagnostics sockets and temporary files).
        var tmp = Container["volumeMounts"].Items.Should().ContainSingle(m => m["mountPath"].Text == "/tmp").Subject;
        pod["volumes"].Items.Should().ContainSingle(v => v["name"].Text == tmp["name"].Text && v["emptyDir"].Exists);

        foreach (var kind in new[] { "requests", "limits" })
        {
            Container.At($"resources.{kind}.cpu").Text.Should().NotBeNullOrEmpty();
            Container.At($"resources.{kind}.memory").Text.Should().NotBeNullOrEmpty();
        }
    }

    [Test]
    public void The_container_port_is_the_one_the_image_listens_on_and_the_Service_targets_it()
    {
        var image = Dockerfile.Parse(Repo.Read("Dockerfile"));
        var exposed = image.Final.All("EXPOSE").Single().Arguments;
        var port = Container["ports"].Items.Should().ContainSingle().Subject;
        port["containerPort"].Text.Should().Be(exposed);

        var service = Resource("Service", "chatbot-api");
        var target = service.At("spec.ports")[0]["targetPort"].Text;
        target.Should().BeOneOf(port["name"].Text, port["containerPort"].Text);
        Selects(service.At("spec.selector"), Api).Should().BeTrue("the Service selects the API's pods");
    }

    [Test]
    public async Task Liveness_and_readiness_probe_paths_answer_200_on_a_running_instance()
    {
        var liveness = Container.At("livenessProbe.httpGet");
        var readiness = Container.At("readinessProbe.httpGet");
        liveness["path"].Text.Should().Be("/health");
        readiness["path"].Text.Should().Be("/health/ready");
        var portName = Container["ports"][0]["name"].Text;
        foreach (var probe in new[] { liveness, readiness, Container.At("startupProbe.httpGet") }.Where(p => p.Exists))
        {
            probe["port"].Text.Should().BeOneOf(portName, Container["ports"][0]["containerPort"].Text);
        }

        var (api, _) = await EchoApis.GetAsync();
        using var client = api.CreateClient();
        foreach (var path in new[] { liveness["path"].Text!, readiness["path"].Text!, Container.At("startupProbe.httpGet.path").Text ?? "/health" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"the kubelet probes {path}");
        }
    }

    [Test]
    public void Configuration_comes_from_the_ConfigMap_and_the_API_key_from_the_Secret()
    {
        var configMapName = Container["envFrom"].Items.Should().ContainSingle().Subject.At("configMapRef.name").Text!;
        var configMap = Resource("ConfigMap", configMapName);
        Repo.KnownVariables.Should().Contain(configMap["data"].Keys, "every ConfigMap key becomes a variable of the service");
        configMap["data"].Keys.Should().NotContain("LLM_API_KEY", "the key is a secret");

        var env = Container["env"].Items;
        Repo.KnownVariables.Should().Contain(env.Select(e => e["name"].Text!));
        var key = env.Should().ContainSingle(e => e["name"].Text == "LLM_API_KEY").Subject.At("valueFrom.secretKeyRef");
        var secret = Resource("Secret", key["name"].Text!);
        secret["stringData"].Keys.Should().Contain(key["key"].Text);
        Manifests.Single(m => m.Document["kind"].Text == "Secret").File.Should().Be("secret.example.yaml", "a real key is never committed");
    }

    [Test]
    public void REDIS_URL_points_at_the_Redis_Service_which_selects_the_Redis_pods()
    {
        var configMap = Resource("ConfigMap", Container["envFrom"][0].At("configMapRef.name").Text!);
        var url = new Uri(configMap["data"]["REDIS_URL"].Text!);

        url.Scheme.Should().Be("redis");
        var service = Resource("Service", url.Host);
        var port = service.At("spec.ports")[0];
        port["port"].Int.Should().Be(url.Port);
        var redis = Resource("Deployment", "chatbot-redis");
        Selects(service.At("spec.selector"), redis).Should().BeTrue();
        var container = redis.At("spec.template.spec.containers")[0];
        container["image"].Text.Should().StartWith("redis:");
        container["ports"].Items.Select(p => p["name"].Text).Should().Contain(port["targetPort"].Text);
        redis.At("spec.template.spec.securityContext.runAsNonRoot").Text.Should().Be("true");
    }

    [Test]
    public void The_autoscaler_and_the_disruption_budget_target_the_API_deployment()
    {
        var hpa = Resources("HorizontalPodAutoscaler").Should().ContainSingle().Subject;
        hpa["apiVersion"].Text.Should().Be("autoscaling/v2");
        hpa.At("spec.scaleTargetRef.kind").Text.Should().Be("Deployment");
        hpa.At("spec.scaleTargetRef.name").Text.Should().Be(Api.At("metadata.name").Text);
        hpa.At("spec.minReplicas").Int.Should().Be(Api.At("spec.replicas").Int);
        hpa.At("spec.maxReplicas").Int.Should().BeGreaterThan(hpa.At("spec.minReplicas").Int!.Value);
        hpa.At("spec.metrics")[0].At("resource.name").Text.Should().Be("cpu", "CPU utilisation needs the CPU request the container sets");

        var pdb = Resources("PodDisruptionBudget").Should().ContainSingle().Subject;
        Selects(pdb.At("spec.selector.matchLabels"), Api).Should().BeTrue();
        pdb.At("spec.minAvailable").Int.Should().BeInRange(1, Api.At("spec.replicas").Int!.Value - 1);
    }

    [Test]
    public void Pods_get_longer_to_stop_than_SHUTDOWN_TIMEOUT_plus_the_preStop_pause()
    {
        var configMap = Resource("ConfigMap", Container["envFrom"][0].At("configMapRef.name").Text!);
        var shutdown = configMap["data"]["SHUTDOWN_TIMEOUT"].Int ?? 30;
        var preStop = Container.At("lifecycle.preStop.exec.command").Items.Select(i => i.Text!).ToList();
        var pause = preStop.Count == 2 && preStop[0] == "sleep" ? int.Parse(preStop[1], CultureInfo.InvariantCulture) : 0;

        Api.At("spec.template.spec.terminationGracePeriodSeconds").Int.Should().BeGreaterThan(shutdown + pause);
    }

    private static IEnumerable<YamlValue> Resources(string kind) =>
        Manifests.Select(m => m.Document).Where(d => d["kind"].Text == kind);

    private static YamlValue Resource(string kind, string name) =>
        Resources(kind).SingleOrDefault(d => d.At("metadata.name").Text == name) is { Exists: true } found
            ? found
            : throw new AssertionException($"{Folder} has no {kind} named {name}.");

    // Every label of the selector is on the pod template of the workload.
    private static bool Selects(YamlValue selector, YamlValue workload)
    {
        var labels = workload.At("spec.template.metadata.labels");
        return selector.Keys.Count > 0 && selector.Entries.All(kv => labels[kv.Key].Text == kv.Value.Text);
    }
}
