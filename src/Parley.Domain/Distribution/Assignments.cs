using Parley.Domain.Conversations;
using Parley.Domain.Settings;
using Parley.Domain.Team;

namespace Parley.Domain.Distribution;

/// <summary>A New chat waiting for a manager, with the client's previous manager (offered it first when eligible).</summary>
public sealed record WaitingChat(Conversation Conversation, Guid? PreviousManagerId);

public enum AssignmentReason
{
    /// <summary>The chat was waiting in the queue.</summary>
    Queued,
    /// <summary>The assignee did not accept it in time.</summary>
    NotAccepted,
    /// <summary>The assignee ended the shift, lost the console past the grace period or was deactivated.</summary>
    AssigneeUnavailable,
}

/// <summary>One decision of a distribution pass: the chat goes to <see cref="To"/>, or back to the queue when that is null.</summary>
public sealed record Assignment(Conversation Conversation, TeamMember? To, Guid? From, AssignmentReason Reason);

/// <summary>
/// Automatic mode (PRODUCT.md, Distribution and shifts): who gets a New chat, when an assignment passes on, and what reaching
/// the limit does. Pure: the caller loads the company's members with their open chats under a lock, calls
/// <see cref="Plan"/>, and stores the changed conversations and members it returns.
/// </summary>
public static class AssignmentRules
{
    /// <summary>
    /// The eligible member with the fewest open chats; ties go to whoever has waited longest since their last assignment
    /// (never assigned = longest). The client's previous manager comes first when eligible and the company prefers it.
    /// </summary>
    public static TeamMember? Choose(
        IEnumerable<Candidate> candidates, Guid channelId, Guid? previousManagerId, DistributionSettings settings, DateTime now, Guid? excluded = null)
    {
        var eligible = candidates
            .Where(c => c.Member.Id != excluded && EligibilityRules.Check(c.Member, c.OpenChats, channelId, settings, now) == Eligibility.Eligible)
            .ToList();
        if (settings.PreferPreviousManager && eligible.FirstOrDefault(c => c.Member.Id == previousManagerId) is { } previous) return previous.Member;
        return eligible
            .OrderBy(c => c.OpenChats)
            .ThenBy(c => c.Member.LastAssignedAt ?? DateTime.MinValue)
            .ThenBy(c => c.Member.ShiftStartedAt ?? DateTime.MinValue)
            .ThenBy(c => c.Member.Id)
            .Select(c => c.Member)
            .FirstOrDefault();
    }

    /// <summary>Assigned New chats wait this long for Accept; null when assignments never time out.</summary>
    public static DateTime? AcceptCutoff(DistributionSettings settings, DateTime now) =>
        settings.AcceptTimeoutMinutes is { } minutes ? now - TimeSpan.FromMinutes(minutes) : null;

    public static bool IsAcceptOverdue(Conversation conversation, DistributionSettings settings, DateTime now) =>
        conversation.Folder == Folder.New && conversation.AssigneeId is not null
        && AcceptCutoff(settings, now) is { } cutoff && conversation.AssignedAt is { } at && at <= cutoff;

    /// <summary>Oldest first; the id breaks ties between chats that arrived in the same instant.</summary>
    public static IEnumerable<WaitingChat> QueueOrder(IEnumerable<WaitingChat> queue) =>
        queue.OrderBy(w => w.Conversation.CreatedAt).ThenBy(w => w.Conversation.Id.ToString());

    /// <summary>
    /// One distribution pass. First the assigned chats that must move (<paramref name="stale"/>: not accepted in time, or
    /// the assignee is no longer available) pass to the next eligible member — never the same one — or back to the queue;
    /// a chat that is merely overdue stays when nobody else can take it. Then the queue is assigned oldest first.
    /// Changes the conversations and members it decides on; <paramref name="openChats"/> is kept up to date.
    /// </summary>
    public static IReadOnlyList<Assignment> Plan(
        IReadOnlyList<TeamMember> members, IDictionary<Guid, int> openChats, IEnumerable<WaitingChat> stale, IEnumerable<WaitingChat> queue,
        DistributionSettings settings, DateTime now)
    {
        var plan = new List<Assignment>();
        if (settings.Mode != DistributionMode.Automatic) return plan;

        foreach (var chat in stale)
        {
            var c = chat.Conversation;
            if (c.Folder != Folder.New || c.AssigneeId is not { } holderId) continue;
            var holder = members.FirstOrDefault(m => m.Id == holderId);
            var holderAvailable = holder is not null && EligibilityRules.MayHoldAssignments(holder, settings, now);
            var reason = holderAvailable ? AssignmentReason.NotAccepted : AssignmentReason.AssigneeUnavailable;
            if (holderAvailable && !IsAcceptOverdue(c, settings, now)) continue;

            var next = Choose(Candidates(members, openChats), c.ChannelId, chat.PreviousManagerId, settings, now, excluded: holderId);
            if (next is null && holderAvailable) continue;
            openChats[holderId] = Math.Max(0, Count(openChats, holderId) - 1);
            if (next is null)
            {
                c.AssigneeId = null;
                c.AssignedAt = null;
                plan.Add(new Assignment(c, null, holderId, reason));
            }
            else
            {
                plan.Add(AssignTo(c, next, holderId, reason, openChats, settings, now));
            }
        }

        foreach (var chat in QueueOrder(queue))
        {
            var c = chat.Conversation;
            if (c.Folder != Folder.New || c.AssigneeId is not null) continue;
            var next = Choose(Candidates(members, openChats), c.ChannelId, chat.PreviousManagerId, settings, now);
            if (next is not null) plan.Add(AssignTo(c, next, null, AssignmentReason.Queued, openChats, settings, now));
        }

        return plan;
    }

    /// <summary>
    /// The member got one more chat. Reaching the limit sets them Invisible until they come back Online, unless the company
    /// resumes assignments below the limit (then the limit alone holds them back). True when they went Invisible.
    /// </summary>
    public static bool RecordAssignment(TeamMember member, int openChatsNow, DistributionSettings settings, DateTime now)
    {
        member.LastAssignedAt = now;
        if (member.ChatLimit is not { } limit || openChatsNow < limit || settings.ResumeBelowLimit || member.Presence == Presence.Invisible) return false;
        member.Presence = Presence.Invisible;
        return true;
    }

    private static Assignment AssignTo(
        Conversation c, TeamMember to, Guid? from, AssignmentReason reason, IDictionary<Guid, int> openChats, DistributionSettings settings, DateTime now)
    {
        c.AssigneeId = to.Id;
        c.AssignedAt = now;
        openChats[to.Id] = Count(openChats, to.Id) + 1;
        RecordAssignment(to, openChats[to.Id], settings, now);
        return new Assignment(c, to, from, reason);
    }

    private static IEnumerable<Candidate> Candidates(IReadOnlyList<TeamMember> members, IDictionary<Guid, int> openChats) =>
        members.Select(m => new Candidate(m, Count(openChats, m.Id)));

    private static int Count(IDictionary<Guid, int> openChats, Guid id) => openChats.TryGetValue(id, out var n) ? n : 0;
}
