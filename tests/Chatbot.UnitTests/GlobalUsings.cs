global using FluentAssertions;
global using NSubstitute;
global using NUnit.Framework;
