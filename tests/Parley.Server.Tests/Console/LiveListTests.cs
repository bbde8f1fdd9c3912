using Parley.Domain.Channels;
using Parley.Domain.Conversations;
using Parley.Domain.Messages;
using Parley.Server.Console;
using Parley.Server.Conversations;

namespace Parley.Server.Tests.Console;

public class LiveListTests
{
    private static readonly DateTime T0 = new(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid Maria = Guid.CreateVersion7();

    private static ConversationItem Chat(int minute, Folder folder = Folder.Active, int unread = 0, Guid? id = null) =>
        new(id ?? Guid.CreateVersion7(), folder, null, Guid.NewGuid(), "Olena", null, Guid.NewGuid(), ChannelType.Widget,
            folder == Folder.New ? null : Maria, false, false, "uk", unread, null, T0, T0.AddMinutes(minute), "привіт", AuthorKind.Client);

    [Fact]
    public void TryApply_ClientWritesInALowerChat_ItMovesToTheTopAndCountsAsUnread()
    {
        var (a, b, c) = (Chat(3), Chat(2), Chat(1));
        List<ConversationItem> items = [a, b, c];
        var wrote = c with { LastMessageAt = T0.AddMinutes(4), UnreadCount = 1, LastMessagePreview = "де моє замовлення?" };

        var unread = LiveList.TryApply(items, wrote, Folder.Active, filtered: false);

        Assert.Equal(1, unread);
        Assert.Equal([wrote, a, b], items);
    }

    [Fact]
    public void TryApply_ReadAndAnotherMessageInAnUnreadChat_StayInPlaceAndLowerTheUnreadCountOnce()
    {
        var (a, b) = (Chat(3), Chat(2, unread: 2));
        List<ConversationItem> items = [a, b];

        Assert.Equal(-1, LiveList.TryApply(items, b with { UnreadCount = 0 }, Folder.Active, filtered: false));
        Assert.Equal(0, LiveList.TryApply(items, a with { LastMessagePreview = "edited" }, Folder.Active, filtered: false));
        Assert.Equal([a with { LastMessagePreview = "edited" }, b with { UnreadCount = 0 }], items);
    }

    [Fact]
    public void TryApply_SameTimeAsTheRowAbove_OrderedByTheGreaterIdAsTheFinderDoes()
    {
        var low = Guid.Parse("00000000-0000-7000-8000-000000000001");
        var high = Guid.Parse("ffffffff-0000-7000-8000-000000000001");
        var (top, moving) = (Chat(5, id: low), Chat(1, id: high));
        List<ConversationItem> items = [top, moving];

        LiveList.TryApply(items, moving with { LastMessageAt = top.LastMessageAt }, Folder.Active, filtered: false);

        Assert.Equal([high, low], items.Select(i => i.Id));
    }

    [Fact]
    public void TryApply_AnythingThatMayMoveTheChatBetweenLists_AsksForAReload()
    {
        var (a, b) = (Chat(3), Chat(2, unread: 1));
        List<ConversationItem> items = [a, b];
        var before = items.ToList();

        Assert.Null(LiveList.TryApply(items, b with { LastMessageAt = T0.AddMinutes(9) }, Folder.Active, filtered: true));
        Assert.Null(LiveList.TryApply(items, Chat(9), Folder.Active, filtered: false));
        Assert.Null(LiveList.TryApply(items, b with { AssigneeId = Guid.NewGuid() }, Folder.Active, filtered: false));
        Assert.Null(LiveList.TryApply(items, b with { Folder = Folder.Archived }, Folder.Active, filtered: false));
        Assert.Null(LiveList.TryApply(items, b with { LastMessageAt = T0 }, Folder.Active, filtered: false));
        Assert.Equal(before, items);
    }

    [Fact]
    public void TryApply_ArchivedChat_DoesNotChangeTheUnreadCount()
    {
        var archived = Chat(1, Folder.Archived, unread: 0);
        List<ConversationItem> items = [archived];

        Assert.Equal(0, LiveList.TryApply(items, archived with { UnreadCount = 1, LastMessageAt = T0.AddMinutes(2) }, Folder.Archived, filtered: false));
    }
}
