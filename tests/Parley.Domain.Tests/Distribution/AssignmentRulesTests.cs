using Microsoft.Extensions.Time.Testing;
using Parley.Domain.Conversations;
using Parley.Domain.Distribution;
using Parley.Domain.Settings;
using Parley.Domain.Team;

namespace Parley.Domain.Tests.Distribution;

public class AssignmentRulesTests
{
    private static readonly Guid Shop = Guid.Parse("0191a000-0000-7000-8000-0000000000c1");
    private static readonly Guid Telegram = Guid.Parse("0191a000-0000-7000-8000-0000000000c2");

    private readonly FakeTimeProvider _time = new(TestData.Start);
    private readonly DistributionSettings _automatic = new() { Mode = DistributionMode.Automatic };

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    private TeamMember OnShift(string name, int? limit = null)
    {
        var m = TestData.Member(Role.Manager, name);
        m.ChatLimit = limit;
        Shifts.Start(m, Now);
        return m;
    }

    private WaitingChat Waiting(Guid? channel = null, Guid? previous = null)
    {
        var c = TestData.Conversation(Folder.New);
        c.ChannelId = channel ?? Shop;
        c.CreatedAt = Now;
        return new WaitingChat(c, previous);
    }

    [Fact]
    public void Choose_DifferentLoads_FewestOpenChatsWins()
    {
        var busy = OnShift("Busy");
        var calm = OnShift("Calm");

        var chosen = AssignmentRules.Choose([new(busy, 3), new(calm, 1)], Shop, null, _automatic, Now);

        Assert.Same(calm, chosen);
    }

    [Fact]
    public void Choose_EqualLoads_WhoWaitedLongestSinceLastAssignmentWins()
    {
        var recent = OnShift("Recent");
        var waited = OnShift("Waited");
        recent.LastAssignedAt = Now.AddMinutes(-1);
        waited.LastAssignedAt = Now.AddMinutes(-20);

        Assert.Same(waited, AssignmentRules.Choose([new(recent, 2), new(waited, 2)], Shop, null, _automatic, Now));

        var never = OnShift("Never");
        Assert.Same(never, AssignmentRules.Choose([new(recent, 2), new(waited, 2), new(never, 2)], Shop, null, _automatic, Now));
    }

    [Fact]
    public void Choose_PreviousManagerEligible_PreferredEvenWithMoreChats()
    {
        var previous = OnShift("Previous");
        var calm = OnShift("Calm");

        Assert.Same(previous, AssignmentRules.Choose([new(previous, 4), new(calm, 0)], Shop, previous.Id, _automatic, Now));
        _automatic.PreferPreviousManager = false;
        Assert.Same(calm, AssignmentRules.Choose([new(previous, 4), new(calm, 0)], Shop, previous.Id, _automatic, Now));
    }

    [Fact]
    public void Choose_PreviousManagerNotEligible_FallsBackToFewestChats()
    {
        var previous = OnShift("Previous");
        previous.Presence = Presence.Invisible;
        var calm = OnShift("Calm");

        Assert.Same(calm, AssignmentRules.Choose([new(previous, 0), new(calm, 2)], Shop, previous.Id, _automatic, Now));
    }

    [Fact]
    public void Choose_AllowedChannels_OnlyMembersAllowedOnTheChannelOrAllChannels()
    {
        var shopOnly = OnShift("ShopOnly");
        shopOnly.AllowedChannelIds = [Shop];
        var everything = OnShift("Everything");

        Assert.Same(shopOnly, AssignmentRules.Choose([new(shopOnly, 0), new(everything, 1)], Shop, null, _automatic, Now));
        Assert.Same(everything, AssignmentRules.Choose([new(shopOnly, 0), new(everything, 1)], Telegram, null, _automatic, Now));
        Assert.Null(AssignmentRules.Choose([new(shopOnly, 0)], Telegram, null, _automatic, Now));
    }

