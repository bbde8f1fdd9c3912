using Parley.Domain.Common;
using Parley.Domain.Messages;
using Parley.Domain.Settings;
using Parley.Domain.SystemMessages;
using Parley.Domain.Team;

namespace Parley.Domain.Conversations;

/// <summary>
/// The rules of PRODUCT.md "Folders and lifecycle", as pure functions of the conversation, the company settings
/// and the time. Permission checks happen before these are called; these check the state.
/// </summary>
public static class ConversationLifecycle
{
    /// <summary>Rule 1: a new conversation gets the greeting, and the out-of-hours message when closed.</summary>
    public static Transition Start(Conversation conversation, CompanySettings settings, TimeZoneInfo zone, DateTime now)
    {
        conversation.Folder = Folder.New;
        conversation.CreatedAt = now;
        conversation.LastMessageAt = now;
        var t = new Transition().Record(HistoryKinds.Created).Send(SystemMessageKind.Greeting);
        if (settings.BusinessHoursEnabled && !settings.BusinessHours.IsOpen(now, zone))
        {
            conversation.OutOfHoursSent = true;
            t.Send(SystemMessageKind.OutOfHours);
        }

        return t;
    }

    /// <summary>A client message arrived in this open conversation.</summary>
    public static Transition ClientWrote(Conversation conversation, string preview, DateTime now)
    {
        var t = new Transition();
        conversation.LastClientMessageAt = now;
        conversation.TeamSpokeLastAt = null;
        conversation.UnreadCount++;
        Touch(conversation, preview, AuthorKind.Client, now);
        if (conversation.AwaitingAnswer)
        {
            // Rule 4: any new client message keeps it active and alerts the assignee.
            conversation.AwaitingAnswer = false;
            t.AlertAssignee = true;
            t.Record(HistoryKinds.ClientWantsMore);
        }

        return t;
    }

    /// <summary>A manager, system or AI message went out to the client.</summary>
    public static void TeamWrote(Conversation conversation, string preview, AuthorKind author, DateTime now)
    {
        conversation.LastTeamMessageAt = now;
        conversation.TeamSpokeLastAt = now;
        if (author is AuthorKind.Manager or AuthorKind.Ai) conversation.FirstTeamReplyAt ??= now;
        Touch(conversation, preview, author, now);
    }

    /// <summary>Rule 2: New → Active; the manager becomes the assignee (and, by the caller, the client's manager).</summary>
    public static Transition Accept(Conversation conversation, TeamMember member, CompanySettings settings, DateTime now)
    {
        conversation.Folder = Folder.Active;
        if (conversation.AssigneeId != member.Id) conversation.AssignedAt = now;
        conversation.AssigneeId = member.Id;
        conversation.AssignedAt ??= now;
        conversation.AcceptedAt = now;
        var t = new Transition().Record(HistoryKinds.Accepted);
        if (settings.NotifyOnManagerChange) t.Send(SystemMessageKind.ManagerJoined);
        return t;
    }

    /// <summary>Rule 3: Active stays Active with another assignee.</summary>
    public static Transition Transfer(Conversation conversation, TeamMember from, TeamMember to, CompanySettings settings, DateTime now)
    {
        if (!to.IsActive || to.CompanyId != conversation.CompanyId)
            throw new RuleViolationException(Decision.Invalid(RefusalCodes.ManagerCannotTakeChats, "The chosen manager cannot take chats."));
        if (to.Id == conversation.AssigneeId)
            throw new RuleViolationException(Decision.Conflict(RefusalCodes.AlreadyHandlesChat, $"{to.Name} already handles this chat.", ("name", to.Name)));
        conversation.AssigneeId = to.Id;
        conversation.AssignedAt = now;
        var t = new Transition().Record(HistoryKinds.Transferred, $"{from.Name} → {to.Name}");
        if (settings.NotifyOnManagerChange) t.Send(SystemMessageKind.ManagerChanged);
        return t;
    }

