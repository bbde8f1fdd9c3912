using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Clients;
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

    /// <summary>Above this many matching messages or clients a text is common (<see cref="SearchPlan.CheckEachConversation"/>).</summary>
    public const int RareMatches = 2000;

    /// <summary>Counts the matches up to <see cref="RareMatches"/>: the trigram index alone answers, without the rows.</summary>
    public static async Task<SearchPlan> PlanAsync(ParleyDbContext db, string text, CancellationToken ct)
    {
        if (!Indexed(text)) return SearchPlan.CheckEachConversation;
        var messages = await MatchingMessages(db, text).Select(m => m.Id).Take(RareMatches + 1).CountAsync(ct);
        var clients = messages > RareMatches ? 0 : await MatchingClients(db, text).Select(cl => cl.Id).Take(RareMatches + 1).CountAsync(ct);
        return messages > RareMatches || clients > RareMatches ? SearchPlan.CheckEachConversation : SearchPlan.ListMatches;
    }

    /// <summary>The conversations of <paramref name="conversations"/> that match.</summary>
    public static IQueryable<Conversation> Matching(ParleyDbContext db, IQueryable<Conversation> conversations, string text, SearchPlan plan)
    {
        var clients = MatchingClients(db, text);
        if (plan == SearchPlan.ListMatches)
        {
            var ids = Shown(MatchingMessages(db, text)).Select(m => m.ConversationId)
                .Union(db.Conversations.Where(c => clients.Select(cl => cl.Id).Contains(c.ClientId)).Select(c => c.Id));
            return conversations.Where(c => ids.Contains(c.Id));
        }

        // Each conversation is checked through its own messages. On SQLite the index entries (ConversationId, CreatedAt)
        // carry the rowid that the trigram match set is probed with, so only a message that matches is read.
        var own = Shown(db.Database.IsSqlite() && Indexed(text) ? SqliteMessagesByConversation(db, text) : MatchingMessages(db, text));
        return conversations.Where(c => own.Any(m => m.ConversationId == c.Id) || clients.Any(cl => cl.Id == c.ClientId));
    }

    /// <summary>
    /// The ids of the conversations that match, driven from the matches: for counting a large folder up to a cap, where
    /// the matches reach the cap sooner than reading the folder does. The conversations are given twice, as reached by
    /// their id (from a message) and by their client (from a client).
    /// </summary>
    public static IQueryable<Guid> MatchedIds(ParleyDbContext db, string text, IQueryable<Conversation> byId, IQueryable<Conversation> byClient)
    {
        var fromMessages = Shown(MatchingMessages(db, text))
            .Join(byId, m => m.ConversationId, c => c.Id, (m, c) => c.Id);
        var fromClients = MatchingClients(db, text).Join(byClient, cl => cl.Id, c => c.ClientId, (cl, c) => c.Id);
        return fromMessages.Concat(fromClients).Distinct();
    }

    /// <summary>The messages a search may find: neither a blocked client's hidden ones nor deleted ones.</summary>
    private static IQueryable<Message> Shown(IQueryable<Message> messages) => messages.Where(m => !m.IsHiddenBlocked && m.DeletedAt == null);

    private static IQueryable<Message> MatchingMessages(ParleyDbContext db, string text)
    {
        if (db.Database.IsSqlite() && Indexed(text))
            return db.Messages.FromSql($"SELECT * FROM Messages WHERE rowid IN (SELECT rowid FROM MessageSearch WHERE MessageSearch MATCH {Phrase(text)})");
        var pattern = Pattern(text);
        return db.Database.IsNpgsql()
            ? db.Messages.Where(m => EF.Functions.ILike(m.Text, pattern, "\\"))
            // SQLite's like() is replaced by a Unicode-aware one (Infrastructure/SqliteUnicode.cs).
            : db.Messages.Where(m => EF.Functions.Like(m.Text, pattern, "\\"));
    }

    private static IQueryable<Client> MatchingClients(ParleyDbContext db, string text)
    {
        if (db.Database.IsSqlite() && Indexed(text))
            return db.Clients.FromSql($"SELECT * FROM Clients WHERE rowid IN (SELECT rowid FROM ClientSearch WHERE ClientSearch MATCH {Phrase(text)})");
        var pattern = Pattern(text);
        return db.Database.IsNpgsql()
            ? db.Clients.Where(cl => EF.Functions.ILike(cl.Name!, pattern, "\\") || EF.Functions.ILike(cl.Username!, pattern, "\\")
                || EF.Functions.ILike(cl.Email!, pattern, "\\") || EF.Functions.ILike(cl.Phone!, pattern, "\\"))
            : db.Clients.Where(cl => EF.Functions.Like(cl.Name!, pattern, "\\") || EF.Functions.Like(cl.Username!, pattern, "\\")
                || EF.Functions.Like(cl.Email!, pattern, "\\") || EF.Functions.Like(cl.Phone!, pattern, "\\"));
    }

    /// <summary>INDEXED BY keeps SQLite from driving the check from the match set instead (every match, for every conversation).</summary>
    private static IQueryable<Message> SqliteMessagesByConversation(ParleyDbContext db, string text) =>
        db.Messages.FromSql($"""
            SELECT * FROM Messages INDEXED BY IX_Messages_ConversationId_CreatedAt
            WHERE rowid IN (SELECT rowid FROM MessageSearch WHERE MessageSearch MATCH {Phrase(text)})
            """);

    /// <summary>The text as one FTS5 phrase: no operator inside it has a meaning.</summary>
    private static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Pattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
