using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Parley.Data;
using Parley.Data.Conversations;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;

namespace Parley.Server.Conversations;

/// <summary>Search settings (<c>Parley:Search</c>).</summary>
public sealed class SearchOptions
{
    /// <summary>
    /// The owner's and supervisor's search of a common text is listed for every open conversation and this many before
    /// the oldest of them (<see cref="ConversationSearch.ListAsync"/>); the older ones only when a page or the archive's
    /// count reaches them.
    /// </summary>
    public int ListedBeforeOpen { get; set; } = 20_000;
}

/// <summary>
/// How much of a common text's matches a search lists at first (<see cref="ConversationSearch.ListAsync"/>): every open
/// conversation, and then either <see cref="BeforeOpen"/> conversations before the oldest of them (the owner and
/// supervisor, whose archive is counted from the index itself), or, for a member who sees only their own archive of
/// <see cref="OwnArchive"/> conversations (SQLite), the newest matches among which that archive should pass its capped
/// count.
/// </summary>
public sealed record SearchWindow(int BeforeOpen, int OwnArchive = 0);

/// <summary>How a search is joined to the inbox: decided once per request from how many matches the text has.</summary>
public enum SearchPlan
{
    /// <summary>A rare text: list every matching conversation (a few index reads) and take the inbox from that list.</summary>
    ListMatches,

    /// <summary>
    /// A common text: read the inbox newest first and check each conversation against the matches, stopping when the
    /// page (or the capped count) is full, instead of listing thousands of matches to sort them.
    /// </summary>
    CheckEachConversation,
}

/// <summary>
/// One request's search. A text long enough for the trigram index has its matches <see cref="Listed"/> once, in
/// temporary tables of the request's connection, and every query of the request (the page of each folder, the counts)
/// reads that list instead of the index again. Whether any message matched is known, so a text no message has is not
/// looked for in each conversation's messages.
/// </summary>
public sealed record SearchMatches(string Text, SearchPlan Plan, bool AnyMessages, long ListedFrom = 0, Guid? ListedFromId = null)
{
    /// <summary>Whether the matches were listed: a text shorter than a trigram has no index to list them from.</summary>
    public bool Listed => ConversationSearch.Indexed(Text);

    /// <summary>
    /// A common text: only the matches of the conversations from a point on are listed (the newest ones and every open
    /// one; <see cref="ConversationSearch.ListAsync"/>): SQLite's from the conversation rowid <see cref="ListedFrom"/>,
    /// PostgreSQL's from the conversation id <see cref="ListedFromId"/> (ids are made in time order). A page walked under
    /// such a list also returns the older conversations it reaches, unchecked, and is read again after
    /// <see cref="ConversationSearch.CompleteAsync"/> if it holds one; a count leaves them out.
    /// </summary>
    public bool Windowed => ListedFrom > 0 || ListedFromId is not null;

    /// <summary>The same list read as a whole: what it holds of the open folders is all of their matches.</summary>
    public SearchMatches Unwindowed() => this with { ListedFrom = 0, ListedFromId = null };

    /// <summary>
    /// PostgreSQL, a rare text (<see cref="SearchPlan.ListMatches"/>): its listed matches read back, which the request's
    /// queries then name as values (<see cref="ConversationSearch.Matching"/>).
    /// </summary>
    public FewMatches? Few { get; init; }
}

/// <summary>A rare text's matching conversations and clients, by id (at most <see cref="ConversationSearch.RareMatches"/> each).</summary>
public sealed record FewMatches(Guid[] Conversations, Guid[] Clients);

/// <summary>
/// Full-text search over messages and the client's name, username, email and phone. Any substring matches,
/// case-insensitively, in any language. Each provider answers from its trigram index (SQLite FTS5
/// <c>MessageSearch</c>/<c>ClientSearch</c>, PostgreSQL pg_trgm; see the DataScale migrations); a text shorter than a
/// trigram has no index to use and is matched row by row.
/// </summary>
public static class ConversationSearch
{
    private const int Trigram = 3;