    /// <summary>Rule 4: finish — refuse without a required topic; ask "more questions?" or archive.</summary>
    public static Transition Finish(Conversation conversation, CompanySettings settings, DateTime now)
    {
        if (settings.TopicRequired && conversation.Topics.Count == 0)
            throw new RuleViolationException(Decision.Invalid(RefusalCodes.TopicRequired, "Choose a topic for this chat before finishing it."));
        if (conversation.AwaitingAnswer)
            throw new RuleViolationException(Decision.Conflict(RefusalCodes.AwaitingClientAnswer, "The client has not answered \"more questions?\" yet."));

        if (settings.AskWhetherResolved)
        {
            conversation.AwaitingAnswer = true;
            return new Transition().Record(HistoryKinds.FinishRequested).Send(SystemMessageKind.MoreQuestions);
        }

        return Archive(conversation, ArchiveReason.ClosedByManager, settings, now);
    }

    /// <summary>The client pressed Yes or No on "more questions?".</summary>
    public static Transition AnswerMoreQuestions(Conversation conversation, bool hasMoreQuestions, CompanySettings settings, DateTime now)
    {
        if (!conversation.AwaitingAnswer || conversation.Folder != Folder.Active) return new Transition();
        conversation.AwaitingAnswer = false;
        if (!hasMoreQuestions) return Archive(conversation, ArchiveReason.ResolvedByClient, settings, now);
        return new Transition { AlertAssignee = true }.Record(HistoryKinds.ClientWantsMore);
    }

    /// <summary>Rule 5 (and 6, and blocking): archive, say goodbye, ask for a rating when required.</summary>
    public static Transition Archive(Conversation conversation, ArchiveReason reason, CompanySettings settings, DateTime now)
    {
        if (conversation.Folder == Folder.Archived)
            throw new RuleViolationException(Decision.Conflict(RefusalCodes.ChatAlreadyArchived, "This chat is already archived."));
        conversation.Folder = Folder.Archived;
        conversation.ArchiveReason = reason;
        conversation.ArchivedAt = now;
        conversation.AwaitingAnswer = false;
        conversation.TeamSpokeLastAt = null;
        var t = new Transition { Archived = true }.Record(HistoryKinds.Archived, reason.ToString());
        if (reason == ArchiveReason.Blocked) return t; // a blocked client hears nothing more
        t.Send(reason == ArchiveReason.Inactivity ? SystemMessageKind.ClosedInactivity : SystemMessageKind.Closed);
        if (settings.RatingRequired) t.Send(SystemMessageKind.RateUs);
        return t;
    }

    /// <summary>Rule 8: an owner or supervisor brings an archived chat back to Active.</summary>
    public static Transition Reopen(Conversation conversation, TeamMember member, DateTime now)
    {
        conversation.Folder = Folder.Active;
        conversation.ArchiveReason = null;
        conversation.ArchivedAt = null;
        conversation.AssigneeId ??= member.Id;
        conversation.AcceptedAt ??= now;
        return new Transition().Record(HistoryKinds.Reopened);
    }

    /// <summary>A 1–5 rating: stored on the conversation, also after archiving. The latest rating counts.</summary>
    public static Transition Rate(Conversation conversation, int stars, DateTime now)
    {
        if (stars is < 1 or > 5) throw new RuleViolationException(Decision.Invalid(RefusalCodes.RatingOutOfRange, "A rating is a whole number from 1 to 5."));
        conversation.Rating = stars;
        conversation.RatedAt = now;
        return new Transition().Record(HistoryKinds.Rated, stars.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Rule 6: Active, the team spoke last, and the client has been silent for the configured time.</summary>
    public static bool IsInactive(Conversation conversation, CompanySettings settings, DateTime now) =>
        settings.InactivityCloseMinutes is { } minutes
        && conversation.Folder == Folder.Active
        && conversation.TeamSpokeLastAt is { } teamSpoke
        && now - teamSpoke >= TimeSpan.FromMinutes(minutes);

    /// <summary>The moment before which the team's last word is old enough for rule 6, or null when it is off.</summary>
    public static DateTime? InactivityCutoff(CompanySettings settings, DateTime now) =>
        settings.InactivityCloseMinutes is { } minutes ? now - TimeSpan.FromMinutes(minutes) : null;

    private static void Touch(Conversation conversation, string preview, AuthorKind author, DateTime now)
    {
        conversation.LastMessageAt = now;
        conversation.LastMessageAuthor = author;
        conversation.LastMessagePreview = preview.Length <= 140 ? preview : preview[..140];
    }
}
