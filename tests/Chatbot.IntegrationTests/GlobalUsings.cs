global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using Chatbot.FakeProvider;
global using Chatbot.IntegrationTests.Infrastructure;
global using FluentAssertions;
global using NUnit.Framework;

[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
