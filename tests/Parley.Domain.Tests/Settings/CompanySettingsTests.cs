// Settings → Company (PRODUCT.md), each pure rule in both states:
//
//   Main language ................................ MainLanguage_ClientLanguageWithoutTemplate_SystemMessageInMainLanguage
//                                                  MainLanguage_ClientLanguageWithTemplate_ClientLanguageWins
//   Notify client when a manager joins/changes ... NotifyOnManagerChange_Accept_ManagerJoinedOnlyWhenOn
//                                                  NotifyOnManagerChange_Transfer_ManagerChangedOnlyWhenOn
//   Ask whether the question was resolved ........ AskWhetherResolved_Finish_AsksWhenOnArchivesWhenOff
//   Rating required when a dialog ends ........... RatingRequired_Archive_RateUsOnlyWhenOn
//   Show dialog topics ........................... no pure rule: it only decides whether the console shows topics,
//                                                  so nothing in Parley.Domain reads ShowTopics (only its default is tested)
//   Topic required to close ...................... TopicRequired_FinishWithoutTopic_RefusedOnlyWhenOn
//                                                  TopicRequired_FinishWithTopic_ArchivedWhenOn
//   Forbid editing messages ...................... ForbidEditing_OwnMessage_ForbiddenOnlyWhenOn
//   Forbid deleting messages ..................... ForbidDeleting_OwnMessage_ForbiddenOnlyWhenOn
//   Managers may change the manager .............. ManagersMayChangeManager_ManagerRole_AllowedOnlyWhenOn
//                                                  ManagersMayChangeManager_OwnerAndSupervisor_AlwaysAllowed
//   Managers may block clients ................... ManagersMayBlockClients_ManagerRole_AllowedOnlyWhenOn
//                                                  ManagersMayBlockClients_OwnerAndSupervisor_AlwaysAllowed
//   Close dialog on inactivity ................... InactivityClose_DefaultOn_ClosesAfterFifteenMinutes
//                                                  InactivityClose_CustomMinutes_ClosesAfterThem
//                                                  InactivityClose_Off_NeverCloses
//   Business hours + out-of-hours message ........ BusinessHours_NewConversationOutsideHours_OutOfHoursOnlyWhenEnabled
//                                                  BusinessHours_NewConversationInsideHours_NoOutOfHours
//                                                  (IsOpen, time zones and Validate: BusinessHoursTests.cs)
//   Defaults of every row ........................ Defaults_NewSettings_AreTheProductDefaults

using Parley.Domain.Common;
using Parley.Domain.Companies;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Settings;
using Parley.Domain.SystemMessages;
using Parley.Domain.Team;
using static Parley.Domain.Tests.TestData;

namespace Parley.Domain.Tests.Settings;

public class CompanySettingsTests
{
    private static readonly DateTime Now = Start.UtcDateTime; // Thursday 12:00 in Kyiv
    private static readonly TimeZoneInfo Kyiv = TimeZones.Find("Europe/Kyiv");
    private static readonly TemplateValues Values = new("Anna", "Olena", "Acme");

    private static Conversation ActiveOf(TeamMember member)
    {
        var conversation = Conversation(Folder.New);
        ConversationLifecycle.Accept(conversation, member, new CompanySettings(), Now);
        return conversation;
    }

    [Fact]
    public void Defaults_NewSettings_AreTheProductDefaults()
    {
        var s = new CompanySettings();

        Assert.Equal("uk", s.MainLanguage);
        Assert.True(s.NotifyOnManagerChange);
        Assert.False(s.AskWhetherResolved);
        Assert.False(s.RatingRequired);
        Assert.True(s.ShowTopics);
        Assert.False(s.TopicRequired);
        Assert.False(s.ForbidEditing);
        Assert.False(s.ForbidDeleting);
        Assert.False(s.ManagersMayChangeManager);
        Assert.False(s.ManagersMayBlockClients);
        Assert.Equal(15, s.InactivityCloseMinutes);
        Assert.Equal(CompanySettings.DefaultInactivityMinutes, s.InactivityCloseMinutes);
        Assert.False(s.BusinessHoursEnabled);
    }

    // ---- Main language

    [Theory]
    [InlineData("uk", "Чат завершено. Дякуємо за звернення!")]
    [InlineData("en", "The chat is closed. Thank you for contacting us!")]
    [InlineData("pl", "Czat został zakończony. Dziękujemy za kontakt!")]
    public void MainLanguage_ClientLanguageWithoutTemplate_SystemMessageInMainLanguage(string mainLanguage, string expected)
    {
        var settings = new CompanySettings { MainLanguage = mainLanguage };
        var composer = new SystemMessageComposer([], settings.MainLanguage);

        var message = composer.Compose(SystemMessageKind.Closed, "de", Values);

        Assert.NotNull(message);
        Assert.Equal(mainLanguage, message.Language);
        Assert.Equal(expected, message.Text);
    }

