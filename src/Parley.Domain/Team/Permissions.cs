using Parley.Domain.Common;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Settings;

namespace Parley.Domain.Team;

/// <summary>The Roles table of PRODUCT.md. Every entry point asks here; nothing else decides who may do what.</summary>
public static class Permissions
{
    /// <summary>Another company's conversation does not exist for this member.</summary>
    private static readonly Decision Hidden = Decision.NotFound(RefusalCodes.ConversationNotFound, "Conversation not found.");

    public static bool CanSee(TeamMember member, Conversation conversation) =>
        member.CompanyId == conversation.CompanyId &&
        (member.SeesEverything
         || conversation.AssigneeId == member.Id
         || (conversation.Folder == Folder.New && conversation.AssigneeId is null));

    public static Decision CanAccept(TeamMember member, Conversation conversation, string? acceptedByName)
    {
        if (member.CompanyId != conversation.CompanyId) return Hidden;
        if (conversation.Folder != Folder.New)
        {
            if (conversation.Folder != Folder.Active)
                return Decision.Conflict(RefusalCodes.ArchivedCannotAccept, "This chat is archived; it cannot be accepted.");
            return acceptedByName is null
                ? Decision.Conflict(RefusalCodes.AlreadyAccepted, "This chat was already accepted by another manager.")
                : Decision.Conflict(RefusalCodes.AlreadyAcceptedBy, $"This chat was already accepted by {acceptedByName}.", ("name", acceptedByName));
        }

        if (!member.SeesEverything && conversation.AssigneeId is { } assignee && assignee != member.Id)
            return Decision.Forbidden(RefusalCodes.AssignedToAnotherManager, "This chat is assigned to another manager.");
        return Decision.Allow;
    }

    /// <summary>Writing to the client, and finishing, need an Active conversation that is one's own (or any, for owner and supervisor).</summary>
    public static Decision CanWrite(TeamMember member, Conversation conversation)
    {
        if (member.CompanyId != conversation.CompanyId) return Hidden;
        if (conversation.Folder == Folder.New)
            return Decision.Conflict(RefusalCodes.AcceptBeforeWriting, "Accept the chat (Reply) before writing in it.");
        if (conversation.Folder == Folder.Archived)
            return Decision.Conflict(RefusalCodes.ChatArchived, "This chat is archived.");
        if (!member.SeesEverything && conversation.AssigneeId != member.Id)
            return Decision.Forbidden(RefusalCodes.NotYourConversation, "Only the chat's manager may write in it.");
        return Decision.Allow;
    }

    /// <summary>Private notes: anyone who sees the conversation, in any folder.</summary>
    public static Decision CanWriteNote(TeamMember member, Conversation conversation) =>
        CanSee(member, conversation) ? Decision.Allow : Decision.NotFound(RefusalCodes.ConversationNotFound, "Conversation not found.");

    public static Decision CanTransfer(TeamMember member, Conversation conversation, CompanySettings settings)
    {
        if (member.CompanyId != conversation.CompanyId) return Hidden;
        if (!member.SeesEverything && !settings.ManagersMayChangeManager)
            return Decision.Forbidden(RefusalCodes.TransferForbiddenForManagerRole, "Changing the manager is not allowed for the Manager role in this company.");
        if (conversation.Folder != Folder.Active)
            return Decision.Conflict(RefusalCodes.TransferOnlyActive, "Only an active chat can be passed to another manager.");
        if (!member.SeesEverything && conversation.AssigneeId != member.Id)
            return Decision.Forbidden(RefusalCodes.TransferNotYourConversation, "Only the chat's manager may pass it on.");
        return Decision.Allow;
    }

    public static Decision CanBlockClients(TeamMember member, CompanySettings settings) =>
        member.SeesEverything || settings.ManagersMayBlockClients
            ? Decision.Allow
            : Decision.Forbidden(RefusalCodes.BlockingForbiddenForManagerRole, "Blocking clients is not allowed for the Manager role in this company.");

