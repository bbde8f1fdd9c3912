using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Parley.Data;
using Parley.Data.Conversations;
using Parley.Domain.Channels;
using Parley.Domain.Companies;
using Parley.Domain.Conversations;
using Parley.Domain.Team;

namespace Parley.Server.Conversations;

/// <summary>The inbox filters of PRODUCT.md. Every field is optional.</summary>
public sealed record ConversationFilter
{
    public Folder? Folder { get; init; }
    public IReadOnlyList<ChannelType>? Platforms { get; init; }
    public bool? AiHandled { get; init; }
    public IReadOnlyList<Guid>? TopicIds { get; init; }
    public string? Period { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
    public IReadOnlyList<Guid>? ManagerIds { get; init; }
    public string? Chats { get; init; }
    public IReadOnlyList<Guid>? TagIds { get; init; }
    public string? Language { get; init; }
    public int? Rating { get; init; }
    public string? Search { get; init; }
    public Guid? ClientId { get; init; }

    public static readonly string[] Periods = ["all", "today", "yesterday", "7d", "30d", "custom"];
    public static readonly string[] ChatsValues = ["all", "mine", "unassigned", "unread"];
}

public sealed record ConversationPage(IReadOnlyList<ConversationItem> Items, FolderCounts Counts, string? NextCursor);

public sealed record MessagePage(IReadOnlyList<MessageDto> Items, string? NextCursor);

/// <summary>Owns the inbox read queries: one filter, reused by the list, the folder counts and search.</summary>
public sealed class ConversationFinder(ParleyDbContext db, TimeProvider time, IOptions<SearchOptions> searchOptions)
{
    public const int MaxPageSize = 100;

