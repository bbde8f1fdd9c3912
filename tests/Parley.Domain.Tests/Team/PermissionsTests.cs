using Parley.Domain.Common;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Settings;
using Parley.Domain.Team;
using static Parley.Domain.Tests.TestData;

namespace Parley.Domain.Tests.Team;

/// <summary>The Roles table of PRODUCT.md, one test or theory row per cell.</summary>
public class PermissionsTests
{
    private static readonly TeamMember Someone = Member(Role.Manager, "Taras");

    // ---- see conversations: Owner/Supervisor all; Manager New (unassigned or theirs) and their own; other company never

    [Theory]
    [InlineData(Role.Owner, Folder.New, false)]
    [InlineData(Role.Owner, Folder.New, true)]
    [InlineData(Role.Owner, Folder.Active, true)]
    [InlineData(Role.Owner, Folder.Archived, true)]
    [InlineData(Role.Supervisor, Folder.New, false)]
    [InlineData(Role.Supervisor, Folder.New, true)]
    [InlineData(Role.Supervisor, Folder.Active, true)]
    [InlineData(Role.Supervisor, Folder.Archived, true)]
    public void CanSee_OwnerOrSupervisorAnyConversationOfCompany_True(Role role, Folder folder, bool assignedToSomeoneElse)
    {
        var member = Member(role);
        var conversation = Conversation(folder, assignedToSomeoneElse ? Someone.Id : null);

        Assert.True(Permissions.CanSee(member, conversation));
    }

    [Theory]
    [InlineData(Folder.New, false)] // New, unassigned
    [InlineData(Folder.New, true)] // New, assigned to them
    [InlineData(Folder.Active, true)] // their own
    [InlineData(Folder.Archived, true)] // their own, finished
    public void CanSee_ManagerNewUnassignedOrOwn_True(Folder folder, bool assignedToThem)
    {
        var manager = Member(Role.Manager);
        var conversation = Conversation(folder, assignedToThem ? manager.Id : null);

        Assert.True(Permissions.CanSee(manager, conversation));
    }

    [Theory]
    [InlineData(Folder.New)]
    [InlineData(Folder.Active)]
    [InlineData(Folder.Archived)]
    public void CanSee_ManagerConversationAssignedToSomeoneElse_False(Folder folder)
    {
        var manager = Member(Role.Manager);

        Assert.False(Permissions.CanSee(manager, Conversation(folder, Someone.Id)));
    }

    [Theory]
    [InlineData(Folder.Active)]
    [InlineData(Folder.Archived)]
    public void CanSee_ManagerUnassignedOutsideNew_False(Folder folder)
    {
        Assert.False(Permissions.CanSee(Member(Role.Manager), Conversation(folder)));
    }

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    [InlineData(Role.Manager)]
    public void CanSee_ConversationOfOtherCompany_NeverEvenWhenAssigned(Role role)
    {
        var member = Member(role);

        Assert.False(Permissions.CanSee(member, Conversation(Folder.New, companyId: OtherCompanyId)));
        Assert.False(Permissions.CanSee(member, Conversation(Folder.Active, member.Id, OtherCompanyId)));
    }

    [Theory]
    [InlineData(Role.Owner, true)]
    [InlineData(Role.Supervisor, true)]
    [InlineData(Role.Manager, false)]
    public void CanWriteNote_ConversationOfSomeoneElse_AllowedOnlyWhenVisible(Role role, bool allowed)
    {
        var decision = Permissions.CanWriteNote(Member(role), Conversation(Folder.Active, Someone.Id));

        if (allowed) AssertAllowed(decision);
        else AssertDenied(decision, DenialKind.NotFound);
    }

    // ---- accept a New conversation: yes / yes / yes unless assigned to someone else

