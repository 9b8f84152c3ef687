using Chatbot.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chatbot.UnitTests.Infrastructure.Configuration;

/// <summary>REDIS_URL and CACHE_TTL_SECONDS as GatewayOptions reads them.</summary>
public sealed class GatewayOptionsTests
{
    private static GatewayOptions Read(params (string Key, string? Value)[] settings) =>
        GatewayOptions.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    private static IReadOnlyList<string> Failures(params (string Key, string? Value)[] settings)
    {
        var act = () => Read(settings);
        return act.Should().Throw<OptionsValidationException>().Which.Failures.ToList();
    }

    [Test]
    public void With_nothing_set_every_feature_is_off()
    {
        var options = Read();

        options.Redis.Should().BeNull();
        options.CacheEnabled.Should().BeFalse();
    }

    [Test]
    public void Empty_values_as_a_copied_env_example_leaves_them_mean_off()
    {
        var options = Read(("REDIS_URL", ""), ("CACHE_TTL_SECONDS", ""));

        options.Redis.Should().BeNull();
        options.CacheEnabled.Should().BeFalse();
    }

    [Test]
    public void A_redis_url_gives_host_port_user_password_and_database()
    {
        var redis = Read(("REDIS_URL", "redis://app:p%40ss@cache.internal:6380/2")).Redis!;

        redis.EndPoints.Should().ContainSingle().Which.Should().Be(new System.Net.DnsEndPoint("cache.internal", 6380));
        redis.User.Should().Be("app");
        redis.Password.Should().Be("p@ss");
        redis.DefaultDatabase.Should().Be(2);
        redis.Ssl.Should().BeFalse();
    }

    [Test]
    public void Rediss_means_tls_a_missing_port_is_6379_and_a_password_may_come_alone()
    {
        var redis = Read(("REDIS_URL", "rediss://:secret@cache.example.com")).Redis!;

        redis.Ssl.Should().BeTrue();
        redis.EndPoints.Should().ContainSingle().Which.Should().Be(new System.Net.DnsEndPoint("cache.example.com", 6379));
        redis.User.Should().BeNull();
        redis.Password.Should().Be("secret");
    }

    [Test]
    public void A_stackexchange_configuration_string_is_taken_as_it_is_and_keeps_its_own_timeouts()
    {
        var redis = Read(("REDIS_URL", "one:7000,two:7001,password=pw,connectTimeout=9000")).Redis!;

        redis.EndPoints.Should().HaveCount(2);
        redis.Password.Should().Be("pw");
        redis.ConnectTimeout.Should().Be(9000);
    }

    [Test]
    public void Redis_is_set_up_to_outlive_outages_never_giving_up_and_never_queueing()
    {
        var redis = Read(("REDIS_URL", "redis://localhost:6379")).Redis!;

        redis.AbortOnConnectFail.Should().BeFalse();
        redis.BacklogPolicy.Should().BeSameAs(BacklogPolicy.FailFast);
        redis.ConnectTimeout.Should().Be(2000);
        redis.AsyncTimeout.Should().Be(1000);
    }

    [TestCase("http://localhost:6379")]
    [TestCase("redis://")]
    [TestCase("redis://localhost:6379/zero")]
    [TestCase("redis://localhost:6379?ssl=true")]
    [TestCase("localhost:6379,noSuchOption=1")]
    public void A_bad_redis_url_is_one_failure_naming_REDIS_URL(string value)
    {
        Failures(("REDIS_URL", value)).Should().ContainSingle().Which.Should().StartWith("REDIS_URL must be");
    }

    [TestCase("redis://admin:hunter2-secret@localhost:notaport")]
    [TestCase("redis://hunter2-secret@localhost:6379/x")]
    [TestCase("localhost,password=hunter2-secret,noSuchOption=1")]
    public void A_failure_never_shows_the_redis_password(string value)
    {
        Failures(("REDIS_URL", value)).Should().ContainSingle().Which.Should().Contain("***").And.NotContain("hunter2");
    }

    [TestCase("0", 0)]
    [TestCase("60", 60)]
    [TestCase("2592000", 2592000)]
    public void CACHE_TTL_SECONDS_is_whole_seconds_up_to_30_days(string value, int seconds)
    {
        Read(("CACHE_TTL_SECONDS", value)).CacheTimeToLive.Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [TestCase("CACHE_TTL_SECONDS", "-1")]
    [TestCase("CACHE_TTL_SECONDS", "1.5")]
    [TestCase("CACHE_TTL_SECONDS", "2592001")]
    public void A_bad_number_is_a_failure_naming_the_variable_and_the_value(string name, string value)
    {
        Failures((name, value)).Should().ContainSingle().Which.Should().StartWith(name).And.Contain($"'{value}'");
    }
}
