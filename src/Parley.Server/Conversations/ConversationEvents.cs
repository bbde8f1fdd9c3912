using Parley.Server.Realtime;

namespace Parley.Server.Conversations;

/// <summary>The conversation's folder, assignee, marks or topics changed.</summary>
public sealed record ConversationChanged(
    Guid CompanyId, ConversationItem Conversation, string Change, Guid? PreviousAssigneeId = null, bool LeftUnassignedNew = false)
    : ParleyEvent(CompanyId);

/// <summary>A message was added (client, manager, system, AI or a private note).</summary>
public sealed record MessageAdded(Guid CompanyId, ConversationItem Conversation, MessageDto Message) : ParleyEvent(CompanyId);

/// <summary>A message was edited, deleted, or its delivery status changed.</summary>
public sealed record MessageChanged(Guid CompanyId, ConversationItem Conversation, MessageDto Message, string Change) : ParleyEvent(CompanyId);

/// <summary>The assignee should look: the client answered "Yes, more questions" or wrote after "more questions?".</summary>
public sealed record AssigneeAlerted(Guid CompanyId, ConversationItem Conversation, string Reason) : ParleyEvent(CompanyId);

/// <summary>Someone is typing in a conversation.</summary>
public sealed record TypingChanged(Guid CompanyId, ConversationItem Conversation, string Who, Guid? MemberId, bool IsTyping)
    : ParleyEvent(CompanyId);

public static class Changes
{
    public const string Created = "created";
    public const string Accepted = "accepted";
    public const string Transferred = "transferred";
    public const string Archived = "archived";
    public const string Reopened = "reopened";
    public const string Updated = "updated";

    /// <summary>Marked read: only the unread count changed, nothing a card, a board or the folder counts show.</summary>
    public const string Read = "read";
    public const string Edited = "edited";
    public const string Deleted = "deleted";
    public const string Delivery = "delivery";

    /// <summary>The conversation kept its folder and assignee (marks, rating, topics, read): no counts or board moved.</summary>
    public static bool KeepsPlace(string change) => change is Updated or Read;
}
