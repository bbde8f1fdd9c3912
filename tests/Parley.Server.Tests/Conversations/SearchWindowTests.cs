using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>
/// A text more conversations have than a rare one (<see cref="ConversationSearch.RareMatches"/>): the owner's matches
/// are listed only for a window of the newest conversations (the tests' is 1,500 before the oldest open one), and the
/// rest when a page reaches below it or, on PostgreSQL, when the window holds too few for the archive's capped count
/// (a period filter here); the Manager role's search, its own archive here smaller than the capped count, lists them all
/// (a larger one: <see cref="OwnArchiveSearchTests{TApp}"/>). Either way the pages and the counts are the truth, on both
/// databases.
/// </summary>
public abstract class SearchWindowTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private const string Word = "вікноград";

    private sealed record Seeded(Guid Id, DateTime CreatedAt, DateTime LastMessageAt, bool Managers, bool Visible);

    [Fact]
    public async Task Search_CommonWord_PagesAndCountsAreTheTruth_AboveAndBelowTheWindow()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.RivalOwnerAsync();
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Window");
        var (first, _) = await ClientSaysAsync(anonymous, channel, "window-first", $"Де {Word}?", name: "Ostap");

        Guid companyId;
        using (var scope = app.Services.CreateScope())
            companyId = (await scope.ServiceProvider.GetRequiredService<ParleyDbContext>().Conversations.FindAsync(Guid.Parse(first)))!.CompanyId;
        using var manager = await app.NewMemberAsync(companyId, Role.Manager, "Marta Window");
        var archived = await ArchiveAsync(Guid.Parse(first), Guid.Parse(await MemberIdAsync(owner)), Guid.Parse(await MemberIdAsync(manager)));
        Assert.True(await OwnersSearchIsWindowedAsync(companyId));
        var (waiting, _) = await ClientSaysAsync(anonymous, channel, "window-last", $"А {Word} ще є?", name: "Lesia");

        // The owner: the New conversation, then the archive newest first, across the window and below it (a late closer
        // far below it is on the seventh page).
        var page = await GetJsonAsync(owner, $"/api/v1/conversations?q={Word}&limit=40");
        Assert.Equal((1, 0, FolderCounts.Cap), FolderCountsOf(page.GetProperty("counts")));
        var visible = archived.Where(a => a.Visible).ToList();
        Assert.True(visible.Count > FolderCounts.Cap);
        Assert.Equal(Newest(visible).Prepend(waiting).Take(320), await InboxIdsAsync(owner, $"q={Word}&limit=40", 320));

        // Under the cap the archive's count is exact.
        var from = archived.Select(a => a.CreatedAt).Order().ElementAt(archived.Count - 60);
        var recent = await GetJsonAsync(owner, $"/api/v1/conversations?q={Word}&period=custom&from={from.ToString("O", CultureInfo.InvariantCulture)}");
        Assert.Equal((1, 0, visible.Count(a => a.CreatedAt >= from)), FolderCountsOf(recent.GetProperty("counts")));

        // The Manager role: the unassigned New conversation and their own archive, counted exactly.
        var managers = visible.Where(a => a.Managers).ToList();
        var theirs = await GetJsonAsync(manager, $"/api/v1/conversations?q={Word}&limit=30");
        Assert.Equal((1, 0, managers.Count), FolderCountsOf(theirs.GetProperty("counts")));
        Assert.Equal(Newest(managers).Prepend(waiting), await InboxIdsAsync(manager, $"q={Word}&limit=30", 1000));
    }

    /// <summary>
    /// More archived conversations with the word than a rare text has, stored directly (the API has no import), each
    /// closed a minute after it started, in the order of their rowids; one closed late, its word in the seventh page of
    /// forty; one in ten the manager's; the word's messages hidden in a few and deleted in a few more. The first
    /// conversation, the API's, closes as the oldest of them: the company's oldest open one is then the newest of all.
    /// </summary>
    private async Task<List<Seeded>> ArchiveAsync(Guid firstId, Guid ownerId, Guid managerId)
    {
        const int count = ConversationSearch.RareMatches + 150;
        const int late = 500;
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var first = await db.Conversations.FindAsync(firstId) ?? throw new InvalidOperationException("no conversation");
        var start = app.Time.GetUtcNow().UtcDateTime.AddDays(-10);
        DateTime Last(int i) => start.AddMinutes(i * 2 + 1);
        var seeded = new List<Seeded>();
        for (var i = 0; i < count; i++)
        {
            var created = start.AddMinutes(i * 2);
            var last = i == late ? Last(count - 1 - 250).AddSeconds(30) : Last(i);
            var managers = i % 10 == 3;
            var (hidden, deleted) = (i % 97 == 5, i % 89 == 7);
            var c = Stored.ArchivedLike(first, created, last, managers ? managerId : ownerId);
            db.Add(c);
            db.Add(new Message
            {
                CompanyId = c.CompanyId, ConversationId = c.Id, AuthorKind = AuthorKind.Client, Text = $"Замовлення {i}: {Word.ToUpperInvariant()}",
                CreatedAt = last, DeletedAt = deleted ? last : null, IsHiddenBlocked = hidden,
            });
            if (i % 3 == 0)
            {
                db.Add(new Message
                {
                    CompanyId = c.CompanyId, ConversationId = c.Id, AuthorKind = AuthorKind.Manager, AuthorMemberId = ownerId, Text = $"Так, {Word} є",
                    CreatedAt = last.AddSeconds(-30), DeletedAt = deleted ? last : null, IsHiddenBlocked = hidden,
                });
            }

            seeded.Add(new Seeded(c.Id, created, last, managers, !hidden && !deleted));
        }

        (first.CreatedAt, first.LastMessageAt) = (start.AddMinutes(-2), start.AddMinutes(-1));
        first.Folder = Folder.Archived;
        first.ArchiveReason = ArchiveReason.ClosedByManager;
        first.ArchivedAt = first.LastMessageAt;
        await db.SaveChangesAsync();
        seeded.Add(new Seeded(first.Id, first.CreatedAt, first.LastMessageAt, false, true));
        return seeded;
    }

    /// <summary>
    /// Whether the owner's search of the word is listed for a window, as the inbox lists it. PostgreSQL tells a common text
    /// by the planner's estimate, so the messages' statistics are gathered first, as autovacuum does on a live database.
    /// </summary>
    private async Task<bool> OwnersSearchIsWindowedAsync(Guid companyId)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var beforeOpen = scope.ServiceProvider.GetRequiredService<IOptions<SearchOptions>>().Value.ListedBeforeOpen;
        await db.Database.OpenConnectionAsync();
        await using var transaction = db.Database.IsSqlite() ? null : await db.Database.BeginTransactionAsync();
        if (transaction is not null) await db.Database.ExecuteSqlRawAsync("""ANALYZE "Messages" """);
        var search = await ConversationSearch.ListAsync(db, companyId, Word, new SearchWindow(beforeOpen), CancellationToken.None);
        await ConversationSearch.ForgetAsync(db, search, CancellationToken.None);
        if (transaction is not null) await transaction.CommitAsync();
        return search.Windowed;
    }

    private static IEnumerable<string> Newest(IEnumerable<Seeded> rows) => InboxOrder(rows, r => r.LastMessageAt, r => r.Id);
}

public sealed class SearchWindowTests_Sqlite(SqliteApp app) : SearchWindowTests<SqliteApp>(app);

public sealed class SearchWindowTests_Postgres(PostgresApp app) : SearchWindowTests<PostgresApp>(app);