    /// <summary>Whether the text is long enough for the trigram index: a shorter one is matched row by row.</summary>
    public static bool Indexed(string text) => text.Length >= Trigram;

    /// <summary>Above this many matches a text is common (<see cref="SearchPlan.CheckEachConversation"/>).</summary>
    public const int RareMatches = 2000;

    /// <summary>
    /// Lists the matches of the text in the company into temporary tables of the context's connection, which the caller
    /// has opened and keeps open until it has read them (then <see cref="ForgetAsync"/>). SQLite lists the rowids of the
    /// conversations with a matching message straight from the trigram index, whose entries name their conversation and
    /// hold only shown messages (<see cref="MessageSearchIndex"/>), and the matching clients' ids. PostgreSQL has to read
    /// every candidate row to confirm a trigram match anyway, so it lists the ids of the conversations with a shown
    /// matching message, and the clients' ids.
    /// </summary>
    /// <remarks>
    /// <paramref name="window"/>: a common text is listed only for the open conversations and
    /// <see cref="SearchWindow.BeforeOpen"/> before the oldest of them (by rowid on SQLite, by id on PostgreSQL), where a
    /// page of the inbox almost always finds its matches: the whole list of a city's 64,000 conversations took 20–90 ms at
    /// 1 M on SQLite and 0.4–1.5 s on PostgreSQL (a bitmap heap scan reads every candidate message), a window's a few
    /// percent of that. SQLite calls a text common when more than <see cref="RareMatches"/> conversations have it (the first
    /// that many and one are listed from its index). PostgreSQL would read the trigram index once more for that (40–65 ms
    /// for a city), so it asks the planner's estimate instead: a text it calls rare is listed whole, any other's window
    /// first, and the rest at once when the window holds too few matches for the archive's capped count. A window for a
    /// member's own archive (<see cref="SearchWindow.OwnArchive"/>) is SQLite's only: PostgreSQL lists every match for it,
    /// as it does for null.
    /// </remarks>
    public static async Task<SearchMatches> ListAsync(ParleyDbContext db, Guid companyId, string text, SearchWindow? window, CancellationToken ct)
    {
        if (!Indexed(text)) return new SearchMatches(text, SearchPlan.CheckEachConversation, AnyMessages: true);
        var (conversations, clients, from, fromId) = db.Database.IsSqlite()
            ? await ListSqliteAsync(db, companyId, text, window, ct)
            : await ListPostgresAsync(db, companyId, text, window is { OwnArchive: 0 } ? window.BeforeOpen : null, ct);
        var plan = conversations > RareMatches || clients > RareMatches || fromId is not null ? SearchPlan.CheckEachConversation : SearchPlan.ListMatches;
        var few = plan == SearchPlan.ListMatches && !db.Database.IsSqlite()
            ? new FewMatches(
                [.. await ListedIds(db).ToListAsync(ct)],
                [.. await ListedClients(db).ToListAsync(ct)])
            : null;
        return new SearchMatches(text, plan, AnyMessages: conversations > 0, from, fromId) { Few = few };
    }

    /// <summary>Lists the matches of the conversations below the window too; the search is then complete.</summary>
    public static async Task<SearchMatches> CompleteAsync(ParleyDbContext db, Guid companyId, SearchMatches search, CancellationToken ct)
    {
        if (!search.Windowed) return search;
        if (search.ListedFromId is { } from)
        {
            await ListPostgresRowsAsync(db, companyId, Pattern(search.Text), null, from, ct);
        }
        else
        {
            await ListRowsAsync(db, Phrase(search.Text), 0, MessageSearchIndex.FirstKeyOf(search.ListedFrom) - 1, ct);
            await db.Database.ExecuteSqlRawAsync("UPDATE search_window SET ListedFrom = 0", ct);
        }

        return search.Unwindowed();
    }

