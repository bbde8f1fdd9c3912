using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Domain.Conversations;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>
/// PostgreSQL moves a folder counter when the transaction commits (migration DeferredConversationCounts): a transaction
/// that has changed a conversation does not hold the counter row that every other new or accepted chat of the company
/// moves too, so those do not queue behind it; and the counters are still exact once both have committed.
/// </summary>
public sealed class CounterLockTests(PostgresApp app) : IClassFixture<PostgresApp>
{
    [Fact]
    public async Task Counter_ConversationChangedInAnOpenTransaction_AnotherChangeOfTheSameCounterDoesNotWait()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Counter locks");
        var managerId = Guid.Parse(await MemberIdAsync(manager));
        // Two New, unassigned chats of the same platform and language: one counter row holds both.
        var first = Guid.Parse((await ClientSaysAsync(anonymous, channel, "counter-lock-1", "Hello", "en")).ConversationId);
        var second = Guid.Parse((await ClientSaysAsync(anonymous, channel, "counter-lock-2", "Hello", "en")).ConversationId);

        await using var holding = app.Services.CreateAsyncScope();
        var a = holding.ServiceProvider.GetRequiredService<ParleyDbContext>();
        await using var open = await a.Database.BeginTransactionAsync();
        Assert.Equal(1, await a.Conversations.Where(c => c.Id == first)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Folder, Folder.Active).SetProperty(c => c.AssigneeId, managerId)));

        await using (var other = app.Services.CreateAsyncScope())
        {
            var b = other.ServiceProvider.GetRequiredService<ParleyDbContext>();
            await using var tx = await b.Database.BeginTransactionAsync();
            // Waiting for the first transaction's lock would fail here instead of hanging the test.
            await b.Database.ExecuteSqlRawAsync("SET LOCAL lock_timeout = '10s'");
            Assert.Equal(1, await b.Conversations.Where(c => c.Id == second)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Folder, Folder.Active).SetProperty(c => c.AssigneeId, managerId)));
            await tx.CommitAsync();
        }

        await open.CommitAsync();

        await using var check = app.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var kept = (await db.ConversationCounts.Where(k => k.Count != 0).ToListAsync())
            .Select(k => $"{k.CompanyId} {k.Folder} {k.AssigneeId} {k.ChannelType} {k.IsAiHandled} {k.Language} {k.Count}");
        var fresh = (await db.Conversations.Select(c => new { c.CompanyId, c.Folder, c.AssigneeId, c.ChannelType, c.IsAiHandled, c.Language }).ToListAsync())
            .GroupBy(c => $"{c.CompanyId} {c.Folder} {c.AssigneeId ?? Guid.Empty} {c.ChannelType} {c.IsAiHandled} {c.Language ?? ""}")
            .Select(g => $"{g.Key} {g.Count()}");
        Assert.Equal(fresh.Order(StringComparer.Ordinal), kept.Order(StringComparer.Ordinal));
    }
}
