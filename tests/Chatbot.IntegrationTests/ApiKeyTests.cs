using System.ClientModel;
using System.Net.Http.Headers;
using OpenAI;
using OpenAI.Chat;

namespace Chatbot.IntegrationTests;

/// <summary>API_KEYS and API_KEYS_FILE: which endpoints need a client key, how it is shown, and what a refusal says.</summary>
public sealed class ApiKeyTests
{
    private const string KeyOne = "client-key-one-0123456789";
    private const string KeyTwo = "client-key-two-0123456789";
    private const string KeyFromFile = "client-key-from-file-0123456789";
    private const string ClientKeyDetail = "A valid API key is required: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.";

    private FakeProviderServer _fake = null!;
    private ApiFactory _factory = null!;
    private HttpClient _client = null!;
    private string _keyFile = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _keyFile = Path.Combine(Directory.CreateTempSubdirectory("chatbot-keys-").FullName, "keys.txt");
        await File.WriteAllTextAsync(_keyFile, $"# keys of the reporting team\n\n{KeyFromFile}\n");
        _fake = await FakeProviderServer.StartAsync();
        _factory = ApiFactory.For(_fake, ("API_KEYS", $"{KeyOne}, {KeyTwo}"), ("API_KEYS_FILE", _keyFile));
        _factory.UseKestrel(0);
        _factory.StartServer();
        using var kestrel = _factory.CreateClient();

        // A plain client on real Kestrel, so the redirects to the documents are seen as such.
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = kestrel.BaseAddress };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _fake.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_keyFile)!, recursive: true);
    }

    [SetUp]
    public void ResetFake() => _fake.Reset();

    private static HttpRequestMessage Request(HttpMethod method, string path, (string Name, string Value)? header = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            request.Content = JsonContent.Create(new { text = "hello" });
        }

        if (header is { } h)
        {
            request.Headers.TryAddWithoutValidation(h.Name, h.Value);
        }

        return request;
    }

    [TestCase("POST", "/question")]
    [TestCase("POST", "/question/stream")]
    [TestCase("GET", "/metrics")]
    [TestCase("GET", "/no/such/path")]
    public async Task Without_a_key_an_endpoint_is_401_with_www_authenticate_and_a_detail_about_the_clients_key(string method, string path)
    {
        var response = await _client.SendAsync(Request(new HttpMethod(method), path));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, ClientKeyDetail);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
        _fake.ChatCompletionCalls.Should().Be(0);
    }

    [TestCase("Authorization", "Bearer not-a-key-of-this-service")]
    [TestCase("Authorization", "Basic " + KeyOne)]
    [TestCase("X-API-Key", "not-a-key-of-this-service")]
    [TestCase("X-API-Key", KeyOne + "x")]
    public async Task A_wrong_key_is_refused_the_same_way(string header, string value)
    {
        var response = await _client.SendAsync(Request(HttpMethod.Post, "/question", (header, value)));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, ClientKeyDetail);
        problem.GetRawText().Should().NotContain(value);
        response.Headers.WwwAuthenticate.Should().ContainSingle().Which.Scheme.Should().Be("Bearer");
    }

    [TestCase("Authorization", "Bearer " + KeyOne)]
    [TestCase("Authorization", "bearer " + KeyTwo)]
    [TestCase("X-API-Key", KeyOne)]
    [TestCase("X-API-Key", KeyFromFile)]
    [TestCase("Authorization", "Bearer " + KeyFromFile)]
    public async Task A_valid_key_from_API_KEYS_or_API_KEYS_FILE_is_accepted_either_way(string header, string value)
    {
        var response = await _client.SendAsync(Request(HttpMethod.Post, "/question", (header, value)));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString().Should().Be("Fake answer to: hello");
    }

    [TestCase("/health")]
    [TestCase("/health/ready")]
    [TestCase("/")]
    [TestCase("/docs")]
    [TestCase("/docs/index.html")]
    [TestCase("/redoc")]
    [TestCase("/redoc/index.html")]
    [TestCase("/openapi.json")]
    public async Task Health_readiness_the_redirect_and_the_documents_need_no_key(string path)
    {
        var response = await _client.GetAsync(path);

        // An answer or a redirect (which ones is the documents' business), never "show a key".
        ((int)response.StatusCode).Should().BeInRange(200, 399, path);
    }

    [Test]
    public async Task The_provider_rejecting_the_services_own_credentials_still_says_so()
    {
        _fake.Default = FakeResponse.WithStatus(401);

        var response = await _client.SendAsync(Request(HttpMethod.Post, "/question", ("X-API-Key", KeyOne)));

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "Authentication failed with LLM provider");
        response.Headers.WwwAuthenticate.Should().BeEmpty("the client's key was fine");
    }

    [Test]
    public async Task The_openai_sdk_is_let_in_with_a_valid_key_and_told_invalid_api_key_otherwise()
    {
        ChatClient Chat(string key) => new(
            ApiFactory.Model,
            new ApiKeyCredential(key),
            new OpenAIClientOptions { Endpoint = new Uri(_client.BaseAddress!, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });

        ChatCompletion completion = await Chat(KeyTwo).CompleteChatAsync([new UserChatMessage("Hello!")]);
        var refused = async () => await Chat("sk-not-a-key-of-this-service").CompleteChatAsync([new UserChatMessage("Hello!")]);

        completion.Content.Single().Text.Should().Be("Fake answer to: Hello!");
        var error = (await refused.Should().ThrowAsync<ClientResultException>()).Which;
        error.Status.Should().Be(401);
        var body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString()).RootElement.GetProperty("error");
        body.GetProperty("code").GetString().Should().Be("invalid_api_key");
        body.GetProperty("message").GetString().Should().Be(ClientKeyDetail);
        _fake.ChatCompletionCalls.Should().Be(1);
    }

    [Test]
    public async Task The_models_list_needs_the_key_too_and_answers_in_openais_shape()
    {
        var refused = await _client.GetAsync("/v1/models");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", KeyOne);
        var allowed = await _client.SendAsync(request);

        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("type").GetString()
            .Should().Be("invalid_request_error");
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task The_openapi_document_declares_optional_bearer_and_x_api_key_for_every_operation_but_health()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi.json");

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        schemes.GetProperty("Bearer").GetProperty("type").GetString().Should().Be("http");
        schemes.GetProperty("Bearer").GetProperty("scheme").GetString().Should().Be("bearer");
        schemes.GetProperty("ApiKey").GetProperty("type").GetString().Should().Be("apiKey");
        schemes.GetProperty("ApiKey").GetProperty("in").GetString().Should().Be("header");
        schemes.GetProperty("ApiKey").GetProperty("name").GetString().Should().Be("X-API-Key");

        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[] { ("/question", "post"), ("/question/stream", "post"), ("/v1/chat/completions", "post"), ("/v1/models", "get") })
        {
            var security = paths.GetProperty(path).GetProperty(method).GetProperty("security").EnumerateArray()
                .Select(requirement => requirement.EnumerateObject().Select(p => p.Name).SingleOrDefault() ?? "(none)");
            security.Should().BeEquivalentTo(
                ["(none)", "Bearer", "ApiKey"],
                $"{method} {path} takes either, and none where API_KEYS is unset (one document whatever the configuration)");
        }

        paths.GetProperty("/health").GetProperty("get").TryGetProperty("security", out _).Should().BeFalse();
    }

    [Test]
    public async Task Swagger_ui_offers_authorize_and_keeps_the_key_across_reloads()
    {
        var page = await _client.GetStringAsync("/docs/index.html");

        page.Should().Contain("persistAuthorization: true");
    }
}
