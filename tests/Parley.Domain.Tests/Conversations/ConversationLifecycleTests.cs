using Microsoft.Extensions.Time.Testing;
using Parley.Domain.Common;
using Parley.Domain.Companies;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Settings;
using Parley.Domain.SystemMessages;
using Parley.Domain.Team;
using static Parley.Domain.Tests.TestData;

namespace Parley.Domain.Tests.Conversations;

/// <summary>PRODUCT.md "Folders and lifecycle", rules 1–8.</summary>
public class ConversationLifecycleTests
{
    private static readonly TimeZoneInfo Kyiv = TimeZones.Find("Europe/Kyiv");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
    private readonly TeamMember _olena = Member(Role.Manager, "Olena");
    private readonly TeamMember _taras = Member(Role.Manager, "Taras");

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    private Conversation ActiveOf(TeamMember member)
    {
        var conversation = Conversation(Folder.New);
        ConversationLifecycle.Start(conversation, new CompanySettings(), Kyiv, Now);
        ConversationLifecycle.Accept(conversation, member, new CompanySettings(), Now);
        return conversation;
    }

    // ---- rule 1: start

    [Fact]
    public void Start_NewConversation_NewFolderCreatedHistoryAndGreeting()
    {
        var conversation = Conversation(Folder.Active);

        var t = ConversationLifecycle.Start(conversation, new CompanySettings(), Kyiv, Now);

        Assert.Equal(Folder.New, conversation.Folder);
        Assert.Equal(Now, conversation.CreatedAt);
        Assert.Equal(Now, conversation.LastMessageAt);
        Assert.Equal([SystemMessageKind.Greeting], t.SystemMessages);
        Assert.Equal(HistoryKinds.Created, Assert.Single(t.History).Kind);
        Assert.False(conversation.OutOfHoursSent);
        Assert.False(t.Archived);
    }

    [Fact]
    public void Start_BusinessHoursEnabledAndClosedInCompanyZone_OutOfHoursAfterGreeting()
    {
        var settings = new CompanySettings { BusinessHoursEnabled = true };
        _time.Advance(TimeSpan.FromHours(7)); // 17:00 UTC = 19:00 in Kyiv (UTC+2 in November): closed there
        var conversation = Conversation(Folder.New);

        var t = ConversationLifecycle.Start(conversation, settings, Kyiv, Now);

        Assert.Equal([SystemMessageKind.Greeting, SystemMessageKind.OutOfHours], t.SystemMessages);
        Assert.True(conversation.OutOfHoursSent);
    }

    [Fact]
    public void Start_SameInstantInUtcZone_StillOpenSoNoOutOfHours()
    {
        var settings = new CompanySettings { BusinessHoursEnabled = true };
        _time.Advance(TimeSpan.FromHours(7)); // 17:00 UTC: open in UTC, closed in Kyiv
        var conversation = Conversation(Folder.New);

        var t = ConversationLifecycle.Start(conversation, settings, TimeZoneInfo.Utc, Now);

        Assert.Equal([SystemMessageKind.Greeting], t.SystemMessages);
        Assert.False(conversation.OutOfHoursSent);
    }

    [Fact]
    public void Start_BusinessHoursEnabledAndOpen_NoOutOfHours()
    {
        var conversation = Conversation(Folder.New);

        var t = ConversationLifecycle.Start(conversation, new CompanySettings { BusinessHoursEnabled = true }, Kyiv, Now);

        Assert.DoesNotContain(SystemMessageKind.OutOfHours, t.SystemMessages);
        Assert.False(conversation.OutOfHoursSent);
    }

    [Fact]
    public void Start_BusinessHoursDisabledAndOutsideHours_NoOutOfHours()
    {
        _time.Advance(TimeSpan.FromDays(2)); // Saturday
        var conversation = Conversation(Folder.New);

        var t = ConversationLifecycle.Start(conversation, new CompanySettings { BusinessHoursEnabled = false }, Kyiv, Now);

        Assert.Equal([SystemMessageKind.Greeting], t.SystemMessages);
        Assert.False(conversation.OutOfHoursSent);
    }