    public async Task<ConversationPage> ListAsync(TeamMember member, ConversationFilter filter, string? cursor, int limit, CancellationToken ct)
    {
        var company = await db.Companies.AsNoTracking().FirstAsync(c => c.Id == member.CompanyId, ct);
        var zone = TimeZones.Find(company.TimeZone);

        // Every query of the request runs on one connection: a search lists its matches on it once (on SQLite a failed
        // request's list is emptied by the next search on the connection; PostgreSQL's commit or rollback empties it).
        // On PostgreSQL that takes a transaction: Npgsql multiplexes the statements outside one over its physical
        // connections (Database.TunePostgres). There the server's frequent statements are prepared, and PostgreSQL may
        // then keep one generic plan for a statement after its fifth run; the inbox's are planned for their values
        // instead (a generic plan cannot tell a week of the archive from all of it: the owner's "last 7 days" took 250 ms
        // with one, 7 ms without), until the transaction ends.
        var postgres = db.Database.IsNpgsql();
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = postgres ? await db.Database.BeginTransactionAsync(ct) : null;
        try
        {
            if (postgres) await db.Database.ExecuteSqlRawAsync("SET LOCAL plan_cache_mode = force_custom_plan", ct);
            ConversationPage page;
            if (string.IsNullOrWhiteSpace(filter.Search))
            {
                page = await ListAsync(member, filter, zone, null, cursor, limit, ct);
            }
            else
            {
                var window = member.SeesEverything ? new SearchWindow(searchOptions.Value.ListedBeforeOpen) : await OwnArchiveWindowAsync(member, ct);
                var search = await ConversationSearch.ListAsync(db, member.CompanyId, filter.Search.Trim(), window, ct);
                page = await ListAsync(member, filter, zone, search, cursor, limit, ct);
                await ConversationSearch.ForgetAsync(db, search, ct);
            }

            if (transaction is not null) await transaction.CommitAsync(ct);
            return page;
        }
        finally
        {
            if (!string.IsNullOrWhiteSpace(filter.Search)) await ConversationSearch.DetachAsync(db);
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<ConversationPage> ListAsync(
        TeamMember member, ConversationFilter filter, TimeZoneInfo zone, SearchMatches? search, string? cursor, int limit, CancellationToken ct)
    {
        (var counts, search) = await CountAsync(member, filter, zone, search, ct);
        var after = DecodeCursor(cursor);
        var source = await RareTagsAsync(member, filter, search, ct) ? Reached(ByClient) : null;

        // Each folder is read on its own, newest first, from its inbox index: the Manager role's view of a folder other
        // than New is then a plain assignee range instead of an OR the planner cannot read in index order, and a filter
        // the index does not cover (search, tag, period) stops as soon as the page is full instead of sorting every match.
        // Without a folder the page is the newest of the three folders' pages, read one query each: as one UNION ALL,
        // SQLite sorted each folder's whole match instead of stopping at the page.
        var rows = new List<(Conversation Conversation, string? Name, string? PhotoUrl)>();
        foreach (var folder in filter.Folder is { } one ? [one] : Enum.GetValues<Folder>())
        {
            var page = await PageAsync(folder);
            // A windowed search's page reached conversations below its window unchecked: list those too and read it again.
            if (search is { Windowed: true } && page.Count > 0
                && await ConversationSearch.AnyUncheckedAsync(db, BelowWindow(search), [.. page.Select(r => r.Conversation.Id)], ct))
            {
                search = await ConversationSearch.CompleteAsync(db, member.CompanyId, search, ct);
                page = await PageAsync(folder);
            }

            rows.AddRange(page.Select(r => (r.Conversation, r.Name, r.PhotoUrl)));
        }

        Task<List<PageRow>> PageAsync(Folder folder) =>
            Page(Filtered(member, filter with { Folder = folder }, zone, search, source), after, limit + 1)
                .Join(db.Clients, c => c.ClientId, cl => cl.Id, (c, cl) => new PageRow(c, cl.Name, cl.PhotoUrl))
                .ToListAsync(ct);

        // Ties are broken as both databases order ids (a GUID's canonical text, ordinally), so the cursor agrees.
        var items = rows.OrderByDescending(r => r.Conversation.LastMessageAt)
            .ThenByDescending(r => r.Conversation.Id.ToString("D"), StringComparer.OrdinalIgnoreCase).Take(limit)
            .Select(r => ConversationItem.From(r.Conversation, r.Name, r.PhotoUrl)).ToList();
        var next = rows.Count > limit ? EncodeCursor(items[^1].LastMessageAt, items[^1].Id) : null;
        return new ConversationPage(items, counts, next);
    }

    /// <summary>
    /// The Manager role's search window (SQLite): its archive is counted by walking the member's own conversations against
    /// the list (read from the index instead, a city's 1,000 of one manager's 4 % took 120 ms at 1 M), so the list needs
    /// enough of the newest matches for that count to pass the cap, about the member's share of them. An archive of at
    /// most the cap is counted exactly from every match; PostgreSQL lists every match either way.
    /// </summary>
    private async Task<SearchWindow?> OwnArchiveWindowAsync(TeamMember member, CancellationToken ct)
    {
        if (!db.Database.IsSqlite()) return null;
        var own = await db.ConversationCounts.Where(k => k.CompanyId == member.CompanyId && k.AssigneeId == member.Id && k.Folder == Folder.Archived)
            .SumAsync(k => k.Count, ct);
        return own > FolderCounts.Cap ? new SearchWindow(0, own) : null;
    }

    private sealed record PageRow(Conversation Conversation, string? Name, string? PhotoUrl);

    /// <summary>Tags with at most this many conversations in the company (all folders) are read from their clients.</summary>
    public const int RareTag = 2000;

    /// <summary>
    /// Whether SQLite should read the page from the tags' clients rather than the folder newest first: a folder read
    /// newest first passes every conversation without the tag until the page is full, the whole archive (0.18 s at 1 M)
    /// for a tag of a few clients, where its clients' conversations are a few index reads and a small sort. The tag
    /// counters say how many there are. PostgreSQL's planner sees a rare tag in its statistics and does the same itself.
    /// </summary>
    private async Task<bool> RareTagsAsync(TeamMember member, ConversationFilter f, SearchMatches? search, CancellationToken ct)
    {
        if (f.TagIds is not { Count: > 0 } tags || search is not null || !db.Database.IsSqlite()) return false;
        var conversations = await db.TagCounts.Where(k => k.CompanyId == member.CompanyId && tags.Contains(k.TagId)).SumAsync(k => k.Count, ct);
        return conversations <= RareTag;
    }

    /// <summary>The newest <paramref name="take"/> conversations of the query after the cursor, in inbox order.</summary>
    private static IQueryable<Conversation> Page(IQueryable<Conversation> query, (DateTime At, Guid Id)? after, int take)
    {
        if (after is var (at, id))
        {
            // The first condition is implied by the second; it is there because it is a range the index can seek to.
            query = query.Where(c => c.LastMessageAt <= at)
                .Where(c => c.LastMessageAt < at || (c.LastMessageAt == at && c.Id.CompareTo(id) < 0));
        }

        return query.OrderByDescending(c => c.LastMessageAt).ThenByDescending(c => c.Id).Take(take);
    }

    public async Task<FolderCounts> CountsAsync(TeamMember member, CancellationToken ct)
    {
        var company = await db.Companies.AsNoTracking().FirstAsync(c => c.Id == member.CompanyId, ct);
        return (await CountAsync(member, new ConversationFilter(), TimeZones.Find(company.TimeZone), null, ct)).Counts;
    }

    public async Task<ConversationDetail> DetailAsync(TeamMember member, Guid id, CancellationToken ct)
    {
        var c = await ConversationsApi.VisibleAsync(db, member, id, ct);
        var client = await db.Clients.AsNoTracking().Where(x => x.Id == c.ClientId).Select(x => new { x.Name, x.PhotoUrl }).FirstAsync(ct);
        return new ConversationDetail(
            ConversationItem.From(c, client.Name, client.PhotoUrl), [.. c.Topics.Select(t => t.TopicId)], c.AcceptedAt, c.FirstTeamReplyAt,
            c.ArchivedAt, c.LastClientMessageAt, c.LastTeamMessageAt, c.RatedAt, ChannelCapabilities.For(c.ChannelType));
    }

    /// <summary>The newest page of a visible conversation's messages, in chronological order; the cursor pages back in time.</summary>
    public async Task<MessagePage> MessagesAsync(TeamMember member, Guid id, string? cursor, int limit, CancellationToken ct)
    {
        var c = await ConversationsApi.VisibleAsync(db, member, id, ct);
        var q = db.Messages.AsNoTracking().Where(m => m.ConversationId == c.Id && !m.IsHiddenBlocked);
        if (DecodeCursor(cursor) is var (at, mid))
            q = q.Where(m => m.CreatedAt < at || (m.CreatedAt == at && m.Id.CompareTo(mid) < 0));
        var audit = Permissions.CanSeeAudit(member);
        var page = await (audit ? q.Include(m => m.Edits) : q)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(limit + 1).ToListAsync(ct);
        var items = page.Take(limit).Reverse().Select(m => MessageDto.From(m, audit)).ToList();
        var next = page.Count > limit ? EncodeCursor(items[0].CreatedAt, items[0].Id) : null;
        return new MessagePage(items, next);
    }

    /// <summary>The conversations the member may see (Roles table), narrowed by the filter; a search joined as planned.</summary>
    private IQueryable<Conversation> Filtered(TeamMember member, ConversationFilter f, TimeZoneInfo zone, SearchMatches? search, IQueryable<Conversation>? source = null)
    {
        if (string.IsNullOrWhiteSpace(f.Search)) search = null;
        // A rare text's list of matches is the way in: each listed conversation is looked up by its id.
        var listed = search is { Plan: SearchPlan.ListMatches };
        var common = search is { Plan: SearchPlan.CheckEachConversation, Listed: true };
        var walked = source is null && (common || f.TagIds is { Count: > 0 } || (!member.SeesEverything && f.Folder == Folder.New))
            ? Walked(member, f, common ? search : null)
            : null;
        // SQLite checks a common text in the walked source itself, where a conversation's rowid can be read.
        if (walked is not null && common) search = null;
        var q = (source ?? (listed ? Reached(ById) : null) ?? walked ?? db.Conversations).AsNoTracking().Where(c => c.CompanyId == member.CompanyId);
        if (!member.SeesEverything)
        {
            q = f.Folder is null or Folder.New
                ? q.Where(c => c.AssigneeId == member.Id || (c.Folder == Folder.New && c.AssigneeId == null))
                : q.Where(c => c.AssigneeId == member.Id);
        }

        if (f.Folder is { } folder) q = q.Where(c => c.Folder == folder);
        if (f.ClientId is { } clientId) q = q.Where(c => c.ClientId == clientId);
        if (f.Platforms is { Count: > 0 } platforms)
        {
            q = f.AiHandled == true
                ? q.Where(c => platforms.Contains(c.ChannelType) || c.IsAiHandled)
                : q.Where(c => platforms.Contains(c.ChannelType));
        }
        else if (f.AiHandled is { } ai)
        {
            q = q.Where(c => c.IsAiHandled == ai);
        }

        if (f.TopicIds is { Count: > 0 } topics)
            q = q.Where(c => db.ConversationTopics.Any(t => t.ConversationId == c.Id && topics.Contains(t.TopicId)));
        if (PeriodRange(f, zone) is var (from, to))
        {
            // A conversation's last message is never older than its start, so the start bounds LastMessageAt too: a
            // range of the inbox index, where CreatedAt alone would read the whole folder to find recent starts.
            if (from is { } start) q = q.Where(c => c.CreatedAt >= start && c.LastMessageAt >= start);
            if (to is { } end) q = q.Where(c => c.CreatedAt < end);
        }

        if (f.ManagerIds is { Count: > 0 } managers) q = q.Where(c => c.AssigneeId != null && managers.Contains(c.AssigneeId.Value));
        q = f.Chats switch
        {
            "mine" => q.Where(c => c.AssigneeId == member.Id),
            "unassigned" => q.Where(c => c.AssigneeId == null),
            "unread" => q.Where(c => c.UnreadCount > 0),
            _ => q,
        };
        if (f.TagIds is { Count: > 0 } tags)
        {
            // The tags' clients are listed once per query, and each conversation's client (carried by the inbox indexes)
            // is looked up in that list: the conversations the tags pass over are never read.
            var tagged = db.ClientTags.Where(t => tags.Contains(t.TagId)).Select(t => t.ClientId);
            q = q.Where(c => tagged.Contains(c.ClientId));
        }
        if (!string.IsNullOrWhiteSpace(f.Language)) q = q.Where(c => c.Language == f.Language);
        if (f.Rating is { } rating) q = q.Where(c => c.Rating == rating);
        if (search is not null) q = ConversationSearch.Matching(db, q, search);

        return q;
    }

    /// <summary>
    /// Folder counts of what the filter shows. Filters that the maintained counters have columns for are summed from
    /// them (a few rows whatever the company's size): the folder counters, or one tag's counters (capped like a counted
    /// tag). The others count the matching conversations of each folder up to <see cref="FolderCounts.Cap"/> and say so:
    /// a common word or several large tags then read about as many rows as the cap instead of every match, and "1,000+"
    /// is all a person needs to know to narrow the filter.
    /// </summary>
    private async Task<(FolderCounts Counts, SearchMatches? Search)> CountAsync(
        TeamMember member, ConversationFilter f, TimeZoneInfo zone, SearchMatches? search, CancellationToken ct)
    {
        if (CountedByCounters(f))
        {
            var rows = await Counters(member, f).GroupBy(k => k.Folder).Select(g => new { Folder = g.Key, Count = g.Sum(k => k.Count) }).ToListAsync(ct);
            int Of(Folder folder) => rows.FirstOrDefault(c => c.Folder == folder)?.Count ?? 0;
            return (new FolderCounts(Of(Folder.New), Of(Folder.Active), Of(Folder.Archived)), search);
        }

        if (CountedByTagCounters(f, out var tag))
        {
            // Capped as a counted tag always was, so the answer does not depend on which way it was taken.
            var rows = await TagCounters(member, f, tag).GroupBy(k => k.Folder).Select(g => new { Folder = g.Key, Count = g.Sum(k => k.Count) }).ToListAsync(ct);
            int Of(Folder folder) => rows.FirstOrDefault(c => c.Folder == folder)?.Count ?? 0;
            return (FolderCounts.Limited(Of(Folder.New), Of(Folder.Active), Of(Folder.Archived)), search);
        }

        // One query with a limited count per folder, each folder filtered on its own so that it reads its inbox index. A
        // windowed search counts what its list holds: every match of an open folder. SQLite counts the owner's archive from
        // the index; the Manager role's archive on SQLite, and every archive on PostgreSQL, is counted from the window's
        // part of the list, which says "more than the cap" or is listed whole and counted again.
        const int past = FolderCounts.Cap + 1;
        var fromTheFilter = ArchiveFromTheFilter(member, f, zone, search);
        var archiveOfTheWindow = fromTheFilter is null && search is { Windowed: true } && !string.IsNullOrWhiteSpace(f.Search);
        var archive = Filtered(member, f with { Folder = Folder.Archived }, zone, archiveOfTheWindow ? search!.Unwindowed() : search);
        if (member.SeesEverything && search is { Plan: SearchPlan.CheckEachConversation, Listed: true, Windowed: false } && db.Database.IsNpgsql())
        {
            // PostgreSQL walked a common text's whole archive in the table's own order, reading about 1,800 blocks of it
            // for a surname's 1,001 (22–36 ms at 1 M; a scan that large never stays cached). Newest first it reads the
            // inbox index, which the inbox keeps cached (about 490 blocks, 14 ms), and stops after as many conversations.
            // The Manager role's own archive is a range of its assignee index either way.
            archive = archive.OrderByDescending(c => c.LastMessageAt);
        }

        var archived = (fromTheFilter
            ?? (search is { ListedFromId: not null } && archiveOfTheWindow ? ConversationSearch.InWindow(archive, search) : archive).Select(c => c.Id)).Take(past);
        var listed = search is { Windowed: true } ? search.Unwindowed() : search;
        var @new = Filtered(member, f with { Folder = Folder.New }, zone, listed).Select(c => c.Id).Take(past);
        var active = Filtered(member, f with { Folder = Folder.Active }, zone, listed).Select(c => c.Id).Take(past);
        var counted = await db.Companies.Where(c => c.Id == member.CompanyId)
            .Select(_ => new { New = @new.Count(), Active = active.Count(), Archived = archived.Count() })
            .FirstAsync(ct);
        if (archiveOfTheWindow && counted.Archived <= FolderCounts.Cap)
            return await CountAsync(member, f, zone, await ConversationSearch.CompleteAsync(db, member.CompanyId, search!, ct), ct);
        return (FolderCounts.Limited(counted.New, counted.Active, counted.Archived), search);
    }

    /// <summary>
    /// The whole archive (owner, supervisor) under a common word or a tag is counted from the word's matches or the tag's
    /// clients: they reach the cap after about as many rows, where reading the archive newest first would pass every
    /// conversation without the word or tag on the way. The open folders are small by nature and are read as they are;
    /// the Manager role's archive is the member's own, which its assignee index reads directly. PostgreSQL walks the
    /// archive too: it makes the matches distinct with a hash aggregate, which reads every match before the cap (a word's
    /// 60,000 conversations: 0.57 s; a tag's: 0.15 s), where its walk hashes the list once and stops at the cap (15–40 ms).
    /// </summary>
    private IQueryable<Guid>? ArchiveFromTheFilter(TeamMember member, ConversationFilter f, TimeZoneInfo zone, SearchMatches? search)
    {
        if (!member.SeesEverything || !db.Database.IsSqlite()) return null;
        var archived = f with { Folder = Folder.Archived };
        if (search is not null)
        {
            return search is { Plan: SearchPlan.CheckEachConversation, Listed: true }
                ? ConversationSearch.MatchedIds(db,
                    Filtered(member, archived with { Search = null }, zone, null, ConversationSearch.SqliteMatchedMessages(db, search)),
                    Filtered(member, archived with { Search = null }, zone, null, Reached(ByClient)))
                : null;
        }

        if (f.TagIds is not { Count: > 0 } tags) return null;
        var archive = Filtered(member, archived with { TagIds = null }, zone, null, Reached(ByClient));
        return db.ClientTags.Where(t => tags.Contains(t.TagId)).Join(archive, t => t.ClientId, c => c.ClientId, (t, c) => c.Id).Distinct();
    }

    /// <summary>
    /// A common text, or a tag that is not rare (a rare one comes with its own source), is checked conversation by
    /// conversation while the folder is read newest first from its inbox index, which stops when the page (or the capped
    /// count) is full. On a database with statistics (ANALYZE; the bench's has them) SQLite's planner drove the query from
    /// the listed clients or the tag's clients through the client index instead: every conversation of a common
    /// surname's 15,000 clients, or of a tag's, read and sorted, 0.15–0.25 s a query. The folder's own index, or the
    /// assignee's when the query is one member's chats, is the only way left to it. The Manager role's New folder (its own
    /// chats or nobody's) is walked too: the planner joined both halves of the OR and sorted them all (the unassigned New
    /// chats of the whole company), 14 ms a page at 1 M, where the walk reads about a page of rows.
    /// </summary>
    /// <remarks>A common text's check (<see cref="ConversationSearch.SqliteWalkCondition"/>) is part of the walked source.</remarks>
    private IQueryable<Conversation>? Walked(TeamMember member, ConversationFilter f, SearchMatches? common)
    {
        var oneAssignee = f.Chats == "mine" || (!member.SeesEverything && f.Folder is { } folder && folder != Folder.New);
        var sql = oneAssignee ? ByAssigneeInbox : ByInbox;
        return Reached(common is null ? sql : $"{sql} WHERE {ConversationSearch.SqliteWalkCondition(common)}");
    }

    /// <summary>A windowed search's conversations below its window, which a page's walk returns unchecked.</summary>
    private IQueryable<Conversation> BelowWindow(SearchMatches search) => search.ListedFromId is null
        ? Reached($"{ById} WHERE {ConversationSearch.SqliteBelowWindow}")!
        : ConversationSearch.BelowWindow(db.Conversations, search);

    private const string ByInbox = "SELECT * FROM Conversations INDEXED BY IX_Conversations_CompanyId_Folder_LastMessageAt_Id_ClientId";
    private const string ByAssigneeInbox = "SELECT * FROM Conversations INDEXED BY IX_Conversations_CompanyId_Folder_AssigneeId_LastMessageAt_Id_ClientId";
    private const string ById = "SELECT * FROM Conversations INDEXED BY sqlite_autoindex_Conversations_1";
    private const string ByClient = "SELECT * FROM Conversations INDEXED BY IX_Conversations_ClientId_ChannelId_Folder";

    /// <summary>
    /// Conversations read by the index SQLite is told to use: reached from a list (a rare text's matches, a common text's
    /// or a tag's rows counted up to the cap), or a folder walked (<see cref="Walked"/>). SQLite's planner, without
    /// ANALYZE statistics (the server never gathers them), prefers to read the folder by its inbox index and probe the
    /// list: the whole folder for a rare text; with statistics it may drive a walk from the list instead. INDEXED BY
    /// leaves it one way. PostgreSQL plans these joins by its own statistics.
    /// </summary>
    private IQueryable<Conversation>? Reached(string sqliteIndexedBy) =>
        db.Database.IsSqlite() ? db.Conversations.FromSqlRaw(sqliteIndexedBy) : null;

    private static bool CountedByCounters(ConversationFilter f) =>
        f.ClientId is null && f.TopicIds is not { Count: > 0 } && PeriodIsAll(f) && f.Chats is null or "all" or "mine" or "unassigned"
        && f.TagIds is not { Count: > 0 } && f.Rating is null && string.IsNullOrWhiteSpace(f.Search);

    /// <summary>
    /// One tag, with at most the filters its counters have columns for (who is assigned). Several tags are counted from the
    /// conversations: a client with two of them would be counted twice by summing the tags' counters.
    /// </summary>
    private static bool CountedByTagCounters(ConversationFilter f, out Guid tag)
    {
        tag = f.TagIds is [var one] ? one : Guid.Empty;
        return f.TagIds is [_] && f.ClientId is null && f.TopicIds is not { Count: > 0 } && PeriodIsAll(f) && f.Chats is null or "all" or "mine" or "unassigned"
            && f.Platforms is not { Count: > 0 } && f.AiHandled is null && string.IsNullOrWhiteSpace(f.Language) && f.Rating is null
            && string.IsNullOrWhiteSpace(f.Search);
    }

    /// <summary>The tag counter rows of what <see cref="Filtered"/> would show, for the filters <see cref="CountedByTagCounters"/> allows.</summary>
    private IQueryable<TagCount> TagCounters(TeamMember member, ConversationFilter f, Guid tag)
    {
        var unassigned = ConversationCount.Unassigned;
        var q = db.TagCounts.Where(k => k.CompanyId == member.CompanyId && k.TagId == tag);
        if (!member.SeesEverything)
            q = q.Where(k => k.AssigneeId == member.Id || (k.Folder == Folder.New && k.AssigneeId == unassigned));
        if (f.ManagerIds is { Count: > 0 } managers) q = q.Where(k => k.AssigneeId != unassigned && managers.Contains(k.AssigneeId));
        return f.Chats switch
        {
            "mine" => q.Where(k => k.AssigneeId == member.Id),
            "unassigned" => q.Where(k => k.AssigneeId == unassigned),
            _ => q,
        };
    }

    private static bool PeriodIsAll(ConversationFilter f) => f.Period is null or "all" && f.From is null && f.To is null;

    /// <summary>The counter rows of what <see cref="Filtered"/> would show, for the filters <see cref="CountedByCounters"/> allows.</summary>
    private IQueryable<ConversationCount> Counters(TeamMember member, ConversationFilter f)
    {
        var unassigned = ConversationCount.Unassigned;
        var q = db.ConversationCounts.Where(k => k.CompanyId == member.CompanyId);
        if (!member.SeesEverything)
            q = q.Where(k => k.AssigneeId == member.Id || (k.Folder == Folder.New && k.AssigneeId == unassigned));
        if (f.Platforms is { Count: > 0 } platforms)
        {
            q = f.AiHandled == true
                ? q.Where(k => platforms.Contains(k.ChannelType) || k.IsAiHandled)
                : q.Where(k => platforms.Contains(k.ChannelType));
        }
        else if (f.AiHandled is { } ai)
        {
            q = q.Where(k => k.IsAiHandled == ai);
        }

        if (f.ManagerIds is { Count: > 0 } managers) q = q.Where(k => k.AssigneeId != unassigned && managers.Contains(k.AssigneeId));
        q = f.Chats switch
        {
            "mine" => q.Where(k => k.AssigneeId == member.Id),
            "unassigned" => q.Where(k => k.AssigneeId == unassigned),
            _ => q,
        };
        if (!string.IsNullOrWhiteSpace(f.Language)) q = q.Where(k => k.Language == f.Language);
        return q;
    }

    /// <summary>"Start of dialog" presets are days in the company's time zone.</summary>
    private (DateTime? From, DateTime? To)? PeriodRange(ConversationFilter f, TimeZoneInfo zone)
    {
        if (f.Period is null or "all")
            return f.From is null && f.To is null ? null : (f.From, f.To);
        var localToday = TimeZoneInfo.ConvertTimeFromUtc(time.GetUtcNow().UtcDateTime, zone).Date;
        DateTime Utc(DateTime local) => TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
        return f.Period switch
        {
            "today" => (Utc(localToday), null),
            "yesterday" => (Utc(localToday.AddDays(-1)), Utc(localToday)),
            "7d" => (Utc(localToday.AddDays(-6)), null),
            "30d" => (Utc(localToday.AddDays(-29)), null),
            _ => (f.From, f.To),
        };
    }

    public static string EncodeCursor(DateTime at, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{at.Ticks.ToString(CultureInfo.InvariantCulture)}:{id:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateTime At, Guid Id)? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split(':');
            return (new DateTime(long.Parse(parts[0], CultureInfo.InvariantCulture), DateTimeKind.Utc), Guid.ParseExact(parts[1], "N"));
        }
        catch (Exception ex) when (ex is FormatException or IndexOutOfRangeException or ArgumentException)
        {
            throw new Domain.Common.RuleViolationException(Domain.Common.Decision.Invalid(Domain.Common.RefusalCodes.InvalidCursor, "The cursor is not valid; use the nextCursor of a previous page."));
        }
    }
}
