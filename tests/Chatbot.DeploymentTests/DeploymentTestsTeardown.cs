namespace Chatbot.DeploymentTests;

/// <summary>Stops the API instances shared by the fixtures once every test has run.</summary>
[SetUpFixture]
public sealed class DeploymentTestsTeardown
{
    [OneTimeTearDown]
    public Task StopSharedApis() => EchoApis.StopAsync();
}
