global using System.Net;
global using System.Text.Json;
global using Chatbot.Client;
global using Chatbot.ClientTests.Infrastructure;
global using Chatbot.FakeProvider;
global using FluentAssertions;
global using NUnit.Framework;

[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]
