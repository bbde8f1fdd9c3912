using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>
/// Folder counts come from counters the database keeps (DataScale and TagCounts migrations), not from counting
/// conversations: after every lifecycle change (and every change of a client's tags) they must equal a fresh count of the
/// conversations, for every role and every filter they serve.
/// </summary>
public abstract class FolderCountsTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    [Fact]
    public async Task Counts_ThroughEveryLifecycleChange_EqualAFreshCount()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Counts");
        var managerId = await MemberIdAsync(manager);
        await AssertExactAsync(owner, manager);

        var (first, _) = await ClientSaysAsync(anonymous, channel, "counts-1", "Привіт", "uk", "Олена");
        var (second, _) = await ClientSaysAsync(anonymous, channel, "counts-2", "Hello", "en", "Bob");
        var (third, _) = await ClientSaysAsync(anonymous, channel, "counts-3", "Dzień dobry", "pl", "Ewa");
        await AssertExactAsync(owner, manager);

        await PostOkAsync(owner, $"/api/v1/conversations/{first}/accept");
        await PostOkAsync(manager, $"/api/v1/conversations/{second}/accept");
        await AssertExactAsync(owner, manager);

        var transfer = await owner.PostAsJsonAsync($"/api/v1/conversations/{first}/transfer", new { managerId });
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        await AssertExactAsync(owner, manager);

        await PostOkAsync(manager, $"/api/v1/conversations/{first}/finish");
        await AssertExactAsync(owner, manager);

        await PostOkAsync(owner, $"/api/v1/conversations/{first}/reopen");
        await AssertExactAsync(owner, manager);

        var clientId = (await ConversationAsync(owner, third)).GetProperty("clientId").GetString();
        await PostOkAsync(owner, $"/api/v1/clients/{clientId}/block");
        Assert.Equal("archived", (await ConversationAsync(owner, third)).GetProperty("folder").GetString());
        await AssertExactAsync(owner, manager);

        // A message after archiving starts a new conversation (rule 7).
        await PostOkAsync(owner, $"/api/v1/conversations/{second}/finish");
        await ClientSaysAsync(anonymous, channel, "counts-2", "One more question", "en", "Bob");
        await AssertExactAsync(owner, manager);
    }

    [Fact]
    public async Task Counts_ConversationDeleted_CounterFollows()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Counts delete");
        var (conversation, _) = await ClientSaysAsync(anonymous, channel, "counts-delete-1", "Привіт");

        // No endpoint deletes a conversation; a cascade (or an operator) may, and the counters must follow.
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            Assert.Equal(1, await db.Conversations.Where(c => c.Id == Guid.Parse(conversation)).ExecuteDeleteAsync());
        }

        await AssertExactAsync(owner, manager);
    }

    [Fact]
    public async Task TagCounts_ThroughLifecycleAndTagChanges_EqualAFreshCount()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Tag counts");
        var managerId = await MemberIdAsync(manager);
        var vip = await CreateTagAsync(owner, "Tag counts VIP");
        var wholesale = await CreateTagAsync(owner, "Tag counts wholesale");

        var (first, _) = await ClientSaysAsync(anonymous, channel, "tag-counts-1", "Привіт", "uk", "Олена");
        var (second, _) = await ClientSaysAsync(anonymous, channel, "tag-counts-2", "Hello", "en", "Bob");
        var (third, _) = await ClientSaysAsync(anonymous, channel, "tag-counts-3", "Dzień dobry", "pl", "Ewa");
        var firstClient = await ClientOfAsync(owner, first);
        var secondClient = await ClientOfAsync(owner, second);
        var thirdClient = await ClientOfAsync(owner, third);
        await SetTagsAsync(owner, firstClient, vip);
        await SetTagsAsync(owner, secondClient, vip, wholesale);
        await AssertTagCountsExactAsync(owner, manager, vip, wholesale);

        await PostOkAsync(owner, $"/api/v1/conversations/{first}/accept");
        await PostOkAsync(manager, $"/api/v1/conversations/{second}/accept");
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsJsonAsync($"/api/v1/conversations/{first}/transfer", new { managerId })).StatusCode);
        await AssertTagCountsExactAsync(owner, manager, vip, wholesale);

        await PostOkAsync(manager, $"/api/v1/conversations/{first}/finish");
        await PostOkAsync(owner, $"/api/v1/conversations/{first}/reopen");
        await PostOkAsync(owner, $"/api/v1/clients/{thirdClient}/block");
        await AssertTagCountsExactAsync(owner, manager, vip, wholesale);

        // A tag given to a client with an archived conversation, and a client's second conversation (rule 7).
        await SetTagsAsync(owner, thirdClient, wholesale);
        await PostOkAsync(manager, $"/api/v1/conversations/{second}/finish");
        await ClientSaysAsync(anonymous, channel, "tag-counts-2", "One more question", "en", "Bob");
        await AssertTagCountsExactAsync(owner, manager, vip, wholesale);

        // A tag taken off, a conversation deleted (no endpoint does; a cascade or an operator may), a tag deleted.
        await SetTagsAsync(owner, secondClient, wholesale);
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            Assert.Equal(1, await db.Conversations.Where(c => c.Id == Guid.Parse(first)).ExecuteDeleteAsync());
        }

        await AssertTagCountsExactAsync(owner, manager, vip, wholesale);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/v1/tags/{wholesale}")).StatusCode);
        await AssertTagCountsExactAsync(owner, manager, vip);
    }

    /// <summary>
    /// Every tag counter equals a fresh count of the conversations of the tag's clients, and a tag's folder counts (read
    /// from the counters) equal the same filter with an all-time custom period (counted from the conversations).
    /// </summary>
    private async Task AssertTagCountsExactAsync(HttpClient owner, HttpClient manager, params string[] tags)
    {
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var kept = (await db.TagCounts.Where(k => k.Count != 0).ToListAsync()).Select(k => $"{k.CompanyId} {k.TagId} {k.AssigneeId} {k.Folder} {k.Count}");
            var fresh = (await db.ClientTags.Join(db.Conversations, t => t.ClientId, c => c.ClientId, (t, c) => new { c.CompanyId, t.TagId, c.AssigneeId, c.Folder })
                    .ToListAsync())
                .GroupBy(r => $"{r.CompanyId} {r.TagId} {r.AssigneeId ?? Guid.Empty} {r.Folder}").Select(g => $"{g.Key} {g.Count()}");
            Assert.Equal(fresh.Order(StringComparer.Ordinal), kept.Order(StringComparer.Ordinal));
        }

        foreach (var member in new[] { owner, manager })
        {
            foreach (var tag in tags)
            {
                foreach (var filter in new[] { "", "&chats=mine", "&chats=unassigned" })
                {
                    var counted = FolderCountsOf((await GetJsonAsync(member, $"/api/v1/conversations?limit=1&tag={tag}{filter}")).GetProperty("counts"));
                    Assert.Equal(await FreshAsync(member, $"&tag={tag}{filter}"), counted);
                }
            }
        }
    }

    private static async Task<string> CreateTagAsync(HttpClient owner, string name) =>
        (await Json(await owner.PostAsJsonAsync("/api/v1/tags", new { name }))).GetProperty("id").GetString()!;

    private static async Task<string> ClientOfAsync(HttpClient member, string conversation) =>
        (await ConversationAsync(member, conversation)).GetProperty("clientId").GetString()!;

    private static async Task SetTagsAsync(HttpClient owner, string client, params string[] tagIds)
    {
        var response = await owner.PutAsJsonAsync($"/api/v1/clients/{client}/tags", new { tagIds });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PUT tags answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>
    /// The counts endpoint and the list's counts under counter-served filters, against the same filters plus an
    /// all-time custom period, which the counters do not serve and so counts the conversations themselves.
    /// </summary>
    private static async Task AssertExactAsync(HttpClient owner, HttpClient manager)
    {
        foreach (var member in new[] { owner, manager })
        {
            Assert.Equal(await FreshAsync(member, ""), FolderCountsOf(await GetJsonAsync(member, "/api/v1/conversations/counts")));
            foreach (var filter in new[] { "", "&platform=api", "&platform=api,ai", "&language=uk", "&chats=mine", "&chats=unassigned" })
            {
                var counted = FolderCountsOf((await GetJsonAsync(member, $"/api/v1/conversations?limit=1{filter}")).GetProperty("counts"));
                Assert.Equal(await FreshAsync(member, filter), counted);
            }
        }
    }

    private static async Task<(int New, int Active, int Archived)> FreshAsync(HttpClient member, string filter) =>
        FolderCountsOf((await GetJsonAsync(member, $"/api/v1/conversations?limit=1&period=custom&from=2000-01-01T00:00:00Z{filter}")).GetProperty("counts"));

    private static async Task PostOkAsync(HttpClient member, string url)
    {
        var response = await member.PostAsync(url, null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}

public sealed class FolderCountsTests_Sqlite(SqliteApp app) : FolderCountsTests<SqliteApp>(app);

public sealed class FolderCountsTests_Postgres(PostgresApp app) : FolderCountsTests<PostgresApp>(app);
