global using Chatbot.BrowserTests.Infrastructure;
global using FluentAssertions;
global using Microsoft.Playwright;
global using NUnit.Framework;
global using static Microsoft.Playwright.Assertions;
