using System.Text.RegularExpressions;
using Parley.Domain.Channels;
using Parley.Domain.Common;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Settings;
using Parley.Domain.Team;
using static Parley.Domain.Tests.TestData;

namespace Parley.Domain.Tests.Common;

/// <summary>Every refusal of the rules carries its stable code (and the values its sentence needs), so screens can say it in any language.</summary>
public sealed partial class RefusalCodesTests
{
    private static readonly DateTime Now = Start.UtcDateTime;
    private static readonly TeamMember Manager = Member(Role.Manager, "Maria");
    private static readonly TeamMember Taras = Member(Role.Manager, "Taras");
    private static readonly TeamMember Owner = Member(Role.Owner, "Olena");

    /// <summary>One row per refusal a rule can give: how to provoke it and the code it must carry.</summary>
    private static readonly Dictionary<string, (Func<Decision> Rule, string Code)> Refusals = new()
    {
        ["accept another company's chat"] = (() => Permissions.CanAccept(Manager, Conversation(Folder.New, companyId: OtherCompanyId), null), RefusalCodes.ConversationNotFound),
        ["accept an accepted chat, name known"] = (() => Permissions.CanAccept(Manager, Conversation(Folder.Active, Taras.Id), "Taras"), RefusalCodes.AlreadyAcceptedBy),
        ["accept an accepted chat, name unknown"] = (() => Permissions.CanAccept(Manager, Conversation(Folder.Active, Taras.Id), null), RefusalCodes.AlreadyAccepted),
        ["accept an archived chat"] = (() => Permissions.CanAccept(Manager, Conversation(Folder.Archived), null), RefusalCodes.ArchivedCannotAccept),
        ["accept a chat assigned to another"] = (() => Permissions.CanAccept(Manager, Conversation(Folder.New, Taras.Id), null), RefusalCodes.AssignedToAnotherManager),
        ["write before accepting"] = (() => Permissions.CanWrite(Manager, Conversation(Folder.New)), RefusalCodes.AcceptBeforeWriting),
        ["write in an archived chat"] = (() => Permissions.CanWrite(Manager, Conversation(Folder.Archived, Manager.Id)), RefusalCodes.ChatArchived),
        ["write in another's chat"] = (() => Permissions.CanWrite(Manager, Conversation(Folder.Active, Taras.Id)), RefusalCodes.NotYourConversation),
        ["note in a chat not seen"] = (() => Permissions.CanWriteNote(Manager, Conversation(Folder.Active, Taras.Id)), RefusalCodes.ConversationNotFound),
        ["transfer, Manager role, setting off"] = (() => Permissions.CanTransfer(Manager, Conversation(Folder.Active, Manager.Id), new CompanySettings { ManagersMayChangeManager = false }), RefusalCodes.TransferForbiddenForManagerRole),
        ["transfer a New chat"] = (() => Permissions.CanTransfer(Owner, Conversation(Folder.New), new CompanySettings()), RefusalCodes.TransferOnlyActive),
        ["transfer another's chat"] = (() => Permissions.CanTransfer(Manager, Conversation(Folder.Active, Taras.Id), new CompanySettings { ManagersMayChangeManager = true }), RefusalCodes.TransferNotYourConversation),
        ["block, Manager role, setting off"] = (() => Permissions.CanBlockClients(Manager, new CompanySettings { ManagersMayBlockClients = false }), RefusalCodes.BlockingForbiddenForManagerRole),
        ["reopen as Manager role"] = (() => Permissions.CanReopen(Manager, Conversation(Folder.Archived, Manager.Id)), RefusalCodes.ReopenOwnerOrSupervisorOnly),
        ["reopen an active chat"] = (() => Permissions.CanReopen(Owner, Conversation(Folder.Active, Owner.Id)), RefusalCodes.ChatNotArchived),
        ["edit, forbidden by the company"] = (() => Permissions.CanEdit(Manager, ManagerMessage(Manager), new CompanySettings { ForbidEditing = true }), RefusalCodes.EditingForbiddenByCompany),
        ["delete, forbidden by the company"] = (() => Permissions.CanDelete(Manager, ManagerMessage(Manager), new CompanySettings { ForbidDeleting = true }), RefusalCodes.DeletingForbiddenByCompany),
        ["edit another's message"] = (() => Permissions.CanEdit(Manager, ManagerMessage(Taras), new CompanySettings()), RefusalCodes.EditOnlyOwnMessages),
        ["delete another's message"] = (() => Permissions.CanDelete(Manager, ManagerMessage(Taras), new CompanySettings()), RefusalCodes.DeleteOnlyOwnMessages),
        ["edit a deleted message"] = (() => Permissions.CanEdit(Manager, Deleted(ManagerMessage(Manager)), new CompanySettings()), RefusalCodes.MessageDeleted),
        ["edit another company's message"] = (() => Permissions.CanEdit(Manager, ManagerMessage(Member(Role.Manager, "Ivan", OtherCompanyId)), new CompanySettings()), RefusalCodes.MessageNotFound),
        ["change a client's manager as Manager role"] = (() => Permissions.CanChangeClientManager(Manager), RefusalCodes.ClientManagerOwnerOrSupervisorOnly),
        ["manage a company-wide quick reply as Manager role"] = (() => Permissions.CanManageQuickReply(Manager, null), RefusalCodes.CompanyQuickRepliesOwnerOrSupervisorOnly),
        ["manage another's personal quick reply"] = (() => Permissions.CanManageQuickReply(Manager, Taras.Id), RefusalCodes.PersonalQuickReplyOfAnotherMember),
        ["manage the workspace as Manager role"] = (() => Permissions.CanManageWorkspace(Manager), RefusalCodes.OwnerOrSupervisorOnly),
        ["manage the company as Supervisor"] = (() => Permissions.CanManageCompany(Member(Role.Supervisor)), RefusalCodes.OwnerOnly),
        ["transfer to a deactivated member"] = (() => Refused(() => ConversationLifecycle.Transfer(Conversation(Folder.Active, Owner.Id), Owner, Deactivated(Taras), new CompanySettings(), Now)), RefusalCodes.ManagerCannotTakeChats),
        ["transfer to the assignee"] = (() => Refused(() => ConversationLifecycle.Transfer(Conversation(Folder.Active, Taras.Id), Owner, Taras, new CompanySettings(), Now)), RefusalCodes.AlreadyHandlesChat),
        ["finish without a required topic"] = (() => Refused(() => ConversationLifecycle.Finish(Conversation(Folder.Active, Manager.Id), new CompanySettings { TopicRequired = true }, Now)), RefusalCodes.TopicRequired),
        ["finish while awaiting the client"] = (() => Refused(() => ConversationLifecycle.Finish(Awaiting(Conversation(Folder.Active, Manager.Id)), new CompanySettings(), Now)), RefusalCodes.AwaitingClientAnswer),
        ["archive an archived chat"] = (() => Refused(() => ConversationLifecycle.Archive(Conversation(Folder.Archived), ArchiveReason.ClosedByManager, new CompanySettings(), Now)), RefusalCodes.ChatAlreadyArchived),
        ["rate 6"] = (() => Refused(() => ConversationLifecycle.Rate(Conversation(Folder.Archived), 6, Now)), RefusalCodes.RatingOutOfRange),
        ["Instagram, client never wrote"] = (() => Window(ChannelType.Instagram, null, AuthorKind.Manager, humanAgent: false), RefusalCodes.ClientHasNotWritten),
        ["Instagram after 25 h, human agent off"] = (() => Window(ChannelType.Instagram, 25, AuthorKind.Manager, humanAgent: false), RefusalCodes.ReplyWindowPassedHumanAgentOff),
        ["Messenger after 8 days, human agent on"] = (() => Window(ChannelType.Messenger, 8 * 24, AuthorKind.Manager, humanAgent: true), RefusalCodes.HumanAgentWindowPassed),
        ["WhatsApp after 25 h"] = (() => Window(ChannelType.WhatsApp, 25, AuthorKind.Manager, humanAgent: false), RefusalCodes.ReplyWindowPassedWhatsApp),
        ["Instagram system message after 25 h"] = (() => Window(ChannelType.Instagram, 25, AuthorKind.System, humanAgent: true), RefusalCodes.ReplyWindowPassed),
    };

