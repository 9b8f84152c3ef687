using Chatbot.Infrastructure.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chatbot.UnitTests.Infrastructure.Configuration;

/// <summary>REDIS_URL, CACHE_TTL_SECONDS, API_KEYS, API_KEYS_FILE and RATE_LIMIT_PER_MINUTE as ServiceSettings reads them.</summary>
public sealed class ServiceSettingsTests
{
    private static ServiceSettings Read(params (string Key, string? Value)[] settings) =>
        ServiceSettings.Read(new ConfigurationBuilder()
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

        options.Redis.Configuration.Should().BeNull();
        options.Cache.Enabled.Should().BeFalse();
        options.ClientKeys.Required.Should().BeFalse();
        options.RateLimit.PerMinute.Should().Be(0);
    }

    [Test]
    public void Empty_values_as_a_copied_env_example_leaves_them_mean_off()
    {
        var options = Read(("REDIS_URL", ""), ("CACHE_TTL_SECONDS", ""), ("API_KEYS", ""), ("API_KEYS_FILE", " "), ("RATE_LIMIT_PER_MINUTE", ""));

        options.Redis.Configuration.Should().BeNull();
        options.Cache.Enabled.Should().BeFalse();
        options.ClientKeys.Required.Should().BeFalse();
        options.RateLimit.PerMinute.Should().Be(0);
    }

    [Test]
    public void A_redis_url_gives_host_port_user_password_and_database()
    {
        var redis = Read(("REDIS_URL", "redis://app:p%40ss@cache.internal:6380/2")).Redis.Configuration!;

        redis.EndPoints.Should().ContainSingle().Which.Should().Be(new System.Net.DnsEndPoint("cache.internal", 6380));
        redis.User.Should().Be("app");
        redis.Password.Should().Be("p@ss");
        redis.DefaultDatabase.Should().Be(2);
        redis.Ssl.Should().BeFalse();
    }

    [Test]
    public void Rediss_means_tls_a_missing_port_is_6379_and_a_password_may_come_alone()
    {
        var redis = Read(("REDIS_URL", "rediss://:secret@cache.example.com")).Redis.Configuration!;

        redis.Ssl.Should().BeTrue();
        redis.EndPoints.Should().ContainSingle().Which.Should().Be(new System.Net.DnsEndPoint("cache.example.com", 6379));
        redis.User.Should().BeNull();
        redis.Password.Should().Be("secret");
    }

    [Test]
    public void A_stackexchange_configuration_string_is_taken_as_it_is_and_keeps_its_own_timeouts()
    {
        var redis = Read(("REDIS_URL", "one:7000,two:7001,password=pw,connectTimeout=9000")).Redis.Configuration!;

        redis.EndPoints.Should().HaveCount(2);
        redis.Password.Should().Be("pw");
        redis.ConnectTimeout.Should().Be(9000);
    }

    [Test]
    public void Redis_is_set_up_to_outlive_outages_never_giving_up_and_never_queueing()
    {
        var redis = Read(("REDIS_URL", "redis://localhost:6379")).Redis.Configuration!;

        redis.AbortOnConnectFail.Should().BeFalse();
        redis.BacklogPolicy.Should().BeSameAs(BacklogPolicy.FailFast);
        redis.ConnectTimeout.Should().Be(2000);
        redis.AsyncTimeout.Should().Be(1000);
    }

    [Test]
    public void Redis_is_only_used_by_a_feature_that_keeps_state_there()
    {
        Read(("REDIS_URL", "redis://localhost:6379")).SharedRedis.Should().BeNull("neither the cache nor the rate limit is on");
        Read(("REDIS_URL", "redis://localhost:6379"), ("API_KEYS", "alpha-key-0123456789")).SharedRedis.Should().BeNull();
        Read(("REDIS_URL", "redis://localhost:6379"), ("CACHE_TTL_SECONDS", "60")).SharedRedis.Should().NotBeNull();
        Read(("REDIS_URL", "redis://localhost:6379"), ("RATE_LIMIT_PER_MINUTE", "60")).SharedRedis.Should().NotBeNull();
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
        Read(("CACHE_TTL_SECONDS", value)).Cache.TimeToLive.Should().Be(TimeSpan.FromSeconds(seconds));
    }

