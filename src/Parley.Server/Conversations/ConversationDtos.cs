using Parley.Domain.Channels;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.SystemMessages;

namespace Parley.Server.Conversations;

/// <summary>A row of the inbox, and the payload of every conversation event on the team hub.</summary>
public sealed record ConversationItem(
    Guid Id,
    Folder Folder,
    ArchiveReason? ArchiveReason,
    Guid ClientId,
    string? ClientName,
    string? ClientPhotoUrl,
    Guid ChannelId,
    ChannelType ChannelType,
    Guid? AssigneeId,
    bool IsAiHandled,
    bool AwaitingAnswer,
    string? Language,
    int UnreadCount,
    int? Rating,
    DateTime CreatedAt,
    DateTime LastMessageAt,
    string? LastMessagePreview,
    AuthorKind? LastMessageAuthor)
{
    public static ConversationItem From(Conversation c, string? clientName, string? clientPhotoUrl) => new(
        c.Id, c.Folder, c.ArchiveReason, c.ClientId, clientName, clientPhotoUrl, c.ChannelId, c.ChannelType, c.AssigneeId,
        c.IsAiHandled, c.AwaitingAnswer, c.Language, c.UnreadCount, c.Rating, c.CreatedAt, c.LastMessageAt, c.LastMessagePreview,
        c.LastMessageAuthor);
}

public sealed record ConversationDetail(
    ConversationItem Conversation,
    IReadOnlyList<Guid> TopicIds,
    DateTime? AcceptedAt,
    DateTime? FirstTeamReplyAt,
    DateTime? ArchivedAt,
    DateTime? LastClientMessageAt,
    DateTime? LastTeamMessageAt,
    DateTime? RatedAt,
    ChannelCapabilities Capabilities);

public sealed record MessageDto(
    Guid Id,
    Guid ConversationId,
    AuthorKind AuthorKind,
    Guid? AuthorMemberId,
    bool IsPrivateNote,
    string Text,
    SystemMessageKind? SystemKind,
    IReadOnlyList<MessageButton> Buttons,
    IReadOnlyList<Attachment> Attachments,
    string? ClientMessageId,
    DeliveryStatus DeliveryStatus,
    string? DeliveryError,
    DateTime CreatedAt,
    DateTime? EditedAt,
    DateTime? DeletedAt,
    IReadOnlyList<MessageEditDto>? Edits)
{
    /// <summary>
    /// Deleted texts and edit history are shown to owner and supervisors only (<paramref name="withAudit"/>);
    /// everyone else sees the marks.
    /// </summary>
    public static MessageDto From(Message m, bool withAudit) => new(
        m.Id, m.ConversationId, m.AuthorKind, m.AuthorMemberId, m.IsPrivateNote,
        m.DeletedAt is not null && !withAudit ? "" : m.Text,
        m.SystemKind, m.Buttons, m.Attachments, m.ClientMessageId, m.DeliveryStatus, m.DeliveryError, m.CreatedAt, m.EditedAt,
        m.DeletedAt,
        withAudit ? [.. m.Edits.OrderBy(e => e.EditedAt).Select(e => new MessageEditDto(e.PreviousText, e.EditedById, e.EditedAt))] : null);

    /// <summary>The same message for a viewer without the audit right: the marks stay, deleted text and history go.</summary>
    public MessageDto ForViewer(bool withAudit) =>
        withAudit ? this : this with { Text = DeletedAt is not null ? "" : Text, Edits = null };
}

public sealed record MessageEditDto(string PreviousText, Guid EditedById, DateTime EditedAt);

public sealed record HistoryEntryDto(string Kind, string ActorKind, Guid? ActorMemberId, string? ActorName, string? Details, DateTime CreatedAt);

/// <summary>
/// Conversations per folder. Exact, unless <see cref="CappedAt"/> is set: a filtered list stops counting a folder past
/// <see cref="Cap"/> matches, and a count equal to <see cref="CappedAt"/> then means "that many or more" (shown "1,000+").
/// </summary>
public sealed record FolderCounts(int New, int Active, int Archived, int? CappedAt = null)
{
    public const int Cap = 1000;

    /// <summary>Counts taken with a limit of <see cref="Cap"/> + 1 rows per folder.</summary>
    public static FolderCounts Limited(int @new, int active, int archived) =>
        @new > Cap || active > Cap || archived > Cap
            ? new FolderCounts(Math.Min(@new, Cap), Math.Min(active, Cap), Math.Min(archived, Cap), Cap)
            : new FolderCounts(@new, active, archived);

    /// <summary>Whether the folder's count stopped at the cap (it has at least that many).</summary>
    public bool IsCapped(Folder folder) => CappedAt is { } cap && Of(folder) >= cap;

    public int Of(Folder folder) => folder switch { Folder.New => New, Folder.Active => Active, _ => Archived };
}
