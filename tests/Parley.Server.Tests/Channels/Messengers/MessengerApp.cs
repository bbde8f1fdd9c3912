using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Parley.Server.Tests.Channels.Meta;
using Parley.Server.Tests.Channels.Telegram;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Channels.Messengers;

/// <summary>
/// The real server with its Telegram Bot API and Graph API pointed at fakes on loopback, and a public address set,
/// so that connecting a bot sets a webhook and Meta channels show their callback URL.
/// </summary>
public abstract class MessengerApp : ParleyApp
{
    public const string PublicBaseUrl = "https://parley.example";

    public FakeTelegramApi Telegram { get; } = FakeTelegramApi.Start();

    public FakeGraphApi Graph { get; } = FakeGraphApi.Start();

    public string FilesPath { get; } = Path.Combine(Path.GetTempPath(), "parley-files-" + Guid.NewGuid().ToString("N")[..12]);

    public Provider Kind => Provider;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        Configure(builder, Telegram, Graph, FilesPath);
    }

    internal static void Configure(IWebHostBuilder builder, FakeTelegramApi telegram, FakeGraphApi graph, string filesPath)
    {
        builder.UseSetting("Parley:PublicBaseUrl", PublicBaseUrl);
        builder.UseSetting("Parley:Telegram:ApiBaseUrl", telegram.Url);
        builder.UseSetting("Parley:Telegram:PollTimeoutSeconds", "1");
        builder.UseSetting("Parley:Meta:GraphBaseUrl", graph.Url);
        builder.UseSetting("Parley:Meta:InstagramBaseUrl", graph.Url);
        builder.UseSetting("Parley:FilesPath", filesPath);
    }

    /// <summary>Stops the server only (a crash or restart); the database and the fakes stay for the next node.</summary>
    public ValueTask StopServerAsync() => base.DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Telegram.DisposeAsync();
        await Graph.DisposeAsync();
        if (Directory.Exists(FilesPath)) Directory.Delete(FilesPath, recursive: true);
        GC.SuppressFinalize(this);
    }
}

public sealed class MessengerSqliteApp : MessengerApp
{
    protected override Provider Provider => Provider.Sqlite;
}

public sealed class MessengerPostgresApp : MessengerApp
{
    protected override Provider Provider => Provider.Postgres;
}

/// <summary>
/// Another server process on the database of <paramref name="first"/>: after the first is stopped (a restart), or
/// beside it (a second node). Same clock, same fakes, nothing seeded or dropped.
/// </summary>
public sealed class SecondNode(MessengerApp first) : WebApplicationFactory<Program>
{
    public FakeTimeProvider Time => first.Time;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", first.Kind.ToString());
        builder.UseSetting("ConnectionStrings:Parley", first.ConnectionString);
        builder.UseSetting("Parley:Demo:Seed", "false");
        MessengerApp.Configure(builder, first.Telegram, first.Graph, first.FilesPath);
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(first.Time);
        });
    }
}
