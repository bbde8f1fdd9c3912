using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Domain.Catalog;
using Parley.Domain.Clients;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Server.Conversations;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>
/// Filters the folder counters do not cover (search, tag, period) count each folder only up to a cap and say so; the
/// page under them is still exactly the newest matching conversations the member may see, page after page.
/// </summary>
public abstract class FilteredCountsTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    /// <summary>
    /// More archived matches than the cap: one client's long history, every conversation with the word. Its tag has fewer
    /// conversations than <see cref="ConversationFinder.RareTag"/>, so SQLite pages it from its client; two tags of the
    /// client add up past it and are paged newest first from the folder: both ways are checked against the truth.
    /// </summary>
    private sealed record History(string Word, Guid TagId, string Waiting, List<Seeded> Archived);

    private sealed record Seeded(Guid Id, DateTime CreatedAt, DateTime LastMessageAt, bool Managers, bool WordVisible);

    [Fact]
    public async Task List_SearchWithMoreMatchesThanTheCap_CountsCappedPageNewestFirst()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var history = await HistoryAsync(hook, owner, "search");

        var page = await GetJsonAsync(owner, $"/api/v1/conversations?q={history.Word}&limit=40");

        var counts = page.GetProperty("counts");
        Assert.Equal((1, 0, FolderCounts.Cap), FolderCountsOf(counts));
        Assert.Equal(FolderCounts.Cap, counts.GetProperty("cappedAt").GetInt32());
        var expected = history.Archived.Where(a => a.WordVisible).ToList();
        Assert.True(expected.Count > FolderCounts.Cap);
        Assert.Equal(Newest(expected).Prepend(history.Waiting).Take(120), await InboxIdsAsync(owner, $"q={history.Word}&limit=40", 120));

        // A rare text (one conversation's order) is listed from its matches; a hidden message finds nothing.
        var one = history.Archived[1037];
        Assert.True(one.WordVisible);
        var rare = await GetJsonAsync(owner, "/api/v1/conversations?q=" + Uri.EscapeDataString($"Замовлення 1037: {history.Word}"));
        Assert.Equal([one.Id.ToString()], rare.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal((0, 0, 1), FolderCountsOf(rare.GetProperty("counts")));
        Assert.Empty((await GetJsonAsync(owner, "/api/v1/conversations?q=" + Uri.EscapeDataString($"Замовлення 95: {history.Word}"))).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task List_TagAndPeriod_CountsCappedOrExact_PagesEqualTheTruth()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var history = await HistoryAsync(hook, owner, "tag");

        var tagged = await GetJsonAsync(owner, $"/api/v1/conversations?folder=archived&tag={history.TagId}&limit=30");
        Assert.Equal((1, 0, FolderCounts.Cap), FolderCountsOf(tagged.GetProperty("counts")));
        Assert.Equal(Newest(history.Archived).Take(90), await InboxIdsAsync(owner, $"folder=archived&tag={history.TagId}&limit=30", 90));

        // Conversations started since `from`; older ones whose last message is newer are not among them, and the count
        // under the cap is exact.
        var from = history.Archived.Select(a => a.CreatedAt).Order().ElementAt(history.Archived.Count - 150);
        var since = history.Archived.Where(a => a.CreatedAt >= from).ToList();
        Assert.Contains(history.Archived, a => a.CreatedAt < from && a.LastMessageAt >= from);
        var query = $"folder=archived&tag={history.TagId}&period=custom&from={from.ToString("O", CultureInfo.InvariantCulture)}&limit=100";
        var period = await GetJsonAsync(owner, $"/api/v1/conversations?{query}");
        Assert.Equal(since.Count, period.GetProperty("counts").GetProperty("archived").GetInt32());
        Assert.Equal(JsonValueKind.Null, period.GetProperty("counts").GetProperty("cappedAt").ValueKind);
        Assert.Equal(Newest(since), await InboxIdsAsync(owner, query, 1000));
    }

    [Fact]
    public async Task List_TwoTagsOfOneClient_CountsAndPagesEachConversationOnce()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var history = await HistoryAsync(hook, owner, "two tags");
        Guid second;
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var client = (await db.Conversations.FindAsync(Guid.Parse(history.Waiting)))!.ClientId;
            var tag = new Tag { Name = "Second two tags", CompanyId = (await db.Clients.FindAsync(client))!.CompanyId };
            db.Add(tag);
            db.Add(new ClientTag { ClientId = client, TagId = tag.Id });
            await db.SaveChangesAsync();
            second = tag.Id;
        }

        var tags = $"{history.TagId},{second}";
        var page = await GetJsonAsync(owner, $"/api/v1/conversations?tag={tags}&limit=30");
        Assert.Equal((1, 0, FolderCounts.Cap), FolderCountsOf(page.GetProperty("counts")));
        Assert.Equal(Newest(history.Archived).Prepend(history.Waiting).Take(90), await InboxIdsAsync(owner, $"tag={tags}&limit=30", 90));

        // Under the cap the count is exact: a client with both tags is counted once per conversation.
        var from = history.Archived.Select(a => a.CreatedAt).Order().ElementAt(history.Archived.Count - 120);
        var since = history.Archived.Where(a => a.CreatedAt >= from).ToList();
        var query = $"folder=archived&tag={tags}&period=custom&from={from.ToString("O", CultureInfo.InvariantCulture)}&limit=100";
        Assert.Equal(since.Count, (await GetJsonAsync(owner, $"/api/v1/conversations?{query}")).GetProperty("counts").GetProperty("archived").GetInt32());
        Assert.Equal(Newest(since), await InboxIdsAsync(owner, query, 1000));
    }

    [Fact]
    public async Task List_SearchMatchingMoreClientsThanARareText_CountsCappedAndPagesTheTruth()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        var history = await HistoryAsync(hook, owner, "clients");

        // More clients with the surname than a rare text has, and no message with it: the archived history is spread over
        // them (one conversation each), the waiting conversation's client keeps its own name.
        const string surname = "Гарбузенкоклієнт";
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
            var waiting = (await db.Conversations.FindAsync(Guid.Parse(history.Waiting)))!;
            var clients = Enumerable.Range(0, ConversationSearch.RareMatches + 5)
                .Select(i => new Client { CompanyId = waiting.CompanyId, Name = $"Олена {surname}{i % 7}", CreatedAt = app.Time.GetUtcNow().UtcDateTime })
                .ToList();
            db.AddRange(clients);
            await db.SaveChangesAsync();
            for (var i = 0; i < history.Archived.Count; i++)
                (await db.Conversations.FindAsync(history.Archived[i].Id))!.ClientId = clients[i].Id;

            await db.SaveChangesAsync();
        }

        var page = await GetJsonAsync(owner, $"/api/v1/conversations?q={surname}&limit=40");
        Assert.Equal((0, 0, FolderCounts.Cap), FolderCountsOf(page.GetProperty("counts")));
        Assert.Equal(FolderCounts.Cap, page.GetProperty("counts").GetProperty("cappedAt").GetInt32());
        Assert.Equal(Newest(history.Archived).Take(120), await InboxIdsAsync(owner, $"q={surname}&limit=40", 120));

        // Under the cap the count is exact.
        var from = history.Archived.Select(a => a.CreatedAt).Order().ElementAt(history.Archived.Count - 50);
        var recent = await GetJsonAsync(owner, $"/api/v1/conversations?q={surname}&folder=archived&period=custom&from={from.ToString("O", CultureInfo.InvariantCulture)}");
        Assert.Equal(50, recent.GetProperty("counts").GetProperty("archived").GetInt32());
    }

    [Fact]
    public async Task List_ManagerRole_CountsAndPagesOnlyWhatTheManagerMaySee()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.SignInAsync(ParleyApp.OwnerEmail);
        using var manager = await app.SignInAsync(ParleyApp.ManagerEmail);
        using var rival = await app.RivalOwnerAsync();
        var history = await HistoryAsync(hook, owner, "manager", Guid.Parse(await MemberIdAsync(manager)));

        var managers = history.Archived.Where(a => a.Managers && a.WordVisible).ToList();
        var page = await GetJsonAsync(manager, $"/api/v1/conversations?q={history.Word}&limit=100");
        Assert.Equal((1, 0, managers.Count), FolderCountsOf(page.GetProperty("counts")));
        Assert.Equal(JsonValueKind.Null, page.GetProperty("counts").GetProperty("cappedAt").ValueKind);
        Assert.Equal(Newest(managers).Prepend(history.Waiting), await InboxIdsAsync(manager, $"q={history.Word}&limit=7", 1000));

        var tagged = await GetJsonAsync(manager, $"/api/v1/conversations?folder=archived&tag={history.TagId}");
        Assert.Equal(history.Archived.Count(a => a.Managers), tagged.GetProperty("counts").GetProperty("archived").GetInt32());

        // Another company's member finds nothing of it, and counts nothing.
        var theirs = await GetJsonAsync(rival, $"/api/v1/conversations?q={history.Word}&tag={history.TagId}");
        Assert.Empty(theirs.GetProperty("items").EnumerateArray());
        Assert.Equal((0, 0, 0), FolderCountsOf(theirs.GetProperty("counts")));
    }

    /// <summary>
    /// A New conversation written through the API, then, stored directly (the API has no import), an archived history of
    /// the same client longer than the cap: starts a few minutes apart with last messages out of that order; one in
    /// fifty belongs to the manager; the word's message deleted in one in forty and hidden in one in ninety.
    /// </summary>
    private async Task<History> HistoryAsync(WebhookReceiver hook, HttpClient owner, string name, Guid? managerId = null)
    {
        // A word of this test's own: the tests of the class share one company.
        var word = "гарбуз" + name;
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Capped " + name);
        var (waiting, _) = await ClientSaysAsync(anonymous, channel, "capped-" + name, $"Є {word} пиріг?", name: "Stepan");
        var ownerId = Guid.Parse(await MemberIdAsync(owner));

        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var template = await db.Conversations.FindAsync(Guid.Parse(waiting)) ?? throw new InvalidOperationException("no conversation");
        var tag = new Tag { Name = "Capped " + name, CompanyId = template.CompanyId };
        db.Add(tag);
        db.Add(new ClientTag { ClientId = template.ClientId, TagId = tag.Id });

        var start = app.Time.GetUtcNow().UtcDateTime.AddDays(-30);
        var archived = new List<Seeded>();
        Assert.InRange(FolderCounts.Cap + 61, ConversationFinder.RareTag / 2 + 1, ConversationFinder.RareTag);
        for (var i = 0; i < FolderCounts.Cap + 60; i++)
        {
            var created = start.AddMinutes(i * 2);
            var last = created.AddMinutes(i * 7 % 300).AddTicks(i * 10); // distinct: the order needs no tie-break
            var managers = managerId is not null && i % 50 == 7;
            var c = Stored.ArchivedLike(template, created, last, managers ? managerId!.Value : ownerId);
            db.Add(c);
            // Two messages with the word each: more matches than a rare text has (ConversationSearch.RareMatches).
            db.Add(new Message
            {
                CompanyId = c.CompanyId, ConversationId = c.Id, AuthorKind = AuthorKind.Manager, AuthorMemberId = ownerId, Text = $"Так, {word} є",
                CreatedAt = last.AddMinutes(-1), DeletedAt = i % 40 == 3 ? last : null, IsHiddenBlocked = i % 90 == 5,
            });
            db.Add(new Message
            {
                CompanyId = c.CompanyId, ConversationId = c.Id, AuthorKind = AuthorKind.Client, Text = $"Замовлення {i}: {word.ToUpperInvariant()} пиріг",
                CreatedAt = last, DeletedAt = i % 40 == 3 ? last : null, IsHiddenBlocked = i % 90 == 5,
            });
            archived.Add(new Seeded(c.Id, created, last, managers, i % 40 != 3 && i % 90 != 5));
        }

        await db.SaveChangesAsync();
        return new History(word, tag.Id, waiting, archived);
    }

    private static IEnumerable<string> Newest(IEnumerable<Seeded> rows) =>
        rows.OrderByDescending(r => r.LastMessageAt).ThenByDescending(r => r.Id).Select(r => r.Id.ToString());
}

public sealed class FilteredCountsTests_Sqlite(SqliteApp app) : FilteredCountsTests<SqliteApp>(app);

public sealed class FilteredCountsTests_Postgres(PostgresApp app) : FilteredCountsTests<PostgresApp>(app);