    [Fact]
    public void Check_EachCondition_NamesWhatHoldsTheMemberBack()
    {
        var m = OnShift("Maria", limit: 2);
        Assert.Equal(Eligibility.Eligible, EligibilityRules.Check(m, 1, Shop, _automatic, Now));
        Assert.Equal(Eligibility.AtLimit, EligibilityRules.Check(m, 2, Shop, _automatic, Now));

        m.Presence = Presence.Invisible;
        Assert.Equal(Eligibility.Invisible, EligibilityRules.Check(m, 0, Shop, _automatic, Now));
        m.Presence = Presence.Online;

        Shifts.End(m);
        Assert.Equal(Eligibility.OffShift, EligibilityRules.Check(m, 0, Shop, _automatic, Now));
        Shifts.Start(m, Now);

        m.IsActive = false;
        Assert.Equal(Eligibility.Inactive, EligibilityRules.Check(m, 0, Shop, _automatic, Now));
    }

    [Fact]
    public void Check_Disconnected_EligibleWithinGraceNotAfter()
    {
        var m = OnShift("Maria");
        m.DisconnectedAt = Now;

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(Eligibility.Eligible, EligibilityRules.Check(m, 0, Shop, _automatic, Now));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Eligibility.Disconnected, EligibilityRules.Check(m, 0, Shop, _automatic, Now));
        Assert.Null(AssignmentRules.Choose([new(m, 0)], Shop, null, _automatic, Now));
    }

    [Fact]
    public void Plan_ManualMode_AssignsNothing()
    {
        var m = OnShift("Maria");
        var chat = Waiting();

        var plan = AssignmentRules.Plan([m], new Dictionary<Guid, int>(), [], [chat], new DistributionSettings { Mode = DistributionMode.Manual }, Now);

        Assert.Empty(plan);
        Assert.Null(chat.Conversation.AssigneeId);
    }

    [Fact]
    public void Plan_QueueOfFour_OldestFirstSpreadEvenlyAndLastAssignedRecorded()
    {
        var a = OnShift("Anna");
        var b = OnShift("Bohdan");
        var chats = new List<WaitingChat>();
        for (var i = 0; i < 4; i++)
        {
            chats.Add(Waiting());
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var counts = new Dictionary<Guid, int>();
        var plan = AssignmentRules.Plan([a, b], counts, [], Enumerable.Reverse(chats), _automatic, Now);

        Assert.Equal(chats.Select(c => c.Conversation), plan.Select(p => p.Conversation));
        Assert.Equal(2, counts[a.Id]);
        Assert.Equal(2, counts[b.Id]);
        // Alternates: after one gets a chat the other has fewer; the tie at 1–1 goes to whoever waited longer.
        Assert.NotEqual(plan[0].To, plan[1].To);
        Assert.All(plan, p => Assert.Equal(Now, p.Conversation.AssignedAt));
        Assert.Equal(Now, a.LastAssignedAt);
    }

    [Fact]
    public void Plan_LimitReached_MemberGoesInvisibleAndRestWaits()
    {
        var m = OnShift("Maria", limit: 2);
        var chats = new List<WaitingChat>();
        for (var i = 0; i < 3; i++)
        {
            chats.Add(Waiting());
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var plan = AssignmentRules.Plan([m], new Dictionary<Guid, int>(), [], chats, _automatic, Now);

        Assert.Equal(2, plan.Count);
        Assert.Equal(Presence.Invisible, m.Presence);
        Assert.Null(chats[2].Conversation.AssigneeId);
    }

    [Fact]
    public void Plan_LimitReachedWithResumeBelowLimit_StaysOnlineAndTakesMoreOnceBelow()
    {
        _automatic.ResumeBelowLimit = true;
        var m = OnShift("Maria", limit: 2);
        var counts = new Dictionary<Guid, int>();

        AssignmentRules.Plan([m], counts, [], [Waiting(), Waiting()], _automatic, Now);
        Assert.Equal(Presence.Online, m.Presence);
        Assert.Empty(AssignmentRules.Plan([m], counts, [], [Waiting()], _automatic, Now));

        counts[m.Id] = 1; // a chat was finished
        Assert.Single(AssignmentRules.Plan([m], counts, [], [Waiting()], _automatic, Now));
    }

    [Fact]
    public void Plan_NotAcceptedInTime_PassesToAnotherManagerNotTheSame()
    {
        var first = OnShift("First");
        var second = OnShift("Second");
        second.LastAssignedAt = Now; // the first one waited longer, so gets the chat first
        var chat = Waiting();
        var counts = new Dictionary<Guid, int>();
        AssignmentRules.Plan([first, second], counts, [], [chat], _automatic, Now);
        Assert.Equal(first.Id, chat.Conversation.AssigneeId);

        _time.Advance(TimeSpan.FromMinutes(2.5));
        Assert.Empty(AssignmentRules.Plan([first, second], counts, [chat], [], _automatic, Now));

        _time.Advance(TimeSpan.FromMinutes(0.5));
        var passed = Assert.Single(AssignmentRules.Plan([first, second], counts, [chat], [], _automatic, Now));
        Assert.Same(second, passed.To);
        Assert.Equal(first.Id, passed.From);
        Assert.Equal(AssignmentReason.NotAccepted, passed.Reason);
        Assert.Equal(Now, chat.Conversation.AssignedAt);
        Assert.Equal(0, counts[first.Id]);
        Assert.Equal(1, counts[second.Id]);
    }

    [Fact]
    public void Plan_NotAcceptedAndNobodyElseEligible_StaysWithTheAssignee()
    {
        var only = OnShift("Only");
        var chat = Waiting();
        var counts = new Dictionary<Guid, int>();
        AssignmentRules.Plan([only], counts, [], [chat], _automatic, Now);

        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.Empty(AssignmentRules.Plan([only], counts, [chat], [], _automatic, Now));
        Assert.Equal(only.Id, chat.Conversation.AssigneeId);
    }

    [Fact]
    public void Plan_AssigneeEndedShiftAndNobodyElse_BackToQueueUnassigned()
    {
        var gone = OnShift("Gone");
        var chat = Waiting();
        var counts = new Dictionary<Guid, int>();
        AssignmentRules.Plan([gone], counts, [], [chat], _automatic, Now);

        Shifts.End(gone);
        var back = Assert.Single(AssignmentRules.Plan([gone], counts, [chat], [], _automatic, Now));

        Assert.Null(back.To);
        Assert.Equal(AssignmentReason.AssigneeUnavailable, back.Reason);
        Assert.Null(chat.Conversation.AssigneeId);
        Assert.Null(chat.Conversation.AssignedAt);
    }

    [Fact]
    public void Plan_AcceptTimeoutOff_NeverPassesOn()
    {
        _automatic.AcceptTimeoutMinutes = null;
        var first = OnShift("First");
        var second = OnShift("Second");
        var chat = Waiting();
        var counts = new Dictionary<Guid, int>();
        AssignmentRules.Plan([first, second], counts, [], [chat], _automatic, Now);

        _time.Advance(TimeSpan.FromDays(1));

        Assert.Empty(AssignmentRules.Plan([first, second], counts, [chat], [], _automatic, Now));
    }

    [Fact]
    public void QueueOrder_SameInstant_OldestFirstThenStableById()
    {
        var older = Waiting();
        _time.Advance(TimeSpan.FromSeconds(1));
        var newer = Waiting();
        var sameInstant = Waiting();

        var order = AssignmentRules.QueueOrder([newer, sameInstant, older]).ToList();

        Assert.Same(older, order[0]);
        Assert.Equal(AssignmentRules.QueueOrder([sameInstant, newer, older]).ToList(), order);
    }
}