    // ---- rule 2: accept

    [Fact]
    public void Accept_NewConversation_ActiveWithAssigneeAndManagerJoined()
    {
        var conversation = Conversation(Folder.New);

        var t = ConversationLifecycle.Accept(conversation, _olena, new CompanySettings { NotifyOnManagerChange = true }, Now);

        Assert.Equal(Folder.Active, conversation.Folder);
        Assert.Equal(_olena.Id, conversation.AssigneeId);
        Assert.Equal(Now, conversation.AcceptedAt);
        Assert.Equal(Now, conversation.AssignedAt);
        Assert.Equal([SystemMessageKind.ManagerJoined], t.SystemMessages);
        Assert.Equal(HistoryKinds.Accepted, Assert.Single(t.History).Kind);
    }

    [Fact]
    public void Accept_NotifyOff_NoSystemMessage()
    {
        var conversation = Conversation(Folder.New);

        var t = ConversationLifecycle.Accept(conversation, _olena, new CompanySettings { NotifyOnManagerChange = false }, Now);

        Assert.Equal(Folder.Active, conversation.Folder);
        Assert.Empty(t.SystemMessages);
    }

    [Fact]
    public void Accept_AssignedByDistributionEarlier_KeepsAssignedAtAndSetsAcceptedAt()
    {
        var assignedAt = Now;
        var conversation = Conversation(Folder.New, _olena.Id);
        conversation.AssignedAt = assignedAt;
        _time.Advance(TimeSpan.FromMinutes(2));

        ConversationLifecycle.Accept(conversation, _olena, new CompanySettings(), Now);

        Assert.Equal(assignedAt, conversation.AssignedAt);
        Assert.Equal(Now, conversation.AcceptedAt);
    }

    // ---- rule 3: change manager

    [Fact]
    public void Transfer_ToAnotherManagerNotifyOn_NewAssigneeAndManagerChanged()
    {
        var conversation = ActiveOf(_olena);
        _time.Advance(TimeSpan.FromMinutes(5));

        var t = ConversationLifecycle.Transfer(conversation, _olena, _taras, new CompanySettings { NotifyOnManagerChange = true }, Now);

        Assert.Equal(Folder.Active, conversation.Folder);
        Assert.Equal(_taras.Id, conversation.AssigneeId);
        Assert.Equal(Now, conversation.AssignedAt);
        Assert.Equal([SystemMessageKind.ManagerChanged], t.SystemMessages);
        Assert.Equal((HistoryKinds.Transferred, "Olena → Taras"), Assert.Single(t.History));
    }

    [Fact]
    public void Transfer_NotifyOff_NoSystemMessage()
    {
        var conversation = ActiveOf(_olena);

        var t = ConversationLifecycle.Transfer(conversation, _olena, _taras, new CompanySettings { NotifyOnManagerChange = false }, Now);

        Assert.Equal(_taras.Id, conversation.AssigneeId);
        Assert.Empty(t.SystemMessages);
    }

    [Fact]
    public void Transfer_ToCurrentAssignee_RuleViolationConflict()
    {
        var conversation = ActiveOf(_olena);

        var ex = Assert.Throws<RuleViolationException>(() =>
            ConversationLifecycle.Transfer(conversation, _olena, _olena, new CompanySettings(), Now));

        Assert.Equal(DenialKind.Conflict, ex.Decision.Kind);
        Assert.Equal(_olena.Id, conversation.AssigneeId);
    }

    [Fact]
    public void Transfer_ToInactiveOrForeignMember_RuleViolationInvalid()
    {
        var conversation = ActiveOf(_olena);
        var gone = Member(Role.Manager, "Gone");
        gone.IsActive = false;
        var foreign = Member(Role.Manager, "Foreign", OtherCompanyId);

        Assert.Equal(DenialKind.Invalid, Assert.Throws<RuleViolationException>(() =>
            ConversationLifecycle.Transfer(conversation, _olena, gone, new CompanySettings(), Now)).Decision.Kind);
        Assert.Equal(DenialKind.Invalid, Assert.Throws<RuleViolationException>(() =>
            ConversationLifecycle.Transfer(conversation, _olena, foreign, new CompanySettings(), Now)).Decision.Kind);
        Assert.Equal(_olena.Id, conversation.AssigneeId);
    }

