using StackExchange.Redis;

namespace Chatbot.Infrastructure.Redis;

/// <summary>The exceptions that mean "Redis could not do it now", after which a component goes on without it.</summary>
internal static class RedisFailures
{
    public static bool IsTransient(Exception exception) =>
        exception is RedisException or TimeoutException or ObjectDisposedException;
}
