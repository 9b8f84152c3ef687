namespace Chatbot.ClientTests.Infrastructure;

/// <summary>
/// Marks a test that makes the running service answer <c>POST /question</c> with this status and checks what the
/// generated client makes of it. <see cref="DocumentedStatusTests"/> requires one for every status in the document.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ProvokesStatusAttribute(int status) : PropertyAttribute(PropertyName, status)
{
    public const string PropertyName = "ProvokesStatus";

    public int Status { get; } = status;
}