    // ---- rule 4: finish

    [Fact]
    public void Finish_TopicRequiredAndNoTopic_RuleViolationInvalid()
    {
        var conversation = ActiveOf(_olena);

        var ex = Assert.Throws<RuleViolationException>(() =>
            ConversationLifecycle.Finish(conversation, new CompanySettings { TopicRequired = true }, Now));

        Assert.Equal(DenialKind.Invalid, ex.Decision.Kind);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.Equal(Folder.Active, conversation.Folder);
    }

    [Fact]
    public void Finish_TopicRequiredWithTopic_Archived()
    {
        var conversation = ActiveOf(_olena);
        conversation.Topics.Add(new ConversationTopic { ConversationId = conversation.Id, TopicId = Guid.NewGuid() });

        var t = ConversationLifecycle.Finish(conversation, new CompanySettings { TopicRequired = true }, Now);

        Assert.True(t.Archived);
        Assert.Equal(Folder.Archived, conversation.Folder);
    }

    [Fact]
    public void Finish_AskWhetherResolvedOn_StaysActiveAwaitingAnswerWithMoreQuestions()
    {
        var conversation = ActiveOf(_olena);

        var t = ConversationLifecycle.Finish(conversation, new CompanySettings { AskWhetherResolved = true }, Now);

        Assert.Equal(Folder.Active, conversation.Folder);
        Assert.True(conversation.AwaitingAnswer);
        Assert.Null(conversation.ArchiveReason);
        Assert.False(t.Archived);
        Assert.Equal([SystemMessageKind.MoreQuestions], t.SystemMessages);
        Assert.Equal(HistoryKinds.FinishRequested, Assert.Single(t.History).Kind);
    }

    [Fact]
    public void Finish_AlreadyAwaitingAnswer_RuleViolationConflict()
    {
        var settings = new CompanySettings { AskWhetherResolved = true };
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.Finish(conversation, settings, Now);

        var ex = Assert.Throws<RuleViolationException>(() => ConversationLifecycle.Finish(conversation, settings, Now));

        Assert.Equal(DenialKind.Conflict, ex.Decision.Kind);
    }

    [Fact]
    public void Finish_AskWhetherResolvedOff_ArchivedClosedByManagerWithClosedMessage()
    {
        var conversation = ActiveOf(_olena);
        _time.Advance(TimeSpan.FromMinutes(3));

        var t = ConversationLifecycle.Finish(conversation, new CompanySettings { AskWhetherResolved = false }, Now);

        Assert.True(t.Archived);
        Assert.Equal(Folder.Archived, conversation.Folder);
        Assert.Equal(ArchiveReason.ClosedByManager, conversation.ArchiveReason);
        Assert.Equal(Now, conversation.ArchivedAt);
        Assert.Equal([SystemMessageKind.Closed], t.SystemMessages);
        Assert.Equal((HistoryKinds.Archived, nameof(ArchiveReason.ClosedByManager)), Assert.Single(t.History));
    }

    [Fact]
    public void AnswerMoreQuestions_No_ArchivedResolvedByClient()
    {
        var settings = new CompanySettings { AskWhetherResolved = true };
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.Finish(conversation, settings, Now);

        var t = ConversationLifecycle.AnswerMoreQuestions(conversation, hasMoreQuestions: false, settings, Now);

        Assert.True(t.Archived);
        Assert.Equal(Folder.Archived, conversation.Folder);
        Assert.Equal(ArchiveReason.ResolvedByClient, conversation.ArchiveReason);
        Assert.False(conversation.AwaitingAnswer);
        Assert.Equal([SystemMessageKind.Closed], t.SystemMessages);
    }

