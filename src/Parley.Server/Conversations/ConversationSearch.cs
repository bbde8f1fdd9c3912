using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Data.Conversations;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;

namespace Parley.Server.Conversations;

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
public sealed record SearchMatches(string Text, SearchPlan Plan, bool AnyMessages)
{
    /// <summary>Whether the matches were listed: a text shorter than a trigram has no index to list them from.</summary>
    public bool Listed => ConversationSearch.Indexed(Text);
}

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
    public static async Task<SearchMatches> ListAsync(ParleyDbContext db, Guid companyId, string text, CancellationToken ct)
    {
        if (!Indexed(text)) return new SearchMatches(text, SearchPlan.CheckEachConversation, AnyMessages: true);
        var (conversations, clients) = db.Database.IsSqlite()
            ? await ListSqliteAsync(db, companyId, text, ct)
            : await ListPostgresAsync(db, companyId, text, ct);
        var plan = conversations > RareMatches || clients > RareMatches ? SearchPlan.CheckEachConversation : SearchPlan.ListMatches;
        return new SearchMatches(text, plan, AnyMessages: conversations > 0);
    }

    /// <summary>Empties the temporary tables: the connection goes back to the pool without the request's matches.</summary>
    public static async Task ForgetAsync(ParleyDbContext db, SearchMatches search, CancellationToken ct)
    {
        if (!search.Listed) return;
        await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite()
            ? "DELETE FROM search_conversation_rows; DELETE FROM search_clients;"
            : "DELETE FROM search_conversations; DELETE FROM search_clients;", ct);
    }

    private static async Task<(int Conversations, int Clients)> ListSqliteAsync(ParleyDbContext db, Guid companyId, string text, CancellationToken ct)
    {
        // New messages wait to be indexed in batches; whatever was committed before this search is indexed first.
        await Infrastructure.SqliteSearchIndexer.CatchUpAsync(db, ct);
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE IF NOT EXISTS search_conversation_rows (rowid INTEGER PRIMARY KEY);
            CREATE TEMP TABLE IF NOT EXISTS search_clients ("Value" TEXT PRIMARY KEY) WITHOUT ROWID;
            DELETE FROM search_conversation_rows;
            DELETE FROM search_clients;
            """, ct);
        var phrase = Phrase(text);
        // The index's rowids come in order, a conversation's together: each conversation is added once (every company's;
        // the conversations read from the list are the company's).
        var conversations = await db.Database.ExecuteSqlAsync(
            $"INSERT OR IGNORE INTO search_conversation_rows SELECT rowid >> 32 FROM MessageSearch WHERE MessageSearch MATCH {phrase}", ct);
        var clients = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search_clients SELECT Id FROM Clients
            WHERE rowid IN (SELECT rowid FROM ClientSearch WHERE ClientSearch MATCH {phrase}) AND CompanyId = {companyId}
            """, ct);
        return (conversations, clients);
    }

    private static async Task<(int Conversations, int Clients)> ListPostgresAsync(ParleyDbContext db, Guid companyId, string text, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE IF NOT EXISTS search_conversations ("Value" uuid PRIMARY KEY);
            CREATE TEMP TABLE IF NOT EXISTS search_clients ("Value" uuid PRIMARY KEY);
            DELETE FROM search_conversations;
            DELETE FROM search_clients;
            """, ct);
        var pattern = Pattern(text);
        // The trigram index, always: for a long text (many trigrams) the planner priced the index above reading every
        // message, and a search for "Івано-Франківськ" read all 9.5 M at 1 M conversations (6–12 s; 1.4 s by the index).
        // Reset before anything else runs on the connection (a failed request's setting goes with Npgsql's session reset).
        await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off", ct);
        var conversations = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search_conversations SELECT DISTINCT "ConversationId" FROM "Messages"
            WHERE "CompanyId" = {companyId} AND "Text" ILIKE {pattern} ESCAPE '\' AND NOT "IsHiddenBlocked" AND "DeletedAt" IS NULL
            """, ct);
        await db.Database.ExecuteSqlRawAsync("RESET enable_seqscan", ct);
        var clients = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search_clients SELECT "Id" FROM "Clients"
            WHERE "CompanyId" = {companyId} AND ("Name" ILIKE {pattern} ESCAPE '\' OR "Username" ILIKE {pattern} ESCAPE '\'
              OR "Email" ILIKE {pattern} ESCAPE '\' OR "Phone" ILIKE {pattern} ESCAPE '\')
            """, ct);
        return (conversations, clients);
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
            var ids = ListedIds(db).Union(db.Conversations.Where(c => clients.Contains(c.ClientId)).Select(c => c.Id));
            return conversations.Where(c => ids.Contains(c.Id));
        }

        if (db.Database.IsSqlite()) throw new InvalidOperationException("SQLite checks a common text where the folder is walked (SqliteWalkCondition).");
        var listed = db.Database.SqlQueryRaw<Guid>("""SELECT "Value" FROM search_conversations""");
        return conversations.Where(c => listed.Contains(c.Id) || clients.Contains(c.ClientId));
    }

    /// <summary>
    /// SQLite, a common text: the condition on a Conversations row, walked in a folder's inbox index, that it matches. Its
    /// rowid (in every index entry) is looked up in the listed conversations, its client (carried by the inbox indexes)
    /// in the listed clients: one look each, and no row is read for a conversation that does not match.
    /// </summary>
    public static string SqliteWalkCondition(SearchMatches search) => search.AnyMessages
        ? """(rowid IN (SELECT rowid FROM search_conversation_rows) OR ClientId IN (SELECT "Value" FROM search_clients))"""
        : """ClientId IN (SELECT "Value" FROM search_clients)""";

    /// <summary>
    /// SQLite: the conversations with a listed match, each looked up by its rowid (for a rare text's list, and for counting
    /// a large folder up to a cap, where the matches reach the cap sooner than reading the folder does).
    /// </summary>
    public static IQueryable<Conversation> SqliteListed(ParleyDbContext db) =>
        db.Conversations.FromSqlRaw("SELECT * FROM Conversations WHERE rowid IN (SELECT rowid FROM search_conversation_rows)");

    /// <summary>
    /// SQLite: the ids of the conversations that match, driven from the listed matches: for counting a large folder up to
    /// a cap. The conversations are given twice, as reached from the listed conversations and by their client.
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