    [Fact]
    public void MainLanguage_ClientLanguageWithTemplate_ClientLanguageWins()
    {
        var composer = new SystemMessageComposer([], new CompanySettings { MainLanguage = "uk" }.MainLanguage);

        var message = composer.Compose(SystemMessageKind.Closed, "en", Values);

        Assert.Equal("en", message!.Language);
    }

    // ---- Notify client when a manager joins or changes

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NotifyOnManagerChange_Accept_ManagerJoinedOnlyWhenOn(bool notify)
    {
        var t = ConversationLifecycle.Accept(Conversation(Folder.New), Member(Role.Manager), new CompanySettings { NotifyOnManagerChange = notify }, Now);

        Assert.Equal(notify, t.SystemMessages.Contains(SystemMessageKind.ManagerJoined));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void NotifyOnManagerChange_Transfer_ManagerChangedOnlyWhenOn(bool notify)
    {
        var from = Member(Role.Manager, "Olena");
        var to = Member(Role.Manager, "Taras");

        var t = ConversationLifecycle.Transfer(ActiveOf(from), from, to, new CompanySettings { NotifyOnManagerChange = notify }, Now);

        Assert.Equal(notify, t.SystemMessages.Contains(SystemMessageKind.ManagerChanged));
    }

    // ---- Ask whether the question was resolved

    [Theory]
    [InlineData(true, Folder.Active, SystemMessageKind.MoreQuestions)]
    [InlineData(false, Folder.Archived, SystemMessageKind.Closed)]
    public void AskWhetherResolved_Finish_AsksWhenOnArchivesWhenOff(bool ask, Folder expectedFolder, SystemMessageKind expectedMessage)
    {
        var conversation = ActiveOf(Member(Role.Manager));

        var t = ConversationLifecycle.Finish(conversation, new CompanySettings { AskWhetherResolved = ask }, Now);

        Assert.Equal(expectedFolder, conversation.Folder);
        Assert.Equal(ask, conversation.AwaitingAnswer);
        Assert.Equal([expectedMessage], t.SystemMessages);
    }

    // ---- Rating required when a dialog ends

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RatingRequired_Archive_RateUsOnlyWhenOn(bool required)
    {
        var settings = new CompanySettings { RatingRequired = required };

        var byManager = ConversationLifecycle.Finish(ActiveOf(Member(Role.Manager)), settings, Now);
        var byInactivity = ConversationLifecycle.Archive(ActiveOf(Member(Role.Manager)), ArchiveReason.Inactivity, settings, Now);

        Assert.Equal(required, byManager.SystemMessages.Contains(SystemMessageKind.RateUs));
        Assert.Equal(required, byInactivity.SystemMessages.Contains(SystemMessageKind.RateUs));
    }

    // ---- Topic required to close

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TopicRequired_FinishWithoutTopic_RefusedOnlyWhenOn(bool required)
    {
        var conversation = ActiveOf(Member(Role.Manager));
        var settings = new CompanySettings { TopicRequired = required };

        if (required)
        {
            var ex = Assert.Throws<RuleViolationException>(() => ConversationLifecycle.Finish(conversation, settings, Now));
            Assert.Equal(DenialKind.Invalid, ex.Decision.Kind);
            Assert.Equal(Folder.Active, conversation.Folder);
        }
        else
        {
            ConversationLifecycle.Finish(conversation, settings, Now);
            Assert.Equal(Folder.Archived, conversation.Folder);
        }
    }

    [Fact]
    public void TopicRequired_FinishWithTopic_ArchivedWhenOn()
    {
        var conversation = ActiveOf(Member(Role.Manager));
        conversation.Topics.Add(new ConversationTopic { ConversationId = conversation.Id, TopicId = Guid.NewGuid() });

        ConversationLifecycle.Finish(conversation, new CompanySettings { TopicRequired = true }, Now);

        Assert.Equal(Folder.Archived, conversation.Folder);
    }

    // ---- Forbid editing / deleting messages (applies to every role)

    [Theory]
    [InlineData(Role.Owner, true)]
    [InlineData(Role.Owner, false)]
    [InlineData(Role.Manager, true)]
    [InlineData(Role.Manager, false)]
    public void ForbidEditing_OwnMessage_ForbiddenOnlyWhenOn(Role role, bool forbid)
    {
        var member = Member(role);

        var decision = Permissions.CanEdit(member, ManagerMessage(member), new CompanySettings { ForbidEditing = forbid });

        if (forbid) AssertDenied(decision, DenialKind.Forbidden);
        else AssertAllowed(decision);
    }

    [Theory]
    [InlineData(Role.Supervisor, true)]
    [InlineData(Role.Supervisor, false)]
    [InlineData(Role.Manager, true)]
    [InlineData(Role.Manager, false)]
    public void ForbidDeleting_OwnMessage_ForbiddenOnlyWhenOn(Role role, bool forbid)
    {
        var member = Member(role);

        var decision = Permissions.CanDelete(member, ManagerMessage(member), new CompanySettings { ForbidDeleting = forbid });

        if (forbid) AssertDenied(decision, DenialKind.Forbidden);
        else AssertAllowed(decision);
    }

    // ---- Managers may change the manager

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ManagersMayChangeManager_ManagerRole_AllowedOnlyWhenOn(bool allowed)
    {
        var manager = Member(Role.Manager);

        var decision = Permissions.CanTransfer(manager, ActiveOf(manager), new CompanySettings { ManagersMayChangeManager = allowed });

        if (allowed) AssertAllowed(decision);
        else AssertDenied(decision, DenialKind.Forbidden);
    }

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    public void ManagersMayChangeManager_OwnerAndSupervisor_AlwaysAllowed(Role role)
    {
        var conversation = ActiveOf(Member(Role.Manager, "Taras"));

        AssertAllowed(Permissions.CanTransfer(Member(role), conversation, new CompanySettings { ManagersMayChangeManager = false }));
    }

    // ---- Managers may block clients

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ManagersMayBlockClients_ManagerRole_AllowedOnlyWhenOn(bool allowed)
    {
        var decision = Permissions.CanBlockClients(Member(Role.Manager), new CompanySettings { ManagersMayBlockClients = allowed });

        if (allowed) AssertAllowed(decision);
        else AssertDenied(decision, DenialKind.Forbidden);
    }

    [Theory]
    [InlineData(Role.Owner)]
    [InlineData(Role.Supervisor)]
    public void ManagersMayBlockClients_OwnerAndSupervisor_AlwaysAllowed(Role role)
    {
        AssertAllowed(Permissions.CanBlockClients(Member(role), new CompanySettings { ManagersMayBlockClients = false }));
    }

    // ---- Close dialog on inactivity

    private static Conversation TeamSpokeAt(DateTime at)
    {
        var conversation = ActiveOf(Member(Role.Manager));
        ConversationLifecycle.TeamWrote(conversation, "Anything else?", AuthorKind.Manager, at);
        return conversation;
    }

    [Fact]
    public void InactivityClose_DefaultOn_ClosesAfterFifteenMinutes()
    {
        var conversation = TeamSpokeAt(Now);

        Assert.False(ConversationLifecycle.IsInactive(conversation, new CompanySettings(), Now.AddMinutes(15).AddTicks(-1)));
        Assert.True(ConversationLifecycle.IsInactive(conversation, new CompanySettings(), Now.AddMinutes(15)));
    }

    [Fact]
    public void InactivityClose_CustomMinutes_ClosesAfterThem()
    {
        var settings = new CompanySettings { InactivityCloseMinutes = 5 };
        var conversation = TeamSpokeAt(Now);

        Assert.False(ConversationLifecycle.IsInactive(conversation, settings, Now.AddMinutes(4)));
        Assert.True(ConversationLifecycle.IsInactive(conversation, settings, Now.AddMinutes(5)));
    }

    [Fact]
    public void InactivityClose_Off_NeverCloses()
    {
        var settings = new CompanySettings { InactivityCloseMinutes = null };
        var conversation = TeamSpokeAt(Now);

        Assert.False(ConversationLifecycle.IsInactive(conversation, settings, Now.AddDays(30)));
    }

    // ---- Business hours + out-of-hours message

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BusinessHours_NewConversationOutsideHours_OutOfHoursOnlyWhenEnabled(bool enabled)
    {
        var saturdayNoon = new DateTime(2026, 11, 28, 10, 0, 0, DateTimeKind.Utc);
        var conversation = Conversation(Folder.New);

        var t = ConversationLifecycle.Start(conversation, new CompanySettings { BusinessHoursEnabled = enabled }, Kyiv, saturdayNoon);

        Assert.Equal(enabled, t.SystemMessages.Contains(SystemMessageKind.OutOfHours));
        Assert.Equal(enabled, conversation.OutOfHoursSent);
    }

    [Fact]
    public void BusinessHours_NewConversationInsideHours_NoOutOfHours()
    {
        var conversation = Conversation(Folder.New);

        var t = ConversationLifecycle.Start(conversation, new CompanySettings { BusinessHoursEnabled = true }, Kyiv, Now);

        Assert.DoesNotContain(SystemMessageKind.OutOfHours, t.SystemMessages);
        Assert.False(conversation.OutOfHoursSent);
    }
}
