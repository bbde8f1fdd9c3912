using Parley.Domain.SystemMessages;

namespace Parley.Domain.Conversations;

/// <summary>
/// What a lifecycle step decided beyond the conversation's own fields: the history lines to record and the
/// system messages to send. The use case stores both in the same transaction as the conversation.
/// </summary>
public sealed class Transition
{
    public List<(string Kind, string? Details)> History { get; } = [];

    public List<SystemMessageKind> SystemMessages { get; } = [];

    /// <summary>The assignee should be alerted (client came back after "more questions?").</summary>
    public bool AlertAssignee { get; set; }

    public bool Archived { get; set; }

    public Transition Record(string kind, string? details = null)
    {
        History.Add((kind, details));
        return this;
    }

    public Transition Send(SystemMessageKind kind)
    {
        SystemMessages.Add(kind);
        return this;
    }
}
