using System.Reflection;

namespace Parley.Domain.Common;

/// <summary>
/// The stable code of every refusal (<see cref="Decision.Code"/>). Clients and the console key their texts on these,
/// so a code never changes its meaning; a new refusal gets a new code.
/// </summary>
public static class RefusalCodes
{
    // Signing in and the team
    public const string SignInRequired = "sign_in_required";
    public const string MemberDeactivated = "member_deactivated";
    public const string TeamMemberNotFound = "team_member_not_found";
    public const string OwnerOnly = "owner_only";
    public const string OwnerOrSupervisorOnly = "owner_or_supervisor_only";

    // Conversations
    public const string ConversationNotFound = "conversation_not_found";
    public const string AlreadyAccepted = "already_accepted";
    public const string AlreadyAcceptedBy = "already_accepted_by";
    public const string ArchivedCannotAccept = "archived_cannot_accept";
    public const string AssignedToAnotherManager = "assigned_to_another_manager";
    public const string AcceptBeforeWriting = "accept_before_writing";
    public const string ChatArchived = "chat_archived";
    public const string NotYourConversation = "not_your_conversation";
    public const string TransferForbiddenForManagerRole = "transfer_forbidden_for_manager_role";
    public const string TransferOnlyActive = "transfer_only_active";
    public const string TransferNotYourConversation = "transfer_not_your_conversation";
    public const string ChosenManagerNotFound = "chosen_manager_not_found";
    public const string ManagerCannotTakeChats = "manager_cannot_take_chats";
    public const string AlreadyHandlesChat = "already_handles_chat";
    public const string ReopenOwnerOrSupervisorOnly = "reopen_owner_or_supervisor_only";
    public const string ChatNotArchived = "chat_not_archived";
    public const string ChatAlreadyArchived = "chat_already_archived";
    public const string TopicRequired = "topic_required";
    public const string AwaitingClientAnswer = "awaiting_client_answer";
    public const string RatingOutOfRange = "rating_out_of_range";
    public const string TopicsTurnedOff = "topics_turned_off";
    public const string UnknownTopics = "unknown_topics";
    public const string InvalidCursor = "invalid_cursor";

    // Messages
    public const string MessageNotFound = "message_not_found";
    public const string MessageDeleted = "message_deleted";
    public const string EditingForbiddenByCompany = "editing_forbidden_by_company";
    public const string DeletingForbiddenByCompany = "deleting_forbidden_by_company";
    public const string EditOnlyOwnMessages = "edit_only_own_messages";
    public const string DeleteOnlyOwnMessages = "delete_only_own_messages";
    public const string ChannelCannotEdit = "channel_cannot_edit";
    public const string ChannelCannotDelete = "channel_cannot_delete";
    public const string EditWindowPassed = "edit_window_passed";
    public const string DeleteWindowPassed = "delete_window_passed";
    public const string QuickReplyNotFound = "quick_reply_not_found";

    // Messaging windows of the channels
    public const string ClientHasNotWritten = "client_has_not_written";
    public const string ReplyWindowPassed = "reply_window_passed";
    public const string ReplyWindowPassedHumanAgentOff = "reply_window_passed_human_agent_off";
    public const string ReplyWindowPassedWhatsApp = "reply_window_passed_whatsapp";
    public const string HumanAgentWindowPassed = "human_agent_window_passed";

    // Clients
    public const string ClientNotFound = "client_not_found";
    public const string BlockingForbiddenForManagerRole = "blocking_forbidden_for_manager_role";
    public const string ClientManagerOwnerOrSupervisorOnly = "client_manager_owner_or_supervisor_only";
    public const string NoConversationToAnswer = "no_conversation_to_answer";
    public const string UnknownButton = "unknown_button";
    public const string TooManyFiles = "too_many_files";
    public const string FileNotFound = "file_not_found";
    public const string FileEmpty = "file_empty";
    public const string FileTooLarge = "file_too_large";
    public const string FileTypeNotAllowed = "file_type_not_allowed";
    public const string MessageEmpty = "message_empty";

    // Workspace
    public const string CompanyQuickRepliesOwnerOrSupervisorOnly = "company_quick_replies_owner_or_supervisor_only";
    public const string PersonalQuickReplyOfAnotherMember = "personal_quick_reply_of_another_member";
    public const string ChannelNotFound = "channel_not_found";
    public const string WidgetChannelNotFound = "widget_channel_not_found";
    public const string TopicNotFound = "topic_not_found";
    public const string TagNotFound = "tag_not_found";
    public const string TemplateNotFound = "template_not_found";

    /// <summary>Every code above, for checks that each one has its texts.</summary>
    public static IReadOnlyList<string> All { get; } = typeof(RefusalCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();
}
