using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Channels.Widget;

/// <summary>
/// The per-address limits, on a server configured with small ones (every test visitor comes from the same address,
/// so these get their own server).
/// </summary>
public abstract class VisitorRateLimitTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task Send_ManyVisitorsFromOneAddress_SlowDownOnceTheAddressLimitIsReached()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        var visitors = new List<VisitorClient>();
        try
        {
            for (var i = 0; i < 3; i++) visitors.Add(await VisitorClient.JoinAsync(app, channel));
            foreach (var visitor in visitors.Take(2))
            {
                await visitor.SendAsync("one");
                await visitor.SendAsync("two");
            }

            // Each visitor is far below their own limit; together they used the address's five.
            await visitors[2].SendAsync("five");
            var refused = await Assert.ThrowsAsync<HubException>(() => visitors[2].SendAsync("six"));
            Assert.Contains("slow down", refused.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            foreach (var visitor in visitors) await visitor.DisposeAsync();
        }
    }

    [Fact]
    public async Task Config_TooManyRequestsFromOneAddress_429ProblemSaysSlowDown()
    {
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var channel = await WidgetChannel.CreateAsync(owner);
        using var http = app.CreateClient();

        HttpResponseMessage response;
        var answered = 0;
        do
        {
            response = await http.GetAsync($"/api/v1/widget/{channel.PublicToken}/config");
            answered++;
        }
        while (response.IsSuccessStatusCode && answered < 50);

        var problem = await AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Contains("slow down", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(answered <= 11, $"Refused only after {answered} requests.");
    }
}

public sealed class LowLimitSqliteApp : ParleyApp
{
    protected override Provider Provider => Provider.Sqlite;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        LowLimits(builder);
    }

    internal static void LowLimits(IWebHostBuilder builder)
    {
        builder.UseSetting("Parley:Widget:MessagesPerMinutePerIp", "5");
        builder.UseSetting("Parley:Widget:RequestsPerMinutePerIp", "10");
    }
}

public sealed class LowLimitPostgresApp : ParleyApp
{
    protected override Provider Provider => Provider.Postgres;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        LowLimitSqliteApp.LowLimits(builder);
    }
}

public sealed class VisitorRateLimitTests_Sqlite(LowLimitSqliteApp app) : VisitorRateLimitTests<LowLimitSqliteApp>(app);

public sealed class VisitorRateLimitTests_Postgres(LowLimitPostgresApp app) : VisitorRateLimitTests<LowLimitPostgresApp>(app);
