namespace Parley.Browser.Tests.Infrastructure;

/// <summary>A test class on one server and database (the fixture), whose browsers close after each test.</summary>
public abstract class BrowserTest<TApp>(TApp app) : IClassFixture<TApp>, IAsyncLifetime
    where TApp : ConsoleApp
{
    protected TApp App => app;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => app.CloseBrowsersAsync();
}
