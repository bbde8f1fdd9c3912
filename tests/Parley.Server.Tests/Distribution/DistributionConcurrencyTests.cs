using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Domain.Conversations;
using Parley.Server.Tests.Infrastructure;
using Xunit.Abstractions;
using static Parley.Server.Tests.Distribution.DistributionWorld;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Distribution;

/// <summary>
/// Two server instances on one PostgreSQL database, each with its own assigner, under bursts of new chats: no chat is
/// assigned twice, no manager goes above the limit, and the queue drains oldest first as chats are finished.
/// </summary>
public sealed class DistributionConcurrencyTests(PostgresApp app, ITestOutputHelper output) : IClassFixture<PostgresApp>
{
    private const int Managers = 5;
    private const int Limit = 10;
    private const int Burst = 200;

    [Fact]
    public async Task Burst_200ChatsOnTwoNodesFor5ManagersWithLimit10_EachAssignedOnceNoneAboveLimitRestInOrder()
    {
        await using var world = await CreateAsync(app, new { mode = "automatic", resumeBelowLimit = true, acceptTimeoutMinutes = (int?)null });
        await using var second = new SecondNode(app);
        using var anonymousOnSecond = second.CreateClient();
        var managers = new List<Manager>();
        for (var i = 0; i < Managers; i++) managers.Add(await world.ManagerAsync($"Manager{i}", Limit));
        foreach (var m in managers) await m.StartShiftAsync();

        await Task.WhenAll(Enumerable.Range(0, Burst).Select(i =>
            ClientSaysAsync(i % 2 == 0 ? world.Anonymous : anonymousOnSecond, world.Channel, $"burst-{i}-{world.Tag}", $"Запит {i}")));

        await EventuallyAsync(async () => (await StateAsync(world)).Queue.Count == Burst - Managers * Limit, "50 chats assigned, 150 queued");
        var state = await StateAsync(world);
        Assert.All(managers, m => Assert.Equal(Limit, state.OpenChats.GetValueOrDefault(Guid.Parse(m.Id))));
        Assert.Equal(Managers * Limit, state.AssignedHistory.Values.Sum());
        Assert.All(state.AssignedHistory.Values, n => Assert.Equal(1, n));

        // Each round every manager finishes one chat (alternating the two nodes); exactly the next oldest five follow.
        var queue = state.Queue;
        for (var round = 0; round * Managers < queue.Count; round++)
        {
            await Task.WhenAll(managers.Select(async (m, i) =>
            {
                var chat = await OldestAssignedAsync(world, m);
                using var onSecond = second.ClientFor(m.Http);
                await (m with { Http = i % 2 == 0 ? m.Http : onSecond }).AcceptAndFinishAsync(chat.ToString());
            }));
            var expectedWaiting = queue.Count - (round + 1) * Managers;
            await EventuallyAsync(async () => (await StateAsync(world)).Queue.Count == expectedWaiting, $"round {round}: five more assigned");
            state = await StateAsync(world);
            Assert.Equal(queue[((round + 1) * Managers)..], state.Queue);
            Assert.All(state.OpenChats.Values, n => Assert.True(n <= Limit, $"a manager holds {n} chats"));
        }

        state = await StateAsync(world);
        Assert.Equal(Burst, state.AssignedHistory.Count);
        Assert.All(state.AssignedHistory.Values, n => Assert.Equal(1, n));
    }

    /// <summary>
    /// The number for the closing note: 1,000 chats wait in the queue, then 10 managers (limit 100) start their shifts,
    /// half through each node; measured from the first start-shift request to the last chat assigned.
    /// </summary>
    [Fact]
    public async Task Burst_1000QueuedChatsTwoNodes_AllAssignedOnceAndTimed()
    {
        const int chats = 1000;
        await using var world = await CreateAsync(app, new { mode = "automatic", acceptTimeoutMinutes = (int?)null });
        await using var second = new SecondNode(app);
        var managers = new List<Manager>();
        for (var i = 0; i < 10; i++) managers.Add(await world.ManagerAsync($"Burst{i}", 100));
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(Enumerable.Range(0, chats).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await ClientSaysAsync(world.Anonymous, world.Channel, $"thousand-{i}-{world.Tag}", "Добрий день");
            }
            finally
            {
                gate.Release();
            }
        }));
        Assert.Equal(chats, (await StateAsync(world)).Queue.Count);

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(managers.Select(async (m, i) =>
        {
            using var onSecond = second.ClientFor(m.Http);
            await (m with { Http = i % 2 == 0 ? m.Http : onSecond }).StartShiftAsync();
        }));
        await EventuallyAsync(async () => (await StateAsync(world)).Queue.Count == 0, "all 1,000 chats assigned", TimeSpan.FromSeconds(120));
        clock.Stop();

        var state = await StateAsync(world);
        Assert.Equal(chats, state.AssignedHistory.Count);
        Assert.All(state.AssignedHistory.Values, n => Assert.Equal(1, n));
        Assert.All(state.OpenChats.Values, n => Assert.Equal(100, n));
        output.WriteLine($"Assigned {chats} queued chats to 10 managers on two nodes in {clock.ElapsedMilliseconds} ms");
    }

    private sealed record State(List<Guid> Queue, Dictionary<Guid, int> OpenChats, Dictionary<Guid, int> AssignedHistory);

    /// <summary>Straight from the database: the queue in order, open chats per manager, "assigned" history lines per chat.</summary>
    private async Task<State> StateAsync(DistributionWorld world)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var company = world.CompanyId;
        var queue = await db.Conversations.AsNoTracking().Where(c => c.CompanyId == company && c.Folder == Folder.New && c.AssigneeId == null)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Select(c => c.Id).ToListAsync();
        var open = await db.Conversations.AsNoTracking()
            .Where(c => c.CompanyId == company && c.AssigneeId != null && (c.Folder == Folder.New || c.Folder == Folder.Active))
            .GroupBy(c => c.AssigneeId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        var assigned = await db.ConversationEvents.AsNoTracking().Where(e => e.CompanyId == company && e.Kind == HistoryKinds.Assigned)
            .GroupBy(e => e.ConversationId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        return new State(queue, open, assigned);
    }

    private async Task<Guid> OldestAssignedAsync(DistributionWorld world, Manager m)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var id = Guid.Parse(m.Id);
        return await db.Conversations.AsNoTracking().Where(c => c.CompanyId == world.CompanyId && c.AssigneeId == id && c.Folder == Folder.New)
            .OrderBy(c => c.AssignedAt).ThenBy(c => c.CreatedAt).Select(c => c.Id).FirstAsync();
    }
}
