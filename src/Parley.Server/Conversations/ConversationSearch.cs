using Microsoft.EntityFrameworkCore;
using Parley.Data;

namespace Parley.Server.Conversations;

/// <summary>
/// Full-text search over messages and the client's name, username, email and phone: the ids of the conversations that
/// match, as a subquery the inbox narrows further. Any substring matches, case-insensitively, in any language. Each
/// provider answers from its trigram index (SQLite FTS5 <c>MessageSearch</c>/<c>ClientSearch</c>, PostgreSQL pg_trgm;
/// see the DataScale migrations); a text shorter than a trigram has no index to use and is matched row by row.
/// </summary>
public static class ConversationSearch
{
    private const int Trigram = 3;

    public static IQueryable<Guid> MatchingConversationIds(ParleyDbContext db, string text)
    {
        if (db.Database.IsSqlite() && text.Length >= Trigram) return SqliteFts(db, text);
        var pattern = "%" + EscapeLike(text) + "%";
        var messages = db.Messages.Where(m => !m.IsHiddenBlocked && m.DeletedAt == null);
        var clients = db.Clients.AsQueryable();
        if (db.Database.IsNpgsql())
        {
            messages = messages.Where(m => EF.Functions.ILike(m.Text, pattern, "\\"));
            clients = clients.Where(cl => EF.Functions.ILike(cl.Name!, pattern, "\\") || EF.Functions.ILike(cl.Username!, pattern, "\\")
                || EF.Functions.ILike(cl.Email!, pattern, "\\") || EF.Functions.ILike(cl.Phone!, pattern, "\\"));
        }
        else
        {
            // SQLite's like() is replaced by a Unicode-aware one (Infrastructure/SqliteUnicode.cs).
            messages = messages.Where(m => EF.Functions.Like(m.Text, pattern, "\\"));
            clients = clients.Where(cl => EF.Functions.Like(cl.Name!, pattern, "\\") || EF.Functions.Like(cl.Username!, pattern, "\\")
                || EF.Functions.Like(cl.Email!, pattern, "\\") || EF.Functions.Like(cl.Phone!, pattern, "\\"));
        }

        var byClient = db.Conversations.Where(c => clients.Select(cl => cl.Id).Contains(c.ClientId)).Select(c => c.Id);
        return messages.Select(m => m.ConversationId).Union(byClient);
    }

    /// <summary>The text as one FTS5 phrase: no operator inside it has a meaning.</summary>
    private static IQueryable<Guid> SqliteFts(ParleyDbContext db, string text)
    {
        var phrase = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return db.Database.SqlQuery<Guid>($"""
            SELECT m.ConversationId AS Value FROM Messages m
            WHERE m.rowid IN (SELECT rowid FROM MessageSearch WHERE MessageSearch MATCH {phrase}) AND NOT m.IsHiddenBlocked AND m.DeletedAt IS NULL
            UNION
            SELECT c.Id FROM Clients cl JOIN Conversations c ON c.ClientId = cl.Id
            WHERE cl.rowid IN (SELECT rowid FROM ClientSearch WHERE ClientSearch MATCH {phrase})
            """);
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