    [Theory]
    [InlineData(Role.Owner, false)]
    [InlineData(Role.Owner, true)]
    [InlineData(Role.Supervisor, false)]
    [InlineData(Role.Supervisor, true)]
    public void CanAccept_OwnerOrSupervisorNewChat_AllowedEvenWhenAssignedToSomeoneElse(Role role, bool assignedToSomeoneElse)
    {
        var conversation = Conversation(Folder.New, assignedToSomeoneElse ? Someone.Id : null);

        AssertAllowed(Permissions.CanAccept(Member(role), conversation, null));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CanAccept_ManagerNewUnassignedOrAssignedToThem_Allowed(bool assignedToThem)
    {
        var manager = Member(Role.Manager);

        AssertAllowed(Permissions.CanAccept(manager, Conversation(Folder.New, assignedToThem ? manager.Id : null), null));
    }

    [Fact]
    public void CanAccept_ManagerNewAssignedToSomeoneElse_Forbidden()
    {
        var decision = Permissions.CanAccept(Member(Role.Manager), Conversation(Folder.New, Someone.Id), null);

        AssertDenied(decision, DenialKind.Forbidden);
    }

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    [InlineData(Role.Manager)]
    public void CanAccept_AlreadyActive_ConflictNamingWhoAccepted(Role role)
    {
        var decision = Permissions.CanAccept(Member(role), Conversation(Folder.Active, Someone.Id), "Taras");

        AssertDenied(decision, DenialKind.Conflict);
        Assert.Contains("already accepted by Taras", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CanAccept_ActiveAndNameUnknown_ConflictNamingAnotherManager()
    {
        var decision = Permissions.CanAccept(Member(Role.Manager), Conversation(Folder.Active, Someone.Id), null);

        AssertDenied(decision, DenialKind.Conflict);
        Assert.Contains("already accepted by another manager", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Manager)]
    public void CanAccept_Archived_Conflict(Role role)
    {
        AssertDenied(Permissions.CanAccept(Member(role), Conversation(Folder.Archived), null), DenialKind.Conflict);
    }

    // ---- write in an Active conversation: yes / yes / only their own

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    public void CanWrite_OwnerOrSupervisorActiveChatOfSomeoneElse_Allowed(Role role)
    {
        AssertAllowed(Permissions.CanWrite(Member(role), Conversation(Folder.Active, Someone.Id)));
    }

    [Fact]
    public void CanWrite_ManagerOwnActiveChat_Allowed()
    {
        var manager = Member(Role.Manager);

        AssertAllowed(Permissions.CanWrite(manager, Conversation(Folder.Active, manager.Id)));
    }

    [Fact]
    public void CanWrite_ManagerActiveChatOfSomeoneElse_Forbidden()
    {
        AssertDenied(Permissions.CanWrite(Member(Role.Manager), Conversation(Folder.Active, Someone.Id)), DenialKind.Forbidden);
    }

    [Theory]
    [InlineData(Role.Owner, Folder.New)]
    [InlineData(Role.Owner, Folder.Archived)]
    [InlineData(Role.Manager, Folder.New)]
    [InlineData(Role.Manager, Folder.Archived)]
    public void CanWrite_NotActive_Conflict(Role role, Folder folder)
    {
        var member = Member(role);

        AssertDenied(Permissions.CanWrite(member, Conversation(folder, member.Id)), DenialKind.Conflict);
    }

    // ---- change manager: yes / yes / if the setting allows

    [Theory]
    [InlineData(Role.Owner, false)]
    [InlineData(Role.Owner, true)]
    [InlineData(Role.Supervisor, false)]
    [InlineData(Role.Supervisor, true)]
    public void CanTransfer_OwnerOrSupervisor_AllowedWhateverTheSetting(Role role, bool managersMayChange)
    {
        var settings = new CompanySettings { ManagersMayChangeManager = managersMayChange };

        AssertAllowed(Permissions.CanTransfer(Member(role), Conversation(Folder.Active, Someone.Id), settings));
    }

    [Fact]
    public void CanTransfer_ManagerOwnChatSettingOff_Forbidden()
    {
        var manager = Member(Role.Manager);
        var settings = new CompanySettings { ManagersMayChangeManager = false };

        AssertDenied(Permissions.CanTransfer(manager, Conversation(Folder.Active, manager.Id), settings), DenialKind.Forbidden);
    }

    [Fact]
    public void CanTransfer_ManagerOwnChatSettingOn_Allowed()
    {
        var manager = Member(Role.Manager);
        var settings = new CompanySettings { ManagersMayChangeManager = true };

        AssertAllowed(Permissions.CanTransfer(manager, Conversation(Folder.Active, manager.Id), settings));
    }

    [Fact]
    public void CanTransfer_ManagerChatOfSomeoneElseSettingOn_Forbidden()
    {
        var settings = new CompanySettings { ManagersMayChangeManager = true };

        AssertDenied(Permissions.CanTransfer(Member(Role.Manager), Conversation(Folder.Active, Someone.Id), settings), DenialKind.Forbidden);
    }

    [Theory]
    [InlineData(Folder.New)]
    [InlineData(Folder.Archived)]
    public void CanTransfer_NotActive_Conflict(Folder folder)
    {
        AssertDenied(Permissions.CanTransfer(Member(Role.Owner), Conversation(folder, Someone.Id), new CompanySettings()), DenialKind.Conflict);
    }

    // ---- block / unblock a client: yes / yes / if the setting allows

    [Theory]
    [InlineData(Role.Owner, false)]
    [InlineData(Role.Owner, true)]
    [InlineData(Role.Supervisor, false)]
    [InlineData(Role.Supervisor, true)]
    [InlineData(Role.Manager, true)]
    public void CanBlockClients_OwnerSupervisorOrAllowedManager_Allowed(Role role, bool managersMayBlock)
    {
        AssertAllowed(Permissions.CanBlockClients(Member(role), new CompanySettings { ManagersMayBlockClients = managersMayBlock }));
    }

    [Fact]
    public void CanBlockClients_ManagerSettingOff_Forbidden()
    {
        var decision = Permissions.CanBlockClients(Member(Role.Manager), new CompanySettings { ManagersMayBlockClients = false });

        AssertDenied(decision, DenialKind.Forbidden);
    }

    // ---- edit / delete own messages: unless forbidden, for every role

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    [InlineData(Role.Manager)]
    public void CanEditAndCanDelete_OwnMessageNothingForbidden_Allowed(Role role)
    {
        var member = Member(role);
        var message = ManagerMessage(member);

        AssertAllowed(Permissions.CanEdit(member, message, new CompanySettings()));
        AssertAllowed(Permissions.CanDelete(member, message, new CompanySettings()));
    }

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    [InlineData(Role.Manager)]
    public void CanEdit_OwnMessageEditingForbidden_Forbidden(Role role)
    {
        var member = Member(role);

        AssertDenied(Permissions.CanEdit(member, ManagerMessage(member), new CompanySettings { ForbidEditing = true }), DenialKind.Forbidden);
    }

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    [InlineData(Role.Manager)]
    public void CanDelete_OwnMessageDeletingForbidden_Forbidden(Role role)
    {
        var member = Member(role);

        AssertDenied(Permissions.CanDelete(member, ManagerMessage(member), new CompanySettings { ForbidDeleting = true }), DenialKind.Forbidden);
    }

    [Fact]
    public void CanEditAndCanDelete_ForbiddingOneDoesNotForbidTheOther()
    {
        var member = Member(Role.Manager);
        var message = ManagerMessage(member);

        AssertAllowed(Permissions.CanDelete(member, message, new CompanySettings { ForbidEditing = true }));
        AssertAllowed(Permissions.CanEdit(member, message, new CompanySettings { ForbidDeleting = true }));
    }

    [Theory]
    [InlineData(Role.Owner, AuthorKind.Manager)]
    [InlineData(Role.Supervisor, AuthorKind.Manager)]
    [InlineData(Role.Manager, AuthorKind.Manager)]
    [InlineData(Role.Owner, AuthorKind.Client)]
    [InlineData(Role.Owner, AuthorKind.System)]
    [InlineData(Role.Owner, AuthorKind.Ai)]
    public void CanEditAndCanDelete_NotOwnMessage_Forbidden(Role role, AuthorKind author)
    {
        var member = Member(role);
        var message = new Message
        {
            CompanyId = CompanyId,
            AuthorKind = author,
            AuthorMemberId = author == AuthorKind.Manager ? Someone.Id : null,
            Text = "Not yours",
        };

        AssertDenied(Permissions.CanEdit(member, message, new CompanySettings()), DenialKind.Forbidden);
        AssertDenied(Permissions.CanDelete(member, message, new CompanySettings()), DenialKind.Forbidden);
    }

    [Fact]
    public void CanEditAndCanDelete_OwnDeletedMessage_Conflict()
    {
        var member = Member(Role.Manager);
        var message = ManagerMessage(member);
        message.DeletedAt = Start.UtcDateTime;

        AssertDenied(Permissions.CanEdit(member, message, new CompanySettings()), DenialKind.Conflict);
        AssertDenied(Permissions.CanDelete(member, message, new CompanySettings()), DenialKind.Conflict);
    }

    [Theory]
    [InlineData(Role.Owner, true)]
    [InlineData(Role.Supervisor, true)]
    [InlineData(Role.Manager, false)]
    public void CanSeeAudit_ByRole_OwnerAndSupervisorOnly(Role role, bool expected)
    {
        Assert.Equal(expected, Permissions.CanSeeAudit(Member(role)));
    }

    // ---- edit client card, notes, topics, tags: yes / yes / on conversations they can see

    [Theory]
    [InlineData(Role.Owner, false, true)]
    [InlineData(Role.Owner, true, true)]
    [InlineData(Role.Supervisor, false, true)]
    [InlineData(Role.Supervisor, true, true)]
    [InlineData(Role.Manager, true, true)]
    [InlineData(Role.Manager, false, false)]
    public void CanEditClient_ByRoleAndVisibility_ManagerOnlyWhenSeesAConversation(Role role, bool seesAConversation, bool expected)
    {
        Assert.Equal(expected, Permissions.CanEditClient(Member(role), seesAConversation));
    }

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    public void CanChangeClientManager_OwnerOrSupervisor_Allowed(Role role)
    {
        AssertAllowed(Permissions.CanChangeClientManager(Member(role)));
    }

    [Fact]
    public void CanChangeClientManager_Manager_Forbidden()
    {
        AssertDenied(Permissions.CanChangeClientManager(Member(Role.Manager)), DenialKind.Forbidden);
    }

    // ---- quick replies: company-wide and own / company-wide and own / own (only use company-wide)

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    public void CanManageQuickReply_OwnerOrSupervisorCompanyWideAndOwn_Allowed(Role role)
    {
        var member = Member(role);

        AssertAllowed(Permissions.CanManageQuickReply(member, null));
        AssertAllowed(Permissions.CanManageQuickReply(member, member.Id));
    }

    [Fact]
    public void CanManageQuickReply_ManagerOwn_Allowed()
    {
        var manager = Member(Role.Manager);

        AssertAllowed(Permissions.CanManageQuickReply(manager, manager.Id));
    }

    [Fact]
    public void CanManageQuickReply_ManagerCompanyWide_Forbidden()
    {
        AssertDenied(Permissions.CanManageQuickReply(Member(Role.Manager), null), DenialKind.Forbidden);
    }

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    [InlineData(Role.Manager)]
    public void CanManageQuickReply_AnotherMembersPersonalReply_Forbidden(Role role)
    {
        AssertDenied(Permissions.CanManageQuickReply(Member(role), Someone.Id), DenialKind.Forbidden);
    }

    // ---- topics and tags catalog, channels, distribution, AI: yes / yes / no

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    public void CanManageWorkspace_OwnerOrSupervisor_Allowed(Role role)
    {
        AssertAllowed(Permissions.CanManageWorkspace(Member(role)));
    }

    [Fact]
    public void CanManageWorkspace_Manager_Forbidden()
    {
        AssertDenied(Permissions.CanManageWorkspace(Member(Role.Manager)), DenialKind.Forbidden);
    }

    // ---- Settings → Company, team members and roles: yes / no / no

    [Fact]
    public void CanManageCompany_Owner_Allowed()
    {
        AssertAllowed(Permissions.CanManageCompany(Member(Role.Owner)));
    }

    [Theory]
    [InlineData(Role.Supervisor)]
    [InlineData(Role.Manager)]
    public void CanManageCompany_SupervisorOrManager_Forbidden(Role role)
    {
        AssertDenied(Permissions.CanManageCompany(Member(role)), DenialKind.Forbidden);
    }

    // ---- reopen (lifecycle rule 8): owner or supervisor, archived only

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    public void CanReopen_OwnerOrSupervisorArchived_Allowed(Role role)
    {
        AssertAllowed(Permissions.CanReopen(Member(role), Conversation(Folder.Archived, Someone.Id)));
    }

    [Theory]
    [InlineData(Role.Owner, Folder.New)]
    [InlineData(Role.Owner, Folder.Active)]
    [InlineData(Role.Supervisor, Folder.Active)]
    public void CanReopen_NotArchived_Conflict(Role role, Folder folder)
    {
        AssertDenied(Permissions.CanReopen(Member(role), Conversation(folder, Someone.Id)), DenialKind.Conflict);
    }

    [Fact]
    public void CanReopen_ManagerEvenOwnArchivedChat_Forbidden()
    {
        var manager = Member(Role.Manager);

        AssertDenied(Permissions.CanReopen(manager, Conversation(Folder.Archived, manager.Id)), DenialKind.Forbidden);
    }

    // ---- tenant isolation of the state-changing checks ("no data ever crosses between companies")

    [Fact]
    public void StateChangingChecks_OwnerOfOtherCompany_NotAllowed()
    {
        var outsider = Member(Role.Owner, "Mallory", OtherCompanyId);

        Assert.False(Permissions.CanAccept(outsider, Conversation(Folder.New), null).Allowed);
        Assert.False(Permissions.CanWrite(outsider, Conversation(Folder.Active, Someone.Id)).Allowed);
        Assert.False(Permissions.CanTransfer(outsider, Conversation(Folder.Active, Someone.Id), new CompanySettings()).Allowed);
        Assert.False(Permissions.CanReopen(outsider, Conversation(Folder.Archived, Someone.Id)).Allowed);
    }
}
