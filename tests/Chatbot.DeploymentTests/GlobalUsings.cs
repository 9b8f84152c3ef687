global using System.Net;
global using System.Text.Json;
global using Chatbot.DeploymentTests.Support;
global using FluentAssertions;
global using NUnit.Framework;
