using System.Text.Json.Serialization;
using Betalgo.Ranul.OpenAI.ObjectModels.RequestModels;
using Betalgo.Ranul.OpenAI.ObjectModels.ResponseModels;
using Betalgo.Ranul.OpenAI.ObjectModels.SharedModels;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// Betalgo.Ranul.OpenAI's chat models, serialised by source-generated code on the paths this adapter writes and
/// reads itself (streaming): no reflection and no <c>JsonSerializerOptions</c> built per call, as the SDK's own
/// helpers do. Written as the SDK writes them: defaults left out.
/// </summary>
/// <remarks>
/// The SDK's "calculated" properties are typed <c>object</c> (<c>content</c>, <c>tools</c>, <c>tool_choice</c>):
/// their runtime types are registered here so that the generated code can write them.
/// </remarks>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(ChatCompletionCreateRequest))]
[JsonSerializable(typeof(ChatCompletionCreateResponse))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(List<MessageContent>))]
[JsonSerializable(typeof(List<ToolDefinition>))]
[JsonSerializable(typeof(ToolChoice))]
[JsonSerializable(typeof(ResponseFormat), TypeInfoPropertyName = "ChatResponseFormat")]
internal sealed partial class BetalgoJson : JsonSerializerContext;