    /// <summary>SQLite, a windowed search: the condition on a Conversations row that it is below the window.</summary>
    public const string SqliteBelowWindow = "rowid < (SELECT ListedFrom FROM search_window)";

    /// <summary>PostgreSQL, a windowed search: those of the conversations in its window (for the archive's capped count).</summary>
    public static IQueryable<Conversation> InWindow(IQueryable<Conversation> conversations, SearchMatches search)
    {
        var from = search.ListedFromId ?? throw new InvalidOperationException("The search is not windowed on PostgreSQL.");
        return conversations.Where(c => c.Id.CompareTo(from) >= 0);
    }

    /// <summary>PostgreSQL, a windowed search: those of the conversations below its window.</summary>
    public static IQueryable<Conversation> BelowWindow(IQueryable<Conversation> conversations, SearchMatches search)
    {
        var from = search.ListedFromId ?? throw new InvalidOperationException("The search is not windowed on PostgreSQL.");
        return conversations.Where(c => c.Id.CompareTo(from) < 0);
    }

    /// <summary>
    /// SQLite, a windowed search: whether any of these conversations (a page walked under the window), read from
    /// <paramref name="belowWindow"/> (the conversations <see cref="SqliteBelowWindow"/>), is matched by neither its client
    /// nor a listed message, that is, was returned unchecked.
    /// </summary>
    public static Task<bool> AnyUncheckedAsync(ParleyDbContext db, IQueryable<Conversation> belowWindow, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var clients = ListedClients(db);
        return belowWindow.Where(c => ids.Contains(c.Id) && !clients.Contains(c.ClientId)).AnyAsync(ct);
    }

    /// <summary>
    /// Empties the temporary tables: the connection goes back to the pool without the request's matches. PostgreSQL's
    /// are emptied by the inbox's commit.
    /// </summary>
    public static async Task ForgetAsync(ParleyDbContext db, SearchMatches search, CancellationToken ct)
    {
        if (!search.Listed || !db.Database.IsSqlite()) return;
        await db.Database.ExecuteSqlRawAsync("DELETE FROM search_conversation_rows; DELETE FROM search_clients; DELETE FROM search_window;", ct);
    }

    /// <summary>
    /// SQLite: detaches the message index's file from the request's connection, if a search attached it, before the
    /// connection goes back to the pool: a write transaction there (<c>BEGIN IMMEDIATE</c>) would take the index file's
    /// write lock too.
    /// </summary>
    public static async Task DetachAsync(ParleyDbContext db)
    {
        if (db.Database.IsSqlite() && db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection { State: System.Data.ConnectionState.Open } connection)
            await MessageSearchFile.DetachAsync(connection, CancellationToken.None);
    }