    public static Decision CanReopen(TeamMember member, Conversation conversation)
    {
        if (member.CompanyId != conversation.CompanyId) return Hidden;
        if (!member.SeesEverything) return Decision.Forbidden(RefusalCodes.ReopenOwnerOrSupervisorOnly, "Only an owner or a supervisor may reopen a chat.");
        return conversation.Folder == Folder.Archived ? Decision.Allow : Decision.Conflict(RefusalCodes.ChatNotArchived, "This chat is not archived.");
    }

    public static Decision CanEdit(TeamMember member, Message message, CompanySettings settings)
    {
        if (settings.ForbidEditing) return Decision.Forbidden(RefusalCodes.EditingForbiddenByCompany, "Editing messages is turned off in this company's settings.");
        return OwnLiveMessage(member, message, edit: true);
    }

    public static Decision CanDelete(TeamMember member, Message message, CompanySettings settings)
    {
        if (settings.ForbidDeleting) return Decision.Forbidden(RefusalCodes.DeletingForbiddenByCompany, "Deleting messages is turned off in this company's settings.");
        return OwnLiveMessage(member, message, edit: false);
    }

    /// <summary>Owner and supervisor see the edit history and deleted texts; others see only the marks.</summary>
    public static bool CanSeeAudit(TeamMember member) => member.SeesEverything;

    /// <summary>Client card, notes, topics, tags: on conversations the member can see.</summary>
    public static bool CanEditClient(TeamMember member, bool seesAConversationOfClient) =>
        member.SeesEverything || seesAConversationOfClient;

    /// <summary>Reassigning the client's manager on the card.</summary>
    public static Decision CanChangeClientManager(TeamMember member) =>
        member.SeesEverything ? Decision.Allow : Decision.Forbidden(RefusalCodes.ClientManagerOwnerOrSupervisorOnly, "Only an owner or a supervisor may change a client's manager.");

    public static Decision CanManageQuickReply(TeamMember member, Guid? ownerId)
    {
        if (ownerId is null)
            return member.SeesEverything ? Decision.Allow : Decision.Forbidden(RefusalCodes.CompanyQuickRepliesOwnerOrSupervisorOnly, "Only an owner or a supervisor may manage company-wide quick replies.");
        return ownerId == member.Id ? Decision.Allow : Decision.Forbidden(RefusalCodes.PersonalQuickReplyOfAnotherMember, "This is another member's personal quick reply.");
    }

    /// <summary>Topics and tags catalog, channels, distribution, AI.</summary>
    public static Decision CanManageWorkspace(TeamMember member) =>
        member.SeesEverything ? Decision.Allow : Decision.Forbidden(RefusalCodes.OwnerOrSupervisorOnly, "Only an owner or a supervisor may change this.");

    /// <summary>Settings → Company, team members and roles.</summary>
    public static Decision CanManageCompany(TeamMember member) =>
        member.Role == Role.Owner ? Decision.Allow : Decision.Forbidden(RefusalCodes.OwnerOnly, "Only the company's owner may change this.");

    private static Decision OwnLiveMessage(TeamMember member, Message message, bool edit)
    {
        if (member.CompanyId != message.CompanyId) return Decision.NotFound(RefusalCodes.MessageNotFound, "Message not found.");
        if (message.AuthorKind != AuthorKind.Manager || message.AuthorMemberId != member.Id)
        {
            return edit
                ? Decision.Forbidden(RefusalCodes.EditOnlyOwnMessages, "You can edit only your own messages.")
                : Decision.Forbidden(RefusalCodes.DeleteOnlyOwnMessages, "You can delete only your own messages.");
        }

        if (message.DeletedAt is not null)
            return Decision.Conflict(RefusalCodes.MessageDeleted, "This message was deleted.");
        return Decision.Allow;
    }
}
