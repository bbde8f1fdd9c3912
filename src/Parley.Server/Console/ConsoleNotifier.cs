using System.Collections.Concurrent;
using Parley.Domain.Conversations;
using Parley.Domain.Team;
using Parley.Server.Conversations;
using Parley.Server.Distribution;
using Parley.Server.Realtime;

namespace Parley.Server.Console;

/// <summary>
/// Fans committed events out to the open consoles (Blazor circuits) of the members who may see them — the console's
/// counterpart of <see cref="TeamFanOut"/>. Each circuit subscribes while its LiveChat screen is open and disposes the
/// subscription when it closes.
/// </summary>
public sealed class ConsoleNotifier(ILogger<ConsoleNotifier> logger) : IEventHandler
{
    private readonly ConcurrentDictionary<Guid, Subscription> _subscriptions = new();

    public IDisposable Subscribe(TeamMember member, Func<ParleyEvent, Task> onEvent)
    {
        var subscription = new Subscription(this, member, onEvent);
        _subscriptions[subscription.Id] = subscription;
        return subscription;
    }

    /// <remarks>
    /// Hands the event to each circuit without waiting for it to finish: one slow console must not hold up the bus that
    /// the other consoles, the team hub and the outbox share. Each circuit queues its work in order (InvokeAsync).
    /// </remarks>
    public Task HandleAsync(ParleyEvent e, CancellationToken cancellationToken)
    {
        foreach (var s in _subscriptions.Values)
        {
            if (s.Member.CompanyId == e.CompanyId && For(s.Member, e) is { } visible) _ = DeliverAsync(s, visible);
        }

        return Task.CompletedTask;
    }

    private async Task DeliverAsync(Subscription s, ParleyEvent e)
    {
        try
        {
            await s.OnEvent(e);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A closing circuit must not stop the others from hearing about the event.
            logger.LogDebug(ex, "A console subscription failed; the others still hear about the event.");
        }
    }

    /// <summary>The event as this member may see it, or null when it is none of their business (the Roles table).</summary>
    public static ParleyEvent? For(TeamMember member, ParleyEvent e) => e switch
    {
        ConversationChanged c when Sees(member, e, c.Conversation) || c.PreviousAssigneeId == member.Id || (c.LeftUnassignedNew && !member.SeesEverything) => c,
        MessageAdded m when Sees(member, e, m.Conversation) => m with { Message = m.Message.ForViewer(Permissions.CanSeeAudit(member)) },
        MessageChanged m when Sees(member, e, m.Conversation) => m with { Message = m.Message.ForViewer(Permissions.CanSeeAudit(member)) },
        AssigneeAlerted a when a.Conversation.AssigneeId == member.Id => a,
        TypingChanged t when t.MemberId != member.Id && Sees(member, e, t.Conversation) => t,
        // Owners and supervisors watch the supervisor view; a member hears about their own shift and presence.
        DistributionChanged d when member.SeesEverything || d.MemberId == member.Id => d,
        _ => null,
    };

    private static bool Sees(TeamMember member, ParleyEvent e, ConversationItem c) =>
        Permissions.CanSee(member, new Conversation { CompanyId = e.CompanyId, Folder = c.Folder, AssigneeId = c.AssigneeId });

    private sealed class Subscription(ConsoleNotifier owner, TeamMember member, Func<ParleyEvent, Task> onEvent) : IDisposable
    {
        public Guid Id { get; } = Guid.NewGuid();

        public TeamMember Member => member;

        public Func<ParleyEvent, Task> OnEvent => onEvent;

        public void Dispose() => owner._subscriptions.TryRemove(Id, out _);
    }
}
