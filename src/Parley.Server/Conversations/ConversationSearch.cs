using Microsoft.EntityFrameworkCore;
using Parley.Data;
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
    /// has opened and keeps open until it has read them (then <see cref="ForgetAsync"/>). SQLite lists the message rowids
    /// the trigram index finds (the index alone, without reading a message) and the matching clients' ids; each message
    /// is then checked for being shown where it is read. PostgreSQL has to read every candidate row to confirm a trigram
    /// match anyway, so it lists the ids of the conversations with a shown matching message, and the clients' ids.
    /// </summary>
    public static async Task<SearchMatches> ListAsync(ParleyDbContext db, Guid companyId, string text, CancellationToken ct)
    {
        if (!Indexed(text)) return new SearchMatches(text, SearchPlan.CheckEachConversation, AnyMessages: true);
        var (messages, clients) = db.Database.IsSqlite()
            ? await ListSqliteAsync(db, companyId, text, ct)
            : await ListPostgresAsync(db, companyId, text, ct);
        var plan = messages > RareMatches || clients > RareMatches ? SearchPlan.CheckEachConversation : SearchPlan.ListMatches;
        return new SearchMatches(text, plan, AnyMessages: messages > 0);
    }

    /// <summary>Empties the temporary tables: the connection goes back to the pool without the request's matches.</summary>
    public static async Task ForgetAsync(ParleyDbContext db, SearchMatches search, CancellationToken ct)
    {
        if (!search.Listed) return;
        await db.Database.ExecuteSqlRawAsync(db.Database.IsSqlite()
            ? "DELETE FROM search_messages; DELETE FROM search_clients;"
            : "DELETE FROM search_conversations; DELETE FROM search_clients;", ct);
    }

    private static async Task<(int Messages, int Clients)> ListSqliteAsync(ParleyDbContext db, Guid companyId, string text, CancellationToken ct)
    {
        // New messages wait to be indexed in batches; whatever was committed before this search is indexed first.
        await Infrastructure.SqliteSearchIndexer.CatchUpAsync(db, ct);
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE IF NOT EXISTS search_messages (rowid INTEGER PRIMARY KEY);
            CREATE TEMP TABLE IF NOT EXISTS search_clients ("Value" TEXT PRIMARY KEY) WITHOUT ROWID;
            DELETE FROM search_messages;
            DELETE FROM search_clients;
            """, ct);
        var phrase = Phrase(text);
        var messages = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO search_messages SELECT rowid FROM MessageSearch WHERE MessageSearch MATCH {phrase}", ct);
        var clients = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search_clients SELECT Id FROM Clients
            WHERE rowid IN (SELECT rowid FROM ClientSearch WHERE ClientSearch MATCH {phrase}) AND CompanyId = {companyId}
            """, ct);
        return (messages, clients);
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
        var conversations = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search_conversations SELECT DISTINCT "ConversationId" FROM "Messages"
            WHERE "CompanyId" = {companyId} AND "Text" ILIKE {pattern} ESCAPE '\' AND NOT "IsHiddenBlocked" AND "DeletedAt" IS NULL
            """, ct);
        var clients = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO search_clients SELECT "Id" FROM "Clients"
            WHERE "CompanyId" = {companyId} AND ("Name" ILIKE {pattern} ESCAPE '\' OR "Username" ILIKE {pattern} ESCAPE '\'
              OR "Email" ILIKE {pattern} ESCAPE '\' OR "Phone" ILIKE {pattern} ESCAPE '\')
            """, ct);
        return (conversations, clients);
    }

    /// <summary>The conversations of <paramref name="conversations"/> that match.</summary>
    public static IQueryable<Conversation> Matching(ParleyDbContext db, IQueryable<Conversation> conversations, SearchMatches search)
    {
        if (!search.Listed) return RowByRow(db, conversations, search.Text);
        var clients = ListedClients(db);
        if (search.Plan == SearchPlan.ListMatches)
        {
            var ids = ListedConversations(db).Union(db.Conversations.Where(c => clients.Contains(c.ClientId)).Select(c => c.Id));
            return conversations.Where(c => ids.Contains(c.Id));
        }

        if (db.Database.IsNpgsql())
        {
            var listed = ListedConversations(db);
            return conversations.Where(c => listed.Contains(c.Id) || clients.Contains(c.ClientId));
        }

        // Each conversation is checked through its own messages: their index entries (ConversationId, CreatedAt) carry
        // the rowid that is looked up in the list, so only a message that matches is read. The client comes from the
        // inbox index. A text no message has is not looked for in every conversation's messages.
        if (!search.AnyMessages) return conversations.Where(c => clients.Contains(c.ClientId));
        var own = Shown(SqliteListedMessagesByConversation(db));
        return conversations.Where(c => own.Any(m => m.ConversationId == c.Id) || clients.Contains(c.ClientId));
    }

    /// <summary>
    /// The ids of the conversations that match, driven from the listed matches: for counting a large folder up to a cap,
    /// where the matches reach the cap sooner than reading the folder does. The conversations are given twice, as reached
    /// by their id (from a message) and by their client (from a client).
    /// </summary>
    public static IQueryable<Guid> MatchedIds(ParleyDbContext db, IQueryable<Conversation> byId, IQueryable<Conversation> byClient)
    {
        var fromMessages = ListedConversations(db).Join(byId, id => id, c => c.Id, (_, c) => c.Id);
        var fromClients = ListedClients(db).Join(byClient, id => id, c => c.ClientId, (_, c) => c.Id);
        return fromMessages.Concat(fromClients).Distinct();
    }

    /// <summary>The ids of the conversations with a shown listed message (see <see cref="ListAsync"/>).</summary>
    private static IQueryable<Guid> ListedConversations(ParleyDbContext db) => db.Database.IsSqlite()
        ? Shown(SqliteListedMessages(db)).Select(m => m.ConversationId)
        : db.Database.SqlQueryRaw<Guid>("""SELECT "Value" FROM search_conversations""");

    private static IQueryable<Guid> ListedClients(ParleyDbContext db) => db.Database.SqlQueryRaw<Guid>("""SELECT "Value" FROM search_clients""");

    private static IQueryable<Message> SqliteListedMessages(ParleyDbContext db) =>
        db.Messages.FromSqlRaw("SELECT * FROM Messages WHERE rowid IN (SELECT rowid FROM search_messages)");

    /// <summary>INDEXED BY keeps SQLite from driving a per-conversation check from the list instead (every match, for every conversation).</summary>
    private static IQueryable<Message> SqliteListedMessagesByConversation(ParleyDbContext db) =>
        db.Messages.FromSqlRaw("""
            SELECT * FROM Messages INDEXED BY IX_Messages_ConversationId_CreatedAt
            WHERE rowid IN (SELECT rowid FROM search_messages)
            """);

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
