using Parley.Domain.Channels;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Domain.Team;
using Parley.Server.Console;
using Parley.Server.Conversations;
using Parley.Server.Distribution;

namespace Parley.Browser.Tests.Console;

/// <summary>Which live events reach which open console: the Roles table, applied to the event stream (no browser needed).</summary>
public sealed class ConsoleNotifierTests
{
    private static readonly Guid Company = Guid.NewGuid();
    private static readonly TeamMember Maria = Member(Role.Manager);
    private static readonly TeamMember Ivan = Member(Role.Manager);
    private static readonly TeamMember Olena = Member(Role.Owner);

    [Fact]
    public void For_ActiveChatOfAnotherManager_ManagerHearsNothingOwnerHearsIt()
    {
        var e = new MessageAdded(Company, Item(Folder.Active, Ivan.Id), Message());

        Assert.Null(ConsoleNotifier.For(Maria, e));
        Assert.NotNull(ConsoleNotifier.For(Ivan, e));
        Assert.NotNull(ConsoleNotifier.For(Olena, e));
    }

    [Fact]
    public void For_UnassignedNewChat_EveryManagerHearsIt()
    {
        var e = new ConversationChanged(Company, Item(Folder.New, null), Changes.Created);

        Assert.NotNull(ConsoleNotifier.For(Maria, e));
        Assert.NotNull(ConsoleNotifier.For(Ivan, e));
    }

    [Fact]
    public void For_ChatTakenFromUnassignedNew_OtherManagersHearItLeft()
    {
        var e = new ConversationChanged(Company, Item(Folder.Active, Ivan.Id), Changes.Accepted, LeftUnassignedNew: true);

        Assert.NotNull(ConsoleNotifier.For(Maria, e));
    }

    [Fact]
    public void For_DeletedMessage_ManagerGetsTheMarkWithoutTextOrHistory()
    {
        var deleted = Message() with { DeletedAt = DateTime.UtcNow, Edits = [new MessageEditDto("old", Ivan.Id, DateTime.UtcNow)] };
        var e = new MessageChanged(Company, Item(Folder.Active, Ivan.Id), deleted, Changes.Deleted);

        var forIvan = Assert.IsType<MessageChanged>(ConsoleNotifier.For(Ivan, e));
        var forOlena = Assert.IsType<MessageChanged>(ConsoleNotifier.For(Olena, e));

        Assert.Equal("", forIvan.Message.Text);
        Assert.Null(forIvan.Message.Edits);
        Assert.Equal("secret text", forOlena.Message.Text);
        Assert.Single(forOlena.Message.Edits!);
    }

    [Fact]
    public void For_OwnTyping_NotEchoedBack()
    {
        var e = new TypingChanged(Company, Item(Folder.Active, Ivan.Id), Ivan.Name, Ivan.Id, true);

        Assert.Null(ConsoleNotifier.For(Ivan, e));
        Assert.NotNull(ConsoleNotifier.For(Olena, e));
    }

    [Fact]
    public void For_AnotherCompany_NothingEvenForItsOwner()
    {
        var stranger = new TeamMember { CompanyId = Guid.NewGuid(), Email = "x@y.z", Name = "Stranger", Role = Role.Owner };
        var e = new MessageAdded(Company, Item(Folder.New, null), Message());

        Assert.Null(ConsoleNotifier.For(stranger, e));
    }

    [Fact]
    public void For_DistributionChanged_OwnerHearsAllManagerOnlyTheirOwn()
    {
        var ivansShift = new DistributionChanged(Company, Ivan.Id);
        var companyWide = new DistributionChanged(Company);

        Assert.NotNull(ConsoleNotifier.For(Olena, ivansShift));
        Assert.NotNull(ConsoleNotifier.For(Olena, companyWide));
        Assert.NotNull(ConsoleNotifier.For(Ivan, ivansShift));
        Assert.Null(ConsoleNotifier.For(Maria, ivansShift));
        Assert.Null(ConsoleNotifier.For(Maria, companyWide));
    }

    private static TeamMember Member(Role role) => new() { CompanyId = Company, Email = $"{Guid.NewGuid():N}@demo.local", Name = role.ToString(), Role = role };

    private static ConversationItem Item(Folder folder, Guid? assignee) => new(
        Guid.NewGuid(), folder, null, Guid.NewGuid(), "Client", null, Guid.NewGuid(), ChannelType.Api, assignee, false, false, "uk", 1, null,
        DateTime.UtcNow, DateTime.UtcNow, "hi", AuthorKind.Client);

    private static MessageDto Message() => new(
        Guid.NewGuid(), Guid.NewGuid(), AuthorKind.Manager, Ivan.Id, false, "secret text", null, [], [], null, DeliveryStatus.Sent, null, DateTime.UtcNow,
        null, null, []);
}
