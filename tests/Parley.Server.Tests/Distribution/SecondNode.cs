using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Parley.Server.Tests.Infrastructure;

namespace Parley.Server.Tests.Distribution;

/// <summary>A second server instance on the first one's database and clock: its own bus, assigner worker and sweeper.</summary>
internal sealed class SecondNode(ParleyApp first) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", "Postgres");
        builder.UseSetting("ConnectionStrings:Parley", first.ConnectionString);
        builder.UseSetting("Parley:Demo:Seed", "false");
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(first.Time);
        });
    }

    /// <summary>The same signed-in member, talking to this instance (API tokens live in the shared database).</summary>
    public HttpClient ClientFor(HttpClient onFirst)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = onFirst.DefaultRequestHeaders.Authorization is { } auth
            ? new AuthenticationHeaderValue(auth.Scheme, auth.Parameter)
            : null;
        return client;
    }
}