    [Fact]
    public void AnswerMoreQuestions_Yes_StaysActiveMarkClearedAssigneeAlerted()
    {
        var settings = new CompanySettings { AskWhetherResolved = true };
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.Finish(conversation, settings, Now);

        var t = ConversationLifecycle.AnswerMoreQuestions(conversation, hasMoreQuestions: true, settings, Now);

        Assert.Equal(Folder.Active, conversation.Folder);
        Assert.False(conversation.AwaitingAnswer);
        Assert.True(t.AlertAssignee);
        Assert.False(t.Archived);
        Assert.Empty(t.SystemMessages);
        Assert.Equal(HistoryKinds.ClientWantsMore, Assert.Single(t.History).Kind);
    }

    [Fact]
    public void AnswerMoreQuestions_NotAwaitingAnswer_NothingHappens()
    {
        var conversation = ActiveOf(_olena);

        var t = ConversationLifecycle.AnswerMoreQuestions(conversation, hasMoreQuestions: false, new CompanySettings(), Now);

        Assert.Equal(Folder.Active, conversation.Folder);
        Assert.False(t.Archived);
        Assert.Empty(t.History);
        Assert.Empty(t.SystemMessages);
    }

    [Fact]
    public void ClientWrote_WhileAwaitingAnswer_ClearsMarkAndAlertsAssignee()
    {
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.Finish(conversation, new CompanySettings { AskWhetherResolved = true }, Now);
        _time.Advance(TimeSpan.FromMinutes(1));

        var t = ConversationLifecycle.ClientWrote(conversation, "One more thing", Now);

        Assert.Equal(Folder.Active, conversation.Folder);
        Assert.False(conversation.AwaitingAnswer);
        Assert.True(t.AlertAssignee);
        Assert.Equal(HistoryKinds.ClientWantsMore, Assert.Single(t.History).Kind);
    }

    [Fact]
    public void ClientWrote_NotAwaitingAnswer_UpdatesCountersWithoutAlert()
    {
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.TeamWrote(conversation, "Hi", AuthorKind.Manager, Now);
        _time.Advance(TimeSpan.FromMinutes(1));

        var t = ConversationLifecycle.ClientWrote(conversation, new string('x', 200), Now);

        Assert.False(t.AlertAssignee);
        Assert.Empty(t.History);
        Assert.Null(conversation.TeamSpokeLastAt);
        Assert.Equal(1, conversation.UnreadCount);
        Assert.Equal(Now, conversation.LastClientMessageAt);
        Assert.Equal(Now, conversation.LastMessageAt);
        Assert.Equal(AuthorKind.Client, conversation.LastMessageAuthor);
        Assert.Equal(140, conversation.LastMessagePreview!.Length);
    }

    [Fact]
    public void TeamWrote_FirstManagerReply_SetsFirstTeamReplyOnceAndTeamSpokeLast()
    {
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.TeamWrote(conversation, "Greeting", AuthorKind.System, Now);
        Assert.Null(conversation.FirstTeamReplyAt);
        _time.Advance(TimeSpan.FromMinutes(1));
        var firstReply = Now;

        ConversationLifecycle.TeamWrote(conversation, "Hi", AuthorKind.Manager, Now);
        _time.Advance(TimeSpan.FromMinutes(1));
        ConversationLifecycle.TeamWrote(conversation, "Anything else?", AuthorKind.Manager, Now);

        Assert.Equal(firstReply, conversation.FirstTeamReplyAt);
        Assert.Equal(Now, conversation.TeamSpokeLastAt);
        Assert.Equal(Now, conversation.LastTeamMessageAt);
        Assert.Equal(AuthorKind.Manager, conversation.LastMessageAuthor);
    }

    // ---- rule 5: on archiving

    [Fact]
    public void Archive_RatingRequiredOn_RateUsAfterClosed()
    {
        var conversation = ActiveOf(_olena);

        var t = ConversationLifecycle.Archive(conversation, ArchiveReason.ClosedByManager, new CompanySettings { RatingRequired = true }, Now);

        Assert.Equal([SystemMessageKind.Closed, SystemMessageKind.RateUs], t.SystemMessages);
    }