    private static async Task<(int Conversations, int Clients, long From, Guid? FromId)> ListSqliteAsync(
        ParleyDbContext db, Guid companyId, string text, SearchWindow? window, CancellationToken ct)
    {
        // The message index has a file of its own, attached for the request (DetachAsync). New messages wait to be
        // indexed in batches; whatever was committed before this search is indexed first.
        await MessageSearchFile.AttachAsync((Microsoft.Data.Sqlite.SqliteConnection)db.Database.GetDbConnection(), ct);
        await Infrastructure.SqliteSearchIndexer.CatchUpAsync(db, ct);
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE IF NOT EXISTS search_conversation_rows (rowid INTEGER PRIMARY KEY);
            CREATE TEMP TABLE IF NOT EXISTS search_clients ("Value" TEXT PRIMARY KEY) WITHOUT ROWID;
            CREATE TEMP TABLE IF NOT EXISTS search_window (ListedFrom INTEGER NOT NULL);
            DELETE FROM search_conversation_rows;
            DELETE FROM search_clients;
            DELETE FROM search_window;
            """, ct);
        var phrase = Phrase(text);
        var (conversations, from) = window is null
            ? (await ListRowsAsync(db, phrase, 0, long.MaxValue, ct), 0L)
            : await ListWindowAsync(db, companyId, phrase, window, ct);
        await db.Database.ExecuteSqlAsync($"INSERT INTO search_window VALUES ({from})", ct);
        var clients = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search_clients SELECT Id FROM Clients
            WHERE rowid IN (SELECT rowid FROM ClientSearch WHERE ClientSearch MATCH {phrase}) AND CompanyId = {companyId}
            """, ct);
        return (conversations, clients, from, null);
    }

    /// <summary>
    /// Lists the conversations that have a shown message with the phrase, from the index entries keyed
    /// <paramref name="firstKey"/> to <paramref name="lastKey"/> (<see cref="MessageSearchIndex"/>: a conversation's
    /// rowid × 2³² plus its message's). The index's keys come in order, a conversation's together: each conversation is
    /// added once (every company's; the conversations read from the list are the company's).
    /// </summary>
    private static Task<int> ListRowsAsync(ParleyDbContext db, string phrase, long firstKey, long lastKey, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT OR IGNORE INTO search_conversation_rows SELECT rowid >> 32 FROM MessageSearch
            WHERE MessageSearch MATCH {phrase} AND rowid >= {firstKey} AND rowid <= {lastKey}
            """, ct);

    /// <summary>
    /// Lists the matches of a window of the newest conversations and returns how many it listed (a common text: more than
    /// a rare text's) and the lowest conversation rowid the list holds every match from (0: every one). The oldest
    /// <see cref="RareMatches"/> + 1 conversations with the text are listed first: fewer are all of them, a rare text,
    /// listed whole. The window starts at the company's oldest open conversation, so that every open folder is counted
    /// exactly from the list, and reaches back <see cref="SearchWindow.BeforeOpen"/> conversations, where the archive's
    /// newest pages (recently closed conversations) are; or, for a member's own archive, as far back as the newest
    /// conversations in which that archive should pass its capped count (<see cref="OwnArchiveConversations"/>).
    /// </summary>
    /// <remarks>
    /// The index is read in ascending ranges of keys, which it seeks through: newest first with a limit, it read a long
    /// word's common trigrams backwards, twice as slow (a long Ukrainian city at 1 M: 125 ms against 68 for 44 % of its
    /// matches). How far back a member's range reaches comes from the oldest matches: the newest conversations are taken
    /// to hold matches as densely as the rowids those span. Where they hold fewer than even the average need, the range
    /// goes back twice as far, until it holds that many. The oldest matches stay listed below the window: true matches,
    /// which a count may find and a page below the window lists anyway.
    /// </remarks>
    private static async Task<(int Conversations, long From)> ListWindowAsync(
        ParleyDbContext db, Guid companyId, string phrase, SearchWindow window, CancellationToken ct)
    {
        var sampled = await db.Database.ExecuteSqlAsync($"""
            INSERT OR IGNORE INTO search_conversation_rows
            SELECT DISTINCT rowid >> 32 FROM MessageSearch WHERE MessageSearch MATCH {phrase} LIMIT {RareMatches + 1}
            """, ct);
        if (sampled <= RareMatches) return (sampled, 0);
        var (oldestOpen, newest) = await BoundsAsync(db, companyId, ct);
        if (window.OwnArchive <= 0)
        {
            var open = oldestOpen - window.BeforeOpen;
            var start = open <= 1 ? 0 : open;
            await ListRowsAsync(db, phrase, MessageSearchIndex.FirstKeyOf(start), long.MaxValue, ct);
            return (sampled, start);
        }

        var sample = await db.Database.SqlQueryRaw<SampleSpan>("SELECT min(rowid) AS First, max(rowid) AS Last FROM search_conversation_rows").SingleAsync(ct);
        var (needed, wanted) = OwnArchiveConversations(window.OwnArchive, newest);
        var span = (double)wanted * (sample.Last - sample.First + 1) / sampled;
        var from = Math.Min(newest + 1 - (long)Math.Ceiling(span), oldestOpen);
        var below = long.MaxValue;
        while (from > 1)
        {
            await ListRowsAsync(db, phrase, MessageSearchIndex.FirstKeyOf(from), below, ct);
            // Counted in the list, where the sample's part of the range was already.
            var listed = await db.Database.SqlQuery<int>($"SELECT count(*) AS \"Value\" FROM search_conversation_rows WHERE rowid >= {from}").SingleAsync(ct);
            if (listed >= needed) return (sampled, from);
            below = MessageSearchIndex.FirstKeyOf(from) - 1;
            from -= newest + 1 - from;
        }

        await ListRowsAsync(db, phrase, 0, below, ct);
        return (sampled, 0);
    }

    /// <summary>
    /// The rowid of the company's oldest open conversation (with none open, one past the newest), and the newest's. The
    /// first is the first entry of the company in the open conversations' partial index (<c>IX_Conversations_Open</c>),
    /// whose condition the query names as written there, for SQLite to know it may read it.
    /// </summary>
    private static async Task<(long OldestOpen, long Newest)> BoundsAsync(ParleyDbContext db, Guid companyId, CancellationToken ct)
    {
        var bounds = await db.Database.SqlQuery<WindowBounds>($"""
            SELECT (SELECT min(rowid) FROM Conversations INDEXED BY IX_Conversations_Open
                    WHERE CompanyId = {companyId} AND Folder IN ('New', 'Active')) AS OldestOpen,
                   (SELECT max(rowid) FROM Conversations) AS Newest
            """).SingleAsync(ct);
        var newest = bounds.Newest ?? 0;
        return (Math.Min(bounds.OldestOpen ?? long.MaxValue, newest + 1), newest);
    }

    /// <summary>
    /// How many of the newest conversations with a common text (every company's) a member's own archive of
    /// <paramref name="ownArchive"/> conversations should need for its capped count, from its share of every conversation
    /// (up to rowid <paramref name="newest"/>): as many as hold the cap's worth on average, and a third more to list for
    /// chance. Too few is still right, only slower: the count then falls short of the cap and the rest is listed
    /// (<see cref="CompleteAsync"/>).
    /// </summary>
    public static (int Needed, int Wanted) OwnArchiveConversations(int ownArchive, long newest)
    {
        var needed = (FolderCounts.Cap + 1.0) * newest / Math.Max(ownArchive, 1);
        return ((int)Math.Min(int.MaxValue, Math.Ceiling(needed)), (int)Math.Min(int.MaxValue, Math.Ceiling(needed * 1.3)));
    }

    private sealed class SampleSpan
    {
        public long First { get; init; }
        public long Last { get; init; }
    }

    private sealed class WindowBounds
    {
        public long? OldestOpen { get; init; }
        public long? Newest { get; init; }
    }

    private static async Task<(int Conversations, int Clients, long From, Guid? FromId)> ListPostgresAsync(
        ParleyDbContext db, Guid companyId, string text, int? listedBeforeOpen, CancellationToken ct)
    {
        // Emptied by each commit (the inbox runs in a transaction): a DELETE left their dead rows behind for good, since
        // nothing vacuums another session's temporary table, and a connection's lists grew with every search on it
        // until the planner no longer hashed them; the Manager role's counts then took 30 s at 1 M.
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE IF NOT EXISTS search_conversations ("Value" uuid PRIMARY KEY) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS search_clients ("Value" uuid PRIMARY KEY) ON COMMIT DELETE ROWS;
            """, ct);
        var pattern = Pattern(text);
        // A text the statistics call rare is listed whole at once: its window would hold too few and the rest be listed
        // next, two reads of the trigram index and two queries for the window's start (about 20 ms at 1 M).
        var from = listedBeforeOpen is { } beforeOpen && await PostgresEstimateAsync(db, pattern, ct) > RareMatches
            ? await PostgresWindowAsync(db, companyId, beforeOpen, ct)
            : null;
        var conversations = await ListPostgresRowsAsync(db, companyId, pattern, from, null, ct);
        // Too few matches in the window for the archive's count to reach its cap there: the rest is listed now, where a
        // windowed count would list it later anyway.
        if (from is { } windowStart && conversations <= FolderCounts.Cap)
        {
            conversations += await ListPostgresRowsAsync(db, companyId, pattern, null, windowStart, ct);
            from = null;
        }

        var clients = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search_clients SELECT "Id" FROM "Clients"
            WHERE "CompanyId" = {companyId} AND ("Name" ILIKE {pattern} ESCAPE '\' OR "Username" ILIKE {pattern} ESCAPE '\'
              OR "Email" ILIKE {pattern} ESCAPE '\' OR "Phone" ILIKE {pattern} ESCAPE '\')
            """, ct);
        return (conversations, clients, 0, from);
    }

    /// <summary>
    /// PostgreSQL: lists the conversations with a shown message with the pattern, of those with an id from
    /// <paramref name="from"/> and below <paramref name="below"/> (each bound optional; a window's range is read from the
    /// conversation index of the messages and intersected with the trigram index's matches).
    /// </summary>
    private static async Task<int> ListPostgresRowsAsync(ParleyDbContext db, Guid companyId, string pattern, Guid? from, Guid? below, CancellationToken ct)
    {
        // The trigram index, always: for a long text (many trigrams) the planner priced the index above reading every
        // message, and a search for "Івано-Франківськ" read all 9.5 M at 1 M conversations (6–12 s; 1.4 s by the index).
        // Reset before the inbox's next statement; a failed request's setting is rolled back with the inbox's transaction.
        await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off", ct);
        var listed = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search_conversations SELECT DISTINCT "ConversationId" FROM "Messages"
            WHERE "CompanyId" = {companyId} AND "Text" ILIKE {pattern} ESCAPE '\' AND NOT "IsHiddenBlocked" AND "DeletedAt" IS NULL
              AND ({from}::uuid IS NULL OR "ConversationId" >= {from}) AND ({below}::uuid IS NULL OR "ConversationId" < {below})
            """, ct);
        await db.Database.ExecuteSqlRawAsync("RESET enable_seqscan", ct);
        return listed;
    }

    /// <summary>
    /// PostgreSQL: how many messages the planner expects to have the pattern, from the column's histogram
    /// (<c>SearchWindowStatistics</c>: a word in a few tenths of a percent of the messages is estimated in the tens of
    /// thousands, one the histogram does not hold at a few hundred). Every company's: listing a text whole reads every
    /// candidate message the trigram index gives, whoever's it is, so a word common in other companies keeps its window
    /// even for a company that has it rarely. Only planned, nothing is read: about 2 ms.
    /// </summary>
    private static async Task<double> PostgresEstimateAsync(ParleyDbContext db, string pattern, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = """EXPLAIN (FORMAT JSON) SELECT 1 FROM "Messages" WHERE "Text" ILIKE @pattern ESCAPE '\'""";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "pattern";
        parameter.Value = pattern;
        command.Parameters.Add(parameter);

        var plan = await command.ExecuteScalarAsync(ct) as string ?? throw new InvalidOperationException("EXPLAIN returned no plan.");
        using var json = JsonDocument.Parse(plan);
        return json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }

    /// <summary>
    /// PostgreSQL: the lowest conversation id a windowed search lists, <paramref name="beforeOpen"/> conversations (every
    /// company's) before the company's oldest open one, or before the newest when none is open; null lists every one.
    /// </summary>
    private static async Task<Guid?> PostgresWindowAsync(ParleyDbContext db, Guid companyId, int beforeOpen, CancellationToken ct)
    {
        // The first entry of the company in the open conversations' partial index (IX_Conversations_Open), whose condition
        // is named as written there so that the planner may read it (reading every open conversation from the inbox index
        // and sorting them took about 4.5 ms at 1 M).
        var oldestOpen = await db.Database.SqlQuery<Guid>($"""
            SELECT "Id" AS "Value" FROM "Conversations" WHERE "CompanyId" = {companyId} AND "Folder" IN ('New', 'Active')
            ORDER BY "Id" LIMIT 1
            """).ToListAsync(ct);
        var start = oldestOpen is [var oldest] ? oldest : (Guid?)null;
        var from = await db.Database.SqlQuery<Guid>($"""
            SELECT "Id" AS "Value" FROM "Conversations" WHERE ({start}::uuid IS NULL OR "Id" < {start})
            ORDER BY "Id" DESC OFFSET {beforeOpen} LIMIT 1
            """).ToListAsync(ct);
        return from is [var first] ? first : null;
    }

    /// <summary>
    /// The conversations of <paramref name="conversations"/> that match. On SQLite a common text is checked in the source
    /// the folder is walked from instead (<see cref="SqliteWalkCondition"/>), where each conversation's rowid can be read.
    /// </summary>
    public static IQueryable<Conversation> Matching(ParleyDbContext db, IQueryable<Conversation> conversations, SearchMatches search)
    {
        if (!search.Listed) return RowByRow(db, conversations, search.Text);
        var clients = ListedClients(db);
        if (search.Plan == SearchPlan.ListMatches)
        {
            // PostgreSQL never gathers statistics of the temporary lists and takes each for about 1,850 rows: joined to a
            // folder, it read the whole New or Active folder at 1 M (4,984 and 20,015 rows, 8 ms and more a query) to find
            // an order number's few. As values, the planner sees how many there are and looks each one up.
            if (search.Few is { } few) return conversations.Where(c => few.Conversations.Contains(c.Id) || few.Clients.Contains(c.ClientId));
            var ids = ListedIds(db).Union(db.Conversations.Where(c => clients.Contains(c.ClientId)).Select(c => c.Id));
            return conversations.Where(c => ids.Contains(c.Id));
        }

        if (db.Database.IsSqlite()) throw new InvalidOperationException("SQLite checks a common text where the folder is walked (SqliteWalkCondition).");
        var listed = ListedIds(db);
        if (search.ListedFromId is not { } from) return conversations.Where(c => listed.Contains(c.Id) || clients.Contains(c.ClientId));
        // Below the window a conversation is returned unchecked (see SearchMatches.Windowed).
        return conversations.Where(c => listed.Contains(c.Id) || clients.Contains(c.ClientId) || c.Id.CompareTo(from) < 0);
    }

    /// <summary>
    /// SQLite, a common text: the condition on a Conversations row, walked in a folder's inbox index, that it matches. Its
    /// rowid (in every index entry) is looked up in the listed conversations, its client (carried by the inbox indexes)
    /// in the listed clients: one look each, and no row is read for a conversation that does not match.
    /// </summary>
    /// <remarks>
    /// Under a window (<see cref="SearchMatches.Windowed"/>) a page's walk also returns the conversations below it, which
    /// the caller checks (<see cref="AnyUncheckedAsync"/>); a count passes the search <c>with { ListedFrom = 0 }</c> and
    /// counts only what the list holds, all of an open folder.
    /// </remarks>
    public static string SqliteWalkCondition(SearchMatches search) => (search.AnyMessages, search.Windowed) switch
    {
        (false, _) => """ClientId IN (SELECT "Value" FROM search_clients)""",
        (true, false) => """(rowid IN (SELECT rowid FROM search_conversation_rows) OR ClientId IN (SELECT "Value" FROM search_clients))""",
        (true, true) => $"""
            (rowid IN (SELECT rowid FROM search_conversation_rows) OR ClientId IN (SELECT "Value" FROM search_clients)
              OR {SqliteBelowWindow})
            """,
    };

    /// <summary>SQLite: the conversations with a listed match, each looked up by its rowid (a rare text's list).</summary>
    public static IQueryable<Conversation> SqliteListed(ParleyDbContext db) =>
        db.Conversations.FromSqlRaw("SELECT * FROM Conversations WHERE rowid IN (SELECT rowid FROM search_conversation_rows)");

    /// <summary>
    /// SQLite: the conversations with a shown matching message, read as the trigram index gives them, each looked up by the
    /// rowid its entry carries, once per matching message: for counting a large folder up to a cap, which stops reading
    /// the index at the cap (4–8 ms for a city's archive at 1 M), windowed search or not. The index drives the join.
    /// </summary>
    public static IQueryable<Conversation> SqliteMatchedMessages(ParleyDbContext db, SearchMatches search) =>
        db.Conversations.FromSql($"""
            SELECT c.* FROM MessageSearch AS m CROSS JOIN Conversations AS c ON c.rowid = m.rowid >> 32
            WHERE m.MessageSearch MATCH {Phrase(search.Text)}
            """);

    /// <summary>
    /// SQLite: the ids of the conversations that match, driven from the matches: for counting a large folder up to a cap.
    /// The conversations are given twice, as reached from the matching messages and by their client.
    /// </summary>
    public static IQueryable<Guid> MatchedIds(ParleyDbContext db, IQueryable<Conversation> listed, IQueryable<Conversation> byClient)
    {
        var fromClients = ListedClients(db).Join(byClient, id => id, c => c.ClientId, (_, c) => c.Id);
        return listed.Select(c => c.Id).Concat(fromClients).Distinct();
    }

    /// <summary>The ids of the conversations with a shown listed message (see <see cref="ListAsync"/>).</summary>
    private static IQueryable<Guid> ListedIds(ParleyDbContext db) => db.Database.IsSqlite()
        ? SqliteListed(db).Select(c => c.Id)
        : db.Database.SqlQueryRaw<Guid>("""SELECT "Value" FROM search_conversations""");

    private static IQueryable<Guid> ListedClients(ParleyDbContext db) => db.Database.SqlQueryRaw<Guid>("""SELECT "Value" FROM search_clients""");

    /// <summary>A text shorter than a trigram: each conversation's messages and client are matched with LIKE.</summary>
    private static IQueryable<Conversation> RowByRow(ParleyDbContext db, IQueryable<Conversation> conversations, string text)
    {
        var pattern = Pattern(text);
        var own = Shown(db.Database.IsNpgsql()
            ? db.Messages.Where(m => EF.Functions.ILike(m.Text, pattern, "\\"))
            // SQLite's like() is replaced by a Unicode-aware one (Infrastructure/SqliteUnicode.cs).
            : db.Messages.Where(m => EF.Functions.Like(m.Text, pattern, "\\")));
        var clients = db.Database.IsNpgsql()
            ? db.Clients.Where(cl => EF.Functions.ILike(cl.Name!, pattern, "\\") || EF.Functions.ILike(cl.Username!, pattern, "\\")
                || EF.Functions.ILike(cl.Email!, pattern, "\\") || EF.Functions.ILike(cl.Phone!, pattern, "\\"))
            : db.Clients.Where(cl => EF.Functions.Like(cl.Name!, pattern, "\\") || EF.Functions.Like(cl.Username!, pattern, "\\")
                || EF.Functions.Like(cl.Email!, pattern, "\\") || EF.Functions.Like(cl.Phone!, pattern, "\\"));
        return conversations.Where(c => own.Any(m => m.ConversationId == c.Id) || clients.Any(cl => cl.Id == c.ClientId));
    }

    /// <summary>The messages a search may find: neither a blocked client's hidden ones nor deleted ones.</summary>
    private static IQueryable<Message> Shown(IQueryable<Message> messages) => messages.Where(m => !m.IsHiddenBlocked && m.DeletedAt == null);

    /// <summary>The text as one FTS5 phrase: no operator inside it has a meaning.</summary>
    private static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Pattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
