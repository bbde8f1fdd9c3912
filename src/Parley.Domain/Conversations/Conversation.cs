using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Domain.Messages;

namespace Parley.Domain.Conversations;

public enum Folder
{
    New,
    Active,
    Archived,
}

public enum ArchiveReason
{
    ClosedByManager,
    ResolvedByClient,
    Inactivity,
    Blocked,
    AiResolved,
}

/// <summary>One support dialog with a client on one channel, from its first message to its archiving.</summary>
public sealed class Conversation : CompanyEntity
{
    public Guid ClientId { get; set; }

    public Guid ChannelId { get; set; }

    /// <summary>Copied from the channel so the inbox filters by platform without a join.</summary>
    public ChannelType ChannelType { get; set; }

    public Folder Folder { get; set; } = Folder.New;

    public ArchiveReason? ArchiveReason { get; set; }

    /// <summary>Who handles it. In New it may be set by distribution before anyone accepts.</summary>
    public Guid? AssigneeId { get; set; }

    public DateTime? AssignedAt { get; set; }

    /// <summary>The AI agent handles (or handled) this conversation.</summary>
    public bool IsAiHandled { get; set; }

    /// <summary>"More questions?" was asked and the client has not answered.</summary>
    public bool AwaitingAnswer { get; set; }

    public int? Rating { get; set; }

    public DateTime? RatedAt { get; set; }

    /// <summary>The client's language when the conversation started (drives system messages).</summary>
    public string? Language { get; set; }

    public bool OutOfHoursSent { get; set; }

    /// <summary>Client messages the team has not read yet.</summary>
    public int UnreadCount { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? AcceptedAt { get; set; }

    public DateTime? FirstTeamReplyAt { get; set; }

    public DateTime? ArchivedAt { get; set; }

    public DateTime? LastClientMessageAt { get; set; }

    public DateTime? LastTeamMessageAt { get; set; }

    /// <summary>Set when the team (manager, system or AI) spoke last; cleared by a client message. Drives inactivity.</summary>
    public DateTime? TeamSpokeLastAt { get; set; }

    /// <summary>Newest activity, for the inbox order.</summary>
    public DateTime LastMessageAt { get; set; }

    public string? LastMessagePreview { get; set; }

    public AuthorKind? LastMessageAuthor { get; set; }

    /// <summary>Optimistic concurrency: two writers of the same conversation never both win.</summary>
    public int Version { get; set; }

    public List<ConversationTopic> Topics { get; set; } = [];

    public bool IsOpen => Folder != Folder.Archived;
}

public sealed class ConversationTopic
{
    public Guid ConversationId { get; set; }

    public Guid TopicId { get; set; }
}
