namespace Chatbot.Api.OpenApi;

/// <summary>
/// The action answers 200 as <c>text/event-stream</c>: one <c>data:</c> line of <typeparamref name="TEvent"/> as JSON per
/// event, then <c>data: [DONE]</c>. <see cref="EventStreamResponseProcessor"/> documents it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class EventStreamAttribute<TEvent> : Attribute, IEventStreamAttribute
{
    public Type EventType => typeof(TEvent);
}

/// <summary>What <see cref="EventStreamResponseProcessor"/> reads of <see cref="EventStreamAttribute{TEvent}"/>.</summary>
public interface IEventStreamAttribute
{
    Type EventType { get; }
}