    [Fact]
    public void Archive_RatingRequiredOff_NoRateUs()
    {
        var conversation = ActiveOf(_olena);

        var t = ConversationLifecycle.Archive(conversation, ArchiveReason.ClosedByManager, new CompanySettings { RatingRequired = false }, Now);

        Assert.Equal([SystemMessageKind.Closed], t.SystemMessages);
    }

    [Fact]
    public void Archive_Inactivity_ClosedInactivityMessage()
    {
        var conversation = ActiveOf(_olena);

        var t = ConversationLifecycle.Archive(conversation, ArchiveReason.Inactivity, new CompanySettings(), Now);

        Assert.Equal(ArchiveReason.Inactivity, conversation.ArchiveReason);
        Assert.Equal([SystemMessageKind.ClosedInactivity], t.SystemMessages);
    }

    [Fact]
    public void Archive_Blocked_NoSystemMessagesEvenWithRatingRequired()
    {
        var conversation = ActiveOf(_olena);

        var t = ConversationLifecycle.Archive(conversation, ArchiveReason.Blocked, new CompanySettings { RatingRequired = true }, Now);

        Assert.True(t.Archived);
        Assert.Equal(ArchiveReason.Blocked, conversation.ArchiveReason);
        Assert.Empty(t.SystemMessages);
    }

