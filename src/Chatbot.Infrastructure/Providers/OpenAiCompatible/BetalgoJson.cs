using System.Text.Json.Serialization;
using Betalgo.Ranul.OpenAI.Contracts.Enums;
using Betalgo.Ranul.OpenAI.ObjectModels.RequestModels;
using Betalgo.Ranul.OpenAI.ObjectModels.ResponseModels;

namespace Chatbot.Infrastructure.Providers.OpenAiCompatible;

/// <summary>
/// Betalgo.Ranul.OpenAI's chat models (and this adapter's subclasses of them), serialised by source-generated code on
/// the paths this adapter writes and reads itself (streaming): no reflection and no <c>JsonSerializerOptions</c> built
/// per call, as the SDK's own helpers do. Written as the SDK writes them: defaults left out.
/// </summary>
/// <remarks>
/// The SDK's "calculated" properties are typed <c>object</c> (<c>content</c>, <c>tools</c>, <c>tool_choice</c>,
/// <c>logit_bias</c>): their runtime types are registered here so that the generated code can write them.
/// </remarks>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(ProviderChatRequest))]
[JsonSerializable(typeof(ChatCompletionCreateResponse))]
[JsonSerializable(typeof(ProviderChatChunk))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(List<MessageContent>))]
[JsonSerializable(typeof(List<ToolDefinition>))]
[JsonSerializable(typeof(ProviderFunction))]
[JsonSerializable(typeof(ToolChoice))]
[JsonSerializable(typeof(ToolChoiceType))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(Betalgo.Ranul.OpenAI.ObjectModels.RequestModels.ResponseFormat), TypeInfoPropertyName = "ChatResponseFormat")]
internal sealed partial class BetalgoJson : JsonSerializerContext;
