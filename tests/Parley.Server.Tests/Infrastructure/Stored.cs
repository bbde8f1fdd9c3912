using Parley.Domain.Conversations;

namespace Parley.Server.Tests.Infrastructure;

/// <summary>Rows stored directly, for histories longer than a test could write through the API (it has no import).</summary>
public static class Stored
{
    /// <summary>A conversation of the same client and channel as <paramref name="like"/>, closed by a manager at its last message.</summary>
    public static Conversation ArchivedLike(Conversation like, DateTime createdAt, DateTime lastMessageAt, Guid assigneeId) => new()
    {
        CompanyId = like.CompanyId, ClientId = like.ClientId, ChannelId = like.ChannelId, ChannelType = like.ChannelType,
        Folder = Folder.Archived, ArchiveReason = ArchiveReason.ClosedByManager, AssigneeId = assigneeId,
        Language = "uk", CreatedAt = createdAt, ArchivedAt = lastMessageAt, LastMessageAt = lastMessageAt, LastClientMessageAt = lastMessageAt,
    };
}