    [Fact]
    public void Archive_AlreadyArchived_RuleViolationConflict()
    {
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.Archive(conversation, ArchiveReason.ClosedByManager, new CompanySettings(), Now);

        var ex = Assert.Throws<RuleViolationException>(() =>
            ConversationLifecycle.Archive(conversation, ArchiveReason.Inactivity, new CompanySettings(), Now));

        Assert.Equal(DenialKind.Conflict, ex.Decision.Kind);
        Assert.Equal(ArchiveReason.ClosedByManager, conversation.ArchiveReason);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Rate_OneToFive_Stored(int stars)
    {
        var conversation = ActiveOf(_olena);

        var t = ConversationLifecycle.Rate(conversation, stars, Now);

        Assert.Equal(stars, conversation.Rating);
        Assert.Equal(Now, conversation.RatedAt);
        Assert.Equal((HistoryKinds.Rated, stars.ToString(System.Globalization.CultureInfo.InvariantCulture)), Assert.Single(t.History));
    }

    [Fact]
    public void Rate_AfterArchiving_StoredOnThatConversationLatestCounts()
    {
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.Archive(conversation, ArchiveReason.ClosedByManager, new CompanySettings { RatingRequired = true }, Now);
        _time.Advance(TimeSpan.FromHours(2));

        ConversationLifecycle.Rate(conversation, 2, Now);
        ConversationLifecycle.Rate(conversation, 4, Now);

        Assert.Equal(Folder.Archived, conversation.Folder);
        Assert.Equal(4, conversation.Rating);
        Assert.Equal(Now, conversation.RatedAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(-1)]
    public void Rate_OutsideOneToFive_RuleViolationInvalidAndNotStored(int stars)
    {
        var conversation = ActiveOf(_olena);

        var ex = Assert.Throws<RuleViolationException>(() => ConversationLifecycle.Rate(conversation, stars, Now));

        Assert.Equal(DenialKind.Invalid, ex.Decision.Kind);
        Assert.Null(conversation.Rating);
        Assert.Null(conversation.RatedAt);
    }

    // ---- rule 6: inactivity

    private Conversation ActiveTeamSpokeLast()
    {
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.ClientWrote(conversation, "Where is my order?", Now);
        ConversationLifecycle.TeamWrote(conversation, "It ships today.", AuthorKind.Manager, Now);
        return conversation;
    }

    [Fact]
    public void IsInactive_DefaultFifteenMinutes_FalseAt14m59sTrueAt15m()
    {
        var settings = new CompanySettings();
        var conversation = ActiveTeamSpokeLast();

        _time.Advance(TimeSpan.FromMinutes(14) + TimeSpan.FromSeconds(59));
        Assert.False(ConversationLifecycle.IsInactive(conversation, settings, Now));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(ConversationLifecycle.IsInactive(conversation, settings, Now));
    }

    [Fact]
    public void IsInactive_InactivityOff_NeverInactive()
    {
        var conversation = ActiveTeamSpokeLast();
        _time.Advance(TimeSpan.FromDays(3));

        Assert.False(ConversationLifecycle.IsInactive(conversation, new CompanySettings { InactivityCloseMinutes = null }, Now));
        Assert.Null(ConversationLifecycle.InactivityCutoff(new CompanySettings { InactivityCloseMinutes = null }, Now));
    }

    [Fact]
    public void IsInactive_ClientWroteLast_NeverInactive()
    {
        var conversation = ActiveTeamSpokeLast();
        ConversationLifecycle.ClientWrote(conversation, "Hello? Anyone?", Now);
        _time.Advance(TimeSpan.FromDays(1));

        Assert.Null(conversation.TeamSpokeLastAt);
        Assert.False(ConversationLifecycle.IsInactive(conversation, new CompanySettings(), Now));
    }

    [Fact]
    public void IsInactive_CustomThirtyMinutes_FalseAt29TrueAt30()
    {
        var settings = new CompanySettings { InactivityCloseMinutes = 30 };
        var conversation = ActiveTeamSpokeLast();

        _time.Advance(TimeSpan.FromMinutes(29));
        Assert.False(ConversationLifecycle.IsInactive(conversation, settings, Now));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(ConversationLifecycle.IsInactive(conversation, settings, Now));
        Assert.Equal(Now.AddMinutes(-30), ConversationLifecycle.InactivityCutoff(settings, Now));
    }

    [Theory]
    [InlineData(Folder.New)]
    [InlineData(Folder.Archived)]
    public void IsInactive_NotActive_False(Folder folder)
    {
        var conversation = Conversation(folder);
        ConversationLifecycle.TeamWrote(conversation, "Hello", AuthorKind.System, Now);
        _time.Advance(TimeSpan.FromHours(1));

        Assert.False(ConversationLifecycle.IsInactive(conversation, new CompanySettings(), Now));
    }

    [Fact]
    public void IsInactive_AfterInactivityArchive_NoLongerInactive()
    {
        var settings = new CompanySettings();
        var conversation = ActiveTeamSpokeLast();
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.True(ConversationLifecycle.IsInactive(conversation, settings, Now));

        var t = ConversationLifecycle.Archive(conversation, ArchiveReason.Inactivity, settings, Now);

        Assert.Equal([SystemMessageKind.ClosedInactivity], t.SystemMessages);
        Assert.Null(conversation.TeamSpokeLastAt);
        Assert.False(ConversationLifecycle.IsInactive(conversation, settings, Now));
    }

    // ---- rule 8: reopen

    [Fact]
    public void Reopen_ArchivedConversation_ActiveKeepsAssigneeClearsArchive()
    {
        var conversation = ActiveOf(_olena);
        ConversationLifecycle.Archive(conversation, ArchiveReason.ClosedByManager, new CompanySettings(), Now);
        var supervisor = Member(Role.Supervisor, "Iryna");

        var t = ConversationLifecycle.Reopen(conversation, supervisor, Now);

        Assert.Equal(Folder.Active, conversation.Folder);
        Assert.Null(conversation.ArchiveReason);
        Assert.Null(conversation.ArchivedAt);
        Assert.Equal(_olena.Id, conversation.AssigneeId);
        Assert.Equal(HistoryKinds.Reopened, Assert.Single(t.History).Kind);
        Assert.Empty(t.SystemMessages);
    }

    [Fact]
    public void Reopen_ArchivedWithoutAssignee_ReopenerBecomesAssignee()
    {
        var conversation = Conversation(Folder.Archived);
        var owner = Member(Role.Owner, "Oksana");

        ConversationLifecycle.Reopen(conversation, owner, Now);

        Assert.Equal(Folder.Active, conversation.Folder);
        Assert.Equal(owner.Id, conversation.AssigneeId);
        Assert.Equal(Now, conversation.AcceptedAt);
    }
}
