using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Parley.Data;
using Parley.Domain.SystemMessages;
using Parley.Server.Conversations;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>Rule 6 under scale-out: two server instances sweeping at the same moment archive each chat once (PostgreSQL only).</summary>
public sealed class InactivityConcurrencyTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    private const int Chats = 20;

    [Fact]
    public async Task SweepOnce_TwoSweepersAtOnce_EachConversationArchivedOnceWithOneMessage()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url);
        var ids = new List<string>();
        for (var i = 0; i < Chats; i++)
        {
            var (conversationId, _) = await ClientSaysAsync(anonymous, channel, $"sweep-race-{i}", "Добрий день");
            Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/v1/conversations/{conversationId}/accept", null)).StatusCode);
            ids.Add(conversationId);
        }

        // Only the two sweepers under test may archive. The host's own sweeper ticks when the fake clock moves (and stopping
        // a hosted service stops the whole host), so the clock moves while the rule is off; the host's pass finds nothing,
        // and gets a moment to finish before the rule is back on.
        await PatchSettingsAsync(owner, new { inactivityCloseMinutes = (int?)null });
        app.Time.Advance(TimeSpan.FromMinutes(16));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await PatchSettingsAsync(owner, new { inactivityCloseMinutes = 15 });
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        using var a = new InactivitySweeper(scopes, app.Time, NullLogger<InactivitySweeper>.Instance);
        using var b = new InactivitySweeper(scopes, app.Time, NullLogger<InactivitySweeper>.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var counts = await Task.WhenAll(a.SweepOnceAsync(timeout.Token), b.SweepOnceAsync(timeout.Token));

        Assert.Equal(Chats, counts.Sum());
        foreach (var id in ids)
        {
            var conversation = await ConversationAsync(owner, id);
            Assert.Equal("archived", conversation.GetProperty("folder").GetString());
            Assert.Equal("inactivity", conversation.GetProperty("archiveReason").GetString());
            Assert.Single(await MessagesAsync(owner, id), m => m.GetProperty("systemKind").ToString() == "closedInactivity");
            var history = (await GetJsonAsync(owner, $"/api/v1/conversations/{id}/history")).EnumerateArray();
            Assert.Single(history, h => h.GetProperty("kind").GetString() == "archived");
        }

        // The same facts straight from the database, including the outbox: one goodbye queued per chat, not two.
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var guids = ids.Select(Guid.Parse).ToList();
        var goodbyes = await db.Messages.AsNoTracking()
            .Where(m => guids.Contains(m.ConversationId) && m.SystemKind == SystemMessageKind.ClosedInactivity)
            .Select(m => new { m.Id, m.ConversationId }).ToListAsync();
        Assert.Equal(Chats, goodbyes.Count);
        Assert.Equal(Chats, goodbyes.Select(g => g.ConversationId).Distinct().Count());
        var goodbyeIds = goodbyes.Select(g => g.Id).ToList();
        Assert.Equal(Chats, await db.Outbox.CountAsync(o => goodbyeIds.Contains(o.MessageId)));
    }
}
