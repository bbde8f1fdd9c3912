using Parley.Domain.Channels;
using Parley.Domain.Messages;

namespace Parley.Domain.Tests.Channels;

public sealed class ReplyWindowTests
{
    private static readonly DateTime Now = new(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(ChannelType.Instagram)]
    [InlineData(ChannelType.Messenger)]
    [InlineData(ChannelType.WhatsApp)]
    public void Check_Within24Hours_AllowedWithoutTag(ChannelType type)
    {
        var (decision, tag) = ReplyWindow.Check(type, Now.AddHours(-23.9), Now, AuthorKind.System, humanAgentEnabled: false);

        Assert.True(decision.Allowed);
        Assert.Equal(ReplyTag.None, tag);
    }

    [Fact]
    public void Check_InstagramAfter25HoursWithoutHumanAgent_RefusedSayingHowToAnswerLonger()
    {
        var (decision, _) = ReplyWindow.Check(ChannelType.Instagram, Now.AddHours(-25), Now, AuthorKind.Manager, humanAgentEnabled: false);

        Assert.False(decision.Allowed);
        Assert.Contains("only within 24 hours of the client's last message (25 hours ago)", decision.Reason);
        Assert.Contains("human agent", decision.Reason);
    }

    [Fact]
    public void Check_MessengerManagerAfter3DaysWithHumanAgent_AllowedWithTag()
    {
        var (decision, tag) = ReplyWindow.Check(ChannelType.Messenger, Now.AddDays(-3), Now, AuthorKind.Manager, humanAgentEnabled: true);

        Assert.True(decision.Allowed);
        Assert.Equal(ReplyTag.HumanAgent, tag);
    }

    [Theory]
    [InlineData(AuthorKind.System)]
    [InlineData(AuthorKind.Ai)]
    public void Check_NonHumanAfter25HoursWithHumanAgent_Refused(AuthorKind author)
    {
        var (decision, tag) = ReplyWindow.Check(ChannelType.Instagram, Now.AddHours(-25), Now, author, humanAgentEnabled: true);

        Assert.False(decision.Allowed);
        Assert.Equal(ReplyTag.None, tag);
    }

    [Fact]
    public void Check_ManagerAfter8DaysWithHumanAgent_RefusedNaming7Days()
    {
        var (decision, _) = ReplyWindow.Check(ChannelType.Instagram, Now.AddDays(-8), Now, AuthorKind.Manager, humanAgentEnabled: true);

        Assert.False(decision.Allowed);
        Assert.Contains("within 7 days", decision.Reason);
    }

    [Fact]
    public void Check_WhatsAppAfter25Hours_RefusedNamingTemplates()
    {
        var (decision, _) = ReplyWindow.Check(ChannelType.WhatsApp, Now.AddHours(-25), Now, AuthorKind.Manager, humanAgentEnabled: true);

        Assert.False(decision.Allowed);
        Assert.Contains("approved templates", decision.Reason);
    }

    [Theory]
    [InlineData(ChannelType.Telegram)]
    [InlineData(ChannelType.Api)]
    [InlineData(ChannelType.Widget)]
    public void Check_ChannelsWithoutWindow_AlwaysAllowed(ChannelType type) =>
        Assert.True(ReplyWindow.Check(type, Now.AddDays(-30), Now, AuthorKind.Manager, false).Decision.Allowed);
}