    [TestCase(null, 64)]
    [TestCase("", 64)]
    [TestCase("1", 1)]
    [TestCase(" 512 ", 512)]
    [TestCase("65536", 65536)]
    public void CACHE_MEMORY_MB_bounds_the_answers_kept_in_memory_64_MB_unless_set(string? value, int megabytes)
    {
        Read(("CACHE_MEMORY_MB", value)).Cache.MemoryLimitBytes.Should().Be(megabytes * 1024L * 1024L);
    }

    [TestCase("CACHE_MEMORY_MB", "0")]
    [TestCase("CACHE_MEMORY_MB", "-1")]
    [TestCase("CACHE_MEMORY_MB", "1.5")]
    [TestCase("CACHE_MEMORY_MB", "65537")]
    [TestCase("CACHE_MEMORY_MB", "lots")]
    [TestCase("CACHE_TTL_SECONDS", "-1")]
    [TestCase("CACHE_TTL_SECONDS", "1.5")]
    [TestCase("CACHE_TTL_SECONDS", "2592001")]
    [TestCase("RATE_LIMIT_PER_MINUTE", "ten")]
    [TestCase("RATE_LIMIT_PER_MINUTE", "1000001")]
    public void A_bad_number_is_a_failure_naming_the_variable_and_the_value(string name, string value)
    {
        Failures((name, value)).Should().ContainSingle().Which.Should().StartWith(name).And.Contain($"'{value}'");
    }

    [Test]
    public void API_KEYS_are_comma_separated_trimmed_and_deduplicated()
    {
        var keys = Read(("API_KEYS", " alpha-key-0123456789 ,beta-key-0123456789,alpha-key-0123456789,")).ClientKeys.Keys;

        keys.Count.Should().Be(2);
        keys.TryMatch("alpha-key-0123456789", out _).Should().BeTrue();
        keys.TryMatch("beta-key-0123456789", out _).Should().BeTrue();
    }

    [TestCase("short")]
    [TestCase("has a space in it 0123456789")]
    [TestCase(",,")]
    public void A_bad_API_KEYS_value_is_a_failure_that_does_not_print_it(string value)
    {
        var failure = Failures(("API_KEYS", value)).Should().ContainSingle().Subject;

        failure.Should().StartWith("API_KEYS");
        if (value.Trim(',').Length > 0)
        {
            failure.Should().NotContain(value);
        }
    }

    [Test]
    public void API_KEYS_FILE_adds_one_key_per_line_skipping_blanks_and_comments()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "# billing\n\n  file-key-0123456789  \n#not-a-key-0123456789\n");

            var keys = Read(("API_KEYS", "env-key-0123456789"), ("API_KEYS_FILE", file)).ClientKeys.Keys;

            keys.Count.Should().Be(2);
            keys.TryMatch("file-key-0123456789", out _).Should().BeTrue();
            keys.TryMatch("env-key-0123456789", out _).Should().BeTrue();
            keys.TryMatch("#not-a-key-0123456789", out _).Should().BeFalse();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void An_API_KEYS_FILE_that_is_missing_or_holds_no_key_is_a_failure()
    {
        var empty = Path.GetTempFileName();
        try
        {
            File.WriteAllText(empty, "# nobody yet\n");

            Failures(("API_KEYS_FILE", empty)).Should().ContainSingle().Which.Should().Contain("API_KEYS_FILE").And.Contain("has none");
            Failures(("API_KEYS_FILE", empty + ".missing")).Should().ContainSingle().Which.Should().Contain("readable file");
        }
        finally
        {
            File.Delete(empty);
        }
    }
}
