using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Conversations;

namespace Parley.Server.Conversations;

/// <summary>
/// Full-text search over messages and the client's name, username, email and phone: narrows the inbox to the
/// conversations that match. Any substring matches, case-insensitively, in any language. Each provider answers from its
/// trigram index (SQLite FTS5 <c>MessageSearch</c>/<c>ClientSearch</c>, PostgreSQL pg_trgm; see the DataScale
/// migrations); a text shorter than a trigram has no index to use and is matched row by row.
/// </summary>
/// <remarks>
/// The match is a condition on each conversation (does one of its messages, or its client, match?), not a list of every
/// matching conversation: the inbox reads a folder newest first and stops when the page (or the capped count) is full,
/// so a word found in thousands of conversations costs about as much as the page it fills.
/// </remarks>
public static class ConversationSearch
{
    private const int Trigram = 3;

    public static IQueryable<Conversation> Matching(ParleyDbContext db, IQueryable<Conversation> conversations, string text)
    {
        if (db.Database.IsSqlite() && text.Length >= Trigram) return SqliteFts(db, conversations, text);
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

        return conversations.Where(c => messages.Any(m => m.ConversationId == c.Id) || clients.Any(cl => cl.Id == c.ClientId));
    }

    /// <summary>
    /// The text as one FTS5 phrase: no operator inside it has a meaning. The full-text tables give the set of matching
    /// rowids (read once per query from the trigram doclists, without touching the messages); each conversation is then
    /// checked through its own messages' index entries, which carry the rowid, so only a message that matches is read.
    /// INDEXED BY keeps SQLite from driving the check from the match set instead (every match, for every conversation).
    /// </summary>
    private static IQueryable<Conversation> SqliteFts(ParleyDbContext db, IQueryable<Conversation> conversations, string text)
    {
        var phrase = "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var messages = db.Messages.FromSql($"""
            SELECT * FROM Messages INDEXED BY IX_Messages_ConversationId_CreatedAt
            WHERE rowid IN (SELECT rowid FROM MessageSearch WHERE MessageSearch MATCH {phrase})
            """);
        var clients = db.Clients.FromSql($"""
            SELECT * FROM Clients WHERE rowid IN (SELECT rowid FROM ClientSearch WHERE ClientSearch MATCH {phrase})
            """);
        return conversations.Where(c => messages.Any(m => m.ConversationId == c.Id && !m.IsHiddenBlocked && m.DeletedAt == null)
            || clients.Any(cl => cl.Id == c.ClientId));
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
