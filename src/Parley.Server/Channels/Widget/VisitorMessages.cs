using Microsoft.EntityFrameworkCore;
using Parley.Data;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.SystemMessages;
using Parley.Server.Conversations;

namespace Parley.Server.Channels.Widget;

/// <summary>A message as the visitor sees it: no private notes, no edit history, a deleted message without its text.</summary>
public sealed record VisitorMessage(
    Guid Id,
    Guid ConversationId,
    AuthorKind Author,
    string? AuthorName,
    string Text,
    SystemMessageKind? SystemKind,
    IReadOnlyList<MessageButton> Buttons,
    IReadOnlyList<Attachment> Attachments,
    string? ClientMessageId,
    DateTime CreatedAt,
    DateTime? EditedAt,
    bool Deleted)
{
    public static VisitorMessage From(MessageDto m, string? authorName) => new(
        m.Id, m.ConversationId, m.AuthorKind, authorName, m.DeletedAt is null ? m.Text : "", m.SystemKind, m.DeletedAt is null ? m.Buttons : [],
        m.DeletedAt is null ? m.Attachments : [], m.AuthorKind == AuthorKind.Client ? m.ClientMessageId : null, m.CreatedAt, m.EditedAt, m.DeletedAt is not null);

    public static VisitorMessage From(Message m, string? authorName) => From(MessageDto.From(m, withAudit: false), authorName);
}

/// <summary>What the visitor gets on joining: who they are, the widget's look, and their history.</summary>
public sealed record VisitorSession(
    string? VisitorToken,
    string? VisitorId,
    bool Verified,
    bool NeedsIdentify,
    WidgetPublicConfig Config,
    IReadOnlyList<VisitorMessage> Messages,
    bool Seen);

/// <summary>The visitor's own history on one channel, across all their conversations there (rule 7).</summary>
public static class VisitorHistory
{
    public const int PageSize = 100;

    public static async Task<(List<VisitorMessage> Messages, bool Seen)> LoadAsync(ParleyDbContext db, Visitor visitor, DateTime? before, CancellationToken ct)
    {
        var clientId = await ClientIdAsync(db, visitor, ct);
        if (clientId is null) return ([], false);
        var conversations = db.Conversations.Where(c => c.ClientId == clientId && c.ChannelId == visitor.ChannelId);
        var q = db.Messages.AsNoTracking()
            .Where(m => conversations.Any(c => c.Id == m.ConversationId) && !m.IsPrivateNote && (!m.IsHiddenBlocked || m.AuthorKind == AuthorKind.Client));
        if (before is { } at) q = q.Where(m => m.CreatedAt < at);
        var page = await q.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(PageSize).ToListAsync(ct);
        page.Reverse();
        var names = await AuthorNamesAsync(db, page.Select(m => m.AuthorMemberId), ct);
        var latest = await conversations.OrderByDescending(c => c.CreatedAt).Select(c => new { c.UnreadCount, c.Folder }).FirstOrDefaultAsync(ct);
        var seen = latest is not null && latest.UnreadCount == 0;
        return ([.. page.Select(m => VisitorMessage.From(m, m.AuthorMemberId is { } id ? names.GetValueOrDefault(id) : null))], seen);
    }

    public static Task<Guid?> ClientIdAsync(ParleyDbContext db, Visitor visitor, CancellationToken ct) =>
        db.ClientIdentities.Where(i => i.ChannelId == visitor.ChannelId && i.ExternalId == visitor.ExternalId)
            .Select(i => (Guid?)i.ClientId).FirstOrDefaultAsync(ct);

    /// <summary>The visitor's open conversation, if any: where typing goes.</summary>
    public static async Task<Conversation?> OpenConversationAsync(ParleyDbContext db, Visitor visitor, CancellationToken ct)
    {
        var clientId = await ClientIdAsync(db, visitor, ct);
        if (clientId is null) return null;
        return await db.Conversations.AsNoTracking()
            .Where(c => c.ClientId == clientId && c.ChannelId == visitor.ChannelId && c.Folder != Folder.Archived)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(ct);
    }

    public static async Task<Dictionary<Guid, string>> AuthorNamesAsync(ParleyDbContext db, IEnumerable<Guid?> memberIds, CancellationToken ct)
    {
        var ids = memberIds.OfType<Guid>().Distinct().ToList();
        if (ids.Count == 0) return [];
        return await db.TeamMembers.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, m => m.Name, ct);
    }
}
