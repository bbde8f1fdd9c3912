using Parley.Domain.Common;
using Parley.Domain.Team;

namespace Parley.Domain.Conversations;

/// <summary>One line of a conversation's history: what happened, who did it, when.</summary>
public sealed class ConversationEvent : CompanyEntity
{
    public Guid ConversationId { get; set; }

    public required string Kind { get; set; }

    public ActorKind ActorKind { get; set; }

    public Guid? ActorMemberId { get; set; }

    public string? ActorName { get; set; }

    /// <summary>Details of the transition (reason, from/to manager ...) as a short text.</summary>
    public string? Details { get; set; }

    public DateTime CreatedAt { get; set; }
}

public static class HistoryKinds
{
    public const string Created = "created";
    public const string Assigned = "assigned";
    public const string Unassigned = "unassigned";
    public const string Accepted = "accepted";
    public const string Transferred = "transferred";
    public const string FinishRequested = "finish_requested";
    public const string ClientWantsMore = "client_wants_more";
    public const string Archived = "archived";
    public const string Reopened = "reopened";
    public const string Rated = "rated";
    public const string TopicsChanged = "topics_changed";
    public const string MessageEdited = "message_edited";
    public const string MessageDeleted = "message_deleted";
}
