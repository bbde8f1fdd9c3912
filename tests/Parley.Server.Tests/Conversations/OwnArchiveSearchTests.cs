using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Parley.Data;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Tests.Infrastructure;
using static Parley.Server.Tests.Infrastructure.Api;

namespace Parley.Server.Tests.Conversations;

/// <summary>
/// A Manager-role member whose own archive has more conversations with a common word than the capped count: on SQLite
/// their search lists only the newest matches that archive should need (<see cref="SearchWindow.OwnArchive"/>), and the
/// rest when a page reaches below them or a filter leaves too few of them for the cap. Whichever way it goes, the pages
/// and the counts are the truth, on both databases (PostgreSQL lists every match).
/// </summary>
public abstract class OwnArchiveSearchTests<TApp>(TApp app) : IClassFixture<TApp>
    where TApp : ParleyApp
{
    private const string Word = "архівоград";
    private const int Count = 2400;
    private const int Late = 40;
    private const int Plain = 1200;
    private const int Open = 100;

    private sealed record Seeded(Guid Id, int Index, DateTime CreatedAt, DateTime LastMessageAt, bool Managers, bool Visible);

    [Fact]
    public async Task Search_ManagerWithALargeArchive_PagesAndCountsAreTheTruth_AboveAndBelowTheirWindow()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        using var owner = await app.RivalOwnerAsync();
        using var anonymous = app.CreateClient();
        var channel = await CreateApiChannelAsync(owner, hook.Url, "Own archive");
        var (first, _) = await ClientSaysAsync(anonymous, channel, "own-first", "Добрий день", name: "Ostap");

        Guid companyId;
        using (var scope = app.Services.CreateScope())
            companyId = (await scope.ServiceProvider.GetRequiredService<ParleyDbContext>().Conversations.FindAsync(Guid.Parse(first)))!.CompanyId;
        using var manager = await app.NewMemberAsync(companyId, Role.Manager, "Marta Archive");
        var managerId = Guid.Parse(await MemberIdAsync(manager));
        var seeded = await ArchiveAsync(Guid.Parse(first), Guid.Parse(await MemberIdAsync(owner)), managerId);
        var (waiting, _) = await ClientSaysAsync(anonymous, channel, "own-last", $"А {Word} ще є?", name: "Lesia");

        var theirs = seeded.Where(s => s.Managers && s.Visible).ToList();
        Assert.True(theirs.Count > FolderCounts.Cap);
        if (await WindowAsync(companyId, managerId) is { } from)
        {
            // SQLite: the window leaves out the oldest conversations, the late closer's among them, and still holds more
            // of the member's matches than the cap.
            Assert.True(from > 0);
            Assert.True(await RowidAsync(seeded.Single(s => s.Index == Late).Id) < from);
            Assert.Equal(await RowidAsync(seeded.Single(s => s.Index == Open).Id), from);
        }

        // The unassigned New conversation, then their own newest first, across the window and below it: the late closer
        // (below it) is on the second page of fifty, and the last pages are all below it. Their one open conversation is
        // older than the newest matches, and the window reaches back to it.
        var page = await GetJsonAsync(manager, $"/api/v1/conversations?q={Word}&limit=50");
        Assert.Equal((1, 1, FolderCounts.Cap), FolderCountsOf(page.GetProperty("counts")));
        Assert.Equal(Newest(theirs).Prepend(waiting), await InboxIdsAsync(manager, $"q={Word}&limit=50", 5000));

        // Conversations started before the 300th with the word: below the window but for a few, so its part of the archive
        // is short of the cap and the rest is listed; the count is exact, though the member has more conversations than
        // the cap below the window (without the word).
        var to = seeded.Single(s => s.Index == 300).CreatedAt.ToString("O", CultureInfo.InvariantCulture);
        var early = theirs.Where(s => s.Index < 300).ToList();
        var old = await GetJsonAsync(manager, $"/api/v1/conversations?q={Word}&period=custom&to={Uri.EscapeDataString(to)}&limit=50");
        Assert.Equal((0, 1, early.Count - 1), FolderCountsOf(old.GetProperty("counts")));
        Assert.Equal(Newest(early), await InboxIdsAsync(manager, $"q={Word}&period=custom&to={Uri.EscapeDataString(to)}&limit=50", 5000));
    }

    /// <summary>
    /// SQLite: the lowest conversation rowid the member's search lists at first, as the inbox would list it; null on
    /// PostgreSQL, which lists every match.
    /// </summary>
    private async Task<long?> WindowAsync(Guid companyId, Guid managerId)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        if (!db.Database.IsSqlite()) return null;
        var own = await db.Conversations.CountAsync(c => c.AssigneeId == managerId && c.Folder == Folder.Archived);
        await db.Database.OpenConnectionAsync();
        var search = await ConversationSearch.ListAsync(db, companyId, Word, new SearchWindow(0, own), CancellationToken.None);
        await ConversationSearch.ForgetAsync(db, search, CancellationToken.None);
        return search.ListedFrom;
    }

    private async Task<long> RowidAsync(Guid conversationId)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        return await db.Database.SqlQuery<long>($"SELECT rowid AS \"Value\" FROM Conversations WHERE Id = {conversationId}").SingleAsync();
    }

    /// <summary>
    /// Archived conversations stored directly (the API has no import), each closed a minute after it started, in the order
    /// of their rowids: the manager's without the word, then those with it, one matching message each, five in eight the
    /// manager's; one of theirs, far below the window, closed late (its word on the second page), and one still open,
    /// below the newest matches; the word's message hidden in a few and deleted in a few more. The first conversation, the API's, closes as the oldest of them all.
    /// </summary>
    private async Task<List<Seeded>> ArchiveAsync(Guid firstId, Guid ownerId, Guid managerId)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ParleyDbContext>();
        var first = await db.Conversations.FindAsync(firstId) ?? throw new InvalidOperationException("no conversation");
        var start = app.Time.GetUtcNow().UtcDateTime.AddDays(-10);
        DateTime Last(int i) => start.AddMinutes(i * 2 + 1);
        // First the member's older conversations without the word: more of them than the cap, all below the window.
        for (var i = 0; i < Plain; i++)
        {
            var at = start.AddMinutes(-2 * Plain + i * 2);
            var c = Stored.ArchivedLike(first, at, at.AddMinutes(1), managerId);
            db.Add(c);
            db.Add(new Message { CompanyId = c.CompanyId, ConversationId = c.Id, AuthorKind = AuthorKind.Client, Text = $"Замовлення {i}: доставка", CreatedAt = at.AddMinutes(1) });
        }

        var seeded = new List<Seeded>();
        for (var i = 0; i < Count; i++)
        {
            var created = start.AddMinutes(i * 2);
            var last = i == Late ? Last(Count - 1 - 80).AddSeconds(30) : Last(i);
            var managers = i % 8 < 5;
            var (hidden, deleted) = (i % 97 == 5, i % 89 == 7);
            var c = Stored.ArchivedLike(first, created, last, managers ? managerId : ownerId);
            if (i == Open) (c.Folder, c.ArchiveReason, c.ArchivedAt) = (Folder.Active, null, null);
            db.Add(c);
            db.Add(new Message
            {
                CompanyId = c.CompanyId, ConversationId = c.Id, AuthorKind = AuthorKind.Client, Text = $"Замовлення {i}: {Word.ToUpperInvariant()}",
                CreatedAt = last, DeletedAt = deleted ? last : null, IsHiddenBlocked = hidden,
            });
            seeded.Add(new Seeded(c.Id, i, created, last, managers, !hidden && !deleted));
        }

        (first.CreatedAt, first.LastMessageAt) = (start.AddMinutes(-2 * Plain - 2), start.AddMinutes(-2 * Plain - 1));
        first.Folder = Folder.Archived;
        first.ArchiveReason = ArchiveReason.ClosedByManager;
        first.AssigneeId = ownerId;
        first.ArchivedAt = first.LastMessageAt;
        await db.SaveChangesAsync();
        return seeded;
    }

    private static IEnumerable<string> Newest(IEnumerable<Seeded> rows) => InboxOrder(rows, r => r.LastMessageAt, r => r.Id);
}

public sealed class OwnArchiveSearchTests_Sqlite(SqliteApp app) : OwnArchiveSearchTests<SqliteApp>(app);

public sealed class OwnArchiveSearchTests_Postgres(PostgresApp app) : OwnArchiveSearchTests<PostgresApp>(app);
