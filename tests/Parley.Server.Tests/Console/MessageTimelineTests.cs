using Parley.Domain.Messages;
using Parley.Server.Console;
using Parley.Server.Conversations;

namespace Parley.Server.Tests.Console;

public class MessageTimelineTests
{
    private static readonly DateTime T0 = new(2026, 11, 27, 12, 0, 0, DateTimeKind.Utc);

    private static MessageDto Message(int minute, string text, DateTime? editedAt = null, DateTime? deletedAt = null, bool note = false) =>
        new(Guid.NewGuid(), Guid.Empty, note ? AuthorKind.Manager : AuthorKind.Client, null, note, text, null, [], [], null,
            DeliveryStatus.Sent, null, T0.AddMinutes(minute), editedAt, deletedAt, null);

    [Fact]
    public void Reloaded_ANoteSentWhileThePageWasRead_StaysAfterThePage()
    {
        var a = Message(1, "hello");
        var b = Message(2, "Kyiv, Khreshchatyk 1");
        var note = Message(3, "safe to change", note: true);

        var shown = MessageTimeline.Reloaded([a, b, note], [a, b]);

        Assert.Equal([a.Id, b.Id, note.Id], shown.Select(m => m.Id));
    }

    [Fact]
    public void Reloaded_OlderPagesShownBefore_AreDroppedForTheFreshPage()
    {
        var old = Message(0, "loaded with 'older'");
        var a = Message(5, "a");
        var b = Message(6, "b");

        var shown = MessageTimeline.Reloaded([old, a], [a, b]);

        Assert.Equal([a.Id, b.Id], shown.Select(m => m.Id));
    }

    [Fact]
    public void Reloaded_TheSameMessage_KeepsTheCopyChangedLast()
    {
        var read = Message(1, "before");
        var editedLive = read with { Text = "after", EditedAt = T0.AddMinutes(9) };
        var other = Message(2, "other");
        var deletedInPage = other with { DeletedAt = T0.AddMinutes(8) };

        var shown = MessageTimeline.Reloaded([editedLive, other], [read, deletedInPage]);

        Assert.Equal("after", shown[0].Text);
        Assert.Equal(T0.AddMinutes(8), shown[1].DeletedAt);
        Assert.Equal(2, shown.Count);
    }

    [Fact]
    public void Reloaded_AnEmptyPage_KeepsWhatArrivedLive()
    {
        var live = Message(1, "first message, arrived by its event");

        Assert.Equal([live.Id], MessageTimeline.Reloaded([live], []).Select(m => m.Id));
        Assert.Empty(MessageTimeline.Reloaded([], []));
    }
}