    public static TheoryData<string> Cases => new(Refusals.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Refusal_EachRule_CarriesItsCode(string refusal)
    {
        var (rule, code) = Refusals[refusal];

        var decision = rule();

        Assert.False(decision.Allowed);
        Assert.Equal(code, decision.Code);
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
    }

    [Fact]
    public void Codes_All_DistinctAndSnakeCase()
    {
        Assert.Equal(RefusalCodes.All.Count, RefusalCodes.All.Distinct().Count());
        Assert.All(RefusalCodes.All, code => Assert.Matches(SnakeCase(), code));
    }

    [Fact]
    public void AlreadyAcceptedBy_NamesWhoAccepted()
    {
        var decision = Permissions.CanAccept(Manager, Conversation(Folder.Active, Taras.Id), "Taras");

        Assert.Equal("Taras", decision.Args["name"]);
    }

    [Fact]
    public void AlreadyHandlesChat_NamesTheAssignee()
    {
        var decision = Refused(() => ConversationLifecycle.Transfer(Conversation(Folder.Active, Taras.Id), Owner, Taras, new CompanySettings(), Now));

        Assert.Equal("Taras", decision.Args["name"]);
    }

    [Fact]
    public void ReplyWindow_Passed_NamesChannelAndHoursSince()
    {
        var decision = Window(ChannelType.Messenger, 30, AuthorKind.Manager, humanAgent: false);

        Assert.Equal("Facebook Messenger", decision.Args["channel"]);
        Assert.Equal("30", decision.Args["hours"]);
    }

    [Fact]
    public void EditForbiddenByCompany_NeedsNoValues()
    {
        var decision = Permissions.CanEdit(Manager, ManagerMessage(Manager), new CompanySettings { ForbidEditing = true });

        Assert.Empty(decision.Args);
    }

    private static Decision Refused(Func<Transition> action) => Assert.Throws<RuleViolationException>(() => action()).Decision;

    private static Decision Window(ChannelType type, int? hoursSinceClient, AuthorKind author, bool humanAgent) =>
        ReplyWindow.Check(type, hoursSinceClient is { } h ? Now.AddHours(-h) : null, Now, author, humanAgent).Decision;

    private static Message Deleted(Message message)
    {
        message.DeletedAt = Now;
        return message;
    }

    private static TeamMember Deactivated(TeamMember member) => new()
    {
        CompanyId = member.CompanyId,
        Email = member.Email,
        Name = member.Name,
        Role = member.Role,
        IsActive = false,
    };

    private static Conversation Awaiting(Conversation conversation)
    {
        conversation.AwaitingAnswer = true;
        return conversation;
    }

    [GeneratedRegex("^[a-z]+(_[a-z]+)*$")]
    private static partial Regex SnakeCase();
}
