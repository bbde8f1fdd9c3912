using Parley.Server.Conversations;

namespace Parley.Server.Tests.Conversations;

public sealed class WriterQueuesTests
{
    [Fact]
    public async Task EnterAsync_SameConversation_SecondWriterWaitsForTheFirstTurn()
    {
        var queues = new WriterQueues();
        var conversation = Guid.CreateVersion7();

        var first = await queues.EnterAsync(conversation, CancellationToken.None);
        var second = queues.EnterAsync(conversation, CancellationToken.None);
        Assert.False(second.IsCompleted);

        first.Dispose();
        (await second).Dispose();
    }

    [Fact]
    public async Task EnterAsync_SameClientAddress_SecondWriterWaits_OtherChannelDoesNot()
    {
        var queues = new WriterQueues();
        var channel = Guid.CreateVersion7();

        var first = await queues.EnterAsync(channel, "visitor-1", CancellationToken.None);
        var same = queues.EnterAsync(channel, "visitor-1", CancellationToken.None);
        Assert.False(same.IsCompleted);

        // Another address almost always has its own queue; try a few so that a shared hash bucket cannot fail the test.
        var others = Enumerable.Range(0, 8).Select(i => queues.EnterAsync(Guid.CreateVersion7(), $"visitor-{i + 2}", CancellationToken.None)).ToList();
        Assert.Contains(others, t => t.IsCompleted);

        first.Dispose();
        (await same).Dispose();
        foreach (var other in others) (await other).Dispose();
    }

    [Fact]
    public async Task EnterAsync_Cancelled_WhileWaiting_DoesNotTakeTheTurn()
    {
        var queues = new WriterQueues();
        var conversation = Guid.CreateVersion7();
        var first = await queues.EnterAsync(conversation, CancellationToken.None);

        using var cts = new CancellationTokenSource();
        var waiting = queues.EnterAsync(conversation, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        first.Dispose();
        var next = queues.EnterAsync(conversation, CancellationToken.None);
        Assert.True(next.IsCompleted);
        (await next).Dispose();
    }
}
