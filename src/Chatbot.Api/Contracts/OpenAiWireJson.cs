using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chatbot.Api.Contracts;

/// <summary>
/// The answers of <c>/v1/chat/completions</c> (a completion, a stream's chunks), written by System.Text.Json's source
/// generator: the same JSON as MVC's web defaults (no naming policy is needed, every property names itself), without
/// walking reflection metadata on every answer. Requests are still read by MVC's input formatter, whose failures map to
/// OpenAI's errors (<see cref="ErrorHandling.ModelBindingFailures"/>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OpenAiChatCompletion))]
[JsonSerializable(typeof(OpenAiChatChunk))]
internal sealed partial class OpenAiWireJson : JsonSerializerContext;
